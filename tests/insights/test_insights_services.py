"""Significance marking on planted differences, key drivers recovered from planted feedback,
customer value stored from a small known case, and the rollups/value commands."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from .conftest import make_items


def _answers(tp, day, scores, post="survey", **extra):
    return [{"touchpoint": tp, "day": day, "nps": s, "post": post, **extra} for s in scores]


@pytest.mark.django_db
def test_planted_differences_are_marked_and_noise_is_not(world):
    from outsidein.insights import query as q
    from outsidein.insights.measures import metric_breakdown
    from outsidein.insights.rollups import rebuild_rollups

    march, april = date(2026, 3, 10), date(2026, 4, 10)
    specs = (
        _answers("invoice", march, [10, 9, 9, 8] * 25)  # NPS +75 in March
        + _answers("invoice", april, [2, 3, 9, 5] * 25)  # NPS −50 in April: planted drop
        + _answers("install", march, [9, 7, 3, 10] * 25)
        + _answers("install", april, [10, 7, 3, 9] * 25)  # same mix: no change
        + _answers("order", april, [9, 9, 9, 9, 0] * 2)  # tiny group
    )
    for i, s in enumerate(specs):
        s["external_id"] = f"p-{i}"
    make_items(world, specs)
    rebuild_rollups()
    result = metric_breakdown("nps", q.Scope(), by="touchpoint", period="month", min_n=30)
    groups = {g.key[0]: g for g in result.groups}
    assert result.current_period == date(2026, 4, 1)
    assert groups["first-invoice"].change.direction == "down"
    assert groups["first-invoice"].change.difference == pytest.approx(-125)
    assert groups["installation"].change.direction == "unchanged"
    assert groups["order"].change.direction == "unchanged"  # no March answers: untestable
    assert groups["order"].value.below_min_n and groups["order"].value.n == 10
    assert groups["first-invoice"].change.p_adjusted is not None  # Holm over the touchpoints


@pytest.mark.django_db
def test_channel_consistency_marks_the_channel_that_differs(world, cx_lead):
    from outsidein.insights import query as q
    from outsidein.insights.pages import channel_consistency
    from outsidein.insights.rollups import rebuild_rollups

    day = date(2026, 3, 10)
    specs = (
        _answers("invoice", day, [9, 10, 8] * 30, post="survey")
        + _answers("invoice", day, [9, 10, 8] * 30, post="tickets")
        + _answers("invoice", day, [1, 2, 3] * 30, post="chat")  # the chat experience is worse
    )
    for i, s in enumerate(specs):
        s["external_id"] = f"c-{i}"
    make_items(world, specs)
    rebuild_rollups()
    table = channel_consistency(q.Scope(), cx_lead)["tables"][0]
    rows = {r["channel"]: r for r in table.rows}
    assert str(rows["Chat"]["direction"]) == "down"
    assert rows["Survey"]["direction"] in ("up", "unchanged")
    assert rows["Chat"]["spread"] == pytest.approx(100 * (60 - 0) / 90 + 100)


@pytest.mark.django_db
def test_key_drivers_recover_the_planted_theme(world, cx_lead):
    import random

    from outsidein.insights import query as q
    from outsidein.insights.business import priority_matrix

    rng = random.Random(3)
    specs = []
    for i in range(600):
        billing = rng.random() < 0.3
        staff = rng.random() < 0.5  # mentioned often, no effect on NPS
        nps = rng.choice([0, 2, 4, 6]) if billing else rng.choice([7, 8, 9, 10, 10])
        themes = (["billing"] if billing else []) + ([{"code": "staff"}] if staff else [])
        specs.append(
            {
                "external_id": f"k-{i}",
                "touchpoint": "install",
                "nps": nps,
                "themes": themes,
                "day": date(2026, 3, 1) + timedelta(days=i % 28),
            }
        )
    make_items(world, specs)
    result = priority_matrix(q.Scope(), cx_lead)
    rows = {r["driver"]: r for r in result["tables"][0].rows}
    assert result["tables"][0].rows[0]["driver"] == "billing"
    assert rows["billing"]["importance"] > 90 and rows["billing"]["direction"] == "negative"
    assert rows["billing"]["quadrant"] == "fix first"
    assert rows["staff"]["importance"] < 5


@pytest.mark.django_db
def test_customer_values_stored_and_tier_becomes_a_filter(world):
    from outsidein.customers.models import Customer, Transaction
    from outsidein.insights import query as q
    from outsidein.insights.measures import metric_breakdown
    from outsidein.insights.models import CustomerValue
    from outsidein.insights.valuation import refresh_customer_values

    Transaction.objects.all().delete()
    as_of = date(2026, 6, 30)
    spend = {"A": [(5, 500), (40, 700), (90, 900)], "B": [(20, 50), (200, 50)], "C": [(300, 10)]}
    for ext, rows in spend.items():
        customer = Customer.objects.get(external_id=ext)
        for days_ago, amount in rows:
            Transaction.objects.create(
                customer=customer,
                occurred_on=as_of - timedelta(days=days_ago),
                amount=Decimal(amount),
            )
    make_items(
        world,
        [
            {"customer": "A", "nps": 10, "external_id": "v1"},
            {"customer": "C", "nps": 0, "external_id": "v2"},
        ],
    )
    assert refresh_customer_values(as_of) == 3
    values = {v.customer.external_id: v for v in CustomerValue.objects.select_related("customer")}
    a, b, c = values["A"], values["B"], values["C"]
    assert (a.recency_days, a.frequency, a.monetary) == (5, 3, Decimal("2100.00"))
    assert (b.recency_days, b.frequency, c.recency_days) == (20, 2, 300)
    assert (a.r, a.f, a.m, a.rfm_code) == (5, 5, 5, "555")  # best on every count
    assert (c.r, c.f, c.m) == (1, 1, 1)
    assert a.tier == "platinum" and c.tier == "bronze"
    # rollups were rebuilt with the new tiers: the tier filter gives A's promoter only
    result = metric_breakdown("nps", q.Scope(value_tier="platinum"), min_n=1)
    assert (result.total.value.n, result.total.value.value) == (1, 100.0)


@pytest.mark.django_db
def test_rollup_and_value_commands(world):
    from outsidein.insights.cli import rollups, value
    from outsidein.insights.models import CoreRollup

    make_items(world, [{"nps": 9, "external_id": "cli-1"}])
    runner = CliRunner()
    result = runner.invoke(rollups, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert "CoreRollup 1 rows" in result.output
    assert CoreRollup.objects.get().nps_9 == 1
    assert runner.invoke(rollups, ["refresh", "2026-03-02"]).exit_code == 0
    bad = runner.invoke(rollups, ["refresh", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    result = runner.invoke(value, ["refresh", "--as-of", "2026-02-01"])
    assert result.exit_code == 0 and "3 customers" in result.output


@pytest.mark.django_db
def test_high_value_detractors_by_latest_answer(world, cx_lead):
    from outsidein.insights import query as q
    from outsidein.insights.business import high_value_detractors

    make_items(
        world,
        [
            {"customer": "A", "nps": 10, "day": date(2026, 3, 1), "external_id": "d1"},
            {
                "customer": "A",
                "nps": 3,
                "day": date(2026, 3, 5),
                "external_id": "d2",
            },  # now unhappy
            {"customer": "B", "nps": 2, "day": date(2026, 3, 1), "external_id": "d3"},
            {"customer": "B", "nps": 9, "day": date(2026, 3, 5), "external_id": "d4"},  # recovered
            {"customer": "C", "nps": 0, "day": date(2026, 3, 5), "external_id": "d5"},  # bronze
        ],
    )
    rows = high_value_detractors(cx_lead, q.Scope())
    assert [(r["customer"], r["nps"], r["tier"]) for r in rows] == [("A", 3, "platinum")]
