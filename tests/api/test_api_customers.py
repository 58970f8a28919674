"""GET /api/v1/customers and /api/v1/customers/{external_id}."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db
CUSTOMERS_URL = "/api/v1/customers"


@pytest.fixture
def kari(org):
    from outsidein.customers.models import Customer, Transaction

    customer = Customer.objects.create(
        external_id="C-1", name="Kari Nordmann", email="kari@example.no", country="NO"
    )
    for occurred_on, amount, currency in [
        (date(2025, 1, 10), "100.50", "NOK"),
        (date(2025, 6, 1), "899.50", "NOK"),
        (date(2025, 3, 3), "20.00", "SEK"),
    ]:
        Transaction.objects.create(
            customer=customer, occurred_on=occurred_on, amount=Decimal(amount), currency=currency
        )
    return customer


def test_a_customer_with_transaction_summary_and_feedback_count(lead_api, kari, make_feedback):
    make_feedback(customer=kari)
    make_feedback(customer=kari)

    response = lead_api.get(f"{CUSTOMERS_URL}/C-1")

    assert response.status_code == 200
    body = response.json()
    assert (body["external_id"], body["name"], body["country"]) == ("C-1", "Kari Nordmann", "NO")
    assert body["feedback_count"] == 2
    summary = body["transactions"]
    assert summary["count"] == 3
    assert (summary["first_on"], summary["last_on"]) == ("2025-01-10", "2025-06-01")
    totals = {t["currency"]: Decimal(t["total"]) for t in summary["totals"]}
    assert totals == {"NOK": Decimal("1000.00"), "SEK": Decimal("20.00")}


def test_a_customer_without_transactions(lead_api, org):
    from outsidein.customers.models import Customer

    Customer.objects.create(external_id="C-2")

    summary = lead_api.get(f"{CUSTOMERS_URL}/C-2").json()["transactions"]

    assert summary == {"count": 0, "totals": [], "first_on": None, "last_on": None}


def test_unknown_customer_answers_404(lead_api, org):
    assert lead_api.get(f"{CUSTOMERS_URL}/nobody").status_code == 404


def test_team_members_see_a_customer_only_through_their_teams_feedback(
    billing_api, field_api, viewer_api, kari, make_feedback, org
):
    make_feedback(customer=kari, listening_post=org["tickets"], touchpoint=org["install"])
    make_feedback(customer=kari, listening_post=org["tickets"])

    assert billing_api.get(f"{CUSTOMERS_URL}/C-1").status_code == 404
    assert billing_api.get(CUSTOMERS_URL).json()["items"] == []
    assert field_api.get(f"{CUSTOMERS_URL}/C-1").json()["feedback_count"] == 2
    assert [c["external_id"] for c in field_api.get(CUSTOMERS_URL).json()["items"]] == ["C-1"]
    assert viewer_api.get(f"{CUSTOMERS_URL}/C-1").status_code == 200


def test_the_feedback_count_counts_only_what_the_user_may_see(
    lead_api, billing_api, kari, make_feedback, org
):
    make_feedback(customer=kari)
    make_feedback(customer=kari, listening_post=org["tickets"])

    assert lead_api.get(f"{CUSTOMERS_URL}/C-1").json()["feedback_count"] == 2
    assert billing_api.get(f"{CUSTOMERS_URL}/C-1").json()["feedback_count"] == 1


def test_list_searches_and_pages_through_all_customers(lead_api, org):
    from outsidein.customers.models import Customer

    for n in range(12):
        Customer.objects.create(external_id=f"C-{n:02}", name="Ola" if n % 3 == 0 else "Per")

    seen, cursor = [], None
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        body = lead_api.get(CUSTOMERS_URL, params).json()
        seen += [c["external_id"] for c in body["items"]]
        if not (cursor := body["next_cursor"]):
            break

    assert seen == [f"C-{n:02}" for n in range(12)]
    searched = lead_api.get(CUSTOMERS_URL, {"q": "ola"}).json()["items"]
    assert [c["external_id"] for c in searched] == ["C-00", "C-03", "C-06", "C-09"]
    assert [
        c["external_id"] for c in lead_api.get(CUSTOMERS_URL, {"q": "c-1"}).json()["items"]
    ] == [
        "C-10",
        "C-11",
    ]


def test_a_tampered_customer_cursor_answers_422(lead_api, org, locs):
    response = lead_api.get(CUSTOMERS_URL, {"cursor": "not-a-cursor"})

    assert response.status_code == 422
    assert locs(response) == [["query", "cursor"]]
