"""Formatting for the Measure pages: figures with their unit, changes with their marking."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

register = template.Library()


@register.filter
def num(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, float):
        return number_format(round(value, digits), digits, force_grouping=True)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    text = number_format(round(abs(value), digits), digits)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


@register.filter
def cell(row: dict, key: str) -> Any:
    return row.get(key)


# Coded values stay English in rows and exports; only the page shows them translated.
CODED_VALUES = {
    "up": pgettext_lazy("measure value", "up"),
    "down": pgettext_lazy("measure value", "down"),
    "unchanged": pgettext_lazy("measure value", "unchanged"),
    "positive": pgettext_lazy("measure value", "positive"),
    "negative": pgettext_lazy("measure value", "negative"),
    "none": pgettext_lazy("measure value", "none"),
    "fix first": pgettext_lazy("measure value", "fix first"),
    "keep": pgettext_lazy("measure value", "keep"),
    "don't over-invest": pgettext_lazy("measure value", "don't over-invest"),
    "monitor": pgettext_lazy("measure value", "monitor"),
}
CODED_COLUMNS = {"direction", "impact_direction", "quadrant"}


@register.filter
def coded(value: Any, key: str) -> Any:
    """The translated label of a coded cell (direction, quadrant); other cells unchanged."""
    if key in CODED_COLUMNS and isinstance(value, str) and value in CODED_VALUES:
        return str(CODED_VALUES[value])
    return value


@register.filter
def arrow(direction: str | None) -> str:
    return {"up": "▲", "down": "▼"}.get(direction or "", "■")
