"""The codebook in the database, turned into an outsidein.text Codebook for matching."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, Max

from outsidein.text.codebook import Codebook, CodebookError, default_codebook
from outsidein.text.codebook import Theme as CodebookTheme

from .models import Theme

_cache: dict[str, object] = {"key": None, "codebook": None}
CODE_MAX_LENGTH = Theme._meta.get_field("code").max_length


class StoredCodebook(Codebook):
    """A codebook with each theme's on/off switch: what YAML export and import carry.

    Matching never needs the switch (current_codebook leaves switched-off themes out), so
    outsidein.text does not know it. A switched-off theme is written with ``active: false``;
    the key is omitted for the others to keep files short, and a theme without it is on, so
    files written before the switch was exported import as they always did.
    """

    def __init__(self, themes: Iterable[CodebookTheme], inactive: Iterable[str] = ()) -> None:
        super().__init__(themes)
        self.inactive = frozenset(inactive)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        for item in data["themes"]:
            if item["code"] in self.inactive:
                item["active"] = False
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | list[Any]) -> StoredCodebook:
        themes = data.get("themes") if isinstance(data, Mapping) else data
        if not isinstance(themes, list):
            return super().from_dict(data)  # the format error (or an empty codebook)
        inactive, plain = set(), []
        for item in themes:
            if isinstance(item, Mapping) and "active" in item:
                item = dict(item)
                active = item.pop("active")
                if not isinstance(active, bool):
                    code = item.get("code") or ""
                    raise CodebookError(f"theme '{code}': field 'active' must be true or false")
                if not active:
                    inactive.add(str(item.get("code") or ""))
            plain.append(item)
        data = {**data, "themes": plain} if isinstance(data, Mapping) else plain
        return cls(Codebook.from_dict(data).themes, inactive)


def _state_key() -> tuple:
    state = Theme.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (state["n"], state["changed"])


def codebook_from_rows(rows) -> Codebook:
    return Codebook(_codebook_themes(rows))


def _codebook_themes(rows) -> list[CodebookTheme]:
    return [
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
    """Create or update every theme of the codebook, matched by code; nothing is deleted.

    A StoredCodebook (an uploaded file) also sets each theme's switch; from a plain Codebook
    new themes are on and existing ones keep theirs. Raises CodebookError, and changes
    nothing, when an active theme would sit under a switched-off parent.
    """
    switches = codebook.inactive if isinstance(codebook, StoredCodebook) else None
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
        if switches is not None:
            values["active"] = item["code"] not in switches
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
    _refuse_active_under_inactive()
    return report


def _refuse_active_under_inactive() -> None:
    """current_codebook leaves switched-off themes out, so an active child would name a
    parent the matcher does not know and no feedback could be analysed."""
    stranded = Theme.objects.filter(active=True, parent__active=False).select_related("parent")
    if stranded:
        names = ", ".join(f"'{t.code}' (under '{t.parent.code}')" for t in stranded)
        raise CodebookError(
            f"active theme(s) under a switched-off parent: {names}; "
            "switch the parent on or mark the theme active: false"
        )


def export_codebook() -> Codebook:
    """The organisation's codebook with its switches (the default one until it has its own)."""
    rows = list(Theme.objects.select_related("parent"))
    if not rows:
        return default_codebook()
    return StoredCodebook(_codebook_themes(rows), [row.code for row in rows if not row.active])


def unique_code(code: str) -> str:
    """``code``, or ``code-2``, ``code-3``… when a theme has it already."""
    candidate, n = code, 2
    while Theme.objects.filter(code=candidate).exists():
        suffix = f"-{n}"
        candidate, n = code[: CODE_MAX_LENGTH - len(suffix)] + suffix, n + 1
    return candidate


# --- Learning the organisation's language -------------------------------------------


