"""Notification messages and webhook delivery, without Django.

Formats one :class:`CaseNotification` (a case opened, due soon, breached, escalated,
assigned) as an e-mail (``email.message.EmailMessage``; the Django side sends it), a
Slack incoming-webhook body (Block Kit), a Microsoft Teams Workflows webhook body (an
Adaptive Card in a message envelope: Office 365 connector MessageCards are retired), or
a generic JSON webhook signed with HMAC-SHA256. Delivery classifies the outcome as
delivered, retry later, or failed for good; the Django side keeps the outbox, the retry
schedule (:func:`next_retry_delay`) and the dead-letter list.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time as _time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parsedate_to_datetime
from enum import StrEnum
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "EVENTS",
    "MAX_ATTEMPTS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "CaseNotification",
    "DeliveryResult",
    "DeliveryStatus",
    "build_digest_email",
    "build_email",
    "classify_status",
    "deliver_webhook",
    "encode_body",
    "next_retry_delay",
    "notification_key",
    "render_digest",
    "render_text",
    "should_dead_letter",
    "sign",
    "signature_headers",
    "slack_payload",
    "teams_payload",
    "verify_signature",
    "webhook_payload",
]

EVENTS = ("case_opened", "assigned", "due_soon", "breached", "escalated")
SIGNATURE_HEADER = "X-OutsideIn-Signature"
TIMESTAMP_HEADER = "X-OutsideIn-Timestamp"
DELIVERY_HEADER = "X-OutsideIn-Delivery"  # the notification key: receivers dedupe on it
EVENT_HEADER = "X-OutsideIn-Event"
USER_AGENT = "OutsideIn-Webhook/1"
SIGNATURE_TOLERANCE = 300  # seconds a signed request stays valid (replay window)

MAX_ATTEMPTS = 10  # with the delays below: retried for about four hours, then dead-lettered
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=2)
RETRY_AFTER_CAP = timedelta(hours=6)  # a receiver's Retry-After is honoured up to this
_EXCERPT_CHARS = 500


# -- the notification ---------------------------------------------------------------------


@dataclass(frozen=True)
class CaseNotification:
    """What to tell someone about a case; texts are already redacted by the Django side."""

    event: str  # one of EVENTS
    case_id: int | str
    case_url: str
    title: str
    priority: str = "normal"
    team: str = ""
    touchpoint: str | None = None
    customer: str | None = None
    excerpt: str = ""
    due_at: datetime | None = None
    clock: str | None = None  # "first_response" | "resolution" for due_soon/breached/escalated
    step: str | None = None  # escalation key, e.g. "resolution:team_lead"
    rule: str | None = None  # name of the rule that opened the case
    occurred_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"event must be one of {', '.join(EVENTS)}, not {self.event!r}")

    def key(self, channel: str, recipient: str | None = None) -> str:
        return notification_key(self.case_id, self.step or self.event, channel, recipient)


def notification_key(
    case_id: int | str, step: str, channel: str, recipient: str | None = None
) -> str:
    """Idempotency key of one notification: the same inputs always give the same key.

    The Django side stores it with a unique constraint, so a job that runs twice (or a
    worker that dies after sending and before marking) cannot send the same thing twice.
    ``recipient`` separates several people notified through one channel for one step.
    """
    parts = [str(case_id), step, channel, (recipient or "").strip().lower()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


# -- texts (nb, en) -----------------------------------------------------------------------

_TEXTS: Mapping[str, Mapping[str, str]] = {
    "nb": {
        "case_opened": "Ny sak #{case_id}: {title}",
        "assigned": "Tildelt deg: sak #{case_id}: {title}",
        "due_soon": "Fristen for {clock} nærmer seg: sak #{case_id}: {title}",
        "breached": "Fristen for {clock} er overskredet: sak #{case_id}: {title}",
        "escalated": "Eskalert: sak #{case_id}: {title} (frist for {clock})",
        "first_response": "første svar",
        "resolution": "løsning",
        "priority": "Prioritet",
        "team": "Team",
        "touchpoint": "Kontaktpunkt",
        "customer": "Kunde",
        "due": "Frist",
        "rule": "Regel",
        "feedback": "Tilbakemelding",
        "open": "Åpne saken",
        "critical": "kritisk",
        "high": "høy",
        "normal": "normal",
        "low": "lav",
        "digest_subject": "Dagens saker i Outside-In ({count})",
        "digest_intro": "Dette har skjedd med sakene dine siden forrige oppsummering:",
        "footer": "Sendt automatisk av Outside-In. Du kan velge umiddelbar varsling eller "
        "daglig oppsummering i profilen din.",
        "at": "kl.",
    },
    "en": {
        "case_opened": "New case #{case_id}: {title}",
        "assigned": "Assigned to you: case #{case_id}: {title}",
        "due_soon": "{clock} due soon: case #{case_id}: {title}",
        "breached": "{clock} overdue: case #{case_id}: {title}",
        "escalated": "Escalated: case #{case_id}: {title} ({clock} deadline)",
        "first_response": "first response",
        "resolution": "resolution",
        "priority": "Priority",
        "team": "Team",
        "touchpoint": "Touchpoint",
        "customer": "Customer",
        "due": "Due",
        "rule": "Rule",
        "feedback": "Feedback",
        "open": "Open the case",
        "critical": "critical",
        "high": "high",
        "normal": "normal",
        "low": "low",
        "digest_subject": "Today's cases in Outside-In ({count})",
        "digest_intro": "What happened to your cases since the last summary:",
        "footer": "Sent automatically by Outside-In. Choose immediate notifications or a "
        "daily digest in your profile.",
        "at": "",
    },
}
_WEEKDAYS = {
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "nb": "januar februar mars april mai juni juli august september oktober november desember",
    "en": "January February March April May June July August September October November December",
}


def resolve_language(language: str | None) -> str:
    """nb for Norwegian (nb, nn, no, nb-NO), else English: the two languages written here."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return "nb" if code in ("nb", "nn", "no") else "en"


