"""Formatting for the Measure pages: figures with their unit, changes with their marking."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


@register.filter
def arrow(direction: str | None) -> str:
    return {"up": "▲", "down": "▼"}.get(direction or "", "■")
