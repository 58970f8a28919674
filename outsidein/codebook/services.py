"""The codebook in the database, turned into an outsidein.text Codebook for matching."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import Count, Max

from outsidein.text.codebook import Codebook, default_codebook
from outsidein.text.codebook import Theme as CodebookTheme

from .models import Theme

_cache: dict[str, object] = {"key": None, "codebook": None}


def _state_key() -> tuple:
    state = Theme.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (state["n"], state["changed"])


def codebook_from_rows(rows) -> Codebook:
    themes = [
        CodebookTheme.from_dict(
            {
                "code": row.code,
                "name": row.name,
                "description": row.description,
                "parent": row.parent.code if row.parent_id else None,
                "labels": row.labels,
                "keywords": row.keywords,
                "phrases": row.phrases,
                "patterns": row.patterns,
            }
        )
        for row in rows
    ]
    return Codebook(themes)


def current_codebook() -> Codebook:
    """The organisation's active codebook; the shipped default until it has one of its own."""
    key = _state_key()
    if _cache["key"] != key:
        if key[0] == 0:
            codebook = default_codebook()
        else:
            active = Theme.objects.filter(active=True).select_related("parent")
            codebook = codebook_from_rows(active)
        _cache.update(key=key, codebook=codebook)
    return _cache["codebook"]  # type: ignore[return-value]


@transaction.atomic
def import_codebook(codebook: Codebook) -> Counter:
    """Create or update every theme of the codebook, matched by code; nothing is deleted."""
    report: Counter = Counter()
    existing = {theme.code: theme for theme in Theme.objects.all()}
    data = codebook.to_dict()["themes"]
    for position, item in enumerate(data):
        values = {
            "name": item["name"],
            "description": item.get("description", ""),
            "labels": item.get("labels", {}),
            "keywords": item.get("keywords", {}),
            "phrases": item.get("phrases", {}),
            "patterns": item.get("patterns", {}),
            "position": position,
        }
        theme = existing.get(item["code"])
        if theme is None:
            existing[item["code"]] = Theme.objects.create(code=item["code"], **values)
            report["created"] += 1
        elif any(getattr(theme, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(theme, name, value)
            theme.save()
            report["updated"] += 1
        else:
            report["unchanged"] += 1
    for item in data:  # parents last, once every theme exists
        theme = existing[item["code"]]
        parent = existing.get(item.get("parent")) if item.get("parent") else None
        if theme.parent_id != (parent.id if parent else None):
            theme.parent = parent
            theme.save()
    return report


def export_codebook() -> Codebook:
    rows = Theme.objects.select_related("parent")
    return codebook_from_rows(rows) if rows.exists() else default_codebook()
