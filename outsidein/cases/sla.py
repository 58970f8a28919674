"""SLA terms of a case: the team's calendar and policy, frozen at opening."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from outsidein.accounts.models import Team
from outsidein.loop.calendar import BusinessCalendar
from outsidein.loop.sla import DEFAULT_POLICY, CaseSla, SlaPolicy, due_times, evaluate_case

from .models import AlertRule, Case, TeamSettings


def team_calendar(team: Team | None) -> BusinessCalendar:
    settings = TeamSettings.objects.filter(team=team).first() if team else None
    return settings.calendar() if settings else BusinessCalendar("NO")


def team_policy(team: Team | None, rule: AlertRule | None) -> SlaPolicy:
    if rule is not None and rule.sla_policy_id:
        return rule.sla_policy.policy()
    settings = TeamSettings.objects.filter(team=team).select_related("sla_policy").first()
    if settings and settings.sla_policy:
        return settings.sla_policy.policy()
    return DEFAULT_POLICY


def sla_terms(team: Team | None, rule: AlertRule | None) -> dict[str, Any]:
    return {"calendar": team_calendar(team).to_dict(), "policy": team_policy(team, rule).to_dict()}


def apply_terms(case: Case, terms: dict[str, Any]) -> None:
    """Store the terms and the due times of both clocks on an unsaved or open case."""
    case.sla_terms = terms
    calendar = BusinessCalendar.from_dict(terms["calendar"])
    policy = SlaPolicy.from_dict(terms["policy"])
    case.first_response_due, case.resolution_due = due_times(
        policy, case.priority, calendar, case.opened_at
    )


def _pauses(case: Case) -> list[tuple[datetime, datetime | None]]:
    return [
        (datetime.fromisoformat(start), datetime.fromisoformat(end) if end else None)
        for start, end in case.pauses
    ]


def case_sla(case: Case, now: datetime) -> CaseSla:
    calendar = BusinessCalendar.from_dict(case.sla_terms["calendar"])
    policy = SlaPolicy.from_dict(case.sla_terms["policy"])
    return evaluate_case(
        policy,
        case.priority,
        calendar,
        case.opened_at,
        now,
        first_response_at=case.first_response_at,
        resolved_at=case.resolved_at,
        pauses=_pauses(case),
    )
