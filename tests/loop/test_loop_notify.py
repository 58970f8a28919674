"""Notification formats, HMAC signing, retry policy and idempotency keys."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest

from outsidein.loop.notify import (
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CaseNotification,
    DeliveryResult,
    DeliveryStatus,
    build_digest_email,
    build_email,
    classify_status,
    encode_body,
    next_retry_delay,
    notification_key,
    render_digest,
    render_text,
    should_dead_letter,
    sign,
    signature_headers,
    slack_payload,
    teams_payload,
    verify_signature,
    webhook_payload,
)

OSLO = ZoneInfo("Europe/Oslo")
NOTE = CaseNotification(
    event="breached",
    case_id=42,
    case_url="https://cx.example.no/cases/42/",
    title="NPS 2 ved fakturaen\nmed linjeskift",
    priority="high",
    team="Fakturering",
    touchpoint="Faktura",
    customer="Kari <Nordmann> & co",
    excerpt="Fakturaen var feil for tredje gang. <!channel> Jeg vil si opp!",
    due_at=datetime(2025, 6, 6, 15, 30, tzinfo=OSLO),
    clock="first_response",
    step="first_response:team_lead",
    rule="Misfornøyd ved sannhetens øyeblikk",
    occurred_at=datetime(2025, 6, 6, 15, 31, tzinfo=OSLO),
)


def test_text_in_norwegian() -> None:
    subject, body = render_text(NOTE, "nb")
    assert (
        subject
        == "Fristen for første svar er overskredet: sak #42: NPS 2 ved fakturaen med linjeskift"
    )
    assert "Prioritet: høy" in body
    assert "Frist: fredag 6. juni 2025 kl. 15:30" in body
    assert "Åpne saken: https://cx.example.no/cases/42/" in body
    assert "Regel: Misfornøyd ved sannhetens øyeblikk" in body


def test_text_in_english_and_language_fallbacks() -> None:
    subject, body = render_text(NOTE, "en-GB")
    assert subject.startswith("First response overdue: case #42")
    assert "Due: Friday 6 June 2025, 15:30" in body and "Priority: high" in body
    assert render_text(NOTE, "nn")[0] == render_text(NOTE, "nb")[0]
    assert render_text(NOTE, "sv")[0] == subject  # no Swedish texts yet: English


def test_every_event_has_a_subject() -> None:
    for event in ("case_opened", "assigned", "due_soon", "breached", "escalated"):
        note = CaseNotification(event=event, case_id=1, case_url="u", title="t", clock="resolution")
        for lang in ("nb", "en"):
            subject, _ = render_text(note, lang)
            assert "#1" in subject and "{" not in subject
    with pytest.raises(ValueError, match="event must be one of"):
        CaseNotification(event="exploded", case_id=1, case_url="u", title="t")


def test_email_message() -> None:
    msg = build_email(NOTE, "kari@example.no", "varsel@cx.example.no", language="nb")
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert parsed["Subject"].startswith("Fristen for første svar")
    assert "\n" not in parsed["Subject"]
    assert parsed["From"] == "Outside-In <varsel@cx.example.no>"
    assert parsed["To"] == "kari@example.no"
    assert parsed["Auto-Submitted"] == "auto-generated"
    key = NOTE.key("email", "kari@example.no")
    assert parsed["X-OutsideIn-Notification"].strip() == key  # long: folded onto a new line
    assert parsed["Message-ID"] == f"<{key[:40]}@cx.example.no>"
    assert "Kunde: Kari <Nordmann> & co" in parsed.get_content()
    again = build_email(NOTE, "kari@example.no", "varsel@cx.example.no")
    assert again["Message-ID"] == msg["Message-ID"]  # a resend is the same message


def test_digest() -> None:
    other = CaseNotification(event="case_opened", case_id=43, case_url="https://x/43/", title="Ny")
    subject, body = render_digest([NOTE, other], "nb")
    assert subject == "Dagens saker i Outside-In (2)"
    assert body.index("#42") < body.index("#43") and "https://x/43/" in body
    msg = build_digest_email(
        [other], "a@example.no", "varsel@cx.example.no", digest_key="d" * 64, language="en"
    )
    assert msg["Subject"] == "Today's cases in Outside-In (1)"


def test_slack_payload() -> None:
    payload = slack_payload(NOTE, "en")
    assert payload["text"].startswith("First response overdue: case #42")
    header, facts, quote, actions = payload["blocks"]
    assert header["type"] == "header" and len(header["text"]["text"]) <= 150
    assert {"type": "mrkdwn", "text": "*Priority*\nhigh"} in facts["fields"]
    customer = next(f["text"] for f in facts["fields"] if f["text"].startswith("*Customer*"))
    assert customer == "*Customer*\nKari &lt;Nordmann&gt; &amp; co"
    quoted = quote["text"]["text"]
    assert "<!channel>" not in quoted and "&lt;!channel&gt;" in quoted  # no mass ping
    assert quoted.startswith(">Fakturaen")
    assert actions["elements"][0]["url"] == NOTE.case_url
    json.dumps(payload)


def test_teams_payload_is_an_adaptive_card_message() -> None:
    payload = teams_payload(NOTE, "nb")
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"].startswith("Fristen for første svar")
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Kontaktpunkt"] == "Faktura" and facts["Prioritet"] == "høy"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Åpne saken", "url": NOTE.case_url}
    ]
    json.dumps(payload)


def test_generic_webhook_payload() -> None:
    payload = webhook_payload(NOTE)
    assert payload["event"] == "case.breached"
    assert payload["id"] == NOTE.key("webhook")
    assert payload["occurred_at"] == "2025-06-06T13:31:00Z"
    assert payload["case"]["due_at"] == "2025-06-06T13:30:00Z"
    assert payload["escalation"] == {"step": "first_response:team_lead", "clock": "first_response"}
    assert json.loads(encode_body(payload)) == payload
    assert "ø" in encode_body(payload).decode("utf-8")  # UTF-8, not \u escapes


def test_long_excerpt_is_shortened() -> None:
    note = CaseNotification(
        event="case_opened", case_id=1, case_url="u", title="t", excerpt="ord " * 400
    )
    assert len(webhook_payload(note)["case"]["excerpt"]) == 500


# -- signatures ---------------------------------------------------------------------------

SECRET = "s3cret-nøkkel"
BODY = encode_body({"event": "case.opened", "case": {"id": 1}})
NOW = 1_750_000_000


def test_sign_and_verify() -> None:
    headers = signature_headers(BODY, SECRET, now=NOW)
    assert headers[TIMESTAMP_HEADER] == str(NOW)
    assert headers[SIGNATURE_HEADER].startswith("sha256=") and len(headers[SIGNATURE_HEADER]) == 71
    assert verify_signature(
        BODY, SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=NOW + 10
    )


def test_tampered_body_fails() -> None:
    headers = signature_headers(BODY, SECRET, now=NOW)
    tampered = BODY.replace(b'"id":1', b'"id":2')
    assert not verify_signature(
        tampered, SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], now=NOW
    )


def test_old_or_future_timestamp_fails() -> None:
    headers = signature_headers(BODY, SECRET, now=NOW)
    args = (BODY, SECRET, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
    assert not verify_signature(*args, now=NOW + 301)
    assert not verify_signature(*args, now=NOW - 301)
    assert verify_signature(*args, now=NOW + 3600, tolerance=3600)


def test_replayed_signature_with_new_timestamp_fails() -> None:
    old = signature_headers(BODY, SECRET, now=NOW)
    assert not verify_signature(
        BODY, SECRET, str(NOW + 1000), old[SIGNATURE_HEADER], now=NOW + 1000
    )


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [(None, "sha256=00"), (str(NOW), None), ("abc", "sha256=00"), (str(NOW), "sha256=00")],
)
def test_missing_or_malformed_headers_fail(timestamp: str | None, signature: str | None) -> None:
    assert not verify_signature(BODY, SECRET, timestamp, signature, now=NOW)


def test_wrong_secret_fails_and_rotation_accepts_either() -> None:
    signature = sign(BODY, SECRET, NOW)
    assert not verify_signature(BODY, "other", str(NOW), signature, now=NOW)
    assert verify_signature(BODY, ["new-secret", SECRET], str(NOW), signature, now=NOW)
    assert verify_signature(BODY, SECRET.encode(), str(NOW), signature, now=NOW)


# -- retries and keys ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (200, DeliveryStatus.DELIVERED),
        (204, DeliveryStatus.DELIVERED),
        (301, DeliveryStatus.FAILED),
        (400, DeliveryStatus.FAILED),
        (401, DeliveryStatus.FAILED),
        (404, DeliveryStatus.FAILED),
        (408, DeliveryStatus.RETRY),
        (410, DeliveryStatus.FAILED),
        (429, DeliveryStatus.RETRY),
        (500, DeliveryStatus.RETRY),
        (503, DeliveryStatus.RETRY),
    ],
)
def test_classify_status(code: int, status: DeliveryStatus) -> None:
    assert classify_status(code) is status


def test_retry_delay_grows_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 16):
        ceiling = min(timedelta(hours=2), timedelta(seconds=30) * 2 ** (attempt - 1))
        delays = {next_retry_delay(attempt, rng=rng) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered
    assert next_retry_delay(1, retry_after=120, rng=rng) == timedelta(seconds=120)
    assert next_retry_delay(1, retry_after=10**6, rng=rng) == timedelta(hours=6)
    with pytest.raises(ValueError):
        next_retry_delay(0)


def test_dead_letter_after_max_attempts_or_permanent_failure() -> None:
    retry = DeliveryResult(DeliveryStatus.RETRY, 503)
    assert not should_dead_letter(1, retry)
    assert should_dead_letter(MAX_ATTEMPTS, retry)
    assert should_dead_letter(1, DeliveryResult(DeliveryStatus.FAILED, 404))
    assert not should_dead_letter(MAX_ATTEMPTS, DeliveryResult(DeliveryStatus.DELIVERED, 200))


def test_notification_key_is_stable_and_distinct() -> None:
    key = notification_key(42, "resolution:team_lead", "email")
    assert key == notification_key("42", "resolution:team_lead", "email")
    assert len(key) == 64
    others = {
        notification_key(43, "resolution:team_lead", "email"),
        notification_key(42, "resolution:cx_lead", "email"),
        notification_key(42, "resolution:team_lead", "slack"),
        notification_key(42, "resolution:team_lead", "email", "a@example.no"),
    }
    assert key not in others and len(others) == 4
    assert notification_key(1, "s", "email", " A@Example.no ") == notification_key(
        1, "s", "email", "a@example.no"
    )
