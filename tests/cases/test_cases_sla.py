"""SLA due times on the team's calendar (weekends, evenings, Easter in Norway, Swedish
midsummer) with explicit clocks, and the escalation chain notified once per step."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def case_at(org, make_item, make_rule):
    from outsidein.cases.routing import open_case

    def make(opened_at: datetime, priority: str = "normal", team: str = "billing"):
        rule = make_rule({"kind": "nps", "op": "<=", "value": 6}, priority=priority)
        item = make_item(f"i-{rule.pk}", nps=1, touchpoint=org["invoice"])
        rule.team = org[team]
        rule.save()
        return open_case(rule, item, opened_at)

    return make


def test_due_times_skip_the_evening_and_the_weekend(case_at):
    # Friday 15:00: one business hour left that day; normal = 8 h → Monday 15:00.
    case = case_at(datetime(2026, 3, 6, 15, tzinfo=OSLO))
    assert case.first_response_due == datetime(2026, 3, 9, 15, tzinfo=OSLO)
    # Friday 20:00 (after closing): the clock starts Monday 08:00.
    late = case_at(datetime(2026, 3, 6, 20, tzinfo=OSLO), priority="critical")
    assert late.first_response_due == datetime(2026, 3, 9, 10, tzinfo=OSLO)


def test_due_times_skip_norwegian_easter(case_at):
    # Wednesday 1 April 2026 14:00; Maundy Thursday, Good Friday and Easter Monday closed.
    case = case_at(datetime(2026, 4, 1, 14, tzinfo=OSLO))
    assert case.first_response_due == datetime(2026, 4, 7, 14, tzinfo=OSLO)


def test_a_swedish_team_uses_its_own_calendar(org, case_at):
    from outsidein.cases.models import TeamSettings

    TeamSettings.objects.create(team=org["field"], country="SE", opening=time(9), closing=time(17))
    # Thursday 18 June 2026 16:00 Stockholm; Midsummer Eve (Fri 19th) is closed de facto.
    stockholm = ZoneInfo("Europe/Stockholm")
    case = case_at(datetime(2026, 6, 18, 16, tzinfo=stockholm), priority="high", team="field")
    assert case.first_response_due == datetime(2026, 6, 22, 12, tzinfo=stockholm)


def test_waiting_for_the_customer_pauses_resolution(case_at, billing_member):
    from outsidein.cases.sla import case_sla
    from outsidein.cases.workflow import change_status

    case = case_at(datetime(2026, 3, 2, 8, tzinfo=OSLO), priority="critical")  # 8 h to resolve
    change_status(case, "waiting_for_customer", now=datetime(2026, 3, 2, 10, tzinfo=OSLO))
    change_status(case, "in_progress", now=datetime(2026, 3, 3, 10, tzinfo=OSLO))
    sla = case_sla(case, datetime(2026, 3, 3, 11, tzinfo=OSLO))
    assert sla.resolution.due_at == datetime(2026, 3, 3, 16, tzinfo=OSLO)
    assert sla.resolution.elapsed.total_seconds() == 3 * 3600


def test_escalation_goes_assignee_then_lead_then_cx_lead_once_each(
    org, case_at, billing_member, cx_lead
):
    from outsidein.accounts.models import User
    from outsidein.cases.escalation import check_case
    from outsidein.cases.models import Notification, TeamLead

    lead = User.objects.create_user("boss@example.com", password="x", role="team_member")
    lead.teams.add(org["billing"])
    TeamLead.objects.create(team=org["billing"], user=lead)
    case = case_at(datetime(2026, 3, 2, 8, tzinfo=OSLO), priority="critical")  # 2 h / 8 h
    case.assignee = billing_member
    case.save()
    Notification.objects.all().delete()

    def at(hour: int, minute: int = 0) -> list[str]:
        return check_case(case.pk, datetime(2026, 3, 2, hour, minute, tzinfo=OSLO))

    assert at(9) == []
    assert at(9, 30) == ["first_response:assignee"]  # 75 % of 2 h
    assert at(9, 31) == []
    assert at(10, 1) == ["first_response:team_lead"]
    assert at(11, 1) == ["first_response:cx_lead"]  # 150 %
    assert at(14) == ["resolution:assignee"]
    steps = list(Notification.objects.order_by("id").values_list("step", "recipient", "event"))
    assert steps == [
        ("first_response:assignee", billing_member.email, "due_soon"),
        ("first_response:team_lead", lead.email, "breached"),
        ("first_response:cx_lead", cx_lead.email, "escalated"),
        ("resolution:assignee", billing_member.email, "due_soon"),
    ]
    # Breached at 16:00; business time stands still in the evening, so 150 % is reached
    # on Tuesday at 12:00. A job that was down until then catches up in chain order.
    assert check_case(case.pk, datetime(2026, 3, 3, 12, tzinfo=OSLO)) == [
        "resolution:team_lead",
        "resolution:cx_lead",
    ]
    assert check_case(case.pk, datetime(2026, 3, 4, 12, tzinfo=OSLO)) == []
    assert Notification.objects.filter(step__startswith="resolution").count() == 3
