"""What people do with a case: status, assignment, contacts, replies, root cause."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outsidein.accounts.models import User
from outsidein.accounts.permissions import sees_whole_organisation, visible_team_ids
from outsidein.loop.notify import notification_key

from .models import Case, CaseContact, Status
from .outbox import notify_users, queue_email

TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.IN_PROGRESS: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},  # back to in progress = reopen
    Status.CLOSED: {Status.IN_PROGRESS},
}


class CaseError(ValueError):
    """A change that is not allowed; the message is shown to the user."""


def visible_cases(user: User):
    cases = Case.objects.select_related("team", "assignee", "feedback", "rule")
    team_ids = visible_team_ids(user)
    return cases if team_ids is None else cases.filter(team_id__in=team_ids)


def assignable_users(case: Case):
    users = User.objects.filter(is_active=True)
    if case.team_id is None:
        return users.filter(role__in=["admin", "cx_lead"])
    return users.filter(teams=case.team_id).distinct()


def _close_pause(case: Case, now: datetime) -> None:
    if case.pauses and case.pauses[-1][1] is None:
        case.pauses[-1][1] = now.isoformat()


def change_status(case: Case, status: str, now: datetime | None = None) -> Case:
    now = now or timezone.now()
    if status == case.status:
        return case
    if status not in TRANSITIONS.get(case.status, set()):
        raise CaseError(
            _("A case cannot go from %(old)s to %(new)s.")
            % {"old": case.get_status_display(), "new": Status(status).label}
        )
    _close_pause(case, now)
    if status == Status.WAITING:
        case.pauses = [*case.pauses, [now.isoformat(), None]]
    if status in (Status.RESOLVED, Status.CLOSED) and case.resolved_at is None:
        case.resolved_at = now
    if status == Status.CLOSED:
        case.closed_at = now
    if status == Status.IN_PROGRESS and case.status in (Status.RESOLVED, Status.CLOSED):
        case.resolved_at = case.closed_at = None  # reopened: the resolution clock runs again
    case.status = status
    case.save()
    return case


def assign(case: Case, assignee: User | None, now: datetime | None = None) -> Case:
    if assignee is not None and not assignable_users(case).filter(pk=assignee.pk).exists():
        raise CaseError(_("%(user)s is not in the case's team.") % {"user": assignee})
    if assignee == case.assignee:
        return case
    now = now or timezone.now()
    with transaction.atomic():
        case.assignee = assignee
        case.save()
        if assignee is not None:
            # One notification per assignment act (assigning again later is a new act).
            step = f"assigned:{assignee.pk}:{int(now.timestamp())}"
            notify_users(case, "assigned", step, [assignee], now)
    return case


def record_contact(
    case: Case, *, by: User, channel: str, outcome: str, note: str = "", at: datetime | None = None
) -> CaseContact:
    at = at or timezone.now()
    with transaction.atomic():
        contact = CaseContact.objects.create(
            case=case, by=by, channel=channel, outcome=outcome, note=note, at=at
        )
        if case.first_response_at is None:
            case.first_response_at = at
            if case.status == Status.NEW:
                case.status = Status.IN_PROGRESS
            case.save()
    return contact


def consent_to_contact(case: Case) -> bool:
    item = case.feedback
    for source in (item.answers or {}, item.metadata or {}):
        value = source.get("consent_contact")
        if value is not None:
            return value is True or str(value).strip().lower() in {"1", "true", "yes", "ja"}
    return False


def reply_address(case: Case) -> str | None:
    customer = case.feedback.customer
    if customer is None or customer.forgotten_at or not customer.email:
        return None
    return customer.email


def send_reply(case: Case, *, by: User, subject: str, body: str) -> CaseContact:
    """Queue a reply e-mail to the customer (outbox) and record it as a contact."""
    if not consent_to_contact(case):
        raise CaseError(_("The customer has not consented to be contacted."))
    to = reply_address(case)
    if not to:
        raise CaseError(_("The customer has no e-mail address."))
    if not subject.strip() or not body.strip():
        raise CaseError(_("Write a subject and a message."))
    now = timezone.now()
    with transaction.atomic():
        contact = record_contact(
            case, by=by, channel="email", outcome="left_message", note=body, at=now
        )
        key = notification_key(case.pk, f"reply:{contact.pk}", "email", to)
        queue_email(to=to, subject=subject, body=body, key=key, event="reply", case=case, now=now)
    transaction.on_commit(_deliver_soon)
    return contact


def _deliver_soon() -> None:
    from .jobs import enqueue_delivery

    enqueue_delivery()


def set_outer_loop(case: Case, *, root_cause: str, improvement: str) -> Case:
    case.root_cause = root_cause.strip()
    case.improvement = improvement.strip()
    case.save()
    return case


def sees_all(user: User) -> bool:
    return sees_whole_organisation(user)
