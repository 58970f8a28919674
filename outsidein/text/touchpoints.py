"""Touchpoint suggestion: learn from items that have a touchpoint, suggest for those
that do not.

Model: word (1-2-gram) + character (2-5-gram, within word boundaries, which copes
with Nordic compounds and typos) TF-IDF -> logistic regression, calibrated with
sigmoid calibration when every class has enough examples. Touchpoints with fewer
than ``min_per_class`` examples are left out of training; with fewer than two
usable touchpoints the model is "empty" and ``suggest`` returns None for every text.

``to_bytes``/``from_bytes`` pickle the fitted model (with a format header checked on
load). Only load bytes this application wrote itself: unpickling runs code.
"""

from __future__ import annotations

import io
import pickle
import zlib
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

_MAGIC = b"OITP1"


@dataclass(frozen=True)
class Suggestion:
    touchpoint_id: Hashable
    confidence: float


class TouchpointModelError(ValueError):
    pass


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, lowercase=True),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                ),
            ),
        ]
    )


class TouchpointSuggester:
    def __init__(self, *, min_per_class: int = 5, min_confidence: float = 0.0) -> None:
        self.min_per_class = min_per_class
        self.min_confidence = min_confidence
        self.model: Pipeline | None = None
        self.classes: list[Hashable] = []
        self.skipped: dict[Hashable, int] = {}  # touchpoints with too few examples
        self.calibrated = False

    @property
    def fitted(self) -> bool:
        return self.model is not None

    def fit(self, texts: Sequence[str], touchpoint_ids: Sequence[Hashable]) -> TouchpointSuggester:
        if len(texts) != len(touchpoint_ids):
            raise ValueError("texts and touchpoint_ids must have the same length")
        counts = Counter(touchpoint_ids)
        keep = {tp for tp, n in counts.items() if n >= self.min_per_class}
        self.skipped = {tp: n for tp, n in counts.items() if tp not in keep}
        pairs = [(t, tp) for t, tp in zip(texts, touchpoint_ids, strict=True) if tp in keep]
        self.model, self.classes, self.calibrated = None, [], False
        if len(keep) < 2:
            return self
        x, y = [p[0] for p in pairs], [p[1] for p in pairs]
        base = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
        # Sigmoid calibration with 3 folds needs >= 3 examples per class in every fold
        # split; below ~15 per class the plain LR probabilities are the safer choice.
        self.calibrated = min(counts[tp] for tp in keep) >= 15
        clf = CalibratedClassifierCV(base, method="sigmoid", cv=3) if self.calibrated else base
        self.model = Pipeline([("features", _features()), ("clf", clf)]).fit(x, y)
        self.classes = list(self.model.classes_)
        return self

    def suggest(self, texts: Sequence[str]) -> list[Suggestion | None]:
        """Best touchpoint per text; None when unfitted or below ``min_confidence``."""
        if self.model is None:
            return [None for _ in texts]
        if not texts:
            return []
        proba = self.model.predict_proba(list(texts))
        best = proba.argmax(axis=1)
        out: list[Suggestion | None] = []
        for row, j in zip(proba, best, strict=True):
            conf = float(row[j])
            out.append(
                Suggestion(self.classes[j], round(conf, 4)) if conf >= self.min_confidence else None
            )
        return out

    def to_bytes(self) -> bytes:
        state = {
            "sklearn": sklearn.__version__,
            "min_per_class": self.min_per_class,
            "min_confidence": self.min_confidence,
            "model": self.model,
            "classes": self.classes,
            "skipped": self.skipped,
            "calibrated": self.calibrated,
        }
        return _MAGIC + zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def from_bytes(cls, data: bytes) -> TouchpointSuggester:
        if not data.startswith(_MAGIC):
            raise TouchpointModelError("not a touchpoint model (bad header)")
        state = pickle.load(io.BytesIO(zlib.decompress(data[len(_MAGIC) :])))  # noqa: S301 - own data
        if state["sklearn"] != sklearn.__version__:
            raise TouchpointModelError(
                f"model was trained with scikit-learn {state['sklearn']}, this is {sklearn.__version__}: retrain"
            )
        obj = cls(min_per_class=state["min_per_class"], min_confidence=state["min_confidence"])
        obj.model, obj.classes = state["model"], state["classes"]
        obj.skipped, obj.calibrated = state["skipped"], state["calibrated"]
        return obj