def format_when(dt: datetime, language: str = "nb", timezone: str = "Europe/Oslo") -> str:
    """ "fredag 6. juni 2025 kl. 15:30" / "Friday 6 June 2025, 15:30" in ``timezone``."""
    lang = resolve_language(language)
    local = dt.astimezone(ZoneInfo(timezone))
    weekday = _WEEKDAYS[lang][local.weekday()]
    month = _MONTHS[lang].split()[local.month - 1]
    clock = local.strftime("%H:%M")
    if lang == "nb":
        return f"{weekday} {local.day}. {month} {local.year} kl. {clock}"
    return f"{weekday} {local.day} {month} {local.year}, {clock}"


def _t(lang: str, key: str) -> str:
    return _TEXTS[lang].get(key, key)


def _subject(n: CaseNotification, lang: str) -> str:
    clock = _t(lang, n.clock or "resolution")
    if lang == "en" and n.event in ("due_soon", "breached"):
        clock = clock.capitalize()
    return _t(lang, n.event).format(case_id=n.case_id, title=_one_line(n.title), clock=clock)


def _one_line(text: str) -> str:
    # Header injection and ugly subjects: a title is one line.
    return " ".join(text.split())


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 1].rstrip() + "…"


def _facts(n: CaseNotification, lang: str, timezone: str) -> list[tuple[str, str]]:
    """Label/value pairs shown in every format, in display order."""
    rows = [(_t(lang, "priority"), _t(lang, n.priority))]
    optional = [
        ("team", n.team),
        ("touchpoint", n.touchpoint),
        ("customer", n.customer),
        ("due", n.due_at and format_when(n.due_at, lang, timezone)),
        ("rule", n.rule),
    ]
    rows += [(_t(lang, label), str(value)) for label, value in optional if value]
    return rows


def render_text(
    n: CaseNotification, language: str = "nb", timezone: str = "Europe/Oslo"
) -> tuple[str, str]:
    """(subject, plain-text body) in the recipient's language."""
    lang = resolve_language(language)
    lines = [f"{label}: {value}" for label, value in _facts(n, lang, timezone)]
    if n.excerpt:
        lines += ["", f"{_t(lang, 'feedback')}:", _excerpt(n.excerpt)]
    lines += ["", f"{_t(lang, 'open')}: {n.case_url}", "", "-- ", _t(lang, "footer")]
    return _subject(n, lang), "\n".join(lines) + "\n"


