"""The background sentiment pass with sentence embeddings (outsidein.text.deep_sentiment).

Every item gets the fast analysis at ingestion (thousands per second). The embedding model
is about a hundred times slower but clearly better on Danish and Norwegian, so a worker
job re-scores the newest items with it, a batch at a time, and the dashboards follow.
After `outsidein text train`, the pass uses the organisation's adapted deep model when one
was adopted; when only the fast path was adapted, that adapter wins and the pass rests. A
person's correction always wins.
"""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import Q

from .models import FeedbackItem

DEEP = "deep"
BATCH = 500
CHUNK = 100  # items scored and saved together
PASS_SECONDS = 120  # then stop: long comments embed at a few per second


def deep_sentiment_available() -> bool:
    from outsidein.text.embeddings import available

    return available()


def model_tag(deep_adapter) -> str:  # noqa: ANN001 - a DeepSentimentAdapter or None
    """What the pass records as the item's sentiment model: a new adapter re-scores all."""
    return DEEP if deep_adapter is None else f"{DEEP}:org-{deep_adapter.version}"


def pending_items(limit: int, tag: str = DEEP) -> list[FeedbackItem]:
    items = (
        FeedbackItem.objects.filter(analyzed_at__isnull=False)
        .exclude(redacted_text="")
        .filter(Q(analysis__sentiment_model__isnull=True) | ~Q(analysis__sentiment_model=tag))
        .order_by("-received_at", "-id")
        .only("id", "redacted_text", "language", "received_at", "analysis", "sentiment")[:limit]
    )
    return list(items)


def _corrected(item: FeedbackItem) -> bool:
    return "sentiment" in (item.analysis.get("corrected_fields") or [])


def deep_sentiment_pass(limit: int = BATCH, max_seconds: float = PASS_SECONDS) -> int:
    """Re-score up to `limit` of the newest items not yet scored by the deep model, in
    chunks, stopping after `max_seconds`: long comments embed slowly and a queued job has
    300 s. Returns how many items were done; the next run goes on."""
    from outsidein.codebook.services import (
        current_deep_sentiment_adapter,
        current_sentiment_adapter,
    )

    fast_adapter, deep_adapter = current_sentiment_adapter(), current_deep_sentiment_adapter()
    if not deep_sentiment_available() or (fast_adapter is not None and deep_adapter is None):
        return 0
    tag = model_tag(deep_adapter)
    items = pending_items(limit, tag)
    started, done = time.monotonic(), 0
    for start in range(0, len(items), CHUNK):
        _score(items[start : start + CHUNK], tag, fast_adapter, deep_adapter)
        done = min(len(items), start + CHUNK)
        if time.monotonic() - started > max_seconds:
            break
    return done


def _score(items: list[FeedbackItem], tag: str, fast_adapter, deep_adapter) -> None:  # noqa: ANN001
    from outsidein.insights.rollups import refresh_rollups_for
    from outsidein.text.deep_sentiment import predict_sentiment
    from outsidein.text.sentiment import result_from_proba

    scored = [item for item in items if not _corrected(item)]
    texts = [item.redacted_text for item in scored]
    languages = [item.language or None for item in scored]
    if deep_adapter is None:
        results = predict_sentiment(texts, languages)
    else:
        probabilities = deep_adapter.predict_proba(texts, languages, fast_adapter)
        results = [result_from_proba(row) for row in probabilities]
    for item, result in zip(scored, results, strict=True):
        item.sentiment, item.sentiment_score = result.label, result.score
    for item in items:
        item.analysis = {**item.analysis, "sentiment_model": tag}
    with transaction.atomic():
        FeedbackItem.objects.bulk_update(items, ["sentiment", "sentiment_score", "analysis"])
    refresh_rollups_for([item.id for item in scored])
