"""The demo generator is deterministic: the same seed gives the same company."""

from __future__ import annotations

import random
from datetime import date

from outsidein.demo.generate import feedback_rows
from outsidein.demo.population import customer_rows, plan_customers, transaction_rows

END = date(2026, 6, 30)


def _company(seed: int) -> tuple[list, list, list]:
    plans = plan_customers(random.Random(f"{seed}:customers"), 120, END)
    feedback = feedback_rows(random.Random(f"{seed}:feedback"), plans, 400, END)
    bills = list(transaction_rows(random.Random(f"{seed}:bills"), plans, END))
    return list(customer_rows(plans)), bills, feedback


def test_same_seed_same_company():
    assert _company(11) == _company(11)


def test_other_seed_other_company():
    customers, _, feedback = _company(11)
    other_customers, _, other_feedback = _company(12)
    assert [c["name"] for c in customers] != [c["name"] for c in other_customers]
    assert [f["text"] for f in feedback] != [f["text"] for f in other_feedback]


def test_rows_are_in_the_shared_format_and_inside_the_year():
    customers, bills, feedback = _company(5)
    known = {c["external_id"] for c in customers}
    assert len({(f["listening_post"], f["external_id"]) for f in feedback}) == len(feedback)
    assert {f["customer"] for f in feedback} - {""} <= known
    assert {b["customer"] for b in bills} <= known
    days = sorted(f["received_at"][:10] for f in feedback)
    assert days[0] >= "2025-07-01" and days[-1] <= END.isoformat()
    assert {b["currency"] for b in bills} == {"NOK", "SEK", "DKK"}
