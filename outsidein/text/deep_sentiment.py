"""Embedding-based sentiment: the slower, more accurate background pass.

A small classifier head over multilingual-e5-small sentence embeddings
(:mod:`outsidein.text.embeddings`), stacked with the fast model: its input is

* the 384-d embedding of the text,
* the fast model's log-probabilities (trained on *out-of-fold* fast predictions, so the
  head learns how far to trust the fast model rather than copying its training fit).

The multilingual encoder lets the head transfer what it learns from Norwegian, Danish,
Swedish and English training sentences to all five languages. The head deliberately
gets *no* language indicator: with one, it learnt each training corpus's class mix as a
language prior (Swedish = immigration-stance paragraphs), which hurt on customer reviews
(dev macro-F1 on SweReC and NoReC was 0.5–1.3 points lower). The language still reaches
it through the fast model, which uses it. The head is a one-hidden-
layer MLP (or a logistic regression; the file says which) evaluated in numpy; weights
ship in ``models/deep_sentiment.npz`` (~0.4 MB) and are produced by
``outsidein.text.training``. ``score = p(positive) − p(negative)`` as in the fast model.

The shipped head is an ensemble of a few MLPs that differ only in their random seed
(their probabilities are averaged): single heads differed by up to 2.5 macro-F1 points
on NoReC dev depending on the seed alone. Texts are embedded after
:func:`normalize_spacing` (no space before punctuation), the form the head was trained
on; tokenised text such as "bra , men" otherwise shifts the embedding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.special import softmax

from outsidein.text import embeddings, sentiment
from outsidein.text.sentiment import LABELS, SentimentResult

__all__ = ["clipped_log", "features", "normalize_spacing", "predict_proba", "predict_sentiment"]

MODEL_PATH = Path(__file__).parent / "models" / "deep_sentiment.npz"


_SPACE_BEFORE = re.compile(r" ([,.:;!?)»])")
_SPACE_AFTER = re.compile(r"([(«]) ")


def normalize_spacing(text: str) -> str:
    """Drop spaces before closing punctuation and after opening brackets/quotes."""
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))


def embed_texts(texts: Sequence[str]) -> list[str]:
    """The strings to embed for ``texts`` (what the head was trained on)."""
    return [normalize_spacing(t) for t in texts]


def clipped_log(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities floored at log(1e-4), so one overconfident model cannot dominate."""
    return np.log(np.clip(proba, 1e-4, 1.0)).astype(np.float32)


def features(emb: np.ndarray, fast_proba: np.ndarray) -> np.ndarray:
    """Head input (shared with training): embedding and the fast model's log-probs."""
    return np.hstack([emb.astype(np.float32), clipped_log(fast_proba)])


@dataclass(frozen=True)
class _Head:
    """One or more heads sharing the input standardisation; ``w1`` etc. have a leading
    ensemble axis. Logits are returned per member, shape (members, n, classes)."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray | None
    b2: np.ndarray | None

    def logits(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mean) / self.scale
        h = np.einsum("nd,mdh->mnh", z, self.w1) + self.b1[:, None, :]
        if self.w2 is None:  # logistic regression
            return h
        return np.einsum("mnh,mhc->mnc", np.maximum(h, 0.0), self.w2) + self.b2[:, None, :]

    def proba(self, x: np.ndarray) -> np.ndarray:
        return np.mean([softmax(z, axis=1) for z in self.logits(x)], axis=0)


@lru_cache(maxsize=1)
def _head() -> _Head:
    with np.load(MODEL_PATH) as d:
        if tuple(str(x) for x in d["labels"]) != LABELS:
            raise ValueError("deep sentiment head was trained for other labels")
        f32 = {k: d[k].astype(np.float32) for k in d.files if k != "labels"}
    if f32["w1"].ndim == 2:  # a single head (older files)
        f32 = {k: (v[None] if k in ("w1", "b1", "w2", "b2") else v) for k, v in f32.items()}
    return _Head(
        mean=f32["mean"],
        scale=f32["scale"],
        w1=f32["w1"],
        b1=f32["b1"],
        w2=f32.get("w2"),
        b2=f32.get("b2"),
    )


def predict_proba(
    texts: Sequence[str],
    languages: Sequence[str | None],
    fast_proba: np.ndarray | None = None,
    emb: np.ndarray | None = None,
) -> np.ndarray:
    """Class probabilities (columns in ``LABELS`` order).

    ``fast_proba`` (the fast model's output for the same texts) and ``emb`` (cached
    embeddings of ``embed_texts(texts)``) are computed when not given.
    """
    if not texts:
        return np.zeros((0, len(LABELS)), dtype=np.float32)
    langs = list(languages)
    if fast_proba is None:
        fast_proba = sentiment.predict_proba(list(texts), langs)
    if emb is None:
        emb = embeddings.embed(embed_texts(texts))
    return _head().proba(features(emb, fast_proba))


def predict_sentiment(
    texts: Sequence[str],
    languages: Sequence[str | None] | None = None,
    fast_proba: np.ndarray | None = None,
) -> list[SentimentResult]:
    """Like :func:`outsidein.text.sentiment.predict_sentiment`, via the embedding head."""
    langs = list(languages) if languages is not None else [None] * len(texts)
    probs = predict_proba(texts, langs, fast_proba)
    return [sentiment.result_from_proba(row) for row in probs]
