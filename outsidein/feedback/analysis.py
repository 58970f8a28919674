"""Text analysis of feedback items: language, sentiment, themes and PII redaction.

Ingestion calls `analyze_items` on every batch before it is stored; `reanalyze` runs the
same analysis again after a model or codebook change. The NLP itself lives in
outsidein.text, which knows nothing about Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from django.utils import timezone

from outsidein.codebook.services import current_codebook
from outsidein.text.codebook import Codebook
from outsidein.text.pipeline import Analysis, Analyzer

from .models import FeedbackItem

ANALYSIS_FIELDS = [
    "language",
    "redacted_text",
    "sentiment",
    "sentiment_score",
    "themes",
    "analysis",
    "analyzed_at",
]
KEPT_ANALYSIS_KEYS = ("corrected", "corrected_fields", "touchpoint_suggestion")


@lru_cache(maxsize=4)
def _analyzer(codebook: Codebook) -> Analyzer:
    return Analyzer(codebook=codebook)


def current_analyzer() -> Analyzer:
    return _analyzer(current_codebook())


def language_was_given(item: FeedbackItem) -> bool:
    """Whether the item's language came from its source rather than from detection."""
    if item.analyzed_at is None:
        return bool(item.language)
    return item.analysis.get("language_source") == "given"


def _kept_by_people(item: FeedbackItem) -> dict:
    """What a person decided (corrections, an open touchpoint suggestion): reanalysis keeps it."""
    analysis = item.analysis if isinstance(item.analysis, dict) else {}
    kept = {key: analysis[key] for key in KEPT_ANALYSIS_KEYS if key in analysis}
    if item.touchpoint_id is not None:
        kept.pop("touchpoint_suggestion", None)
    fields = set(analysis.get("corrected_fields") or []) if analysis.get("corrected") else set()
    if "sentiment" in fields:
        kept["fields.sentiment"] = (item.sentiment, item.sentiment_score)
    if "themes" in fields:
        kept["fields.themes"] = item.themes
    return kept


def _restore(item: FeedbackItem, kept: dict) -> None:
    if "fields.sentiment" in kept:
        item.sentiment, item.sentiment_score = kept.pop("fields.sentiment")
    if "fields.themes" in kept:
        item.themes = kept.pop("fields.themes")
    item.analysis.update(kept)


def apply_analysis(item: FeedbackItem, result: Analysis | None, when) -> None:
    """Copy one analysis onto an item; an item without text gets an empty analysis.

    Call it with `item.language` holding only a language given by the source (or "").
    Fields a person corrected (outsidein.codebook.corrections) are kept.
    """
    kept = _kept_by_people(item) if item.analyzed_at else {}
    _apply(item, result, when)
    _restore(item, kept)


def _apply(item: FeedbackItem, result: Analysis | None, when) -> None:
    item.analyzed_at = when
    if result is None:
        item.redacted_text, item.sentiment, item.sentiment_score = "", "", None
        item.themes = []
        item.analysis = {"language_source": "given" if item.language else "detected"}
        return
    details = result.to_dict()
    item.redacted_text = details.pop("redacted_text")
    # A language given by the source (e.g. the survey's language) wins over detection.
    details["language_source"] = "given" if item.language else "detected"
    if not item.language and result.language != "und":
        item.language = result.language
    item.sentiment = result.sentiment
    item.sentiment_score = result.sentiment_score
    item.themes = details.pop("themes")
    item.analysis = details


def adapt_sentiment(texts: list[str], results: list[Analysis]) -> None:
    """Let the organisation's own sentiment adapter (outsidein text train) decide the tone."""
    from outsidein.codebook.services import current_sentiment_adapter
    from outsidein.text.sentiment import LABELS

    adapter = current_sentiment_adapter()
    if adapter is None or not results:
        return
    probabilities = adapter.predict_proba(texts, [result.language for result in results])
    for result, row in zip(results, probabilities, strict=True):
        result.sentiment = LABELS[int(row.argmax())]
        result.sentiment_score = round(
            float(row[LABELS.index("positive")] - row[LABELS.index("negative")]), 4
        )


def analyze_items(items: Sequence[FeedbackItem], analyzer: Analyzer | None = None) -> None:
    """Analyse items in place (no database writes), in one batch call."""
    analyzer = analyzer or current_analyzer()
    for item in items:
        if not language_was_given(item):
            item.language = ""
    with_text = [item for item in items if item.text and item.text.strip()]
    results = analyzer.analyze_batch(
        [item.text for item in with_text], [item.language or None for item in with_text]
    )
    adapt_sentiment([item.text for item in with_text], results)
    by_item = {id(item): result for item, result in zip(with_text, results, strict=True)}
    now = timezone.now()
    for item in items:
        apply_analysis(item, by_item.get(id(item)), now)
    # A touchpoint suggestion for items without one, once the organisation trained a model.
    from outsidein.codebook.touchpoints import suggest_touchpoints

    suggest_touchpoints(items)
