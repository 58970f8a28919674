"""SLAs counted in business hours, their states, and the escalation chain.

Everything here is a pure function of timestamps, so the Django side can evaluate
thousands of open cases in a periodic job, and tests can use a frozen clock by passing
``now``. A case has two clocks: time to first response and time to resolution; time spent
"waiting for the customer" can be passed as pauses and does not count towards resolution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from outsidein.loop.calendar import BusinessCalendar

__all__ = [
    "CLOCKS",
    "DEFAULT_CHAIN",
    "DEFAULT_POLICY",
    "PRIORITIES",
    "CaseSla",
    "ClockStatus",
    "EscalationNotice",
    "EscalationPlan",
    "EscalationStep",
    "SlaError",
    "SlaPolicy",
    "SlaState",
    "SlaTarget",
    "due_times",
    "evaluate_case",
    "evaluate_clock",
    "plan_escalations",
]

PRIORITIES: tuple[str, ...] = ("critical", "high", "normal", "low")
CLOCKS: tuple[str, ...] = ("first_response", "resolution")

Pause = tuple[datetime, datetime | None]  # (start, end); end None = still paused


class SlaError(ValueError):
    """An invalid policy, priority or escalation chain."""


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    MET = "met"  # the clock stopped in time


# Worst first, for summarising two clocks into one badge.
_SEVERITY = {SlaState.BREACHED: 3, SlaState.DUE_SOON: 2, SlaState.ON_TRACK: 1, SlaState.MET: 0}


@dataclass(frozen=True)
class SlaTarget:
    """Business time allowed until first response and until resolution."""

    first_response: timedelta
    resolution: timedelta

    def __post_init__(self) -> None:
        if self.first_response <= timedelta(0) or self.resolution <= timedelta(0):
            raise SlaError("SLA targets must be positive")

    def for_clock(self, clock: str) -> timedelta:
        if clock not in CLOCKS:
            raise SlaError(f"clock must be one of {', '.join(CLOCKS)}, not {clock!r}")
        return self.first_response if clock == "first_response" else self.resolution


def _hours(value: float) -> timedelta:
    return timedelta(hours=value)


@dataclass(frozen=True)
class SlaPolicy:
    """Targets per priority; ``due_soon_share`` of a target used turns a clock "due soon"."""

    name: str
    targets: Mapping[str, SlaTarget]
    due_soon_share: float = 0.75

    def __post_init__(self) -> None:
        unknown = set(self.targets) - set(PRIORITIES)
        if unknown:
            raise SlaError(f"unknown priority {sorted(unknown)}; use {', '.join(PRIORITIES)}")
        if not 0 < self.due_soon_share < 1:
            raise SlaError("due_soon_share must be between 0 and 1 (e.g. 0.75)")
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))

    def target(self, priority: str) -> SlaTarget:
        try:
            return self.targets[priority]
        except KeyError:
            raise SlaError(f"policy {self.name!r} has no target for {priority!r}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaPolicy:
        """From ``{"name", "due_soon_share", "targets": {prio: {"first_response_hours",
        "resolution_hours"}}}`` (hours are business hours, may be fractional)."""
        try:
            targets = {
                prio: SlaTarget(_hours(t["first_response_hours"]), _hours(t["resolution_hours"]))
                for prio, t in data["targets"].items()
            }
            return cls(str(data["name"]), targets, float(data.get("due_soon_share", 0.75)))
        except SlaError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise SlaError(f"invalid SLA policy: missing or wrong field {exc}") from exc

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "due_soon_share": self.due_soon_share,
            "targets": {
                prio: {
                    "first_response_hours": t.first_response / timedelta(hours=1),
                    "resolution_hours": t.resolution / timedelta(hours=1),
                }
                for prio, t in self.targets.items()
            },
        }


# A starting point a CX lead adjusts: business hours, so "normal" = one working day to
# answer and one working week (8 h days) to resolve.
DEFAULT_POLICY = SlaPolicy(
    "standard",
    {
        "critical": SlaTarget(_hours(2), _hours(8)),
        "high": SlaTarget(_hours(4), _hours(16)),
        "normal": SlaTarget(_hours(8), _hours(40)),
        "low": SlaTarget(_hours(16), _hours(80)),
    },
)


@dataclass(frozen=True)
class ClockStatus:
    """One SLA clock at ``now``: its state, due time and business time used."""

    clock: str
    state: SlaState
    due_at: datetime  # while paused: the due time if the clock resumed now
    target: timedelta
    elapsed: timedelta  # business time counted, pauses excluded
    paused: bool = False
    stopped_at: datetime | None = None

    @property
    def share_used(self) -> float:
        return self.elapsed / self.target

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def remaining(self) -> timedelta:
        """Business time left (negative once breached)."""
        return self.target - self.elapsed


def _merge_pauses(pauses: Iterable[Pause], start: datetime, end: datetime) -> list[Pause]:
    """Pauses clipped to [start, end], sorted and merged so none is counted twice."""
    clipped = []
    for p_start, p_end in pauses:
        lo, hi = max(p_start, start), min(p_end or end, end)
        if lo < hi or (p_end is None and lo <= end):
            clipped.append((lo, hi if p_end is not None and p_end <= end else None))
    clipped.sort(key=lambda p: p[0])
    merged: list[Pause] = []
    for lo, hi in clipped:
        if merged and (merged[-1][1] is None or lo <= merged[-1][1]):
            prev_lo, prev_hi = merged[-1]
            merged[-1] = (prev_lo, None if hi is None or prev_hi is None else max(prev_hi, hi))
        else:
            merged.append((lo, hi))
    return merged


def _walk_due(
    calendar: BusinessCalendar,
    start: datetime,
    target: timedelta,
    pauses: list[Pause],
    end: datetime,
) -> datetime:
    """The instant the active (unpaused) business time reaches ``target``.

    Walks the pauses in order, so a clock that was already past due when a pause began
    stays breached: a later pause does not move an earlier due time.
    """
    remaining, cursor = target, start
    for p_start, p_end in pauses:
        segment = calendar.business_time_between(cursor, p_start)
        if segment >= remaining:
            return calendar.add_business_time(cursor, remaining)
        remaining -= segment
        cursor = max(cursor, p_end or end)
    return calendar.add_business_time(cursor, remaining)


def evaluate_clock(
    calendar: BusinessCalendar,
    started_at: datetime,
    target: timedelta,
    now: datetime,
    *,
    clock: str = "resolution",
    stopped_at: datetime | None = None,
    pauses: Iterable[Pause] = (),
    due_soon_share: float = 0.75,
) -> ClockStatus:
    """State of one clock that started at ``started_at`` with ``target`` business time.

    ``stopped_at`` (first response sent, case resolved) freezes the clock: it is then MET
    or BREACHED for good. A stop after ``now`` is ignored, so replaying history works.
    """
    if stopped_at is not None and stopped_at > now:
        stopped_at = None
    end = stopped_at or now
    merged = _merge_pauses(pauses, started_at, end)
    paused_time = sum(
        (calendar.business_time_between(lo, hi or end) for lo, hi in merged), timedelta(0)
    )
    elapsed = calendar.business_time_between(started_at, end) - paused_time
    due_at = _walk_due(calendar, started_at, target, merged, end)
    is_paused = stopped_at is None and bool(merged) and merged[-1][1] is None
    if stopped_at is not None:
        state = SlaState.MET if stopped_at <= due_at else SlaState.BREACHED
    elif now > due_at:
        state = SlaState.BREACHED
    elif elapsed >= target * due_soon_share:
        state = SlaState.DUE_SOON
    else:
        state = SlaState.ON_TRACK
    return ClockStatus(clock, state, due_at, target, elapsed, is_paused, stopped_at)


@dataclass(frozen=True)
class CaseSla:
    """Both clocks of a case."""

    first_response: ClockStatus
    resolution: ClockStatus

    @property
    def clocks(self) -> tuple[ClockStatus, ClockStatus]:
        return (self.first_response, self.resolution)

    @property
    def state(self) -> SlaState:
        """The worst state of the two clocks, for a single badge in the inbox."""
        return max((c.state for c in self.clocks), key=_SEVERITY.__getitem__)


def due_times(
    policy: SlaPolicy, priority: str, calendar: BusinessCalendar, opened_at: datetime
) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a case opened at ``opened_at``."""
    target = policy.target(priority)
    return (
        calendar.add_business_time(opened_at, target.first_response),
        calendar.add_business_time(opened_at, target.resolution),
    )


