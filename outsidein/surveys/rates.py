"""Response rates: invited, opened and answered, per survey, touchpoint and language."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import Invitation, Survey


@dataclass
class Rate:
    key: str
    invited: int
    opened: int
    answered: int
    bounced: int

    @property
    def opened_rate(self) -> float | None:
        return self.opened / self.invited if self.invited else None

    @property
    def answered_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


GROUPS = {
    "survey": "survey__slug",
    "touchpoint": "touchpoint__slug",
    "language": "language",
}


def response_rates(by: str = "survey", surveys: QuerySet[Survey] | None = None) -> list[Rate]:
    """Rates of sent invitations grouped by survey, touchpoint or language.

    Invited counts invitations that were sent or bounced (not those scheduled or cancelled);
    opened counts those whose survey page was opened; answered those with a response.
    """
    column = GROUPS[by]
    invitations = Invitation.objects.filter(Q(sent_at__isnull=False) | Q(bounced_at__isnull=False))
    if surveys is not None:
        invitations = invitations.filter(survey__in=surveys)
    rows = (
        invitations.values(column)
        .annotate(
            invited=Count("id"),
            opened=Count("id", filter=Q(opened_at__isnull=False)),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            bounced=Count("id", filter=Q(bounced_at__isnull=False)),
        )
        .order_by(column)
    )
    return [
        Rate(row[column] or "—", row["invited"], row["opened"], row["answered"], row["bounced"])
        for row in rows
    ]
