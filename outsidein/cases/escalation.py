"""The SLA job: update each open case's SLA badge and notify escalation steps once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from outsidein.accounts.models import User
from outsidein.loop.sla import DEFAULT_CHAIN, EscalationNotice, SlaState, plan_escalations

from .models import OPEN_STATUSES, Case, TeamLead
from .outbox import notify_channels, notify_users
from .sla import case_sla


def people_for(case: Case, role: str) -> list[User]:
    """Who a step of the chain reaches: assignee (else the team), team lead, CX lead."""
    if role == "assignee":
        if case.assignee_id:
            return [case.assignee]
        return list(case.team.members.filter(is_active=True)) if case.team_id else []
    if role == "team_lead":
        return [lead.user for lead in TeamLead.objects.filter(team_id=case.team_id)]
    return list(User.objects.filter(role="cx_lead", is_active=True))


def _event(notice: EscalationNotice, state: SlaState) -> str:
    if notice.role == "assignee":
        return "breached" if state is SlaState.BREACHED else "due_soon"
    return "breached" if notice.role == "team_lead" else "escalated"


def check_case(case_id: int, now: datetime) -> list[str]:
    """Escalate one case; returns the step keys notified now."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("team", "assignee")
            .get(pk=case_id)
        )
        if case.status not in OPEN_STATUSES:
            return []
        sla = case_sla(case, now)
        plan = plan_escalations(sla, set(case.escalated_steps), DEFAULT_CHAIN)
        clocks = {c.clock: c for c in sla.clocks}
        for notice in plan.due_now:
            event = _event(notice, clocks[notice.clock].state)
            notify_users(case, event, notice.key, people_for(case, notice.role), now)
            if notice.role == "team_lead":
                notify_channels(case, event, notice.key, now)
        # The steps and their notifications commit together: each step is notified once.
        case.escalated_steps = [*case.escalated_steps, *(n.key for n in plan.due_now)]
        case.sla_state = sla.state.value
        Case.objects.filter(pk=case.pk).update(
            escalated_steps=case.escalated_steps, sla_state=case.sla_state
        )
    return [n.key for n in plan.due_now]


def check_slas(now: datetime | None = None) -> int:
    """The periodic job; returns how many steps were notified."""
    now = now or timezone.now()
    ids = Case.objects.filter(status__in=OPEN_STATUSES).values_list("id", flat=True)
    return sum(len(check_case(case_id, now)) for case_id in list(ids))
