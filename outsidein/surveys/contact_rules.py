"""Contact rules: whether to invite a customer now, and if not, why.

Pure functions (no database, no clock): the caller gathers the facts. Rules, in order:
opt-out, a reachable address, quarantine (no customer surveyed more than once per N
days across all surveys), then the touchpoint's sampling rate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

OPTED_OUT = "opted_out"
NO_EMAIL = "no_email"
QUARANTINE = "quarantine"
NOT_SAMPLED = "not_sampled"
INVITE = "invite"


@dataclass(frozen=True)
class ContactFacts:
    opted_out: bool
    has_email: bool
    last_contacted_at: datetime | None  # the latest invitation to this customer, any survey


@dataclass(frozen=True)
class Decision:
    invite: bool
    reason: str


def sample_draw(key: str) -> float:
    """A number in [0, 1) fixed by the key, so a replayed event gets the same decision."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def decide(
    facts: ContactFacts,
    *,
    now: datetime,
    quarantine_days: int,
    sampling_rate: float,
    draw: float,
) -> Decision:
    """Invite or skip, with the reason; `draw` is a number in [0, 1) (see sample_draw)."""
    if facts.opted_out:
        return Decision(False, OPTED_OUT)
    if not facts.has_email:
        return Decision(False, NO_EMAIL)
    last = facts.last_contacted_at
    if last is not None and quarantine_days > 0 and now - last < timedelta(days=quarantine_days):
        return Decision(False, QUARANTINE)
    if draw >= sampling_rate:
        return Decision(False, NOT_SAMPLED)
    return Decision(True, INVITE)
