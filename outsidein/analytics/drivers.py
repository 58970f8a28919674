"""Key-driver analysis for the priority matrix: what moves NPS, and how well are we doing on it?

Importance is each driver's share of the R² of a linear regression of the outcome (e.g. the NPS
coding −100/0/+100 or the 0–10 answer) on theme presence (0/1) and touchpoint scores, split with
Johnson's relative weights (default) or the Shapley/LMG decomposition (exact, up to 15 drivers).
Both work on the correlation matrix, so collinear drivers share their importance instead of
flipping signs, and missing touchpoint scores are handled pairwise (see docs/analytics.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

Method = Literal["relative_weights", "shapley"]
MAX_SHAPLEY_DRIVERS = 15
_EIG_TOL = 1e-10

FIX_FIRST, KEEP, DONT_OVER_INVEST, MONITOR = "fix first", "keep", "don't over-invest", "monitor"


@dataclass(frozen=True)
class Driver:
    """One point of the priority matrix."""

    name: str
    kind: str  # "binary" (theme present), "score" (touchpoint score) or "constant" (no variance)
    importance: float  # share of the model R² (importances sum to 1 when R² > 0)
    weight: float  # raw contribution to R²
    coefficient: float  # standardized regression coefficient (minimum-norm when collinear)
    direction: str  # "positive", "negative" or "none": the sign of the coefficient
    performance: float | None  # binary: mean outcome where present; score: mean score
    performance_norm: float | None  # performance rescaled to 0–1 on its scale
    quadrant: str
    n: int  # rows where the driver is observed (binary: where present)


@dataclass(frozen=True)
class DriverAnalysis:
    outcome: str
    method: str
    n: int
    r_squared: float
    importance_threshold: float
    performance_threshold: float
    drivers: list[Driver]

    def to_frame(self) -> pd.DataFrame:
        """One row per driver, most important first."""
        return pd.DataFrame([asdict(d) for d in self.drivers]).set_index("name")


# --- decompositions on a correlation matrix ---------------------------------------------------


def _psd_sqrt(corr: np.ndarray) -> np.ndarray:
    """Symmetric square root with tiny/negative eigenvalues clipped (collinear or pairwise R)."""
    evals, evecs = np.linalg.eigh(corr)
    evals = np.where(evals > _EIG_TOL * max(evals.max(), 1.0), evals, 0.0)
    return (evecs * np.sqrt(evals)) @ evecs.T


def relative_weights(corr_xx: np.ndarray, corr_xy: np.ndarray) -> np.ndarray:
    """Johnson (2000): regress y on the orthogonal counterpart Z of X, then map back.

    Λ = R_xx^{1/2} links X to Z; β = Λ⁺ r_xy are the weights of y on Z, and driver j's weight
    is Σ_k Λ_jk² β_k².  The weights add up to the R² of the full regression.
    """
    lam = _psd_sqrt(corr_xx)
    beta = np.linalg.pinv(lam, rcond=1e-10, hermitian=True) @ corr_xy
    return (lam**2) @ (beta**2)


def _r2(corr_xx: np.ndarray, corr_xy: np.ndarray, idx: Sequence[int]) -> float:
    if not idx:
        return 0.0
    sub = np.ix_(idx, idx)
    r = corr_xy[list(idx)]
    return float(r @ np.linalg.pinv(corr_xx[sub], rcond=1e-10, hermitian=True) @ r)


def shapley_weights(corr_xx: np.ndarray, corr_xy: np.ndarray) -> np.ndarray:
    """Shapley value / LMG: each driver's R² gain averaged over all orders of entry (exact)."""
    p = len(corr_xy)
    if p > MAX_SHAPLEY_DRIVERS:
        raise ValueError(f"shapley is exact over 2^p subsets: use at most {MAX_SHAPLEY_DRIVERS}")
    r2 = np.array(
        [_r2(corr_xx, corr_xy, [j for j in range(p) if mask >> j & 1]) for mask in range(1 << p)]
    )
    size = np.array([bin(mask).count("1") for mask in range(1 << p)])
    coef = np.array(
        [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)]
    )
    out = np.zeros(p)
    for j in range(p):
        without = np.array([mask for mask in range(1 << p) if not mask >> j & 1])
        out[j] = np.sum(coef[size[without]] * (r2[without | (1 << j)] - r2[without]))
    return out


# --- the analysis -----------------------------------------------------------------------------


def _kind(col: pd.Series) -> str:
    values = col.dropna().unique()
    if len(values) < 2:
        return "constant"
    return "binary" if set(values) <= {0, 1} else "score"


