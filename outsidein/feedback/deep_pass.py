"""The background sentiment pass with sentence embeddings (outsidein.text.deep_sentiment).

Every item gets the fast analysis at ingestion (thousands per second). The embedding model
is about a hundred times slower but clearly better on Danish and Norwegian, so a worker
job re-scores the newest items with it, a batch at a time, and the dashboards follow.
An organisation's own adapted model (`outsidein text train`) and a person's correction
both win over it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from .models import FeedbackItem

DEEP = "deep"
BATCH = 500


def deep_sentiment_available() -> bool:
    from outsidein.text.embeddings import available

    return available()


def pending_items(limit: int) -> list[FeedbackItem]:
    items = (
        FeedbackItem.objects.filter(analyzed_at__isnull=False)
        .exclude(redacted_text="")
        .filter(Q(analysis__sentiment_model__isnull=True) | ~Q(analysis__sentiment_model=DEEP))
        .order_by("-received_at", "-id")
        .only("id", "redacted_text", "language", "received_at", "analysis", "sentiment")[:limit]
    )
    return list(items)


def _corrected(item: FeedbackItem) -> bool:
    return "sentiment" in (item.analysis.get("corrected_fields") or [])


def deep_sentiment_pass(limit: int = BATCH) -> int:
    """Re-score up to `limit` of the newest items not yet scored by the deep model."""
    from outsidein.codebook.services import current_sentiment_adapter

    if not deep_sentiment_available() or current_sentiment_adapter() is not None:
        return 0
    from outsidein.insights.rollups import refresh_rollups_for
    from outsidein.text.deep_sentiment import predict_sentiment

    items = pending_items(limit)
    scored = [item for item in items if not _corrected(item)]
    results = predict_sentiment(
        [item.redacted_text for item in scored], [item.language or None for item in scored]
    )
    for item, result in zip(scored, results, strict=True):
        item.sentiment, item.sentiment_score = result.label, result.score
    for item in items:
        item.analysis = {**item.analysis, "sentiment_model": DEEP}
    with transaction.atomic():
        FeedbackItem.objects.bulk_update(items, ["sentiment", "sentiment_score", "analysis"])
    refresh_rollups_for([item.id for item in scored])
    return len(items)
