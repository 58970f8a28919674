"""Filtering feedback: one definition shared by the web explorer, the API and exports."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from outsidein.accounts.models import User
from outsidein.accounts.permissions import visible_team_ids

from .models import FeedbackItem

NPS_GROUPS = {"detractor": (0, 6), "passive": (7, 8), "promoter": (9, 10)}


def visible_feedback(user: User) -> QuerySet[FeedbackItem]:
    """Feedback the user may see: all of it, or what concerns the user's teams."""
    items = FeedbackItem.objects.all()
    team_ids = visible_team_ids(user)
    if team_ids is None:
        return items
    return items.filter(
        Q(touchpoint__owner_team_id__in=team_ids) | Q(listening_post__owner_team_id__in=team_ids)
    )


@dataclass
class FeedbackFilter:
    """Every filter is optional; empty values mean "no restriction"."""

    received_from: date | datetime | None = None
    received_to: date | datetime | None = None
    listening_post: str | None = None
    touchpoint: str | None = None
    journey: str | None = None
    team: str | None = None
    language: str | None = None
    sentiment: str | None = None
    nps_group: str | None = None
    nps_min: int | None = None
    nps_max: int | None = None
    csat_min: int | None = None
    csat_max: int | None = None
    ces_min: int | None = None
    ces_max: int | None = None
    customer: str | None = None
    value_tier: str | None = None
    q: str | None = None

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, "") for name in self.field_names())


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.min))


def _end_exclusive(value: date | datetime) -> tuple[str, datetime]:
    # A date "to" includes that whole day; a datetime is taken literally.
    if isinstance(value, datetime):
        return "received_at__lte", _start(value)
    return "received_at__lt", _start(value) + timezone.timedelta(days=1)


def _score_range(name: str, low: int | None, high: int | None) -> Q:
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{name}__gte": low})
    if high is not None:
        condition &= Q(**{f"{name}__lte": high})
    return condition


def apply_filter(items: QuerySet[FeedbackItem], spec: FeedbackFilter) -> QuerySet[FeedbackItem]:
    if spec.received_from:
        items = items.filter(received_at__gte=_start(spec.received_from))
    if spec.received_to:
        lookup, bound = _end_exclusive(spec.received_to)
        items = items.filter(**{lookup: bound})
    exact = {
        "listening_post": "listening_post__slug",
        "touchpoint": "touchpoint__slug",
        "journey": "touchpoint__stage__journey__slug",
        "language": "language",
        "sentiment": "sentiment",
        "customer": "customer__external_id",
        "value_tier": "customer__value__tier",
    }
    for attribute, lookup in exact.items():
        value = getattr(spec, attribute)
        if value:
            items = items.filter(**{lookup: value})
    if spec.team:
        items = items.filter(
            Q(touchpoint__owner_team__slug=spec.team)
            | Q(listening_post__owner_team__slug=spec.team)
        )
    if spec.nps_group:
        items = items.filter(_score_range("nps", *NPS_GROUPS[spec.nps_group]))
    items = items.filter(
        _score_range("nps", spec.nps_min, spec.nps_max),
        _score_range("csat", spec.csat_min, spec.csat_max),
        _score_range("ces", spec.ces_min, spec.ces_max),
    )
    if spec.q:
        # Search the redacted text only, so search cannot reveal masked personal data.
        items = items.filter(redacted_text__icontains=spec.q)
    return items
