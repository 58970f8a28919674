"""Learning the organisation's language: adapt the sentiment model to its own feedback.

Most feedback comes with a score. A score says how the customer felt overall, so it is a
noisy but plentiful label for the tone of the comment: NPS 0–6 / 7–8 / 9–10, CSAT and
stars 1–2 / 3 / 4–5, CES 1–3 / 4 / 5–7 map to negative / neutral / positive. A person's
correction in the UI always wins over the score. The adapter is a logistic regression on
the shipped model's own features plus its log-probabilities, so it starts from what the
shipped model knows and learns the organisation's words on top. It is kept only if it
beats the shipped model on a held-back fifth of the organisation's data.

Where the embedding model is installed, the background pass (outsidein.feedback.deep_pass)
re-scores every item with the shipped deep head, which is far better than the fast model
on Danish and Norwegian. So `text train` adapts that path too: a logistic regression on
the sentence embedding and both shipped models' log-probabilities, optionally averaged
with the fast adapter. Whichever of these wins on the held-back fifth is what the
background pass uses; without that, adapting would trade the deep model for a weaker one.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from outsidein.text import sentiment

ADAPTER_NAME = "sentiment-adapter"
DEEP_ADAPTER_NAME = "sentiment-adapter-deep"
# Embedding runs at ~100 comments/s per core: the newest 20,000 keep training to minutes.
DEEP_MAX_EXAMPLES = 20_000
DEEP_CHUNK = 500  # comments embedded between two looks at the clock
DEEP_C = 0.01  # strong L2: 390 dense features, a few thousand comments
LABELS = sentiment.LABELS
MIN_EXAMPLES = 200
HELD_BACK_SHARE = 0.2
# An adapter is adopted only if it beats its rival in this share of bootstrap resamples of
# the held-back part: with a few hundred comments, a lead of a point or two is often luck.
ADOPT_CONFIDENCE = 0.9
BOOTSTRAP_ROUNDS = 1000


def label_from_scores(nps: int | None, csat: int | None, ces: int | None, stars=None) -> str | None:
    """The sentiment a score implies, or None when the item has no score."""
    if nps is not None:
        return "negative" if nps <= 6 else "neutral" if nps <= 8 else "positive"
    for value in (csat, stars):
        if value is not None:
            return sentiment.label_from_rating(value)
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
    version: str = ""  # names the stored model (the deep adapter may average it in)

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
            version = hashlib.sha1(blob).hexdigest()[:12]
            return cls(coef=data["coef"], intercept=data["intercept"], version=version)


def _scores(truth: list[str], predicted: list[str]) -> dict[str, float]:
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=list(LABELS), average="macro")), 4
        ),
    }


def _bootstrap_macro_f1(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Macro-F1 of each resample (rows of label indices)."""
    per_class = []
    for k in range(len(LABELS)):
        tp = ((truth == k) & (predicted == k)).sum(axis=1)
        wrong = ((truth == k) != (predicted == k)).sum(axis=1)  # false positives + negatives
        per_class.append(np.where(tp + wrong > 0, 2 * tp / np.maximum(2 * tp + wrong, 1), 0.0))
    return np.mean(per_class, axis=0)


def win_share(truth: list[str], ours: list[str], rival: list[str], seed: int = 0) -> float:
    """Share of bootstrap resamples of the held-back part where ``ours`` has the higher
    macro-F1 (ties count as losses)."""
    index = {label: i for i, label in enumerate(LABELS)}
    t, a, b = (np.array([index[x] for x in xs], dtype=np.int8) for xs in (truth, ours, rival))
    rng = np.random.default_rng(seed)
    wins = 0
    for start in range(0, BOOTSTRAP_ROUNDS, 100):  # chunks keep memory small on 20k items
        rows = rng.integers(0, len(t), size=(min(100, BOOTSTRAP_ROUNDS - start), len(t)))
        wins += int(
            np.sum(_bootstrap_macro_f1(t[rows], a[rows]) > _bootstrap_macro_f1(t[rows], b[rows]))
        )
    return round(wins / BOOTSTRAP_ROUNDS, 3)


@dataclass
class Example:
    key: str
    text: str
    language: str | None
    label: str


def _split(examples: list[Example]) -> tuple[list[Example], list[Example], dict]:
    """Training and held-back parts, and a report that says why not when there are too few."""
    train = [e for e in examples if not is_held_back(e.key)]
    test = [e for e in examples if is_held_back(e.key)]
    report: dict = {"examples": len(examples), "train": len(train), "held_back": len(test)}
    if len(train) < MIN_EXAMPLES or len(test) < MIN_EXAMPLES // 4:
        report["reason"] = f"too few scored or corrected comments (need {MIN_EXAMPLES} to train)"
    elif {e.label for e in train} != set(LABELS):
        report["reason"] = "the training part needs negative, neutral and positive examples"
    return train, test, report


def train_adapter(examples: list[Example], seed: int = 0) -> tuple[SentimentAdapter | None, dict]:
    """Fit on the training part, compare on the held-back part; None when not better."""
    train, test, report = _split(examples)
    if "reason" in report:
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
    report["win_share"] = win_share(truth, after, before, seed)
    report["adopted"] = report["win_share"] >= ADOPT_CONFIDENCE
    return (adapter if report["adopted"] else None), report


# --- the background (embedding) path --------------------------------------------------

