"""The daily digest: held notifications become one e-mail per person (via the outbox)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outsidein.loop.notify import notification_key, render_digest

from .models import Notification
from .outbox import case_notification, queue_email


def send_digests(now: datetime | None = None) -> int:
    """Fold each person's held notifications into one digest e-mail; returns digests."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    held = Notification.objects.filter(
        in_digest=True, status=Notification.State.PENDING
    ).select_related("case__feedback__touchpoint", "case__team", "case__rule")
    by_recipient: dict[str, list[Notification]] = defaultdict(list)
    for row in held.order_by("id"):
        by_recipient[row.recipient].append(row)
    made = 0
    for recipient, rows in by_recipient.items():
        language = rows[0].language or "nb"
        subject, body = render_digest(
            [case_notification(r) for r in rows], language, settings.TIME_ZONE
        )
        key = notification_key("digest", f"{day}:{rows[-1].pk}", "email", recipient)
        with transaction.atomic():
            made += queue_email(
                to=recipient,
                subject=subject,
                body=body,
                key=key,
                event="digest",
                case=None,
                now=now,
            )
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Notification.State.SENT, sent_at=now, last_error="in the daily digest"
            )
    return made
