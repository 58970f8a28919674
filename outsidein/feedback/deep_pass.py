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

from .analysis import DEEP_TAG_KEY, corrected_fields, lock_stored
from .models import FeedbackItem

DEEP = "deep"
BATCH = 500
CHUNK = 100  # items scored and saved together
PASS_SECONDS = 120  # then stop: long comments embed at a few per second


def deep_sentiment_available() -> bool:
    from outsidein.text.embeddings import available

    return available()


def model_tag(deep_adapter, fast_adapter=None) -> str:  # noqa: ANN001 - adapters or None
    """What the pass records as the item's sentiment model: a new adapter re-scores all,
    and so does a new fast adapter when the deep one averages it in."""
    if deep_adapter is None:
        return DEEP
    tag = f"{DEEP}:org-{deep_adapter.version}"
    if deep_adapter.fast_share and fast_adapter is not None:
        tag += f"+{fast_adapter.version}"
    return tag


def _models() -> tuple[str, object, object] | None:
    """(tag, fast adapter, deep adapter) the pass scores with now, or None while it rests."""
    from outsidein.codebook.services import (
        current_deep_sentiment_adapter,
        current_sentiment_adapter,
    )

    fast_adapter, deep_adapter = current_sentiment_adapter(), current_deep_sentiment_adapter()
    if not deep_sentiment_available() or (fast_adapter is not None and deep_adapter is None):
        return None
    return model_tag(deep_adapter, fast_adapter), fast_adapter, deep_adapter


def current_model_tag() -> str | None:
    """The tag of the model the pass scores with now; None while the pass rests (no
    embedding model, or only the fast path adapted: then the fast verdict stands)."""
    models = _models()
    return None if models is None else models[0]


def pending_items(limit: int, tag: str = DEEP) -> list[FeedbackItem]:
    items = (
        FeedbackItem.objects.filter(analyzed_at__isnull=False)
        .exclude(redacted_text="")
        .filter(Q(analysis__sentiment_model__isnull=True) | ~Q(analysis__sentiment_model=tag))
        .order_by("-received_at", "-id")
        .only("id", "redacted_text", "language", "received_at", "analysis", "sentiment")[:limit]
    )
    return list(items)


def deep_sentiment_pass(limit: int = BATCH, max_seconds: float = PASS_SECONDS) -> int:
    """Re-score up to `limit` of the newest items not yet scored by the deep model, in
    chunks, stopping after `max_seconds`: long comments embed slowly and a queued job has
    300 s. Returns how many items were done; the next run goes on."""
    models = _models()
    if models is None:
        return 0
    tag, fast_adapter, deep_adapter = models
    items = pending_items(limit, tag)
    started, done = time.monotonic(), 0
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        save_scores(chunk, score(chunk, fast_adapter, deep_adapter), tag)
        done = min(len(items), start + CHUNK)
        if time.monotonic() - started > max_seconds:
            break
    return done


def score(
    items: list[FeedbackItem],
    fast_adapter,  # noqa: ANN001 - a SentimentAdapter or None
    deep_adapter,  # noqa: ANN001 - a DeepSentimentAdapter or None
) -> dict[int, tuple[str, float]]:
    """The deep model's (label, score) by item id, for the items no person corrected."""
    from outsidein.text.deep_sentiment import predict_sentiment
    from outsidein.text.sentiment import result_from_proba

    scored = [item for item in items if "sentiment" not in corrected_fields(item)]
    texts = [item.redacted_text for item in scored]
    languages = [item.language or None for item in scored]
    if deep_adapter is None:
        results = predict_sentiment(texts, languages)
    else:
        probabilities = deep_adapter.predict_proba(texts, languages, fast_adapter)
        results = [result_from_proba(row) for row in probabilities]
    return {item.id: (r.label, r.score) for item, r in zip(scored, results, strict=True)}


def save_scores(items: list[FeedbackItem], scores: dict[int, tuple[str, float]], tag: str) -> None:
    """Write the scores and the model tag onto the items as stored now.

    Scoring takes seconds, so the items are read again (locked) just before the write: a
    correction or a reanalysis made meanwhile stays, and the pass adds only its own part."""
    from outsidein.insights.rollups import refresh_rollups_for

    with transaction.atomic():
        stored = lock_stored([item.id for item in items])
        for item in items:
            row = stored.get(item.id)
            if row is None:  # deleted meanwhile
                continue
            item.analysis = {**row.analysis, DEEP_TAG_KEY: tag}
            item.sentiment, item.sentiment_score = row.sentiment, row.sentiment_score
            if item.id in scores and "sentiment" not in corrected_fields(row):
                item.sentiment, item.sentiment_score = scores[item.id]
        FeedbackItem.objects.bulk_update(items, ["sentiment", "sentiment_score", "analysis"])
    refresh_rollups_for(list(scores))
