"""Touchpoint suggestion learns planted touchpoints from made-up texts."""

from __future__ import annotations

import random
from functools import cache

import pytest

from outsidein.text.touchpoints import Suggestion, TouchpointModelError, TouchpointSuggester

PLANTED = {
    "invoice": ["fakturaen", "regningen", "beløpet", "trekket", "betalingen"],
    "install": ["montøren", "installasjonen", "teknikeren", "koblingsboksen", "måleren"],
    "app": ["appen", "innloggingen", "passordet", "oppdateringen", "min side"],
}
FILLER = ["var", "ble", "er", "helt", "ganske", "veldig", "i går", "nå", "igjen", "dessverre"]
ENDINGS = ["feil", "treg", "dårlig", "grei", "rar", "borte", "uklar", "ok"]


def _data(n_per_class: int, seed: int = 5) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for tp, words in PLANTED.items():
        for _ in range(n_per_class):
            texts.append(
                f"{rng.choice(words).capitalize()} {rng.choice(FILLER)} {rng.choice(ENDINGS)}"
            )
            labels.append(tp)
    return texts, labels


@cache
def _model() -> TouchpointSuggester:
    return TouchpointSuggester().fit(*_data(30))


def test_learns_planted_touchpoints() -> None:
    model = _model()
    assert model.calibrated
    got = model.suggest(["Fakturaen var feil igjen", "Montøren kom aldri", "Appen er treg"])
    assert [s.touchpoint_id for s in got] == ["invoice", "install", "app"]
    assert all(isinstance(s, Suggestion) and 0.5 < s.confidence <= 1 for s in got)


def test_unseen_text_gets_lower_confidence() -> None:
    model = _model()
    (clear,) = model.suggest(["Fakturaen og beløpet var feil"])
    (vague,) = model.suggest(["Hva skjer nå"])
    assert vague.confidence < clear.confidence


def test_too_few_examples_gives_no_suggestion() -> None:
    texts, labels = _data(3)
    model = TouchpointSuggester(min_per_class=5).fit(texts, labels)
    assert not model.fitted
    assert model.skipped == {"invoice": 3, "install": 3, "app": 3}
    assert model.suggest(["Fakturaen var feil"]) == [None]


def test_rare_touchpoints_are_left_out() -> None:
    texts, labels = _data(10)
    texts += ["Kassen var stengt", "Kassen gikk sakte"]
    labels += ["checkout", "checkout"]
    model = TouchpointSuggester().fit(texts, labels)
    assert model.fitted and not model.calibrated
    assert "checkout" not in model.classes and model.skipped == {"checkout": 2}


def test_min_confidence_returns_none() -> None:
    model = TouchpointSuggester.from_bytes(_model().to_bytes())
    model.min_confidence = 0.99
    assert model.suggest(["Hva skjer nå"]) == [None]


def test_bytes_round_trip() -> None:
    model = _model()
    again = TouchpointSuggester.from_bytes(model.to_bytes())
    texts = ["Regningen var feil", "Teknikeren var grei"]
    assert again.suggest(texts) == model.suggest(texts)
    with pytest.raises(TouchpointModelError):
        TouchpointSuggester.from_bytes(b"garbage")
