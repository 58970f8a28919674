"""The outbox: notifications are rows written with the decision, delivered by a job.

Writing: :func:`notify_case` and :func:`queue_email` add rows inside the caller's
transaction, keyed by ``notification_key`` (unique), so deciding twice stores once.
Delivering: :func:`deliver_due` claims due rows in a short transaction
(``select_for_update(skip_locked=True)`` on PostgreSQL; SQLite's IMMEDIATE transactions
serialise claimers) by moving their ``next_attempt_at`` one lease ahead, sends outside
the transaction, then marks each row sent. A worker that dies between sending and
marking leaves the row to be sent again when the lease runs out: delivery is
at-least-once, and every copy carries the same key (e-mail Message-ID,
``X-OutsideIn-Delivery`` header) so receivers can drop the repeat.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from outsidein.accounts.models import User
from outsidein.loop.notify import (
    CaseNotification,
    DeliveryResult,
    DeliveryStatus,
    deliver_webhook,
    next_retry_delay,
    notification_key,
    render_text,
    should_dead_letter,
    slack_payload,
    teams_payload,
    webhook_payload,
)

from .models import Case, Notification, NotificationPreference, TeamChannel
from .webhooks import url_problem

logger = logging.getLogger(__name__)
State = Notification.State


def lease() -> timedelta:
    """How long a claimed notification stays invisible to other workers."""
    return timedelta(seconds=float(os.environ.get("OUTSIDEIN_NOTIFY_LEASE_SECONDS", "120")))


def site_url() -> str:
    return getattr(settings, "OUTSIDEIN_SITE_URL", os.environ.get("OUTSIDEIN_SITE_URL", "")).rstrip(
        "/"
    )


def case_url(case: Case) -> str:
    return f"{site_url() or 'http://localhost:8000'}/cases/{case.pk}/"


# -- writing -----------------------------------------------------------------------------


def _add(row: Notification) -> bool:
    """Insert one outbox row unless its key exists; must run inside a transaction."""
    try:
        with transaction.atomic():  # savepoint: a duplicate key must not spoil the caller
            row.save()
        return True
    except IntegrityError:
        return False


def wants_digest(user: User) -> bool:
    pref = NotificationPreference.objects.filter(user=user).first()
    return bool(pref and pref.mode == NotificationPreference.Mode.DIGEST)


def notify_users(case: Case, event: str, step: str, users: Iterable[User], now: datetime) -> int:
    added = 0
    for user in users:
        if not user.is_active or not user.email:
            continue
        key = notification_key(case.pk, step, "email", user.email)
        added += _add(
            Notification(
                case=case,
                event=event,
                step=step,
                channel="email",
                recipient=user.email,
                user=user,
                language=user.language,
                in_digest=wants_digest(user),
                notification_key=key,
                next_attempt_at=now,
            )
        )
    return added


def notify_channels(case: Case, event: str, step: str, now: datetime) -> int:
    added = 0
    for channel in TeamChannel.objects.filter(team_id=case.team_id, active=True):
        key = notification_key(case.pk, step, channel.kind, str(channel.pk))
        added += _add(
            Notification(
                case=case,
                event=event,
                step=step,
                channel=channel.kind,
                recipient=channel.url,
                team_channel=channel,
                notification_key=key,
                next_attempt_at=now,
            )
        )
    return added


def queue_email(
    *, to: str, subject: str, body: str, key: str, event: str, case: Case | None, now: datetime
) -> bool:
    """A free-text e-mail (reply to a customer, digest) through the outbox."""
    return _add(
        Notification(
            case=case,
            event=event,
            step=event,
            channel="email",
            recipient=to,
            subject=subject,
            body=body,
            notification_key=key,
            next_attempt_at=now,
        )
    )


# -- rendering ---------------------------------------------------------------------------


def case_notification(row: Notification) -> CaseNotification:
    case = row.case
    feedback = case.feedback
    clock = row.step.split(":")[0] if ":" in row.step else None
    due = {"first_response": case.first_response_due, "resolution": case.resolution_due}
    return CaseNotification(
        event=row.event,
        case_id=case.pk,
        case_url=case_url(case),
        title=case.title,
        priority=case.priority,
        team=case.team.name if case.team else "",
        touchpoint=feedback.touchpoint.name if feedback.touchpoint else None,
        customer=None,  # names stay out of chat channels and mailboxes
        excerpt=feedback.display_text,
        due_at=due.get(clock or "", case.first_response_due),
        clock=clock,
        step=row.step if clock else None,
        rule=case.rule.name if case.rule else None,
        occurred_at=row.created_at,
    )


def _message_id(row: Notification) -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    domain = sender.rpartition("@")[2].strip("> ") or "outsidein.invalid"
    return f"<{row.notification_key[:40]}@{domain}>"


def _email(row: Notification) -> EmailMessage:
    if row.subject:
        subject, body = row.subject, row.body
    else:
        subject, body = render_text(
            case_notification(row), row.language or "nb", settings.TIME_ZONE
        )
    headers = {
        "Message-ID": _message_id(row),  # the same on every retry: receivers dedupe on it
        "X-OutsideIn-Notification": row.notification_key,
    }
    if row.event != "reply":  # a reply to a customer is a person's answer, not a robot's
        headers["Auto-Submitted"] = "auto-generated"
    return EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [row.recipient], headers=headers
    )


def _send_email(row: Notification) -> DeliveryResult:
    try:
        with get_connection(fail_silently=False) as mail:
            mail.send_messages([_email(row)])
        return DeliveryResult(DeliveryStatus.DELIVERED)
    except Exception as exc:  # noqa: BLE001 - SMTP raises many kinds; all mean "try later"
        return DeliveryResult(DeliveryStatus.RETRY, error=f"{type(exc).__name__}: {exc}")


def _send_webhook(row: Notification) -> DeliveryResult:
    channel = row.team_channel
    if channel is None or not channel.active:
        return DeliveryResult(DeliveryStatus.FAILED, error="the channel was removed or disabled")
    problem = url_problem(channel.url)  # checked again: DNS may have changed since saving
    if problem:
        return DeliveryResult(DeliveryStatus.FAILED, error=str(problem))
    n = case_notification(row)
    if channel.kind == "slack":
        payload = slack_payload(n, row.language or "nb", settings.TIME_ZONE)
    elif channel.kind == "teams":
        payload = teams_payload(n, row.language or "nb", settings.TIME_ZONE)
    else:
        # The id is the outbox key, the same as the X-OutsideIn-Delivery header.
        payload = {**webhook_payload(n), "id": row.notification_key}
    return deliver_webhook(
        channel.url,
        payload,
        channel.secret or None,
        key=row.notification_key,
        event=f"case.{row.event}",
    )


def send(row: Notification) -> DeliveryResult:
    return _send_email(row) if row.channel == "email" else _send_webhook(row)


# -- delivering --------------------------------------------------------------------------


def _due(now: datetime):
    return Notification.objects.filter(
        status__in=[State.PENDING, State.FAILED], in_digest=False, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")


def claim(now: datetime, limit: int) -> list[int]:
    """Ids of due notifications this worker now owns for one lease."""
    with transaction.atomic():
        rows = _due(now)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("id", flat=True)[:limit])
        if ids:
            Notification.objects.filter(id__in=ids).update(next_attempt_at=now + lease())
    return ids


def _record(row_id: int, result: DeliveryResult, now: datetime) -> None:
    with transaction.atomic():
        row = Notification.objects.select_for_update().get(pk=row_id)
        if row.status == State.SENT:
            return
        row.attempts += 1
        if result.delivered:
            row.status, row.sent_at, row.last_error = State.SENT, now, ""
        elif should_dead_letter(row.attempts, result):
            row.status, row.last_error = State.DEAD, result.error or ""
        else:
            row.status, row.last_error = State.FAILED, result.error or ""
            row.next_attempt_at = now + next_retry_delay(
                row.attempts, retry_after=result.retry_after
            )
        row.save(update_fields=["status", "sent_at", "last_error", "attempts", "next_attempt_at"])


def deliver_due(now: datetime | None = None, limit: int = 50, pause: float = 0.0) -> int:
    """Send due notifications (one claimed batch); returns how many were delivered."""
    import time

    claimed = claim(now or timezone.now(), limit)
    delivered = 0
    rows = Notification.objects.select_related(
        "case__feedback__touchpoint", "case__team", "case__rule", "team_channel"
    )
    for row in rows.filter(id__in=claimed).exclude(status=State.SENT):
        result = send(row)
        _record(row.pk, result, timezone.now())
        delivered += result.delivered
        if pause:
            time.sleep(pause)  # the crash test slows a worker down to kill it mid-batch
    return delivered


def deliver_all(limit: int = 50, pause: float = 0.0) -> int:
    """Deliver until nothing is due now (a claimed batch may be empty when others work)."""
    total = 0
    while claimed_any(timezone.now()):
        total += deliver_due(limit=limit, pause=pause)
    return total


def claimed_any(now: datetime) -> bool:
    return _due(now).exists()


def dead_letters():
    return Notification.objects.filter(status=State.DEAD).select_related("case").order_by("-id")


def retry_dead(ids: Iterable[int]) -> int:
    """An admin fixed the cause (e.g. the URL): send these again from attempt one."""
    return Notification.objects.filter(Q(status=State.DEAD), id__in=list(ids)).update(
        status=State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
