"""Rules evaluated on facts built from stored feedback: every condition kind, dry runs,
and cases opened once per item and rule for the owning team."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def items(org, customer, make_item):
    from outsidein.codebook.models import Theme

    billing = Theme.objects.create(code="billing", name="Billing")
    Theme.objects.create(code="invoice-errors", name="Invoice errors", parent=billing)
    return {
        "angry": make_item(
            "a",
            customer=customer,
            touchpoint=org["invoice"],
            nps=2,
            csat=1,
            ces=7,
            sentiment="negative",
            sentiment_score=-0.8,
            themes=[{"code": "invoice-errors", "score": 0.9}],
            language="nb",
            text="Strømfakturaen var feil, jeg vurderer oppsigelse.",
        ),
        "happy": make_item(
            "h",
            touchpoint=org["install"],
            nps=10,
            csat=5,
            ces=1,
            sentiment="positive",
            sentiment_score=0.9,
            language="en",
            text="Great installation, thank you",
            listening_post=org["tickets"],
        ),
        "bare": make_item("b", text=""),
    }


CASES = [
    ({"kind": "nps", "op": "<=", "value": 6}, {"angry"}),
    ({"kind": "csat", "op": ">=", "value": 4}, {"happy"}),
    ({"kind": "ces", "op": "between", "value": [6, 7]}, {"angry"}),
    ({"kind": "sentiment", "in": ["negative"]}, {"angry"}),
    ({"kind": "sentiment_score", "op": ">=", "value": 0.5}, {"happy"}),
    ({"kind": "theme", "any_of": ["billing"]}, {"angry"}),  # parent theme from the codebook
    ({"kind": "touchpoint", "in": ["installation"]}, {"happy"}),
    ({"kind": "listening_post", "in": ["tickets"]}, {"happy"}),
    ({"kind": "value_tier", "in": ["gold"]}, {"angry"}),
    ({"kind": "segment", "in": ["family"]}, {"angry"}),
    ({"kind": "language", "in": ["en"]}, {"happy"}),
    ({"kind": "moment_of_truth"}, {"angry"}),
    ({"kind": "keywords", "any_of": ["*faktura*", "oppsig*"]}, {"angry"}),
    ({"kind": "customer_attribute", "key": "contract_years", "op": ">=", "value": 5}, {"angry"}),
    ({"not": {"kind": "nps", "op": "<=", "value": 6}}, {"happy", "bare"}),
    (
        {"any": [{"kind": "language", "in": ["en"]}, {"kind": "moment_of_truth"}]},
        {"angry", "happy"},
    ),
]


@pytest.mark.parametrize(("condition", "expected"), CASES)
def test_every_condition_kind_matches_facts_from_stored_items(items, condition, expected):
    from outsidein.cases.facts import facts_of
    from outsidein.loop.rules import parse_condition

    tree = parse_condition(condition)
    names = list(items)
    facts = dict(zip(names, facts_of(items.values()), strict=True))
    assert {name for name in names if tree.evaluate(facts[name])} == expected


def test_keywords_look_at_the_redacted_text_not_the_original(make_item, org):
    from outsidein.cases.facts import facts_for

    item = make_item("p", text="Ring meg på 912 34 567", redacted_text="Ring meg på [PHONE]")
    assert "912" not in facts_for(item).text


def test_dry_run_counts_the_last_30_days(items, make_item, make_rule):
    from outsidein.cases.routing import dry_run

    make_item("old", nps=1, received_at=datetime(2026, 1, 1, tzinfo=OSLO))
    rule = make_rule({"kind": "nps", "op": "<=", "value": 6}, active=False)
    now = datetime(2026, 3, 20, tzinfo=OSLO)
    trial = dry_run(rule, now=now)
    assert (trial.examined, trial.matched) == (3, 1)
    assert [item.external_id for item in trial.sample] == ["a"]
    assert dry_run(rule, days=120, now=now).matched == 2


def test_cases_open_once_for_the_owning_team_with_sla(items, org, make_rule, billing_member):
    from outsidein.cases.models import Case, Notification
    from outsidein.cases.routing import open_cases_for, sweep

    rule = make_rule({"kind": "sentiment", "in": ["negative", "positive"]}, priority="high")
    override = make_rule(
        {"kind": "nps", "op": ">=", "value": 9}, name="Praise", team=org["billing"]
    )
    make_rule({"kind": "nps", "op": "<=", "value": 6}, name="Switched off", active=False)
    opened_at = datetime(2026, 3, 2, 10, tzinfo=OSLO)  # Monday
    ids = [item.pk for item in items.values()]
    opened = open_cases_for(ids, now=opened_at)
    assert len(opened) == 3
    again = open_cases_for(ids, now=opened_at)
    assert again == [] and sweep(now=opened_at) == 0
    angry = Case.objects.get(feedback=items["angry"], rule=rule)
    assert angry.team == org["billing"] and angry.priority == "high"
    # high: 4 business hours to first response, 16 to resolution (Mon 10:00 → Wed 10:00)
    assert angry.first_response_due == datetime(2026, 3, 2, 14, tzinfo=OSLO)
    assert angry.resolution_due == datetime(2026, 3, 4, 10, tzinfo=OSLO)
    assert Case.objects.get(feedback=items["happy"], rule=rule).team == org["field"]
    assert Case.objects.get(feedback=items["happy"], rule=override).team == org["billing"]
    mails = Notification.objects.filter(case=angry, channel="email")
    assert list(mails.values_list("recipient", flat=True)) == [billing_member.email]


def test_the_sweep_evaluates_what_ingestion_missed(items, make_rule, make_item):
    from django.utils import timezone

    from outsidein.cases.models import Case, LoopState
    from outsidein.cases.routing import sweep

    make_rule({"kind": "nps", "op": "<=", "value": 6})
    later = timezone.now() + timedelta(hours=1)  # past the settling time of every insert
    assert sweep(now=later) == 1
    assert Case.objects.count() == 1
    assert LoopState.objects.get().value >= max(i.pk for i in items.values())
    # It never reaches back further than two days (a new rule must not open cases for
    # years of old feedback), and the watermark moves past what it leaves.
    old = make_item("late", nps=0)
    assert sweep(now=timezone.now() + timedelta(days=3)) == 0
    assert Case.objects.count() == 1 and LoopState.objects.get().value == old.pk


def test_two_rules_on_one_comment_open_one_case_per_team(org, make_item, make_rule):
    from outsidein.cases.models import Case, FeedbackEvaluation
    from outsidein.cases.routing import open_cases_for

    make_rule({"kind": "nps", "op": "<=", "value": 6}, name="Detractor", priority="normal")
    make_rule({"kind": "moment_of_truth"}, name="Moment of truth", priority="high")
    make_rule({"kind": "nps", "op": "<=", "value": 6}, name="To field", team=org["field"])
    item = make_item("two-rules", nps=2, touchpoint=org["invoice"])
    open_cases_for([item.pk])
    cases = {case.team.slug: case for case in Case.objects.filter(feedback=item)}
    assert set(cases) == {"billing", "field"}
    assert cases["billing"].rule.name == "Moment of truth"  # the most urgent rule wins
    assert len(FeedbackEvaluation.objects.get(feedback=item).matched_rules) == 3