Embed = Callable[[Sequence[str]], np.ndarray]


def deep_features(texts: list[str], languages: list[str | None], embed: Embed | None = None):
    """Sentence embedding plus the fast and the shipped deep model's log-probabilities.

    The last three columns are the shipped deep model's, so its own verdict is at hand.
    ``embed`` replaces the embedding call (evaluation runs pass a cached one).
    """
    from outsidein.text import deep_sentiment, embeddings
    from outsidein.text.deep_sentiment import clipped_log

    fast = sentiment.predict_proba(texts, languages)
    emb = (embed or embeddings.embed)(deep_sentiment.embed_texts(texts))
    deep = deep_sentiment.predict_proba(texts, languages, fast_proba=fast, emb=emb)
    return np.hstack([emb, clipped_log(fast), clipped_log(deep)])


@dataclass
class DeepSentimentAdapter:
    """Logistic regression on :func:`deep_features`, averaged with the fast adapter's
    probabilities when ``fast_share`` > 0 (the two err on different comments)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    fast_share: float = 0.0
    version: str = ""  # names the stored model, so the background pass knows what it used

    def proba_from_features(self, x: np.ndarray, fast: np.ndarray | None) -> np.ndarray:
        own = softmax(((x - self.mean) / self.scale) @ self.coef.T + self.intercept, axis=1)
        if self.fast_share and fast is not None:
            return (1.0 - self.fast_share) * own + self.fast_share * fast
        return own

    def predict_proba(
        self,
        texts: list[str],
        languages: list[str | None],
        fast_adapter: SentimentAdapter | None = None,
        embed: Embed | None = None,
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(LABELS)))
        fast = fast_adapter.predict_proba(texts, languages) if fast_adapter else None
        return self.proba_from_features(deep_features(texts, languages, embed), fast)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        arrays = {k: getattr(self, k) for k in ("mean", "scale", "coef", "intercept")}
        np.savez_compressed(buffer, fast_share=np.array(self.fast_share), **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> DeepSentimentAdapter:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            arrays = {k: data[k] for k in ("mean", "scale", "coef", "intercept")}
            version = hashlib.sha1(blob).hexdigest()[:12]
            return cls(fast_share=float(data["fast_share"]), version=version, **arrays)


def train_deep_adapter(
    examples: list[Example],
    fast_adapter: SentimentAdapter | None,
    seed: int = 0,
    embed: Embed | None = None,
    max_seconds: float | None = None,
) -> tuple[DeepSentimentAdapter | None, dict]:
    """Adapt the background path; kept only if it beats, on the held-back part, both the
    shipped deep model and the fast adapter (which it would otherwise overrule).

    Learns from the newest ``DEEP_MAX_EXAMPLES`` comments, or from as many of the newest
    as can be embedded in ``max_seconds`` (a queued job must finish within its timeout).
    """
    newest_first = examples[::-1][:DEEP_MAX_EXAMPLES]
    if "reason" in (early := _split(newest_first)[2]):
        return None, early
    started, used, chunks = time.monotonic(), [], []
    for start in range(0, len(newest_first), DEEP_CHUNK):
        part = newest_first[start : start + DEEP_CHUNK]
        chunks.append(deep_features([e.text for e in part], [e.language for e in part], embed))
        used += part
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            break
    train, test, report = _split(used)
    report["time_limited"] = len(used) < len(newest_first)
    if "reason" in report:
        return None, report
    x, held = np.vstack(chunks), np.array([is_held_back(e.key) for e in used])
    x_train, x_test = x[~held], x[held]
    mean, scale = x_train.mean(axis=0), x_train.std(axis=0) + 1e-6
    model = LogisticRegression(C=DEEP_C, max_iter=3000, random_state=seed, class_weight="balanced")
    model.fit((x_train - mean) / scale, [e.label for e in train])
    order = [list(model.classes_).index(label) for label in LABELS]
    adapter = DeepSentimentAdapter(mean, scale, model.coef_[order], model.intercept_[order])
    truth = [e.label for e in test]
    shipped = [LABELS[i] for i in x_test[:, -3:].argmax(axis=1)]
    report["before"] = _scores(truth, shipped)
    candidates = {0.0: adapter.proba_from_features(x_test, None)}
    rivals = {"shipped": shipped}
    if fast_adapter is not None:
        fast = fast_adapter.predict_proba([e.text for e in test], [e.language for e in test])
        rivals["fast_adapter"] = [LABELS[i] for i in fast.argmax(axis=1)]
        report["fast_adapter"] = _scores(truth, rivals["fast_adapter"])
        # An even blend: no weight tuned on a few hundred comments.
        candidates[0.5] = 0.5 * candidates[0.0] + 0.5 * fast
    predicted = {share: [LABELS[i] for i in p.argmax(axis=1)] for share, p in candidates.items()}
    scored = {share: _scores(truth, labels) for share, labels in predicted.items()}
    adapter.fast_share = max(scored, key=lambda share: scored[share]["macro_f1"])
    report["after"], report["fast_share"] = scored[adapter.fast_share], adapter.fast_share
    # It overrules the fast adapter too, so it must beat both.
    ours = predicted[adapter.fast_share]
    report["win_share"] = min(win_share(truth, ours, rival, seed) for rival in rivals.values())
    report["adopted"] = report["win_share"] >= ADOPT_CONFIDENCE
    return (adapter if report["adopted"] else None), report
