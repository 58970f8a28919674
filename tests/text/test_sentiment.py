"""Sentiment on small made-up customer comments, including negation."""

import pytest

from outsidein.text.sentiment import LABELS, predict_sentiment, sentiment_of

POSITIVE = [
    ("Kundeservice var veldig hyggelig og løste problemet raskt.", "nb"),
    ("Montøren var flink og svært hjelpsam, takk!", "nn"),
    ("Leveringen var hurtig, og personalet var søde.", "da"),
    ("Mycket trevlig personal och snabb leverans.", "sv"),
    ("The staff were friendly and the delivery was fast.", "en"),
]
NEGATIVE = [
    ("Appen krasjer hele tiden, dette er elendig.", "nb"),
    ("Eg har venta i to veker, det er heilt håplaust.", "nn"),
    ("Jeg er meget skuffet over den dårlige service.", "da"),
    ("Fakturan var fel igen och ingen svarar, värdelöst.", "sv"),
    ("Terrible service, I waited for hours and nobody helped.", "en"),
]
NEGATED = [
    ("Det var ikke bra.", "nb", "negative"),
    ("Det var ikkje godt.", "nn", "negative"),
    ("Det var ikke godt.", "da", "negative"),
    ("Det var inte dåligt.", "sv", "positive"),
    ("It was not good.", "en", "negative"),
]


@pytest.mark.parametrize(("text", "lang"), POSITIVE)
def test_positive(text: str, lang: str) -> None:
    res = sentiment_of(text, lang)
    assert res.label == "positive"
    assert res.score > 0.3


@pytest.mark.parametrize(("text", "lang"), NEGATIVE)
def test_negative(text: str, lang: str) -> None:
    res = sentiment_of(text, lang)
    assert res.label == "negative"
    assert res.score < -0.3


@pytest.mark.parametrize(("text", "lang", "label"), NEGATED)
def test_negation_flips(text: str, lang: str, label: str) -> None:
    assert sentiment_of(text, lang).label == label


def test_negation_changes_score() -> None:
    plain, negated = predict_sentiment(["Det var bra.", "Det var ikke bra."], ["nb", "nb"])
    assert plain.score > 0 > negated.score


def test_probabilities_are_calibrated_shape() -> None:
    res = sentiment_of("Jeg flyttet i mars.", "nb")
    assert set(res.probabilities) == set(LABELS)
    assert sum(res.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
    assert -1.0 <= res.score <= 1.0
    assert res.score == pytest.approx(
        res.probabilities["positive"] - res.probabilities["negative"], abs=1e-3
    )


def test_emoji_moves_score() -> None:
    neutral, happy = predict_sentiment(["Pakken kom i dag", "Pakken kom i dag 😍👍"], ["nb", "nb"])
    assert happy.score > neutral.score
