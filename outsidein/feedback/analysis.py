"""Text analysis of feedback items at ingestion (fills redacted_text, sentiment, themes).

Interim version: the text-analytics core (outsidein.text) is being written; until it is
wired in here, redaction is a pass-through. Callers use only `analyze_items`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import FeedbackItem


def analyze_items(items: Sequence[FeedbackItem]) -> None:
    """Analyse unsaved or saved items in place (no database writes)."""
    for item in items:
        item.redacted_text = item.text
