"""Web page fixtures: a handful of feedback items and customers on top of the shared org."""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# pytest-django's live_server fixtures are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs ~0.3 s per test user; these tests are not about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _at(day: int, hour: int = 12) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(2026, 3, day, hour))


@pytest.fixture
def shop(org):
    """Two customers; billing feedback about the invoice, field feedback about installation."""
    from outsidein.customers.models import Customer, Transaction
    from outsidein.feedback.models import FeedbackItem

    kari = Customer.objects.create(
        external_id="C-1001",
        name="Kari Nordmann",
        email="kari@example.no",
        country="NO",
        language="nb",
        attributes={"segment": "Gold"},
        created_on=date(2021, 4, 1),
    )
    ole = Customer.objects.create(
        external_id="C-2002", name="Ole Hansen", country="NO", ended_on=date(2025, 12, 31)
    )
    Transaction.objects.create(customer=kari, occurred_on=date(2025, 1, 5), amount=Decimal("1200"))
    Transaction.objects.create(customer=kari, occurred_on=date(2026, 2, 5), amount=Decimal("800"))

    def item(external_id, post, touchpoint, day, customer=None, **fields):
        text = fields.pop("text", "")
        return FeedbackItem.objects.create(
            listening_post=org[post],
            external_id=external_id,
            touchpoint=org[touchpoint] if touchpoint else None,
            customer=customer,
            received_at=_at(day),
            text=text,
            redacted_text=fields.pop("redacted_text", text),
            **fields,
        )

    items = {
        "invoice_angry": item(
            "s-1",
            "survey",
            "invoice",
            2,
            kari,
            nps=2,
            sentiment="negative",
            # The shape outsidein.text's pipeline stores.
            themes=[
                {
                    "code": "billing_error",
                    "name": "Invoice and billing errors",
                    "sentiment": "negative",
                    "score": -0.9,
                }
            ],
            text="Fakturaen var feil, ring meg på 91234567",
            redacted_text="Fakturaen var feil, ring meg på [PHONE]",
        ),
        "invoice_happy": item(
            "s-2", "survey", "invoice", 3, kari, nps=10, sentiment="positive", text="Great invoice"
        ),
        "install_late": item(
            "t-1",
            "tickets",
            "install",
            4,
            ole,
            sentiment="negative",
            text="The installer came three hours late",
        ),
    }
    return {"kari": kari, "ole": ole, **items}
