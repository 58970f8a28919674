"""Who may see and change what.

admin and cx_lead see and change everything; a team member sees and changes what
concerns their own teams (feedback on their touchpoints or listening posts); a viewer
(typically an executive) reads organisation-wide figures and changes nothing. Only
admin and cx_lead see feedback text before PII redaction.
"""

from __future__ import annotations

from .models import Role, User

ORG_WIDE_ROLES = {Role.ADMIN, Role.CX_LEAD, Role.VIEWER}
EDITOR_ROLES = {Role.ADMIN, Role.CX_LEAD, Role.TEAM_MEMBER}


def sees_whole_organisation(user: User) -> bool:
    return user.is_superuser or user.role in ORG_WIDE_ROLES


def visible_team_ids(user: User) -> set[int] | None:
    """Team ids whose data the user may see, or None for the whole organisation."""
    if sees_whole_organisation(user):
        return None
    return set(user.teams.values_list("id", flat=True))


def can_change_data(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in EDITOR_ROLES)


def can_manage_setup(user: User) -> bool:
    """Setup (teams, listening posts, journeys, codebook) belongs to the banner carrier."""
    return user.is_active and (user.is_superuser or user.role in {Role.ADMIN, Role.CX_LEAD})


def can_see_original_text(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in {Role.ADMIN, Role.CX_LEAD})
