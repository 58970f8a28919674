"""Small display helpers shared by the page templates."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language_info, gettext, pgettext
from django.utils.translation import gettext_lazy as _

from outsidein.feedback.filters import NPS_GROUPS
from outsidein.feedback.models import Sentiment

register = template.Library()

SENTIMENT_LABELS = dict(Sentiment.choices)
NPS_GROUP_LABELS = {
    "detractor": _("Detractor"),
    "passive": _("Passive"),
    "promoter": _("Promoter"),
}


@register.filter
def nps_group(score: int | None) -> str:
    """detractor / passive / promoter for an NPS answer, '' when there is none."""
    if score is None:
        return ""
    for group, (low, high) in NPS_GROUPS.items():
        if low <= score <= high:
            return group
    return ""


@register.filter
def nps_group_label(score: int | None) -> str:
    return NPS_GROUP_LABELS.get(nps_group(score), "")


@register.filter
def sentiment_label(value: str | None) -> str:
    return SENTIMENT_LABELS.get(value or "", value or "")


@register.filter
def language_name(code: str | None) -> str:
    """The language's name in the current UI language; the code itself when unknown."""
    if not code:
        return ""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def when(value: datetime | None) -> str:
    """A moment, short and unambiguous in both languages: 4 Mar 2026, 12:00."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    # Translators: a Django date format (docs: built-in "date" filter).
    return date_format(value, pgettext("date format", "j M Y, H:i"))


@register.filter
def day(value: date | None) -> str:
    """A day: 4 Mar 2026."""
    if not value:
        return ""
    # Translators: a Django date format (docs: built-in "date" filter).
    return date_format(value, pgettext("date format", "j M Y"))


@register.filter
def percent_int(value: float | None) -> int:
    return round((value or 0) * 100)


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return ""
    # Translators: a percentage; Norwegian puts a space before the sign.
    return gettext("%(value)d%%") % {"value": round(value * 100)}


def _sentiment_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("label") or value.get("sentiment")
    return value if value in SENTIMENT_LABELS else ""


@register.filter
def theme_list(item: Any, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The item's themes as {code, label, sentiment, score}, whatever shape analysis stored.

    `themes` holds codes or objects ({code, name, sentiment, score} from outsidein.text);
    `names` (code → name in the UI language, see web.queries.theme_names) wins for labels.
    """
    names = names or {}
    analysis = item.analysis if isinstance(item.analysis, dict) else {}
    per_theme: dict[str, Any] = dict(analysis.get("theme_sentiment") or {})
    for entry in analysis.get("themes") or []:
        if isinstance(entry, dict) and entry.get("code"):
            per_theme.setdefault(entry["code"], entry)
    shown = []
    for entry in item.themes or []:
        if isinstance(entry, dict):
            code = str(entry.get("code") or entry.get("theme") or entry.get("name") or "")
            label = entry.get("label") or entry.get("name") or code
            detail = entry if "sentiment" in entry else per_theme.get(code)
        else:
            code = label = str(entry)
            detail = per_theme.get(code)
            if isinstance(detail, dict):
                label = detail.get("label") or detail.get("name") or code
        score = detail.get("score") if isinstance(detail, dict) else None
        shown.append(
            {
                "code": code,
                "label": names.get(code) or label,
                "sentiment": _sentiment_of(detail),
                "score": score,
            }
        )
    return shown


@register.filter
def json_rows(value: Any) -> list[tuple[str, str]]:
    """A JSON object as (key, readable value) rows; nested values stay compact JSON."""
    if not isinstance(value, dict):
        return []
    rows = []
    for key, inner in value.items():
        if isinstance(inner, str):
            shown = inner
        elif inner is None:
            shown = "—"
        else:
            shown = json.dumps(inner, ensure_ascii=False)
        rows.append((str(key), shown))
    return rows
