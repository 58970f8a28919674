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
SUGGESTION_KEY = "touchpoint_suggestion"  # outsidein.codebook.touchpoints.SUGGESTION_KEY
KEPT_ANALYSIS_KEYS = ("corrected", "corrected_fields", SUGGESTION_KEY)
DEEP_TAG_KEY = "sentiment_model"  # which model of the background pass scored the item


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


def corrected_fields(item: FeedbackItem) -> set[str]:
    """The fields a person corrected (outsidein.codebook.corrections): no job may change them."""
    analysis = item.analysis if isinstance(item.analysis, dict) else {}
    return set(analysis.get("corrected_fields") or []) if analysis.get("corrected") else set()


def _kept_by_people(item: FeedbackItem) -> dict:
    """What a person decided (corrections, an open touchpoint suggestion): reanalysis keeps it."""
    analysis = item.analysis if isinstance(item.analysis, dict) else {}
    kept = {key: analysis[key] for key in KEPT_ANALYSIS_KEYS if key in analysis}
    if item.touchpoint_id is not None:
        kept.pop(SUGGESTION_KEY, None)
    fields = corrected_fields(item)
    if "sentiment" in fields:
        kept["fields.sentiment"] = (item.sentiment, item.sentiment_score)
    if "themes" in fields:
        kept["fields.themes"] = item.themes
    return kept


def _kept_deep_sentiment(item: FeedbackItem, deep_tag: str | None) -> dict:
    """The background pass's sentiment while its model is still the current one.

    Rescoring takes that pass days on a large database; meanwhile the dashboards would fall
    back to the fast model. Under a new deep model the tag differs, the item loses it and
    the pass (which looks for items without the current tag) scores it again."""
    analysis = item.analysis if isinstance(item.analysis, dict) else {}
    if deep_tag is None or analysis.get(DEEP_TAG_KEY) != deep_tag:
        return {}
    return {DEEP_TAG_KEY: deep_tag, "fields.sentiment": (item.sentiment, item.sentiment_score)}


def _restore(item: FeedbackItem, kept: dict) -> None:
    if "fields.sentiment" in kept:
        item.sentiment, item.sentiment_score = kept.pop("fields.sentiment")
    if "fields.themes" in kept:
        item.themes = kept.pop("fields.themes")
    item.analysis.update(kept)


def apply_analysis(
    item: FeedbackItem, result: Analysis | None, when, deep_tag: str | None = None
) -> None:
    """Copy one analysis onto an item; an item without text gets an empty analysis.

    Call it with `item.language` holding only a language given by the source (or "").
    Fields a person corrected (outsidein.codebook.corrections) are kept, and so is the
    background pass's sentiment when `deep_tag` (its current model) scored it.
    """
    deep = _kept_deep_sentiment(item, deep_tag) if item.analyzed_at else {}
    kept = _kept_by_people(item) if item.analyzed_at else {}
    _apply(item, result, when)
    _restore(item, deep)
    _restore(item, kept)  # after the deep sentiment: a person's correction wins over both


def keep_corrections_made_meanwhile(item: FeedbackItem, stored: FeedbackItem) -> None:
    """Before a job writes `item`, keep what a person changed since the job read it.

    `stored` is the item as stored now (see `lock_stored`): its corrected fields, their
    values and the correction marks win; a touchpoint accepted meanwhile ends the
    suggestion."""
    kept = _kept_by_people(stored)
    kept.pop(SUGGESTION_KEY, None)
    if stored.touchpoint_id is not None:
        item.analysis.pop(SUGGESTION_KEY, None)
    _restore(item, kept)


def lock_stored(ids: Sequence[int]) -> dict[int, FeedbackItem]:
    """The items as stored now, by id, locked until the caller's transaction ends.

    Call it inside `transaction.atomic()` just before writing. Locking in id order keeps
    two jobs locking overlapping items from deadlocking. SQLite has no row locks (Django
    skips FOR UPDATE there), but its one writer at a time serialises the write."""
    rows = (
        FeedbackItem.objects.select_for_update()
        .filter(id__in=ids)
        .order_by("id")
        .only("id", "touchpoint", "sentiment", "sentiment_score", "themes", "analysis")
    )
    return {row.id: row for row in rows}


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


def has_text(item: FeedbackItem) -> bool:
    return bool(item.text and item.text.strip())


def prepare_items(items: Sequence[FeedbackItem]) -> list[FeedbackItem]:
    """Forget detected languages (they are detected again); returns the items to analyse.

    Their texts and given languages (`item.language or None`) are the analyser's input."""
    for item in items:
        if not language_was_given(item):
            item.language = ""
    return [item for item in items if has_text(item)]


def finish_analysis(
    items: Sequence[FeedbackItem], results: list[Analysis], deep_tag: str | None = None
) -> None:
    """Put the analyser's results (one per item with text, in order) on the items in place.

    The one way an analysis reaches an item, whether it ran here or in a worker process:
    the organisation's sentiment adapter, kept corrections, then touchpoint suggestions.
    `deep_tag`: keep the background pass's sentiment scored by this model (reanalysis)."""
    with_text = [item for item in items if has_text(item)]
    adapt_sentiment([item.text for item in with_text], results)
    by_item = {id(item): result for item, result in zip(with_text, results, strict=True)}
    now = timezone.now()
    for item in items:
        apply_analysis(item, by_item.get(id(item)), now, deep_tag)
    # A touchpoint suggestion for items without one, once the organisation trained a model.
    from outsidein.codebook.touchpoints import suggest_touchpoints

    suggest_touchpoints(items)


def analyze_items(items: Sequence[FeedbackItem], analyzer: Analyzer | None = None) -> None:
    """Analyse items in place (no database writes), in one batch call."""
    analyzer = analyzer or current_analyzer()
    with_text = prepare_items(items)
    results = analyzer.analyze_batch(
        [item.text for item in with_text], [item.language or None for item in with_text]
    )
    finish_analysis(items, results)
