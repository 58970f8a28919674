"""Question kinds, checking survey definitions, and reading answers from a submitted form.

A question is a plain dict (stored in SurveyVersion.questions):
{"id": "q1", "kind": "nps", "required": true, "text": {"nb": "...", "en": "..."},
 "choices": [{"id": "yes", "text": {...}}], "low": {...}, "high": {...}}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# kind → (low, high) for scales; None for the other kinds.
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
KINDS = (*SCALES, "text", "single", "multiple", "consent")
TEXT_MAX = 5000
_ID = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
# Control characters and lone surrogates cannot be stored (PostgreSQL) and mean nothing.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
RESERVED_IDS = {"survey", "survey_version", "consent_contact"}


class DefinitionError(ValueError):
    """A survey definition that cannot be used; the message says what to fix."""


def localized(texts: Mapping[str, str] | str | None, language: str, fallback: str = "en") -> str:
    if isinstance(texts, str):
        return texts
    texts = texts or {}
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")


def check_questions(questions: Any, languages: Sequence[str]) -> list[dict]:
    """The questions if they are a usable definition, else DefinitionError."""
    if not isinstance(questions, list) or not questions:
        raise DefinitionError("A survey needs a list of questions.")
    seen: set[str] = set()
    for number, question in enumerate(questions, start=1):
        where = f"Question {number}"
        if not isinstance(question, dict):
            raise DefinitionError(f"{where} must be a mapping with id, kind and text.")
        qid, kind = question.get("id"), question.get("kind")
        if not isinstance(qid, str) or not _ID.match(qid) or qid in RESERVED_IDS:
            raise DefinitionError(f"{where}: id must be like q1 (lowercase letters, digits, _).")
        if qid in seen:
            raise DefinitionError(f"{where}: the id {qid!r} is used twice.")
        seen.add(qid)
        if kind not in KINDS:
            raise DefinitionError(f"{where}: kind must be one of {', '.join(KINDS)}.")
        _check_texts(question.get("text"), languages, f"{where} text")
        if kind in {"single", "multiple"}:
            _check_choices(question.get("choices"), languages, where)
    if sum(1 for q in questions if q["kind"] == "consent") > 1:
        raise DefinitionError("A survey can have only one consent question.")
    return questions


def _check_texts(texts: Any, languages: Sequence[str], where: str) -> None:
    if not isinstance(texts, dict):
        raise DefinitionError(f"{where}: give a text per language, like {{nb: ..., en: ...}}.")
    missing = [code for code in languages if not str(texts.get(code) or "").strip()]
    if missing:
        raise DefinitionError(f"{where}: missing in {', '.join(missing)}.")


def _check_choices(choices: Any, languages: Sequence[str], where: str) -> None:
    if not isinstance(choices, list) or len(choices) < 2:
        raise DefinitionError(f"{where}: a choice question needs at least two choices.")
    ids = [choice.get("id") if isinstance(choice, dict) else None for choice in choices]
    if any(not isinstance(cid, str) or not cid for cid in ids) or len(set(ids)) != len(ids):
        raise DefinitionError(f"{where}: every choice needs its own id.")
    for choice in choices:
        _check_texts(choice.get("text"), languages, f"{where} choice {choice['id']}")


@dataclass
class ReadAnswers:
    answers: dict[str, Any]
    consent: bool | None
    errors: dict[str, str]


def read_answers(questions: Sequence[dict], data: Mapping[str, Any]) -> ReadAnswers:
    """Answers keyed by question id from form data (a QueryDict or a dict of lists)."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    consent: bool | None = None
    for question in questions:
        qid, kind = question["id"], question["kind"]
        try:
            value = _read_one(question, data)
        except ValueError as error:
            errors[qid] = str(error)
            continue
        if value in (None, "", []):
            if question.get("required"):
                errors[qid] = _("Please answer this question.")
            continue
        if kind == "consent":
            consent = value
        else:
            answers[qid] = value
    return ReadAnswers(answers, consent, errors)


def _values(data: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist(key)]
    value = data.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _read_one(question: dict, data: Mapping[str, Any]) -> Any:
    qid, kind = question["id"], question["kind"]
    values = [v.strip() for v in _values(data, qid)]
    first = values[0] if values else ""
    if kind in SCALES:
        if not first:
            return None
        low, high = SCALES[kind]
        if not first.isdigit() or not low <= int(first) <= high:
            raise ValueError(_("Choose a number from %(low)s to %(high)s.") % locals())
        return int(first)
    if kind == "text":
        first = _UNPRINTABLE.sub("", first)
        if len(first) > TEXT_MAX:
            raise ValueError(_("Please keep it under %(max)s characters.") % {"max": TEXT_MAX})
        return first
    if kind == "consent":
        return {"yes": True, "no": False}.get(first) if first else None
    allowed = {choice["id"] for choice in question.get("choices", [])}
    chosen = [v for v in values if v]
    if any(v not in allowed for v in chosen):
        raise ValueError(_("Choose one of the options shown."))
    if kind == "single":
        if len(chosen) > 1:
            raise ValueError(_("Choose one of the options shown."))
        return chosen[0] if chosen else None
    return sorted(set(chosen), key=[c["id"] for c in question["choices"]].index)


def feedback_fields(questions: Sequence[dict], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The scores and text of a feedback item: the first NPS/CSAT/CES answer, open texts joined."""
    fields: dict[str, Any] = {"nps": None, "csat": None, "ces": None}
    texts = []
    for question in questions:
        value = answers.get(question["id"])
        if value is None:
            continue
        if question["kind"] in SCALES and fields[question["kind"]] is None:
            fields[question["kind"]] = value
        elif question["kind"] == "text" and value:
            texts.append(value)
    fields["text"] = "\n\n".join(texts)
    return fields
