"""Distribution: touchpoint events schedule invitations; due ones are e-mailed over SMTP.

Sending uses Django's mail framework (EMAIL_* settings, which OUTSIDEIN_EMAIL_URL sets),
so the same SMTP configuration serves every part of Outside-In. Contact rules are
checked when an invitation is scheduled and again when it is sent, because a customer
may opt out or be surveyed elsewhere in between.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from outsidein.customers.models import Customer, Transaction
from outsidein.journeys.models import Touchpoint

from . import conf
from .contact_rules import ContactFacts, Decision, decide, sample_draw
from .models import Invitation, OptOut, Survey, SurveyStatus
from .questions import localized
from .tokens import hash_token, new_token

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "outsidein.surveys.unsubscribe"


# ---------------------------------------------------------------------------
# Contact facts and opt-outs


def contact_facts(customer: Customer, exclude: Invitation | None = None) -> ContactFacts:
    invitations = Invitation.objects.filter(customer=customer, cancelled_at__isnull=True)
    if exclude is not None:
        invitations = invitations.exclude(pk=exclude.pk)
    # Scheduled invitations count too: two events a day apart must not both be sent.
    last = invitations.aggregate(last=Max("scheduled_for"))["last"]
    return ContactFacts(
        opted_out=OptOut.objects.filter(customer=customer).exists(),
        has_email=bool(customer.email) and customer.forgotten_at is None,
        last_contacted_at=last,
    )


def opt_out(customer: Customer, source: str = "unsubscribe_link") -> None:
    """Record the opt-out and cancel everything not yet sent to this customer."""
    with transaction.atomic():
        OptOut.objects.get_or_create(customer=customer, defaults={"source": source})
        Invitation.objects.filter(
            customer=customer, sent_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now(), cancel_reason="opted_out")


def unsubscribe_code(customer: Customer) -> str:
    # Signed, not stored: the link in every e-mail keeps working for as long as it exists.
    return signing.dumps(customer.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def customer_for_unsubscribe(code: str) -> Customer | None:
    try:
        pk = signing.loads(code, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Customer.objects.filter(pk=pk).first() if isinstance(pk, int) else None


# ---------------------------------------------------------------------------
# Touchpoint events


@dataclass
class EventOutcome:
    survey: str
    status: str  # "scheduled", "duplicate" or "skipped"
    reason: str
    invitation_id: int | None = None
    scheduled_for: datetime | None = None


def schedule_for_event(
    customer: Customer,
    touchpoint: Touchpoint,
    occurred_at: datetime,
    transaction_: Transaction | None = None,
    now: datetime | None = None,
) -> list[EventOutcome]:
    """Schedule invitations of the live surveys of a touchpoint, following the contact rules."""
    now = now or timezone.now()
    outcomes = []
    for survey in Survey.objects.filter(touchpoint=touchpoint, status=SurveyStatus.LIVE):
        outcomes.append(_schedule_one(survey, customer, touchpoint, occurred_at, transaction_, now))
    return outcomes


def _event_key(survey: Survey, customer: Customer, occurred_at: datetime, txn) -> str:
    raw = f"{survey.pk}|{customer.pk}|{occurred_at.isoformat()}|{txn.pk if txn else ''}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _schedule_one(survey, customer, touchpoint, occurred_at, txn, now) -> EventOutcome:
    key = _event_key(survey, customer, occurred_at, txn)
    existing = Invitation.objects.filter(event_key=key).first()
    if existing is not None:
        return EventOutcome(survey.slug, "duplicate", "already_scheduled", existing.pk)
    when = max(occurred_at + timedelta(minutes=survey.delay_minutes), now)
    decision: Decision = decide(
        contact_facts(customer),
        now=when,  # quarantine counts from when this invitation would go out
        quarantine_days=conf.quarantine_days(),
        sampling_rate=survey.sampling_rate,
        draw=sample_draw(key),
    )
    if not decision.invite:
        return EventOutcome(survey.slug, "skipped", decision.reason)
    try:
        invitation = Invitation.objects.create(
            survey=survey,
            customer=customer,
            touchpoint=touchpoint,
            transaction=txn,
            language=invitation_language(survey, customer),
            event_key=key,
            scheduled_for=when,
            expires_at=when + timedelta(days=survey.expires_after_days),
        )
    except IntegrityError:  # the same event sent twice at the same moment
        existing = Invitation.objects.get(event_key=key)
        return EventOutcome(survey.slug, "duplicate", "already_scheduled", existing.pk)
    return EventOutcome(survey.slug, "scheduled", decision.reason, invitation.pk, when)


def invitation_language(survey: Survey, customer: Customer) -> str:
    language = (customer.language or "").lower()
    language = {"no": "nb", "nob": "nb", "nno": "nn", "dan": "da", "swe": "sv"}.get(
        language, language
    )
    return language if language in survey.languages else survey.default_language


# ---------------------------------------------------------------------------
# Sending


@dataclass
class SendReport:
    sent: int = 0
    reminded: int = 0
    bounced: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def send_due_invitations(now: datetime | None = None, limit: int = 500) -> SendReport:
    """Send invitations that are due and reminders that are due; safe to run every minute."""
    now = now or timezone.now()
    report = SendReport()
    connection = get_connection()
    with connection:
        for invitation in _due_invitations(now, limit):
            _send_first(invitation, now, connection, report)
        for invitation in _due_reminders(now, limit):
            _send_reminder(invitation, now, connection, report)
    return report


def _base_query():
    return Invitation.objects.select_related("survey", "customer").filter(
        cancelled_at__isnull=True, bounced_at__isnull=True, answered_at__isnull=True
    )


def _due_invitations(now: datetime, limit: int) -> list[Invitation]:
    return list(
        _base_query()
        .filter(sent_at__isnull=True, scheduled_for__lte=now)
        .order_by("scheduled_for")[:limit]
    )


def _due_reminders(now: datetime, limit: int) -> list[Invitation]:
    candidates = (
        _base_query()
        .filter(sent_at__isnull=False, reminder_sent_at__isnull=True, expires_at__gt=now)
        .filter(survey__reminder_after_days__gt=0, survey__status=SurveyStatus.LIVE)
        .order_by("sent_at")
    )
    due = [
        invitation
        for invitation in candidates[: limit * 4]
        if invitation.sent_at + timedelta(days=invitation.survey.reminder_after_days) <= now
    ]
    return due[:limit]


def _cancel(invitation: Invitation, reason: str, report: SendReport) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        cancelled_at=timezone.now(), cancel_reason=reason
    )
    report.skip(reason)


def _send_first(invitation: Invitation, now: datetime, connection, report: SendReport) -> None:
    if invitation.survey.status != SurveyStatus.LIVE or invitation.expires_at <= now:
        _cancel(invitation, "survey_closed_or_expired", report)
        return
    # Sampling was decided when scheduled; opt-out and quarantine may have changed since.
    decision = decide(
        contact_facts(invitation.customer, exclude=invitation),
        now=invitation.scheduled_for,
        quarantine_days=conf.quarantine_days(),
        sampling_rate=1.0,
        draw=0.0,
    )
    if not decision.invite:
        _cancel(invitation, decision.reason, report)
        return
    token = new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    if _deliver(invitation, token, reminder=False, connection=connection, report=report):
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
        report.sent += 1


def _send_reminder(invitation: Invitation, now: datetime, connection, report: SendReport) -> None:
    if OptOut.objects.filter(customer=invitation.customer).exists():
        report.skip("opted_out")
        Invitation.objects.filter(pk=invitation.pk).update(reminder_sent_at=now)
        return
    token = new_token()
    Invitation.objects.filter(pk=invitation.pk).update(reminder_token_hash=hash_token(token))
    if _deliver(invitation, token, reminder=True, connection=connection, report=report):
        Invitation.objects.filter(pk=invitation.pk).update(reminder_sent_at=now)
        report.reminded += 1


def _deliver(invitation: Invitation, token: str, *, reminder: bool, connection, report) -> bool:
    message = invitation_message(invitation, token, reminder=reminder)
    message.connection = connection
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        # The server refused the address at once: a hard bounce, never retried.
        reason = "; ".join(f"{code} {text!r}" for code, text in error.recipients.values())
        Invitation.objects.filter(pk=invitation.pk).update(
            bounced_at=timezone.now(), bounce_reason=reason[:300]
        )
        report.bounced += 1
        return False
    except (smtplib.SMTPException, OSError) as error:
        # The server is unreachable or failed: leave the invitation due for the next run.
        logger.warning("Survey invitation %s not sent: %s", invitation.pk, error)
        report.skip("smtp_error")
        return False
    return True


def survey_link(token: str) -> str:
    return conf.base_url() + reverse("surveys:personal", args=[token])


def invitation_message(
    invitation: Invitation, token: str, *, reminder: bool
) -> EmailMultiAlternatives:
    """The invitation (or reminder) e-mail in the customer's language."""
    survey, customer = invitation.survey, invitation.customer
    version = survey.current_version
    language = invitation.language
    unsubscribe = conf.base_url() + reverse(
        "surveys:unsubscribe", args=[unsubscribe_code(customer)]
    )
    context = {
        "customer": customer,
        "title": localized(version.texts.get("title"), language) if version else survey.name,
        "link": survey_link(token),
        "unsubscribe": unsubscribe,
        "reminder": reminder,
        "expires_at": invitation.expires_at,
        "language": language,
    }
    with translation.override(language):
        subject = render_to_string("surveys/email/subject.txt", context).strip()
        body = render_to_string("surveys/email/invitation.txt", context)
        html = render_to_string("surveys/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=conf.from_email(),
        to=[customer.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
