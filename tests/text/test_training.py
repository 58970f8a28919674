"""The made-up star-rated reviews the sentiment models learn from (seed_data/reviews)."""

from collections import Counter

from outsidein.text.langid import detect_languages
from outsidein.text.training import STAR_LABELS, review_texts

LANGUAGES = {"nb", "nn", "da", "sv", "en"}


def test_every_review_has_text_a_known_language_and_a_star_label() -> None:
    reviews = review_texts()
    assert len(reviews) >= 2000
    assert {lang for _, _, lang in reviews} == LANGUAGES
    assert all(text.strip() for text, _, _ in reviews)
    assert Counter(label for _, label, _ in reviews).keys() == set(STAR_LABELS.values())


def test_three_stars_is_neutral_as_in_swerec() -> None:
    assert [STAR_LABELS[s] for s in range(1, 6)] == [
        "negative",
        "negative",
        "neutral",
        "positive",
        "positive",
    ]


def test_reviews_are_written_in_the_language_their_file_claims() -> None:
    # A file of the wrong language (or Bokmål passed off as Nynorsk) would teach the
    # per-language sentiment features the wrong words.
    reviews = review_texts()
    guesses = detect_languages([text for text, _, _ in reviews])
    for lang in LANGUAGES:
        claimed = [g.code for g, (_, _, lg) in zip(guesses, reviews, strict=True) if lg == lang]
        agreement = sum(code == lang for code in claimed) / len(claimed)
        assert agreement >= 0.9, (lang, agreement, Counter(claimed).most_common(3))
