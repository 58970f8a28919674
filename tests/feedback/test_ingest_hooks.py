"""New feedback flows on: a detractor at a touchpoint opens a case for the owning team."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from outsidein.cases.models import AlertRule, Case
from outsidein.feedback.ingest import ingest_feedback


def rows(org, *, days_ago: float, start: int = 0):
    received = (timezone.now() - timedelta(days=days_ago)).isoformat()
    return [
        {"listening_post": "nps-survey", "external_id": f"h{start + n}", "received_at": received,
         "touchpoint": "first-invoice", "nps": nps, "text": "Fakturaen var feil"}
        for n, nps in enumerate([2, 9, 5])
    ]  # fmt: skip


def test_ingested_detractors_open_cases_for_the_touchpoint_owner(
    org, cx_lead, django_capture_on_commit_callbacks
):
    AlertRule.objects.create(
        name="Detractors",
        condition={"kind": "nps", "op": "<=", "value": 6},
        created_by=cx_lead,
        active=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = ingest_feedback(rows(org, days_ago=0.1))
    assert report.created == 3
    cases = Case.objects.all()
    assert sorted(c.feedback.nps for c in cases) == [2, 5]
    assert {c.team.slug for c in cases} == {"billing"}
    with django_capture_on_commit_callbacks(execute=True):
        again = ingest_feedback(rows(org, days_ago=0.1))
    assert again.duplicates == 3 and Case.objects.count() == 2


def test_last_years_feedback_opens_no_case(org, cx_lead, django_capture_on_commit_callbacks):
    AlertRule.objects.create(
        name="Detractors",
        condition={"kind": "nps", "op": "<=", "value": 6},
        created_by=cx_lead,
        active=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        ingest_feedback(rows(org, days_ago=300, start=10))
    assert not Case.objects.exists()


def test_unanalysed_items_are_shown_redacted(org):
    from outsidein.feedback.models import FeedbackItem

    report = ingest_feedback(rows(org, days_ago=1, start=50), analyze=False)
    item = FeedbackItem.objects.get(pk=report.outcomes[0].id)
    item.text = "Ring meg på 912 34 567"
    assert item.redacted_text == ""
    assert "912 34 567" not in item.display_text and "Ring meg" in item.display_text
