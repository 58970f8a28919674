"""`outsidein surveys ...`: send due invitations (for cron), templates, create, rates."""

from __future__ import annotations

import click


@click.group()
def surveys() -> None:
    """Hosted surveys: templates, invitations and response rates."""


@surveys.command("send")
def send() -> None:
    """Send due invitations and reminders (run it every few minutes from cron)."""
    from outsidein.cli import ensure_database

    from .distribution import send_due_invitations

    ensure_database()
    try:
        report = send_due_invitations()
    except OSError as error:  # nothing was marked sent: the next run tries again
        raise click.ClickException(f"Cannot reach the SMTP server: {error}") from None
    skipped = ", ".join(f"{reason}: {n}" for reason, n in sorted(report.skipped.items()))
    click.echo(
        f"Sent {report.sent} invitations and {report.reminded} reminders; "
        f"{report.bounced} bounced; skipped {skipped or 'none'}."
    )


@surveys.command("templates")
def list_templates() -> None:
    """List the ready-made survey templates."""
    from .library import templates

    for key, template in templates().items():
        kinds = ", ".join(q["kind"] for q in template["questions"])
        click.echo(f"{key:20} {template['name']['en']} ({kinds})")
        click.echo(f"{'':20} {template.get('description', '')}")


@surveys.command("create")
@click.argument("template")
@click.option("--slug", required=True, help="Short name used in links.")
@click.option("--post", "post", required=True, metavar="SLUG", help="Listening post.")
@click.option("--touchpoint", metavar="SLUG")
@click.option("--name", default="")
@click.option("--live", is_flag=True, help="Open it for answers at once.")
@click.option("--public", is_flag=True, help="Enable the anonymous public link.")
def create(
    template: str,
    slug: str,
    post: str,
    touchpoint: str | None,
    name: str,
    live: bool,
    public: bool,
) -> None:
    """Create a survey from a TEMPLATE (see `outsidein surveys templates`)."""
    from outsidein.cli import ensure_database
    from outsidein.journeys.models import Touchpoint
    from outsidein.listening.models import ListeningPost

    from .library import create_from_template
    from .models import Survey
    from .questions import DefinitionError

    ensure_database()
    listening_post = ListeningPost.objects.filter(slug=post).first()
    if listening_post is None:
        raise click.ClickException(f"Unknown listening post {post!r}")
    point = Touchpoint.objects.filter(slug=touchpoint).first() if touchpoint else None
    if touchpoint and point is None:
        raise click.ClickException(f"Unknown touchpoint {touchpoint!r}")
    if Survey.objects.filter(slug=slug).exists():
        raise click.ClickException(f"A survey {slug!r} exists already")
    try:
        survey = create_from_template(
            template, slug=slug, listening_post=listening_post, touchpoint=point, name=name
        )
    except DefinitionError as error:
        raise click.ClickException(str(error)) from None
    Survey.objects.filter(pk=survey.pk).update(
        status="live" if live else "draft", public_link=public
    )
    click.echo(f"Created survey {slug!r} ({'live' if live else 'draft'}).")


@surveys.command("rates")
@click.option("--by", type=click.Choice(["survey", "touchpoint", "language"]), default="survey")
def rates(by: str) -> None:
    """Invited, opened and answered per survey, touchpoint or language."""
    from outsidein.cli import ensure_database

    from .rates import response_rates

    ensure_database()
    click.echo(f"{by:24} {'invited':>8} {'opened':>8} {'answered':>9} {'rate':>6}")
    for rate in response_rates(by):
        share = f"{rate.answered_rate:.0%}" if rate.answered_rate is not None else "—"
        click.echo(f"{rate.key:24} {rate.invited:8} {rate.opened:8} {rate.answered:9} {share:>6}")
