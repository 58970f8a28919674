"""Accepting a suggested touchpoint: dashboards count the item there, touchpoint rules apply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outsidein.cases.models import AlertRule, Case
from outsidein.codebook.touchpoints import SUGGESTION_KEY, accept_suggestion
from outsidein.feedback.ingest import ingest_feedback
from outsidein.feedback.models import FeedbackItem
from outsidein.insights.query import NONE, Scope, rollup_counts


@pytest.fixture
def rules(org, cx_lead):
    """A rule on the installation touchpoint, and billing's rule on every detractor."""
    return {
        "install": AlertRule.objects.create(
            name="Installation complaints",
            condition={"kind": "touchpoint", "in": ["installation"]},
            created_by=cx_lead,
            active=True,
        ),
        "detractors": AlertRule.objects.create(
            name="Detractors",
            condition={"kind": "nps", "op": "<=", "value": 6},
            team=org["billing"],
            created_by=cx_lead,
            active=True,
        ),
    }


@pytest.fixture
def suggested(org, rules, django_capture_on_commit_callbacks) -> FeedbackItem:
    """New feedback without a touchpoint, evaluated by the rules as ingestion does."""
    row = {
        "listening_post": "nps-survey",
        "external_id": "s-1",
        "received_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "text": "Montøren kom tre timer for sent",
        "nps": 3,
    }
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_feedback([row])
    item = FeedbackItem.objects.get(pk=report.outcomes[0].id)
    item.analysis[SUGGESTION_KEY] = {"touchpoint": "installation", "confidence": 0.9}
    item.save(update_fields=["analysis"])
    return item


def items_by_touchpoint() -> dict[str, int]:
    """What the dashboards read: item counts per touchpoint from the rollups."""
    counts = rollup_counts(("touchpoint",), Scope())
    return {key[0]: int(vector[0]) for (key, _), vector in counts.items()}


def test_accepting_counts_the_item_under_the_touchpoint_and_routes_it(
    org, rules, suggested, lead_client, django_capture_on_commit_callbacks
):
    assert items_by_touchpoint() == {NONE: 1}
    assert list(Case.objects.values_list("rule__name", "team__slug")) == [("Detractors", "billing")]

    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("feedback:accept_touchpoint", args=[suggested.pk]))

    suggested.refresh_from_db()
    assert suggested.touchpoint == org["install"]
    assert items_by_touchpoint() == {"installation": 1}
    # The touchpoint's rule opens a case for the touchpoint's owner; billing's case stays one.
    cases = Case.objects.filter(feedback=suggested).values_list("rule__name", "team__slug")
    assert sorted(cases) == [("Detractors", "billing"), ("Installation complaints", "field")]


def test_accepting_twice_changes_nothing_more(suggested, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert accept_suggestion(suggested) is True
    with django_capture_on_commit_callbacks(execute=True):
        assert accept_suggestion(FeedbackItem.objects.get(pk=suggested.pk)) is False
    assert Case.objects.filter(feedback=suggested).count() == 2
    assert items_by_touchpoint() == {"installation": 1}
