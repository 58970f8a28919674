"""POST /api/v1/touchpoint-events: a customer passed a touchpoint; maybe ask them about it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field, StrictStr

from outsidein.accounts.permissions import can_change_data
from outsidein.customers.models import Customer, Transaction
from outsidein.feedback.schemas import ErrorOut, PayloadError, error
from outsidein.journeys.models import Touchpoint

from .distribution import schedule_for_event

router = Router(tags=["surveys"])
Key = Annotated[StrictStr, Field(min_length=1, max_length=100)]


class TouchpointEventIn(Schema):
    customer: Key = Field(description="The customer's external id.")
    touchpoint: Key = Field(description="The touchpoint's slug.")
    occurred_at: datetime = Field(description="When it happened (ISO 8601; naive = local time).")
    transaction: Key | None = Field(None, description="A transaction's external id (optional).")


class InvitationOutcome(Schema):
    survey: str
    status: str = Field(description="scheduled, duplicate (event seen before) or skipped")
    reason: str = Field(
        description="invite, already_scheduled, opted_out, no_email, quarantine or not_sampled"
    )
    invitation_id: int | None = None
    scheduled_for: datetime | None = None


class TouchpointEventOut(Schema):
    invitations: list[InvitationOutcome]


@router.post(
    "",
    response={202: TouchpointEventOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Report a touchpoint event (schedules survey invitations)",
)
def touchpoint_event(request: HttpRequest, event: TouchpointEventIn):
    """Schedule an invitation for each live survey of the touchpoint, after the survey's
    delay, if its sampling rate and the contact rules (opt-out, quarantine) allow. Sending
    the same event again schedules nothing new (`"status": "duplicate"`)."""
    if not can_change_data(request.user):
        raise HttpError(403, "Your role may not report touchpoint events.")
    customer, touchpoint, txn = _resolve(event)
    occurred_at = event.occurred_at
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    outcomes = schedule_for_event(customer, touchpoint, occurred_at, txn)
    return Status(202, {"invitations": [outcome.__dict__ for outcome in outcomes]})


def _resolve(event: TouchpointEventIn) -> tuple[Customer, Touchpoint, Transaction | None]:
    errors = []
    customer = Customer.objects.filter(external_id=event.customer).first()
    if customer is None:
        errors.append(error(["body", "customer"], "Unknown customer", "not_found"))
    touchpoint = Touchpoint.objects.filter(slug=event.touchpoint).first()
    if touchpoint is None:
        errors.append(error(["body", "touchpoint"], "Unknown touchpoint", "not_found"))
    txn = None
    if event.transaction is not None:
        txn = Transaction.objects.filter(external_id=event.transaction).first()
        if txn is None or (customer is not None and txn.customer_id != customer.pk):
            errors.append(
                error(["body", "transaction"], "Unknown transaction of this customer", "not_found")
            )
    if errors:
        raise PayloadError(errors)
    return customer, touchpoint, txn  # type: ignore[return-value]