def evaluate_case(
    policy: SlaPolicy,
    priority: str,
    calendar: BusinessCalendar,
    opened_at: datetime,
    now: datetime,
    *,
    first_response_at: datetime | None = None,
    resolved_at: datetime | None = None,
    pauses: Iterable[Pause] = (),
) -> CaseSla:
    """Both clocks of a case; ``pauses`` (waiting for customer) only stop resolution."""
    target = policy.target(priority)
    share = policy.due_soon_share
    return CaseSla(
        evaluate_clock(
            calendar,
            opened_at,
            target.first_response,
            now,
            clock="first_response",
            stopped_at=first_response_at,
            due_soon_share=share,
        ),
        evaluate_clock(
            calendar,
            opened_at,
            target.resolution,
            now,
            clock="resolution",
            stopped_at=resolved_at,
            pauses=pauses,
            due_soon_share=share,
        ),
    )


# -- escalation --------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalationStep:
    """Notify ``role`` once a clock has used ``at_share`` of its target.

    0.75 = "about to be breached" (with the default due-soon share), 1.0 = breached,
    1.5 = half the target again past the due time. The Django side resolves the role to
    people (assignee, the team's lead, the CX lead / banner carrier).
    """

    role: str
    at_share: float
    clocks: tuple[str, ...] = CLOCKS

    def __post_init__(self) -> None:
        if self.at_share <= 0:
            raise SlaError("at_share must be positive")
        if not self.clocks or set(self.clocks) - set(CLOCKS):
            raise SlaError(f"clocks must be a non-empty subset of {', '.join(CLOCKS)}")


