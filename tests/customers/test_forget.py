"""The right to erasure: identity and text go, scores stay, the audit log says so."""

from __future__ import annotations

from datetime import UTC, datetime

from auditlog.models import LogEntry
from click.testing import CliRunner

from outsidein.cli import main
from outsidein.customers.models import Customer, Transaction
from outsidein.feedback.models import FeedbackItem


def test_forget_erases_personal_data_and_keeps_scores(org):
    customer = Customer.objects.create(
        external_id="C-1",
        name="Kari Nordmann",
        email="kari@example.no",
        attributes={"phone": "91234567"},
    )
    Transaction.objects.create(customer=customer, occurred_on="2024-01-31", amount=499)
    FeedbackItem.objects.create(
        listening_post=org["survey"],
        external_id="r1",
        customer=customer,
        received_at=datetime(2024, 2, 1, tzinfo=UTC),
        text="Ring meg på 912 34 567, Kari",
        redacted_text="Ring meg på [PHONE], Kari",
        analysis={"sentences": [{"text": "Ring meg på [PHONE], Kari"}]},
        nps=3,
        sentiment="negative",
    )
    result = CliRunner().invoke(main, ["customer", "forget", "C-1", "--yes"])
    assert result.exit_code == 0, result.output
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.attributes) == ("", "", {})
    assert customer.forgotten_at is not None
    item = FeedbackItem.objects.get(external_id="r1")
    assert (item.text, item.redacted_text, item.analysis) == ("", "", {})
    assert (item.nps, item.sentiment) == (3, "negative")
    assert Transaction.objects.filter(customer=customer).count() == 1
    entries = LogEntry.objects.get_for_object(customer)
    assert any(e.additional_data and e.additional_data.get("erasure") for e in entries)
    assert not any("Kari" in str(e.changes) for e in entries)


def test_forget_unknown_customer_is_a_clear_error(db):
    result = CliRunner().invoke(main, ["customer", "forget", "nobody", "--yes"])
    assert result.exit_code != 0 and "no customer with external id" in result.output
