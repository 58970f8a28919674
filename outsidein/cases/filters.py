"""Filtering cases: one definition for the inbox, "my cases" and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from outsidein.accounts.models import User

from .models import OPEN_STATUSES


@dataclass
class CaseFilter:
    status: str | None = None  # a status, or "open" (new, in progress, waiting)
    priority: str | None = None
    sla_state: str | None = None
    assignee: str | None = None  # user id, "me" or "none"
    team: str | None = None  # team slug


def apply_case_filter(cases: QuerySet, spec: CaseFilter, user: User) -> QuerySet:
    if spec.status == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif spec.status:
        cases = cases.filter(status=spec.status)
    if spec.priority:
        cases = cases.filter(priority=spec.priority)
    if spec.sla_state:
        cases = cases.filter(sla_state=spec.sla_state)
    if spec.team:
        cases = cases.filter(team__slug=spec.team)
    if spec.assignee == "me":
        cases = cases.filter(assignee=user)
    elif spec.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif spec.assignee and spec.assignee.isdigit():
        cases = cases.filter(Q(assignee_id=int(spec.assignee)))
    return cases
