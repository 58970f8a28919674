"""A person corrects the sentiment or themes of a feedback item.

Each changed field is stored as an AnalysisCorrection (it teaches `outsidein text train`)
and applied to the item at once. ``analysis["corrected"]`` marks the item, and
``analysis["corrected_fields"]`` names the fields reanalysis must leave alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from outsidein.feedback.models import FeedbackItem, Sentiment

from .models import AnalysisCorrection
from .services import current_codebook

# A person's label is certain: the score says so, and averages follow the correction.
CORRECTED_SCORE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


class CorrectionError(ValueError):
    """The correction names an unknown sentiment or theme."""


def theme_codes(item: FeedbackItem) -> list[str]:
    return [t["code"] if isinstance(t, dict) else str(t) for t in item.themes or []]


def _corrected_themes(item: FeedbackItem, codes: list[str], sentiment: str) -> list[dict]:
    """Kept themes keep their own sentiment; added themes get the item's sentiment."""
    codebook = current_codebook()
    kept = {(t["code"] if isinstance(t, dict) else str(t)): t for t in item.themes or []}
    out = []
    for code in codes:
        entry = kept.get(code)
        if isinstance(entry, dict):
            out.append(entry)
            continue
        theme = codebook.get(code)
        out.append(
            {
                "code": code,
                "name": theme.name if theme else code,
                "sentiment": sentiment or None,
                "score": CORRECTED_SCORE.get(sentiment),
            }
        )
    return out


def _check(sentiment: str | None, codes: Iterable[str] | None, item: FeedbackItem) -> None:
    if sentiment is not None and sentiment not in Sentiment.values:
        raise CorrectionError(f"unknown sentiment {sentiment!r}")
    if codes is not None:
        known = {t.code for t in current_codebook().themes} | set(theme_codes(item))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise CorrectionError(f"unknown theme(s) {', '.join(unknown)}")


@transaction.atomic
def correct_analysis(
    item: FeedbackItem,
    user,
    *,
    sentiment: str | None = None,
    themes: Iterable[str] | None = None,
) -> list[AnalysisCorrection]:
    """Store and apply the changed fields; returns the corrections made (none if unchanged)."""
    codes = list(dict.fromkeys(themes)) if themes is not None else None
    _check(sentiment, codes, item)
    made = []
    fields = set(item.analysis.get("corrected_fields") or [])
    if sentiment is not None and sentiment != item.sentiment:
        made.append(_record(item, user, "sentiment", item.sentiment or None, sentiment))
        item.sentiment, item.sentiment_score = sentiment, CORRECTED_SCORE[sentiment]
        fields.add("sentiment")
    if codes is not None and codes != theme_codes(item):
        made.append(_record(item, user, "themes", theme_codes(item), codes))
        item.themes = _corrected_themes(item, codes, item.sentiment)
        fields.add("themes")
    if made:
        item.analysis = {**item.analysis, "corrected": True, "corrected_fields": sorted(fields)}
        item.save(update_fields=["sentiment", "sentiment_score", "themes", "analysis"])
        from outsidein.insights.rollups import refresh_rollups_for

        refresh_rollups_for([item.id])
    return made


def _record(item: FeedbackItem, user, field: str, before, after) -> AnalysisCorrection:
    return AnalysisCorrection.objects.create(
        feedback=item, field=field, before=before, after=after, corrected_by=user
    )


def theme_choices(names: dict[str, str]) -> list[tuple[str, str, int]]:
    """(code, label, depth) of every theme of the codebook, each parent before its children."""
    codebook = current_codebook()
    out: list[tuple[str, str, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for theme in codebook.children(parent):
            out.append((theme.code, names.get(theme.code) or theme.name, depth))
            walk(theme.code, depth + 1)

    walk(None, 0)
    return out
