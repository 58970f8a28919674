"""Language ID on small made-up sentences (never copied from the evaluation data)."""

import pytest

from outsidein.text.langid import UND, LanguageGuess, detect_language, detect_languages

MADE_UP = [
    ("Jeg er ikke fornøyd med fakturaen dere sendte meg i går.", "nb"),
    ("Eg er ikkje nøgd med fakturaen de sende meg i går.", "nn"),
    ("Jeg er ikke tilfreds med regningen, som I sendte mig i går.", "da"),
    ("Jag är inte nöjd med fakturan som ni skickade till mig igår.", "sv"),
    ("I am not happy with the invoice you sent me yesterday.", "en"),
    ("En ole tyytyväinen laskuun, jonka lähetitte eilen.", "fi"),
    ("Ich bin mit der Rechnung, die Sie mir gestern geschickt haben, nicht zufrieden.", "de"),
]


@pytest.mark.parametrize(("text", "lang"), MADE_UP)
def test_detects_each_language(text: str, lang: str) -> None:
    guess = detect_language(text)
    assert guess.code == lang
    assert 0.5 < guess.confidence <= 1.0


def test_short_nordic_comments() -> None:
    texts = [
        "Eg veit ikkje kva eg skal gjere",
        "Hvordan kan jeg betale regningen?",
        "Tack för hjälpen",
    ]
    assert [g.code for g in detect_languages(texts)] == ["nn", "nb", "sv"]


def test_und_for_text_without_letters() -> None:
    assert detect_languages(["", "12345 !!!", "🙂"]) == [LanguageGuess(UND, 0.0)] * 3


def test_batch_keeps_order_and_length() -> None:
    texts = [t for t, _ in MADE_UP] + ["..."]
    out = detect_languages(texts)
    assert [g.code for g in out] == [lang for _, lang in MADE_UP] + [UND]
