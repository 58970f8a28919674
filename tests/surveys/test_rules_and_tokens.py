"""Contact rules (pure), token unguessability and hash-only storage, single use."""

from __future__ import annotations

import math
import string
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from outsidein.surveys.contact_rules import ContactFacts, decide, sample_draw
from outsidein.surveys.tokens import hash_token, looks_like_token, new_token

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def facts(**changes):
    values = {"opted_out": False, "has_email": True, "last_contacted_at": None, **changes}
    return ContactFacts(**values)


def rule(f, quarantine=30, rate=1.0, draw=0.0):
    return decide(f, now=NOW, quarantine_days=quarantine, sampling_rate=rate, draw=draw)


def test_opt_out_wins_over_everything():
    assert rule(facts(opted_out=True)).reason == "opted_out"
    assert not rule(facts(opted_out=True)).invite


def test_quarantine_boundaries():
    just_inside = facts(last_contacted_at=NOW - timedelta(days=30) + timedelta(seconds=1))
    just_outside = facts(last_contacted_at=NOW - timedelta(days=30))
    assert rule(just_inside).reason == "quarantine"
    assert rule(just_outside).invite
    assert rule(facts(last_contacted_at=NOW + timedelta(days=2))).reason == "quarantine"
    assert rule(just_inside, quarantine=0).invite  # 0 switches quarantine off


def test_customer_without_address_is_skipped():
    assert rule(facts(has_email=False)).reason == "no_email"


def test_sampling_rate_is_honoured_and_deterministic():
    draws = [sample_draw(f"event-{i}") for i in range(20_000)]
    assert all(0 <= d < 1 for d in draws)
    invited = sum(rule(facts(), rate=0.25, draw=d).invite for d in draws)
    assert abs(invited / len(draws) - 0.25) < 0.015
    assert sample_draw("same") == sample_draw("same")  # a replayed event decides the same
    assert not rule(facts(), rate=0.0, draw=0.0).invite
    assert rule(facts(), rate=1.0, draw=0.999999).invite


def test_tokens_carry_at_least_128_random_bits():
    tokens = [new_token() for _ in range(5000)]
    assert len(set(tokens)) == len(tokens)
    alphabet = set(string.ascii_letters + string.digits + "-_")
    assert all(len(t) == 32 and set(t) <= alphabet and looks_like_token(t) for t in tokens)
    assert 32 * math.log2(64) >= 128  # 32 base64url characters = 192 bits
    # Every position is uniformly spread over the 64 symbols (no fixed prefix or counter).
    for position in (0, 15, 30):
        counts = Counter(t[position] for t in tokens)
        assert len(counts) == 64 and max(counts.values()) < 3 * len(tokens) / 64
    assert hash_token(tokens[0]) != hash_token(tokens[1])
    assert len(hash_token(tokens[0])) == 64


@pytest.mark.django_db
def test_only_the_hash_is_stored_and_a_link_answers_once(client, invite, form_data):
    from outsidein.surveys.models import Invitation, Response

    invitation, token = invite()
    row = Invitation.objects.values().get(pk=invitation.pk)
    assert token not in repr(row) and row["token_hash"] == hash_token(token)
    first = form_data(client.get(f"/s/{token}/"), q1="7")
    second = form_data(client.get(f"/s/{token}/"), q1="1")  # a second tab, opened earlier
    assert client.post(f"/s/{token}/", first).status_code == 302
    # The second tab's form updates the one response (within the edit window) ...
    assert client.post(f"/s/{token}/", second).status_code == 302
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert Response.objects.get().answers["q1"] == 1
    # ... and a replay of either form is refused.
    assert client.post(f"/s/{token}/", second).status_code == 409
    assert client.post(f"/s/{token}/", first).status_code == 409
    assert Response.objects.get().answers["q1"] == 1