def training_examples():
    """Scored or corrected comments, with the label each one teaches."""
    from outsidein.feedback.models import FeedbackItem

    from .adaptation import Example, label_from_scores
    from .models import AnalysisCorrection

    corrected = {}
    for correction in AnalysisCorrection.objects.filter(field="sentiment").order_by("corrected_at"):
        corrected[correction.feedback_id] = correction.after  # the latest correction wins
    items = (
        FeedbackItem.objects.exclude(text="")
        .order_by("received_at", "id")  # oldest first: capped training keeps the newest
        .only(
            "id",
            "listening_post_id",
            "external_id",
            "text",
            "language",
            "nps",
            "csat",
            "ces",
            "answers",
        )
        .iterator(chunk_size=2000)
    )
    for item in items:
        stars = item.answers.get("stars") if isinstance(item.answers, dict) else None
        label = corrected.get(item.id) or label_from_scores(
            item.nps, item.csat, item.ces, stars if isinstance(stars, int) else None
        )
        if label:
            key = f"{item.listening_post_id}:{item.external_id}"
            yield Example(key=key, text=item.text, language=item.language or None, label=label)


def train_sentiment_adapter(
    seed: int = 0,
    requested_by=None,  # noqa: ANN001 - a User
    max_examples: int | None = None,
    deep_seconds: float | None = None,
) -> dict:
    """Train, compare on held-back data, and keep each adapter only if it is better.

    The fast adapter decides the tone at ingestion; where the embedding model is
    installed, a second adapter is trained for the background pass (its report is under
    ``"deep"``). A deep adapter that is no longer better is removed. Every run is logged
    as a ``TrainingRun`` (the sentiment page shows the latest). ``max_examples`` keeps
    the newest comments only, ``deep_seconds`` bounds the embedding (queued jobs).
    """
    from .models import TrainingRun

    report = _train_both(seed, max_examples, deep_seconds)
    TrainingRun.objects.create(requested_by=requested_by, report=report)
    return report


def _train_both(seed: int, max_examples: int | None, deep_seconds: float | None) -> dict:
    from outsidein.feedback.deep_pass import deep_sentiment_available

    from .adaptation import ADAPTER_NAME, DEEP_ADAPTER_NAME, train_adapter, train_deep_adapter
    from .models import TrainedModel

    examples = list(training_examples())
    if max_examples is not None:
        examples = examples[-max_examples:]
    adapter, report = train_adapter(examples, seed=seed)
    if adapter is not None:
        TrainedModel.objects.update_or_create(
            name=ADAPTER_NAME, defaults={"blob": adapter.to_bytes(), "report": report}
        )
    if "reason" in report or not deep_sentiment_available():
        return report
    deep, report["deep"] = train_deep_adapter(
        examples, adapter or current_sentiment_adapter(), seed=seed, max_seconds=deep_seconds
    )
    if deep is None:
        TrainedModel.objects.filter(name=DEEP_ADAPTER_NAME).delete()
    else:
        TrainedModel.objects.update_or_create(
            name=DEEP_ADAPTER_NAME, defaults={"blob": deep.to_bytes(), "report": report["deep"]}
        )
    return report


_adapter_cache: dict[str, tuple] = {}


def _trained_model(name: str, loader):  # noqa: ANN001, ANN202 - a from_bytes classmethod
    """The organisation's stored model ``name`` (None if absent), reloaded when retrained."""
    from .models import TrainedModel

    stamp = TrainedModel.objects.filter(name=name).values_list("trained_at", flat=True).first()
    cached = _adapter_cache.get(name)
    if cached is None or cached[0] != stamp:
        model = None
        if stamp is not None:
            model = loader(bytes(TrainedModel.objects.get(name=name).blob))
        cached = _adapter_cache[name] = (stamp, model)
    return cached[1]


def current_sentiment_adapter():
    """The organisation's adopted sentiment adapter (fast path), or None."""
    from .adaptation import ADAPTER_NAME, SentimentAdapter

    return _trained_model(ADAPTER_NAME, SentimentAdapter.from_bytes)


def current_deep_sentiment_adapter():
    """The organisation's adopted adapter for the background (embedding) pass, or None."""
    from .adaptation import DEEP_ADAPTER_NAME, DeepSentimentAdapter

    return _trained_model(DEEP_ADAPTER_NAME, DeepSentimentAdapter.from_bytes)
