"""Loop metrics: closure rate, response and resolution times, SLA adherence, stopped loops."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from outsidein.loop.sla import SlaState

from .models import Case, CaseContact, Status
from .sla import case_sla

DONE = (Status.RESOLVED, Status.CLOSED)


@dataclass
class Adherence:
    label: str
    cases: int = 0
    met: int = 0
    breached: int = 0

    @property
    def rate(self) -> float | None:
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass
class LoopMetrics:
    since: datetime
    opened: int = 0
    done: int = 0
    closed_loop: int = 0  # resolved/closed with a customer contact
    first_response_hours: float | None = None  # median, wall-clock
    resolution_hours: float | None = None
    by_team: list[Adherence] = field(default_factory=list)
    by_touchpoint: list[Adherence] = field(default_factory=list)
    stopped: list[Case] = field(default_factory=list)

    @property
    def closure_rate(self) -> float | None:
        return self.closed_loop / self.opened if self.opened else None


def _hours(deltas: list[timedelta]) -> float | None:
    return round(median(d.total_seconds() for d in deltas) / 3600, 1) if deltas else None


def stopped_feedback(cases: QuerySet) -> QuerySet:
    """Closed without any customer contact and without a root cause: the loop stopped."""
    contacted = CaseContact.objects.filter(case=OuterRef("pk"))
    return cases.filter(status=Status.CLOSED, root_cause="").exclude(Exists(contacted))


def loop_metrics(cases: QuerySet, *, days: int = 90, now: datetime | None = None) -> LoopMetrics:
    now = now or timezone.now()
    since = now - timedelta(days=days)
    cases = cases.filter(opened_at__gte=since)
    contacted = CaseContact.objects.filter(case=OuterRef("pk"))
    rows = list(
        cases.annotate(contacted=Exists(contacted)).select_related("team", "feedback__touchpoint")
    )
    result = LoopMetrics(since=since, opened=len(rows))
    teams: dict[str, Adherence] = defaultdict(lambda: Adherence(""))
    touchpoints: dict[str, Adherence] = defaultdict(lambda: Adherence(""))
    first, resolution = [], []
    for case in rows:
        if case.status in DONE:
            result.done += 1
            result.closed_loop += case.contacted
        if case.first_response_at:
            first.append(case.first_response_at - case.opened_at)
        if case.resolved_at:
            resolution.append(case.resolved_at - case.opened_at)
        state = case_sla(case, now).state
        tp = case.feedback.touchpoint
        for groups, label in (
            (teams, case.team.name if case.team else "—"),
            (touchpoints, tp.name if tp else "—"),
        ):
            group = groups[label]
            group.label = label
            group.cases += 1
            group.met += state is SlaState.MET
            group.breached += state is SlaState.BREACHED
    result.first_response_hours = _hours(first)
    result.resolution_hours = _hours(resolution)
    result.by_team = sorted(teams.values(), key=lambda a: a.label)
    result.by_touchpoint = sorted(touchpoints.values(), key=lambda a: a.label)
    result.stopped = list(stopped_feedback(cases).select_related("team", "rule")[:50])
    return result
