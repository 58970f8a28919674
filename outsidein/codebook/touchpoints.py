"""Touchpoint suggestion: learn from feedback that has a touchpoint, suggest one for the rest.

The model (outsidein.text.touchpoints.TouchpointSuggester) is trained on redacted text, so
no personal data ends up in the stored model, and kept as TrainedModel "touchpoint-suggester".
A suggestion is stored in ``analysis["touchpoint_suggestion"]``; a person accepts it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from django.db import transaction

from outsidein.text.touchpoints import TouchpointModelError, TouchpointSuggester

from .models import TrainedModel

MODEL_NAME = "touchpoint-suggester"
MAX_TRAINING_ITEMS = 50_000  # the newest items: touchpoints and wording change over time
HELD_OUT_SHARE = 0.2
MIN_CONFIDENCE = 0.4  # below this a suggestion is noise, not help
SUGGESTION_KEY = "touchpoint_suggestion"


def _training_rows() -> list[tuple[str, str]]:
    from outsidein.feedback.models import FeedbackItem

    rows = (
        FeedbackItem.objects.filter(touchpoint__isnull=False)
        .exclude(redacted_text="")
        .order_by("-received_at")
        .values_list("redacted_text", "touchpoint__slug")[:MAX_TRAINING_ITEMS]
    )
    return list(rows)


def _split(rows: list[tuple[str, str]], seed: int) -> tuple[list, list]:
    """Hold back a share of every touchpoint, so each class is measured."""
    by_class: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        by_class.setdefault(row[1], []).append(row)
    rng = random.Random(seed)
    train, held = [], []
    for members in by_class.values():
        rng.shuffle(members)
        cut = int(len(members) * HELD_OUT_SHARE)
        held += members[:cut]
        train += members[cut:]
    return train, held


def _accuracy(model: TouchpointSuggester, rows: Sequence[tuple[str, str]]) -> float | None:
    known = [row for row in rows if row[1] in model.classes]
    if not known:
        return None
    found = model.suggest([text for text, _ in known])
    right = sum(
        1 for hit, (_, slug) in zip(found, known, strict=True) if hit and hit.touchpoint_id == slug
    )
    return round(right / len(known), 4)


def train_touchpoint_suggester(seed: int = 0) -> dict:
    """Train on items with a touchpoint, measure on held-out items, keep the model on all."""
    rows = _training_rows()
    counts = Counter(slug for _, slug in rows)
    report: dict = {"examples": len(rows), "per_touchpoint": dict(counts.most_common())}
    train, held = _split(rows, seed)
    probe = TouchpointSuggester().fit([t for t, _ in train], [s for _, s in train])
    if not probe.fitted:
        report["reason"] = "too few items with a touchpoint (at least two touchpoints with 5 each)"
        return report
    report.update(
        train=len(train),
        held_out=len(held),
        held_out_accuracy=_accuracy(probe, held),
        majority_baseline=round(counts.most_common(1)[0][1] / len(rows), 4),
    )
    model = TouchpointSuggester(min_confidence=MIN_CONFIDENCE)
    model.fit([t for t, _ in rows], [s for _, s in rows])
    report["touchpoints"] = list(model.classes)
    report["skipped"] = {str(k): v for k, v in model.skipped.items()}
    TrainedModel.objects.update_or_create(
        name=MODEL_NAME, defaults={"blob": model.to_bytes(), "report": report}
    )
    return report


_cache: dict[str, object] = {"key": None, "model": None}


def current_touchpoint_suggester() -> TouchpointSuggester | None:
    """The trained suggester, or None (also when it was trained by another scikit-learn)."""
    stamp = (
        TrainedModel.objects.filter(name=MODEL_NAME).values_list("trained_at", flat=True).first()
    )
    if _cache["key"] != stamp:
        model = None
        if stamp is not None:
            try:
                blob = TrainedModel.objects.get(name=MODEL_NAME).blob
                model = TouchpointSuggester.from_bytes(bytes(blob))
            except TouchpointModelError:
                model = None  # retrain with `outsidein text train-touchpoints`
        _cache.update(key=stamp, model=model)
    return _cache["model"]  # type: ignore[return-value]


def suggest_touchpoints(items: Sequence, model: TouchpointSuggester | None = None) -> int:
    """Store a suggestion on each item without a touchpoint (in place, no database write)."""
    model = model or current_touchpoint_suggester()
    todo = [i for i in items if i.touchpoint_id is None and (i.redacted_text or "").strip()]
    if model is None or not todo:
        return 0
    suggested = 0
    for item, hit in zip(todo, model.suggest([i.redacted_text for i in todo]), strict=True):
        item.analysis.pop(SUGGESTION_KEY, None)
        if hit is not None:
            item.analysis[SUGGESTION_KEY] = {
                "touchpoint": hit.touchpoint_id,
                "confidence": hit.confidence,
            }
            suggested += 1
    return suggested


@transaction.atomic
def accept_suggestion(item) -> bool:
    """Link the item to its suggested touchpoint; auditlog records the change of touchpoint.

    Once this commits, the item flows on as if it had come in with the touchpoint: the
    dashboards' rollups are refreshed and the alert rules look at it again.
    """
    from outsidein.cases.models import FeedbackEvaluation
    from outsidein.feedback.hooks import feedback_stored
    from outsidein.journeys.models import Touchpoint

    suggestion = (item.analysis or {}).get(SUGGESTION_KEY) or {}
    touchpoint = Touchpoint.objects.filter(slug=suggestion.get("touchpoint")).first()
    if touchpoint is None or item.touchpoint_id is not None:
        return False
    item.touchpoint = touchpoint
    item.analysis.pop(SUGGESTION_KEY, None)
    item.save(update_fields=["touchpoint", "analysis"])
    # The rules saw the item without a touchpoint and marked it evaluated; without the mark
    # routing evaluates it again. A rule that already opened a case for it opens no second.
    FeedbackEvaluation.objects.filter(feedback_id=item.pk).delete()
    item_ids = [item.pk]
    transaction.on_commit(lambda: feedback_stored(item_ids))
    return True


def touchpoint_suggestion(item) -> dict | None:
    """{"touchpoint": Touchpoint, "confidence": p} for an item without a touchpoint, or None."""
    from outsidein.journeys.models import Touchpoint

    suggestion = (item.analysis or {}).get(SUGGESTION_KEY) if item.touchpoint_id is None else None
    if not suggestion:
        return None
    touchpoint = Touchpoint.objects.filter(slug=suggestion.get("touchpoint")).first()
    if touchpoint is None:
        return None
    return {"touchpoint": touchpoint, "confidence": suggestion.get("confidence") or 0.0}
