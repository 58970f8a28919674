"""Sentence/comment sentiment: negative, neutral or positive with a calibrated score.

One multilingual linear model (nb, nn, da, sv, en) over hashed features, so the small
Danish and Nynorsk training sets borrow strength from the related languages:

* character n-grams (2–5, within word boundaries) — robust to spelling, compounds, emoji;
* word uni/bigrams after *negation marking*: up to three words after a negator
  ("ikke", "ikkje", "inte", "not", ...) get a ``NEG_`` prefix, so "ikke bra" and "bra"
  are different features;
* a small hand-written lexicon (``seed_data/lexicon.json``): polarity cue tokens, flipped
  under negation and marked when an intensifier precedes them, plus emoji/emoticon cues;
* a language token, so each language gets its own class bias.

The model is a logistic regression, so ``predict_proba`` is the calibrated output and
``score = p(positive) - p(negative)`` lies in [-1, 1]. The weights ship in
``models/sentiment.npz`` (float16) and are produced by ``outsidein.text.training``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.special import softmax
from sklearn.feature_extraction.text import HashingVectorizer

from outsidein.text.tokenize import words

__all__ = [
    "LABELS",
    "SENTIMENT_LANGS",
    "SentimentResult",
    "featurize",
    "predict_sentiment",
    "result_from_proba",
    "sentiment_of",
]

LABELS = ("negative", "neutral", "positive")


def label_from_rating(value: int) -> str:
    """The tone a 1–5 rating (CSAT, review stars) implies: 1–2 / 3 / 4–5, as in SweReC.

    One rule for training on made-up reviews and for adapting to an organisation's scores.
    """
    return "negative" if value <= 2 else "neutral" if value == 3 else "positive"


SENTIMENT_LANGS = ("nb", "nn", "da", "sv", "en")
MODEL_PATH = Path(__file__).parent / "models" / "sentiment.npz"
LEXICON_PATH = Path(__file__).parent / "seed_data" / "lexicon.json"
CHAR_FEATURES = 2**18
WORD_FEATURES = 2**18
NEGATION_WINDOW = 3
_CLAUSE_END = re.compile(r"[.,;:!?]")


@dataclass(frozen=True)
class SentimentResult:
    label: str
    score: float
    probabilities: dict[str, float]


@dataclass(frozen=True)
class _Lexicon:
    negators: frozenset[str]
    intensifiers: frozenset[str]
    positive: frozenset[str]
    negative: frozenset[str]
    emoji_positive: tuple[str, ...]
    emoji_negative: tuple[str, ...]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))

    # Languages share one lexicon: a Danish word in a Norwegian comment still carries its
    # polarity, and per-language lists would need language ID to be perfect first.
    def union(key: str) -> frozenset[str]:
        return frozenset(w for ws in raw[key].values() for w in ws)

    return _Lexicon(
        negators=union("negators"),
        intensifiers=frozenset(raw["intensifiers"]),
        positive=union("positive"),
        negative=union("negative"),
        emoji_positive=tuple(raw["emoji_positive"]),
        emoji_negative=tuple(raw["emoji_negative"]),
    )


def _clause_tokens(clause: str, lex: _Lexicon) -> list[str]:
    out: list[str] = []
    negated = 0  # words left in the current negation scope
    boosted = False
    for word in words(clause):
        if word in lex.negators or word.endswith("n't"):
            out.append("NEGATOR")
            negated = NEGATION_WINDOW
            continue
        prefix = "NEG_" if negated else ""
        out.append(prefix + word)
        polarity = "POS" if word in lex.positive else "NEG" if word in lex.negative else ""
        if polarity:
            if negated:
                polarity = "NEG" if polarity == "POS" else "POS"
            out.append(f"LEX_{prefix}{polarity}")
            if boosted:
                out.append(f"LEX_INT_{polarity}")
        boosted = word in lex.intensifiers
        negated = max(negated - 1, 0)
    return out


def _word_doc(text: str, lang: str | None, lex: _Lexicon) -> str:
    """Space-joined marked tokens of ``text``; negation scope ends at clause punctuation."""
    tokens = [f"LANG_{lang or 'und'}"]
    for clause in _CLAUSE_END.split(text):
        tokens.extend(_clause_tokens(clause, lex))
    tokens.extend("EMO_POS" for e in lex.emoji_positive if e in text)
    tokens.extend("EMO_NEG" for e in lex.emoji_negative if e in text)
    if "!" in text:
        tokens.append("EXCLAIM")
    if "?" in text:
        tokens.append("QUESTION")
    return " ".join(tokens)


@lru_cache(maxsize=1)
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        n_features=CHAR_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=True,
    )
    marked = HashingVectorizer(
        analyzer="word",
        token_pattern=r"\S+",
        ngram_range=(1, 2),
        n_features=WORD_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )
    return chars, marked


def featurize(texts: list[str], languages: list[str | None]) -> sparse.csr_matrix:
    """The model's feature matrix (shared by training and prediction)."""
    chars, marked = _vectorizers()
    lex = _lexicon()
    docs = [_word_doc(t, lang, lex) for t, lang in zip(texts, languages, strict=True)]
    return sparse.hstack([chars.transform(texts), marked.transform(docs)], format="csr")


@dataclass(frozen=True)
class _Weights:
    coef: np.ndarray  # (n_classes, n_features) float32
    intercept: np.ndarray  # (n_classes,)


@lru_cache(maxsize=1)
def _weights() -> _Weights:
    with np.load(MODEL_PATH) as data:
        labels = tuple(str(x) for x in data["labels"])
        if labels != LABELS:
            raise ValueError(f"sentiment model labels {labels} != {LABELS}")
        return _Weights(
            coef=np.ascontiguousarray(data["coef"].astype(np.float32)),
            intercept=data["intercept"].astype(np.float32),
        )


def predict_proba(texts: list[str], languages: list[str | None]) -> np.ndarray:
    """Class probabilities, columns in ``LABELS`` order."""
    if not texts:
        return np.zeros((0, len(LABELS)), dtype=np.float32)
    w = _weights()
    logits = featurize(texts, languages) @ w.coef.T + w.intercept
    return softmax(np.asarray(logits), axis=1)


def predict_sentiment(
    texts: list[str], languages: list[str | None] | None = None
) -> list[SentimentResult]:
    """Sentiment of each text; ``languages`` (nb/nn/da/sv/en or None) sharpens the bias."""
    langs = languages if languages is not None else [None] * len(texts)
    probs = predict_proba(texts, langs)
    return [result_from_proba(row) for row in probs]


def result_from_proba(row: np.ndarray) -> SentimentResult:
    """Label, score (P(positive) − P(negative)) and probabilities of one row of ``LABELS``."""
    p = {label: float(v) for label, v in zip(LABELS, row, strict=True)}
    return SentimentResult(
        label=LABELS[int(row.argmax())],
        score=round(p["positive"] - p["negative"], 4),
        probabilities=p,
    )


def sentiment_of(text: str, language: str | None = None) -> SentimentResult:
    """Sentiment of a single text."""
    return predict_sentiment([text], [language])[0]
