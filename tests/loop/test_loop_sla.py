"""SLA clocks, states and the escalation chain, with a frozen clock (``now`` passed in)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from outsidein.loop.calendar import BusinessCalendar
from outsidein.loop.sla import (
    DEFAULT_CHAIN,
    DEFAULT_POLICY,
    EscalationStep,
    SlaError,
    SlaPolicy,
    SlaState,
    SlaTarget,
    due_times,
    evaluate_case,
    evaluate_clock,
    plan_escalations,
)

OSLO = ZoneInfo("Europe/Oslo")
H = timedelta(hours=1)
CAL = BusinessCalendar("NO")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


FRIDAY = oslo(2025, 3, 7, 15, 30)


def test_due_times_for_normal_priority() -> None:
    first, resolution = due_times(DEFAULT_POLICY, "normal", CAL, FRIDAY)
    assert first == oslo(2025, 3, 10, 15, 30)  # 8 h: half an hour Friday, 7.5 h Monday
    assert resolution == oslo(2025, 3, 14, 15, 30)  # 40 h: a working week later


def test_due_times_skip_17_may() -> None:
    first, _ = due_times(DEFAULT_POLICY, "critical", CAL, oslo(2024, 5, 16, 15))
    assert first == oslo(2024, 5, 21, 9)  # 2 h; 17 May, weekend and Whit Monday closed


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (oslo(2025, 3, 10, 9), SlaState.ON_TRACK),  # 1.5 h of 4 h used
        (oslo(2025, 3, 10, 10, 30), SlaState.DUE_SOON),  # 3 h = 75 %
        (oslo(2025, 3, 10, 11, 30), SlaState.DUE_SOON),  # exactly at the due time
        (oslo(2025, 3, 10, 11, 31), SlaState.BREACHED),
    ],
)
def test_clock_states(now: datetime, state: SlaState) -> None:
    status = evaluate_clock(CAL, FRIDAY, 4 * H, now)
    assert status.state is state
    assert status.due_at == oslo(2025, 3, 10, 11, 30)


def test_breached_after_closing_even_though_business_time_stands_still() -> None:
    opened = oslo(2025, 3, 4, 12)
    status = evaluate_clock(CAL, opened, 4 * H, oslo(2025, 3, 4, 18))  # due 16:00
    assert status.state is SlaState.BREACHED
    assert status.elapsed == 4 * H and status.remaining == timedelta(0)


def test_due_soon_share_is_configurable() -> None:
    now = oslo(2025, 3, 10, 9, 30)  # 2 h of 4 h
    assert evaluate_clock(CAL, FRIDAY, 4 * H, now).state is SlaState.ON_TRACK
    assert evaluate_clock(CAL, FRIDAY, 4 * H, now, due_soon_share=0.5).state is SlaState.DUE_SOON


def test_stopped_clock_is_met_or_breached_for_good() -> None:
    met = evaluate_clock(CAL, FRIDAY, 4 * H, oslo(2025, 4, 1), stopped_at=oslo(2025, 3, 10, 9))
    assert met.state is SlaState.MET and not met.running
    late = evaluate_clock(CAL, FRIDAY, 4 * H, oslo(2025, 4, 1), stopped_at=oslo(2025, 3, 10, 12))
    assert late.state is SlaState.BREACHED


def test_stop_after_now_is_ignored_when_replaying_history() -> None:
    status = evaluate_clock(
        CAL, FRIDAY, 4 * H, oslo(2025, 3, 10, 9), stopped_at=oslo(2025, 3, 10, 10)
    )
    assert status.running and status.state is SlaState.ON_TRACK


def test_waiting_for_customer_pauses_the_clock() -> None:
    opened = oslo(2025, 3, 3, 8)  # Monday
    pause = (oslo(2025, 3, 3, 10), oslo(2025, 3, 4, 10))  # waiting a full business day
    status = evaluate_clock(CAL, opened, 4 * H, oslo(2025, 3, 4, 11), pauses=[pause])
    assert status.elapsed == 3 * H
    assert status.due_at == oslo(2025, 3, 4, 12)
    assert status.state is SlaState.DUE_SOON


def test_ongoing_pause() -> None:
    opened = oslo(2025, 3, 3, 8)
    status = evaluate_clock(
        CAL, opened, 4 * H, oslo(2025, 3, 5, 9), pauses=[(oslo(2025, 3, 3, 9), None)]
    )
    assert status.paused and status.elapsed == 1 * H
    assert status.state is SlaState.ON_TRACK
    assert status.due_at == oslo(2025, 3, 5, 12)  # if resumed now


def test_pause_after_breach_does_not_cure_it() -> None:
    opened = oslo(2025, 3, 3, 8)
    pause = (oslo(2025, 3, 3, 14), None)  # due 12:00, paused at 14:00
    status = evaluate_clock(CAL, opened, 4 * H, oslo(2025, 3, 3, 15), pauses=[pause])
    assert status.due_at == oslo(2025, 3, 3, 12)
    assert status.state is SlaState.BREACHED


def test_overlapping_pauses_count_once() -> None:
    opened = oslo(2025, 3, 3, 8)
    pauses = [
        (oslo(2025, 3, 3, 9), oslo(2025, 3, 3, 11)),
        (oslo(2025, 3, 3, 10), oslo(2025, 3, 3, 12)),
    ]
    status = evaluate_clock(CAL, opened, 8 * H, oslo(2025, 3, 3, 13), pauses=pauses)
    assert status.elapsed == 2 * H
    assert status.due_at == oslo(2025, 3, 4, 11)


def test_case_has_two_clocks_and_a_worst_state() -> None:
    sla = evaluate_case(
        DEFAULT_POLICY,
        "high",
        CAL,
        FRIDAY,
        oslo(2025, 3, 10, 12),
        first_response_at=oslo(2025, 3, 10, 9),
    )
    assert sla.first_response.state is SlaState.MET
    assert sla.resolution.state is SlaState.ON_TRACK  # 4.5 h of 16 h
    assert sla.state is SlaState.ON_TRACK
    late = evaluate_case(DEFAULT_POLICY, "high", CAL, FRIDAY, oslo(2025, 3, 11, 9))
    assert late.first_response.state is SlaState.BREACHED
    assert late.state is SlaState.BREACHED


def test_policy_round_trip_and_validation() -> None:
    assert SlaPolicy.from_dict(DEFAULT_POLICY.to_dict()) == DEFAULT_POLICY
    with pytest.raises(SlaError, match="unknown priority"):
        SlaPolicy("x", {"urgent": SlaTarget(H, H)})
    with pytest.raises(SlaError, match="due_soon_share"):
        SlaPolicy("x", {}, due_soon_share=1.5)
    with pytest.raises(SlaError, match="positive"):
        SlaTarget(timedelta(0), H)
    with pytest.raises(SlaError, match="no target"):
        SlaPolicy("partial", {"high": SlaTarget(H, H)}).target("low")
    with pytest.raises(SlaError, match="invalid SLA policy"):
        SlaPolicy.from_dict({"name": "x", "targets": {"high": {"first_response_hours": 1}}})


# -- escalation ---------------------------------------------------------------------------


def _case_at(now: datetime, **kwargs: datetime) -> object:
    # critical: 2 h first response, 8 h resolution.
    return evaluate_case(DEFAULT_POLICY, "critical", CAL, oslo(2025, 3, 3, 8), now, **kwargs)


def _keys(notices: tuple) -> list[str]:
    return [n.key for n in notices]


def test_nothing_to_escalate_early() -> None:
    plan = plan_escalations(_case_at(oslo(2025, 3, 3, 9)), set())
    assert plan.due_now == ()
    assert "first_response:assignee" in _keys(plan.pending)


def test_assignee_first_when_about_to_breach() -> None:
    plan = plan_escalations(_case_at(oslo(2025, 3, 3, 9, 30)), set())  # 75 % of 2 h
    assert _keys(plan.due_now) == ["first_response:assignee"]


def test_team_lead_after_breach_assignee_not_again() -> None:
    plan = plan_escalations(_case_at(oslo(2025, 3, 3, 10, 1)), {"first_response:assignee"})
    assert _keys(plan.due_now) == ["first_response:team_lead"]
    assert _keys(plan.already_notified) == ["first_response:assignee"]


def test_steps_missed_while_job_was_down_come_in_chain_order() -> None:
    plan = plan_escalations(_case_at(oslo(2025, 3, 4, 15)), set())  # everything overdue
    assert _keys(plan.due_now) == [
        "first_response:assignee",
        "resolution:assignee",
        "first_response:team_lead",
        "resolution:team_lead",
        "first_response:cx_lead",
        "resolution:cx_lead",
    ]
    assert [n.step for n in plan.due_now] == [0, 0, 1, 1, 2, 2]


def test_stopped_clock_escalates_no_further() -> None:
    case = _case_at(oslo(2025, 3, 3, 15), first_response_at=oslo(2025, 3, 3, 11))
    plan = plan_escalations(case, {"first_response:assignee", "first_response:team_lead"})
    assert all(n.clock == "resolution" for n in plan.due_now)
    assert "first_response:cx_lead" not in _keys(plan.due_now + plan.pending)


def test_each_step_is_notified_exactly_once_over_a_week_of_job_runs() -> None:
    notified: set[str] = set()
    sent: list[str] = []
    now = oslo(2025, 3, 3, 8)
    while now < oslo(2025, 3, 10, 8):
        case = _case_at(now, first_response_at=oslo(2025, 3, 3, 9, 45))
        for _ in range(2):  # the job runs twice each time: no duplicates
            for notice in plan_escalations(case, notified).due_now:
                sent.append(notice.key)
                notified.add(notice.key)
        now += timedelta(minutes=15)
    assert sent == [
        "first_response:assignee",  # 09:30 = 75 % of 2 h, before the response at 09:45
        "resolution:assignee",  # 14:00 = 75 % of 8 h
        "resolution:team_lead",  # 16:00 breached
        "resolution:cx_lead",  # Tuesday 12:00 = 150 %
    ]


def test_custom_chain_for_one_clock() -> None:
    chain = (EscalationStep("team_lead", 1.0, clocks=("resolution",)),)
    plan = plan_escalations(_case_at(oslo(2025, 3, 4, 15)), set(), chain)
    assert _keys(plan.due_now) == ["resolution:team_lead"]


@pytest.mark.parametrize(
    "chain",
    [
        (EscalationStep("team_lead", 1.0), EscalationStep("assignee", 0.75)),
        (EscalationStep("assignee", 0.75), EscalationStep("assignee", 1.0)),
    ],
)
def test_invalid_chains(chain: tuple) -> None:
    with pytest.raises(SlaError):
        plan_escalations(_case_at(oslo(2025, 3, 3, 9)), set(), chain)


def test_invalid_step() -> None:
    with pytest.raises(SlaError):
        EscalationStep("x", 0)
    with pytest.raises(SlaError):
        EscalationStep("x", 1.0, clocks=("lunch",))


def test_default_chain_is_assignee_team_lead_cx_lead() -> None:
    assert [s.role for s in DEFAULT_CHAIN] == ["assignee", "team_lead", "cx_lead"]
