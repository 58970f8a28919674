"""FeedbackFacts from stored feedback: what an alert rule can look at."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from outsidein.codebook.models import Theme
from outsidein.feedback.models import FeedbackItem
from outsidein.loop.rules import FeedbackFacts

RELATED = ("listening_post", "touchpoint", "customer")


def theme_parents() -> dict[str, str]:
    """code → parent code, so a rule on a parent theme matches its children."""
    return {
        code: parent
        for code, parent in Theme.objects.filter(parent__isnull=False).values_list(
            "code", "parent__code"
        )
    }


def _with_parents(codes: Iterable[str], parents: dict[str, str]) -> frozenset[str]:
    found: set[str] = set()
    for code in codes:
        while code and code not in found:
            found.add(code)
            code = parents.get(code, "")
    return frozenset(found)


def _theme_codes(item: FeedbackItem) -> list[str]:
    # Themes are stored as codes or as {"code": ...} objects depending on the analyser.
    codes = []
    for theme in item.themes or []:
        code = theme.get("code") if isinstance(theme, dict) else theme
        if code:
            codes.append(str(code))
    return codes


def _segments(attributes: dict) -> frozenset[str]:
    value = attributes.get("segments", attributes.get("segment"))
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value or ())


def facts_for(item: FeedbackItem, parents: dict[str, str] | None = None) -> FeedbackFacts:
    """The facts of one item; pass ``parents`` (from :func:`theme_parents`) in loops."""
    parents = theme_parents() if parents is None else parents
    customer = item.customer
    attributes = dict(customer.attributes or {}) if customer and not customer.forgotten_at else {}
    touchpoint = item.touchpoint
    tier = attributes.get("value_tier")
    return FeedbackFacts(
        nps=item.nps,
        csat=item.csat,
        ces=item.ces,
        sentiment=item.sentiment or None,
        sentiment_score=item.sentiment_score,
        themes=_with_parents(_theme_codes(item), parents),
        touchpoint=touchpoint.slug if touchpoint else None,
        moment_of_truth=touchpoint.moment_of_truth if touchpoint else None,
        listening_post=item.listening_post.slug,
        value_tier=str(tier) if tier not in (None, "") else None,
        segments=_segments(attributes),
        language=item.language or None,
        # Keywords look at the redacted text: rules never need personal data.
        text=item.display_text,
        customer_attributes=attributes,
    )


def facts_of(items: Iterable[FeedbackItem]) -> Iterator[FeedbackFacts]:
    parents = theme_parents()
    for item in items:
        yield facts_for(item, parents)