DEFAULT_CHAIN: tuple[EscalationStep, ...] = (
    EscalationStep("assignee", 0.75),
    EscalationStep("team_lead", 1.0),
    EscalationStep("cx_lead", 1.5),
)


@dataclass(frozen=True)
class EscalationNotice:
    """One step for one clock; ``key`` is what the Django side stores as "notified"."""

    key: str
    clock: str
    role: str
    step: int  # position in the chain, 0 = first


@dataclass(frozen=True)
class EscalationPlan:
    due_now: tuple[EscalationNotice, ...] = ()  # notify these now, in chain order
    already_notified: tuple[EscalationNotice, ...] = ()
    pending: tuple[EscalationNotice, ...] = ()  # not due yet, clock running


def escalation_key(clock: str, role: str) -> str:
    return f"{clock}:{role}"


def _check_chain(chain: Sequence[EscalationStep]) -> None:
    shares = [s.at_share for s in chain]
    if shares != sorted(shares):
        raise SlaError("escalation steps must be ordered by at_share (assignee first)")
    roles = [s.role for s in chain]
    if len(set(roles)) != len(roles):
        raise SlaError("each role may appear once in an escalation chain")


def _is_step_due(step: EscalationStep, status: ClockStatus) -> bool:
    # Breached by the clock (e.g. due 16:00, now 18:00: business time stands still after
    # closing but the due time has passed) counts as a full target used.
    used = max(status.share_used, 1.0) if status.state is SlaState.BREACHED else status.share_used
    return used >= step.at_share


def plan_escalations(
    case_sla: CaseSla,
    notified: Set[str],
    chain: Sequence[EscalationStep] = DEFAULT_CHAIN,
) -> EscalationPlan:
    """Which escalation steps to notify now, given the keys already notified.

    Pure: the caller stores each notified key, so running the job twice notifies each step
    once. Steps that became due together (the job was down) all come back, in chain order.
    A stopped clock escalates no further.
    """
    _check_chain(chain)
    due, done, pending = [], [], []
    for index, step in enumerate(chain):
        for status in case_sla.clocks:
            if status.clock not in step.clocks:
                continue
            notice = EscalationNotice(
                escalation_key(status.clock, step.role), status.clock, step.role, index
            )
            if notice.key in notified:
                done.append(notice)
            elif status.running and _is_step_due(step, status):
                due.append(notice)
            elif status.running:
                pending.append(notice)
    return EscalationPlan(tuple(due), tuple(done), tuple(pending))