def _span(values: pd.Series, scale: tuple[float, float] | None) -> tuple[float, float]:
    return scale if scale is not None else (float(values.min()), float(values.max()))


def _performance(
    df: pd.DataFrame, name: str, kind: str, outcome: str, out_span, scale
) -> tuple[float | None, float | None, int]:
    col = df[name]
    if kind == "binary" or (kind == "constant" and set(col.dropna().unique()) <= {0, 1}):
        present = df.loc[col == 1, outcome]
        value, lo_hi, n = (present.mean() if len(present) else None), out_span, len(present)
    else:
        value, lo_hi, n = (
            (col.mean() if col.notna().any() else None),
            _span(col.dropna(), scale),
            int(col.notna().sum()),
        )
    if value is None or pd.isna(value):
        return None, None, n
    lo, hi = lo_hi
    norm = (value - lo) / (hi - lo) if hi > lo else 0.5
    return float(value), float(norm), n


def _quadrant(importance: float, perf: float | None, imp_cut: float, perf_cut: float) -> str:
    high_perf = perf is not None and perf >= perf_cut
    if importance >= imp_cut and importance > 0:
        return KEEP if high_perf else FIX_FIRST
    return DONT_OVER_INVEST if high_perf else MONITOR


def _decompose(data: pd.DataFrame, outcome: str, live: list[str], method: Method):
    """(weights, standardized coefficients) per non-constant driver."""
    if not live:
        return {}, {}
    corr = data[[outcome, *live]].corr().fillna(0.0).to_numpy()  # pairwise-complete rows
    r_xx, r_xy = corr[1:, 1:], corr[1:, 0]
    weights = (shapley_weights if method == "shapley" else relative_weights)(r_xx, r_xy)
    # minimum-norm solution: exact duplicates get equal halves instead of ±huge coefficients
    coefs = np.linalg.pinv(r_xx, rcond=1e-10, hermitian=True) @ r_xy
    return dict(zip(live, weights.tolist(), strict=True)), dict(
        zip(live, coefs.tolist(), strict=True)
    )


def _thresholds(live, perf, importance_threshold, performance_threshold) -> tuple[float, float]:
    imp_cut = importance_threshold if importance_threshold is not None else 1 / max(len(live), 1)
    if performance_threshold is not None:
        return imp_cut, performance_threshold
    norms = [perf[d][1] for d in live if perf[d][1] is not None]
    return imp_cut, float(np.median(norms)) if norms else 0.5


def key_drivers(
    df: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str] | None = None,
    *,
    method: Method = "relative_weights",
    scales: Mapping[str, tuple[float, float]] | None = None,
    outcome_scale: tuple[float, float] | None = None,
    importance_threshold: float | None = None,
    performance_threshold: float | None = None,
) -> DriverAnalysis:
    """Importance, direction, performance and quadrant for every driver column.

    ``scales`` gives the answer range of score drivers (e.g. ``{"invoice": (1, 5)}``) and
    ``outcome_scale`` that of the outcome (e.g. ``(-100, 100)``); by default the observed range.
    Thresholds default to the average importance (1/k of R²) and the median normalized
    performance of the drivers, i.e. the matrix is split relative to the drivers themselves.
    Constant columns get importance 0 and the quadrant "monitor" (nothing can be estimated).
    """
    drivers = list(drivers) if drivers is not None else [c for c in df.columns if c != outcome]
    data = df.loc[df[outcome].notna(), [outcome, *drivers]].astype(float)
    kinds = {d: _kind(data[d]) for d in drivers}
    live = [d for d in drivers if kinds[d] != "constant"]
    weights, coefs = _decompose(data, outcome, live, method)
    r2 = float(sum(weights.values()))
    out_span = _span(data[outcome], outcome_scale)
    scales = scales or {}
    perf = {d: _performance(data, d, kinds[d], outcome, out_span, scales.get(d)) for d in drivers}
    imp_cut, perf_cut = _thresholds(live, perf, importance_threshold, performance_threshold)
    rows = []
    for d in drivers:
        w, b = weights.get(d, 0.0), coefs.get(d, 0.0)
        importance = w / r2 if r2 > 0 else 0.0
        direction = "none" if abs(b) < 1e-12 else ("positive" if b > 0 else "negative")
        value, norm, n = perf[d]
        quadrant = MONITOR if d not in weights else _quadrant(importance, norm, imp_cut, perf_cut)
        rows.append(Driver(d, kinds[d], importance, w, b, direction, value, norm, quadrant, n))
    rows.sort(key=lambda r: -r.importance)
    return DriverAnalysis(outcome, method, len(data), r2, imp_cut, perf_cut, rows)
