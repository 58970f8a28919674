"""Customer data services: the right to erasure (GDPR art. 17)."""

from __future__ import annotations

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from outsidein.feedback.models import FeedbackItem

from .models import Customer


class UnknownCustomer(LookupError):
    pass


@transaction.atomic
def forget_customer(external_id: str, actor=None) -> dict[str, int]:
    """Erase a customer's personal data; keep scores and sentiment for statistics.

    Identity fields, free attributes and the text of their feedback (original, redacted,
    the analysis' sentence texts, answers and metadata, which may hold free text) are
    removed. Earlier audit entries of the customer lose their recorded values, since those
    held the same personal data; one new audit entry records the erasure itself. The
    external id stays: it is the organisation's own key, and keeping it stops a later
    re-import from bringing the erased data back (the importer never updates a customer).
    """
    customer = Customer.objects.select_for_update().filter(external_id=external_id).first()
    if customer is None:
        raise UnknownCustomer(f"no customer with external id {external_id!r}")
    content_type = ContentType.objects.get_for_model(Customer)
    LogEntry.objects.filter(content_type=content_type, object_pk=str(customer.pk)).update(
        changes={}, object_repr=f"customer {customer.pk} (erased)"
    )
    with disable_auditlog():
        erased_items = FeedbackItem.objects.filter(customer=customer).update(
            text="", redacted_text="", analysis={}, answers={}, metadata={}
        )
        customer.name = customer.email = ""
        customer.attributes = {}
        customer.forgotten_at = timezone.now()
        customer.save()
    LogEntry.objects.create(
        content_type=content_type,
        object_pk=str(customer.pk),
        object_id=customer.pk,
        object_repr=f"customer {customer.pk} (erased)",
        action=LogEntry.Action.UPDATE,
        changes={"forgotten_at": ["None", customer.forgotten_at.isoformat()]},
        actor=actor,
        additional_data={"erasure": "right to erasure", "feedback_items_erased": erased_items},
    )
    return {"feedback_items_erased": erased_items}
