"""Pipeline output shape, PII-first ordering and per-theme sentiment."""

import json

import pytest

from outsidein.text.pipeline import Analysis, Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_shape_and_json(analyzer: Analyzer) -> None:
    res = analyzer.analyze("Fakturaen var feil. Men kundeservice var veldig hyggelig!")
    assert isinstance(res, Analysis)
    d = res.to_dict()
    assert set(d) == {
        "language", "language_confidence", "sentiment", "sentiment_score",
        "sentences", "themes", "redacted_text", "pii",
    }  # fmt: skip
    json.dumps(d)
    assert d["language"] == "nb"
    assert [s["sentiment"] for s in d["sentences"]] == ["negative", "positive"]
    for s in d["sentences"]:
        assert d["redacted_text"][s["start"] : s["end"]] == s["text"]


def test_per_theme_sentiment_follows_its_sentence(analyzer: Analyzer) -> None:
    res = analyzer.analyze("Fakturaen var feil igjen. Men kundeservice var veldig hyggelig!", "nb")
    themes = {t["code"]: t for t in res.themes}
    assert themes, "the default codebook should find invoice and staff themes"
    billing = [t for c, t in themes.items() if "bill" in c or "invoice" in c]
    friendly = [t for c, t in themes.items() if "friend" in c]
    assert billing and billing[0]["sentiment"] == "negative"
    assert friendly and friendly[0]["sentiment"] == "positive"


def test_pii_is_redacted_before_analysis(analyzer: Analyzer) -> None:
    text = "Send svar til ola.nordmann@example.com, appen er elendig"
    res = analyzer.analyze(text)
    assert "ola.nordmann@example.com" not in res.redacted_text
    assert res.pii and text[res.pii[0]["start"] : res.pii[0]["end"]] == "ola.nordmann@example.com"
    assert res.sentiment == "negative"


def test_batch_with_given_languages(analyzer: Analyzer) -> None:
    out = analyzer.analyze_batch(["Tack, toppen!", "", "Bra"], ["sv", None, "nb"])
    assert [a.language for a in out] == ["sv", "und", "nb"]
    assert out[0].sentiment == "positive"
    assert out[1].sentences == [] and out[1].themes == []


def test_mixed_comment_has_sentence_breakdown(analyzer: Analyzer) -> None:
    res = analyzer.analyze(
        "The delivery was late and the driver was rude. The price was great though!"
    )
    labels = {s["sentiment"] for s in res.sentences}
    assert {"negative", "positive"} <= labels


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Prisen var veldig bra, men leveringen var altfor treg.", "nb"),
        ("Priset var jättebra, men leveransen var alldeles för långsam.", "sv"),
        ("Prisen var rigtig god, men leveringen var alt for langsom.", "da"),
        ("The price was great, but the delivery was far too slow.", "en"),
    ],
)
def test_each_half_of_a_mixed_sentence_gives_its_theme_sentiment(
    analyzer: Analyzer, text: str, lang: str
) -> None:
    res = analyzer.analyze(text, lang)
    assert len(res.sentences) == 2, "a comma before men/but splits the comment in two"
    themes = {t["code"]: t["sentiment"] for t in res.themes}
    assert themes.get("price") == "positive"
    assert themes.get("delivery") == "negative"
    assert res.sentiment == "neutral", "a half-pleased comment is neutral overall"