def _email(
    subject: str, body: str, to: str | Sequence[str], sender: str, key: str | None
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to if isinstance(to, str) else ", ".join(to)
    msg["Date"] = format_datetime(datetime.now(UTC))
    # RFC 3834: stops out-of-office replies from answering a robot.
    msg["Auto-Submitted"] = "auto-generated"
    if key:
        # A Message-ID derived from the key: a resend after a crash is recognisably the
        # same message to mail servers and clients.
        domain = sender.rpartition("@")[2].strip(">") or "outsidein.invalid"
        msg["Message-ID"] = f"<{key[:40]}@{domain}>"
        msg["X-OutsideIn-Notification"] = key
    msg.set_content(body)
    return msg


def build_email(
    n: CaseNotification,
    to: str | Sequence[str],
    sender: str,
    *,
    language: str = "nb",
    timezone: str = "Europe/Oslo",
    sender_name: str | None = "Outside-In",
) -> EmailMessage:
    """A ready-to-send e-mail for one notification (plain text, UTF-8)."""
    subject, body = render_text(n, language, timezone)
    from_ = formataddr((sender_name, sender)) if sender_name else sender
    recipient = to if isinstance(to, str) else ",".join(to)
    return _email(subject, body, to, from_, n.key("email", recipient))


def render_digest(
    notifications: Iterable[CaseNotification],
    language: str = "nb",
    timezone: str = "Europe/Oslo",
) -> tuple[str, str]:
    """(subject, body) of a daily digest: one paragraph per notification, oldest first."""
    lang = resolve_language(language)
    items = list(notifications)
    lines = [_t(lang, "digest_intro"), ""]
    for n in items:
        facts = ", ".join(f"{label.lower()}: {value}" for label, value in _facts(n, lang, timezone))
        lines += [f"* {_subject(n, lang)}", f"  {facts}", f"  {n.case_url}", ""]
    lines += ["-- ", _t(lang, "footer")]
    return _t(lang, "digest_subject").format(count=len(items)), "\n".join(lines) + "\n"


def build_digest_email(
    notifications: Iterable[CaseNotification],
    to: str,
    sender: str,
    *,
    digest_key: str,
    language: str = "nb",
    timezone: str = "Europe/Oslo",
) -> EmailMessage:
    """The digest as an e-mail; ``digest_key`` (e.g. from ``notification_key("digest",
    "2025-06-06", "email", user_email)``) makes a rerun of the digest job recognisable."""
    subject, body = render_digest(notifications, language, timezone)
    return _email(subject, body, to, formataddr(("Outside-In", sender)), digest_key)


# -- chat webhooks ------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    # Slack reads &, < and > as markup ("<!channel>" pings everyone).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(
    n: CaseNotification, language: str = "nb", timezone: str = "Europe/Oslo"
) -> dict[str, Any]:
    """A Slack incoming-webhook body: ``text`` is the notification fallback, blocks show."""
    lang = resolve_language(language)
    subject = _subject(n, lang)
    fields = [
        {"type": "mrkdwn", "text": f"*{_slack_escape(label)}*\n{_slack_escape(value)}"}
        for label, value in _facts(n, lang, timezone)
    ][:10]  # Slack allows at most 10 fields in a section
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject[:150], "emoji": False}},
        {"type": "section", "fields": fields},
    ]
    if n.excerpt:
        quote = "\n".join(f">{line}" for line in _slack_escape(_excerpt(n.excerpt)).splitlines())
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": quote[:3000]}})
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": _t(lang, "open")},
                    "url": n.case_url,
                }
            ],
        }
    )
    return {"text": _slack_escape(subject), "blocks": blocks}


def teams_payload(
    n: CaseNotification, language: str = "nb", timezone: str = "Europe/Oslo"
) -> dict[str, Any]:
    """A Teams Workflows ("Post to a channel when a webhook request is received") body:
    a message with one Adaptive Card 1.4 attachment."""
    lang = resolve_language(language)
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _subject(n, lang),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "style": "heading",
        },
        {
            "type": "FactSet",
            "facts": [
                {"title": label, "value": value} for label, value in _facts(n, lang, timezone)
            ],
        },
    ]
    if n.excerpt:
        body.append(
            {"type": "TextBlock", "text": _excerpt(n.excerpt), "wrap": True, "isSubtle": True}
        )
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": _t(lang, "open"), "url": n.case_url}],
        "msteams": {"width": "Full"},
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z") if dt else None


def webhook_payload(n: CaseNotification, channel: str = "webhook") -> dict[str, Any]:
    """The generic JSON webhook body: language-neutral, times in UTC ISO 8601."""
    return {
        "id": n.key(channel),
        "event": f"case.{n.event}",
        "occurred_at": _iso(n.occurred_at),
        "case": {
            "id": n.case_id,
            "url": n.case_url,
            "title": n.title,
            "priority": n.priority,
            "team": n.team,
            "touchpoint": n.touchpoint,
            "customer": n.customer,
            "excerpt": _excerpt(n.excerpt) if n.excerpt else "",
            "rule": n.rule,
            "due_at": _iso(n.due_at),
        },
        "escalation": {"step": n.step, "clock": n.clock} if n.step or n.clock else None,
    }


# -- signing ------------------------------------------------------------------------------


def encode_body(payload: Mapping[str, Any] | bytes) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON."""
    if isinstance(payload, bytes):
        return payload
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _secret_bytes(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign(body: bytes, secret: str | bytes, timestamp: int) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``b"<timestamp>." + body``.

    The timestamp is inside the signed string, so an attacker who captured a request
    cannot replay it later with a fresh timestamp header.
    """
    signed = str(int(timestamp)).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(_secret_bytes(secret), signed, hashlib.sha256).hexdigest()


