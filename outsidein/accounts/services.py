"""Managing users outside the admin (the CLI)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Role, Team, User


class UserSetupError(ValueError):
    pass


@transaction.atomic
def add_or_update_user(
    email: str, role: str, team_slugs: Sequence[str], password: str | None = None, name: str = ""
) -> tuple[User, bool, str | None]:
    """Create the user or update role and teams; return (user, created, generated password)."""
    try:
        validate_email(email)
    except ValidationError as error:
        raise UserSetupError(f"{email!r} is not a valid e-mail address") from error
    if role not in Role.values:
        raise UserSetupError(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    teams = list(Team.objects.filter(slug__in=team_slugs))
    missing = set(team_slugs) - {team.slug for team in teams}
    if missing:
        raise UserSetupError(f"unknown team(s): {', '.join(sorted(missing))}")
    first, _, last = name.partition(" ")
    person = User.objects.filter(email=email.lower()).first()
    generated = None
    created = person is None
    if created:
        generated = None if password else secrets.token_urlsafe(12)
        person = User.objects.create_user(
            email, password or generated, role=role, first_name=first, last_name=last
        )
    else:
        person.role = role
        if name:
            person.first_name, person.last_name = first, last
        if password:
            person.set_password(password)
        person.save()
    # Administrators run the Django admin; the other roles work in the product's own pages.
    person.is_staff = person.is_superuser = role == Role.ADMIN
    person.save(update_fields=["is_staff", "is_superuser"])
    if teams or created:
        person.teams.set(teams)
    return person, created, generated
