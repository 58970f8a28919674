"""`outsidein user add` and `outsidein token create|list|revoke`."""

from __future__ import annotations

import click

ROLES = ["admin", "cx_lead", "team_member", "viewer"]


@click.group()
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--team", "teams", multiple=True, help="Team slug; repeat for several teams.")
@click.option("--password", help="Default: a random one, printed once.")
@click.option("--name", default="", help="Full name.")
def add_user(
    email: str, role: str, teams: tuple[str, ...], password: str | None, name: str
) -> None:
    """Create a user with a role, or update the role and teams of an existing one."""
    from outsidein.cli import ensure_database

    from .services import UserSetupError, add_or_update_user

    ensure_database()
    try:
        person, created, plain_password = add_or_update_user(email, role, teams, password, name)
    except UserSetupError as error:
        raise click.ClickException(str(error)) from error
    action = "created" if created else "updated"
    team_list = ", ".join(person.teams.values_list("slug", flat=True)) or "no team"
    click.echo(f"{action} {person.email} as {person.role} ({team_list})")
    if plain_password:
        click.echo(f"password: {plain_password}")


@click.group()
def token() -> None:
    """Personal API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    from outsidein.cli import ensure_database

    from .models import User
    from .tokens import create_token

    ensure_database()
    person = User.objects.filter(email=email.lower()).first()
    if person is None:
        raise click.ClickException(f"no user with e-mail {email}")
    _, plain = create_token(person, name)
    click.echo(plain)


@token.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List a user's tokens (prefixes only)."""
    from .models import ApiToken

    for item in ApiToken.objects.filter(user__email=email.lower()):
        state = "revoked" if item.revoked_at else "active"
        click.echo(f"{item.prefix}…\t{item.name}\t{state}\tcreated {item.created_at:%Y-%m-%d}")


@token.command("revoke")
@click.argument("prefix")
def revoke_token_command(prefix: str) -> None:
    """Revoke the token whose printed prefix starts with PREFIX."""
    from .models import ApiToken
    from .tokens import revoke_token

    matches = list(ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True))
    if len(matches) != 1:
        raise click.ClickException(
            f"{len(matches)} active tokens match {prefix!r}; give more characters"
        )
    revoke_token(matches[0])
    click.echo(f"revoked {matches[0]}")