def signature_headers(body: bytes, secret: str | bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(_time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(body, secret, timestamp)}


def verify_signature(
    body: bytes,
    secret: str | bytes | Sequence[str | bytes],
    timestamp: str | None,
    signature: str | None,
    *,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE,
) -> bool:
    """For receivers: True when ``signature`` signs ``body`` at a recent ``timestamp``.

    ``body`` must be the raw request bytes (not re-serialised JSON). Several secrets may
    be given while rotating. Constant-time comparison; timestamps more than ``tolerance``
    seconds away from ``now`` fail (replays and badly wrong clocks).
    """
    if not timestamp or not signature or not timestamp.strip().isdigit():
        return False
    current = _time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    secrets = [secret] if isinstance(secret, str | bytes) else list(secret)
    return any(
        hmac.compare_digest(sign(body, s, int(timestamp)), signature.strip()) for s in secrets
    )


# -- delivery -----------------------------------------------------------------------------


class DeliveryStatus(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # 5xx, 408, 429, timeouts, connection errors
    FAILED = "failed"  # other 4xx, redirects, bad URL: retrying will not help


@dataclass(frozen=True)
class DeliveryResult:
    status: DeliveryStatus
    http_status: int | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds, from the receiver's Retry-After
    response_excerpt: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is DeliveryStatus.DELIVERED

    @property
    def retryable(self) -> bool:
        return self.status is DeliveryStatus.RETRY


def classify_status(code: int) -> DeliveryStatus:
    """2xx delivered; 408, 429 and 5xx retry; anything else (4xx, 3xx) fails for good."""
    if 200 <= code < 300:
        return DeliveryStatus.DELIVERED
    if code in (408, 429) or 500 <= code < 600:
        return DeliveryStatus.RETRY
    return DeliveryStatus.FAILED


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would turn a redirected POST into a GET without the body; a webhook URL that
    # redirects is misconfigured, so the 3xx surfaces as an error instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _read_excerpt(response: Any) -> str:
    try:
        return response.read(500).decode("utf-8", "replace")
    except (OSError, HTTPException):
        return ""


def deliver_webhook(
    url: str,
    payload: Mapping[str, Any] | bytes,
    secret: str | bytes | None = None,
    timeout: float = 5,
    *,
    key: str | None = None,
    event: str | None = None,
    now: float | None = None,
) -> DeliveryResult:
    """POST ``payload`` as JSON once and classify the outcome; never raises for I/O.

    With ``secret`` the request carries timestamp and HMAC signature headers; ``key`` (the
    notification key) goes in ``X-OutsideIn-Delivery`` so receivers can drop duplicates.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        return DeliveryResult(DeliveryStatus.FAILED, error="URL must be http or https")
    body = encode_body(payload)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if secret:
        headers.update(signature_headers(body, secret, now))
    if key:
        headers[DELIVERY_HEADER] = key
    if event:
        headers[EVENT_HEADER] = event
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            code = response.status
            return DeliveryResult(classify_status(code), code, None, None, _read_excerpt(response))
    except urllib.error.HTTPError as exc:
        status = classify_status(exc.code)
        retry_after = _retry_after(exc.headers.get("Retry-After")) if exc.headers else None
        excerpt = _read_excerpt(exc)
        return DeliveryResult(status, exc.code, f"HTTP {exc.code}", retry_after, excerpt)
    except (urllib.error.URLError, TimeoutError, ConnectionError, HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return DeliveryResult(DeliveryStatus.RETRY, error=f"{type(exc).__name__}: {reason}")
    except ValueError as exc:  # malformed URL
        return DeliveryResult(DeliveryStatus.FAILED, error=str(exc))


def next_retry_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: timedelta = RETRY_BASE,
    cap: timedelta = RETRY_CAP,
    rng: random.Random | None = None,
) -> timedelta:
    """Wait before retrying after failed attempt number ``attempt`` (1 = the first).

    Exponential (base · 2^(attempt-1)) up to ``cap``, with "equal jitter" (a random point
    in the upper half) so many failed notifications do not retry in lockstep, yet delays
    still grow. A receiver's Retry-After is honoured as a minimum, up to six hours.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    ceiling = min(cap, base * 2 ** min(attempt - 1, 30))
    delay = ceiling / 2 + ceiling / 2 * (rng or random).random()
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), RETRY_AFTER_CAP))
    return delay


def should_dead_letter(attempts: int, result: DeliveryResult) -> bool:
    """True when a notification goes to the dead-letter list instead of another retry."""
    if result.delivered:
        return False
    return result.status is DeliveryStatus.FAILED or attempts >= MAX_ATTEMPTS
