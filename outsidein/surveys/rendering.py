"""Questions prepared for the public form template, in the page's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .questions import SCALES, ReadAnswers, localized


def _scale_names(kind: str) -> dict[int, str]:
    """Words that screen readers add to scale points (the ends, or every CSAT point)."""
    if kind == "nps":
        return {0: _("not at all likely"), 10: _("extremely likely")}
    if kind == "csat":
        return {
            1: _("very dissatisfied"),
            2: _("dissatisfied"),
            3: _("neither satisfied nor dissatisfied"),
            4: _("satisfied"),
            5: _("very satisfied"),
        }
    return {1: _("very difficult"), 7: _("very easy")}


def _scale(question: dict, language: str, value: Any) -> dict[str, Any]:
    kind = question["kind"]
    low, high = SCALES[kind]
    names = _scale_names(kind)
    custom_low = localized(question.get("low"), language)
    custom_high = localized(question.get("high"), language)
    if custom_low:
        names[low] = custom_low.lower()
    if custom_high:
        names[high] = custom_high.lower()
    options = [
        {
            "value": str(point),
            "label": str(point),
            "sr": f" — {names[point]}" if point in names else "",
            "checked": value == point,
        }
        for point in range(low, high + 1)
    ]
    return {
        "options": options,
        "low_label": names[low].capitalize(),
        "high_label": names[high].capitalize(),
    }


def form_questions(
    questions: list[dict], language: str, read: ReadAnswers | None
) -> list[dict[str, Any]]:
    answers = read.answers if read else {}
    errors = read.errors if read else {}
    prepared = []
    for question in questions:
        kind, qid = question["kind"], question["id"]
        value = answers.get(qid)
        item: dict[str, Any] = {
            "id": qid,
            "kind": kind,
            "text": localized(question.get("text"), language),
            "required": bool(question.get("required")),
            "error": errors.get(qid, ""),
            "value": value if value is not None else "",
        }
        if kind in SCALES:
            item.update(_scale(question, language, value))
        elif kind in {"single", "multiple"}:
            chosen = value if isinstance(value, list) else [value]
            item["options"] = [
                {
                    "value": choice["id"],
                    "label": localized(choice.get("text"), language),
                    "checked": choice["id"] in chosen,
                }
                for choice in question.get("choices", [])
            ]
        elif kind == "consent":
            consent = read.consent if read else None
            item["options"] = [
                {"value": "yes", "label": pgettext("consent", "Yes"), "checked": consent is True},
                {"value": "no", "label": pgettext("consent", "No"), "checked": consent is False},
            ]
        prepared.append(item)
    return prepared
