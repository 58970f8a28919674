"""Learning the organisation's language: adapt the sentiment model to its own feedback.

Most feedback comes with a score. A score says how the customer felt overall, so it is a
noisy but plentiful label for the tone of the comment: NPS 0–6 / 7–8 / 9–10, CSAT and
stars 1–2 / 3 / 4–5, CES 1–3 / 4 / 5–7 map to negative / neutral / positive. A person's
correction in the UI always wins over the score. The adapter is a logistic regression on
the shipped model's own features plus its log-probabilities, so it starts from what the
shipped model knows and learns the organisation's words on top. It is kept only if it
beats the shipped model on a held-back fifth of the organisation's data.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from outsidein.text import sentiment

ADAPTER_NAME = "sentiment-adapter"
LABELS = sentiment.LABELS
MIN_EXAMPLES = 200
HELD_BACK_SHARE = 0.2


def label_from_scores(nps: int | None, csat: int | None, ces: int | None, stars=None) -> str | None:
    """The sentiment a score implies, or None when the item has no score."""
    if nps is not None:
        return "negative" if nps <= 6 else "neutral" if nps <= 8 else "positive"
    for value in (csat, stars):
        if value is not None:
            return "negative" if value <= 2 else "neutral" if value == 3 else "positive"
    if ces is not None:
        return "negative" if ces <= 3 else "neutral" if ces == 4 else "positive"
    return None


def is_held_back(key: str) -> bool:
    """A stable split: the same item is always on the same side, run after run."""
    digest = hashlib.sha1(key.encode()).digest()
    return digest[0] < 256 * HELD_BACK_SHARE


def _features(texts: list[str], languages: list[str | None]) -> sparse.csr_matrix:
    base = np.log(np.clip(sentiment.predict_proba(texts, languages), 1e-6, 1.0))
    return sparse.hstack([sentiment.featurize(texts, languages), sparse.csr_matrix(base)], "csr")


@dataclass
class SentimentAdapter:
    coef: np.ndarray
    intercept: np.ndarray

    def predict_proba(self, texts: list[str], languages: list[str | None]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(LABELS)))
        logits = _features(texts, languages) @ self.coef.T + self.intercept
        logits = np.asarray(logits) - np.max(logits, axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        # Plain arrays, no pickle: the blob in the database can never run code.
        np.savez_compressed(buffer, coef=self.coef.astype(np.float32), intercept=self.intercept)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> SentimentAdapter:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            return cls(coef=data["coef"], intercept=data["intercept"])


def _scores(truth: list[str], predicted: list[str]) -> dict[str, float]:
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=list(LABELS), average="macro")), 4
        ),
    }


@dataclass
class Example:
    key: str
    text: str
    language: str | None
    label: str


def train_adapter(examples: list[Example], seed: int = 0) -> tuple[SentimentAdapter | None, dict]:
    """Fit on the training part, compare on the held-back part; None when not better."""
    train = [e for e in examples if not is_held_back(e.key)]
    test = [e for e in examples if is_held_back(e.key)]
    report: dict = {"examples": len(examples), "train": len(train), "held_back": len(test)}
    if len(train) < MIN_EXAMPLES or len(test) < MIN_EXAMPLES // 4:
        report["reason"] = f"too few scored or corrected comments (need {MIN_EXAMPLES} to train)"
        return None, report
    if {e.label for e in train} != set(LABELS):
        report["reason"] = "the training part needs negative, neutral and positive examples"
        return None, report
    features = _features([e.text for e in train], [e.language for e in train])
    # Fit only the hashed columns the organisation's comments use: a few thousand of the
    # half million, which makes training take a second instead of minutes.
    active = np.unique(features.indices)
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed, class_weight="balanced")
    model.fit(features[:, active], [e.label for e in train])
    order = [list(model.classes_).index(label) for label in LABELS]
    coef = np.zeros((len(LABELS), features.shape[1]))
    coef[:, active] = model.coef_[order]
    intercept = model.intercept_[order]
    adapter = SentimentAdapter(coef=coef, intercept=intercept)
    texts, langs = [e.text for e in test], [e.language for e in test]
    truth = [e.label for e in test]
    before = [LABELS[i] for i in sentiment.predict_proba(texts, langs).argmax(axis=1)]
    after = [LABELS[i] for i in adapter.predict_proba(texts, langs).argmax(axis=1)]
    report["before"], report["after"] = _scores(truth, before), _scores(truth, after)
    better = report["after"]["macro_f1"] > report["before"]["macro_f1"]
    report["adopted"] = better
    return (adapter if better else None), report
