"""Survey definitions: ready-made templates, creating surveys and versioning their questions."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from outsidein.journeys.models import Touchpoint
from outsidein.listening.models import ListeningPost

from .models import LANGUAGE_CODES, Survey, SurveyVersion
from .questions import DefinitionError, check_questions

TEMPLATES_FILE = Path(__file__).with_name("survey_templates.yaml")


@cache
def _templates() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))


def templates() -> dict[str, dict[str, Any]]:
    """Ready-made surveys by key (a copy: callers may change it)."""
    return copy.deepcopy(_templates())


def create_from_template(
    key: str,
    *,
    slug: str,
    listening_post: ListeningPost,
    touchpoint: Touchpoint | None = None,
    name: str = "",
    languages: list[str] | None = None,
    default_language: str = "nb",
) -> Survey:
    """A draft survey with the template's questions as version 1."""
    template = templates().get(key)
    if template is None:
        raise DefinitionError(f"Unknown template {key!r}; known: {', '.join(_templates())}")
    languages = languages or list(LANGUAGE_CODES)
    with transaction.atomic():
        survey = Survey.objects.create(
            slug=slug,
            name=name or template["name"].get("en", key),
            listening_post=listening_post,
            touchpoint=touchpoint,
            languages=languages,
            default_language=default_language if default_language in languages else languages[0],
            template=key,
        )
        save_questions(survey, template["questions"], template["texts"])
    return survey


def save_questions(survey: Survey, questions: Any, texts: dict[str, Any]) -> SurveyVersion:
    """Store new questions; a version that has answers is never changed, a new one is made."""
    check_questions(questions, survey.languages)
    current = survey.current_version
    if current is not None and not current.responses.exists():
        current.questions, current.texts = questions, texts
        current.save(update_fields=["questions", "texts"])
        return current
    number = (current.number + 1) if current else 1
    return SurveyVersion.objects.create(
        survey=survey, number=number, questions=questions, texts=texts
    )


def definition_yaml(version: SurveyVersion) -> str:
    """The editable form of a version: its texts and questions as YAML."""
    document = {"texts": version.texts, "questions": version.questions}
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def parse_definition(text: str) -> tuple[list[dict], dict[str, Any]]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DefinitionError(f"Not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
        raise DefinitionError("Give texts: {...} and questions: [...].")
    texts = document.get("texts") or {}
    if not isinstance(texts, dict):
        raise DefinitionError("texts must be a mapping of title/intro/thanks per language.")
    return document["questions"], texts
