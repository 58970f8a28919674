"""NPS, CSAT and CES with n and 95 % intervals, computed from counts per score value.

Every metric is a function of the *counts per score value* (a length-11 array for NPS 0–10, 5 for
CSAT 1–5, 7 for CES 1–7).  Those counts are sufficient statistics: summing the counts of daily
rollups gives exactly the counts of the raw rows, and every figure below is computed from integer
totals, so a rollup and a raw scan give bit-for-bit identical :class:`MetricValue` objects.

Units: NPS in points (−100…+100), shares in percent (0…100), means on the answer scale.
See ``docs/analytics.md`` for the definitions and the reasons behind each interval method.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from scipy import special, stats

NpsMethod = Literal["adjusted_wald", "wald"]


@dataclass(frozen=True)
class Scale:
    """An integer answer scale ``low..high`` and the band that counts as the good answer."""

    name: str
    low: int
    high: int
    positive_from: int  # promoters 9–10, satisfied 4–5, low effort 5–7
    negative_to: int | None = None  # detractors 0–6 (NPS only)

    @property
    def size(self) -> int:
        return self.high - self.low + 1

    @property
    def values(self) -> np.ndarray:
        return np.arange(self.low, self.high + 1)


NPS_SCALE = Scale("nps", 0, 10, positive_from=9, negative_to=6)
CSAT_SCALE = Scale("csat", 1, 5, positive_from=4)
CES_SCALE = Scale("ces", 1, 7, positive_from=5)
SCALES = {s.name: s for s in (NPS_SCALE, CSAT_SCALE, CES_SCALE)}


@dataclass(frozen=True)
class MetricValue:
    """One figure for a dashboard or the API, always with its n and interval.

    ``value``/``ci_low``/``ci_high`` are ``None`` when there is nothing to compute (n = 0, or an
    interval that needs n ≥ 2).  ``below_min_n`` tells the page to grey the figure out; empty
    groups are always below the minimum.  ``counts`` are the per-score counts the figure was
    computed from (index 0 = lowest score), ``positive``/``negative`` the counts in the good and
    bad bands (promoters/detractors; for CSAT/CES ``negative`` is everybody not positive).
    """

    metric: str
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    below_min_n: bool
    counts: tuple[int, ...]
    positive: int
    negative: int
    unit: str
    method: str
    confidence: float = 0.95

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON/CSV export."""
        return asdict(self)


# --- counting ---------------------------------------------------------------------------------


def _scale(scale: str | Scale) -> Scale:
    return SCALES[scale] if isinstance(scale, str) else scale


def score_counts(scores: Iterable[float | int | None], scale: str | Scale = "nps") -> np.ndarray:
    """Counts per score value (index 0 = lowest score) from raw answers.

    ``None``/NaN mean "did not answer" and are skipped (the metrics are over those who answered).
    Non-integer or out-of-range answers raise ``ValueError``: silently dropping them would make a
    rollup and a raw scan disagree about n.
    """
    sc = _scale(scale)
    arr = np.asarray([np.nan if s is None else s for s in scores], dtype=float)
    arr = arr[~np.isnan(arr)]
    if arr.size and (np.any(arr != np.round(arr)) or arr.min() < sc.low or arr.max() > sc.high):
        raise ValueError(f"{sc.name} scores must be integers in {sc.low}..{sc.high}")
    return np.bincount(arr.astype(np.int64) - sc.low, minlength=sc.size).astype(np.int64)


def _as_counts(counts: Iterable[int], sc: Scale) -> tuple[int, ...]:
    """Validate and convert to Python ints, so every later sum is exact integer arithmetic."""
    out = tuple(int(c) for c in counts)
    if len(out) != sc.size:
        raise ValueError(f"{sc.name} needs {sc.size} counts ({sc.low}..{sc.high}), got {len(out)}")
    if any(c < 0 for c in out):
        raise ValueError("counts must be non-negative")
    return out


@lru_cache(maxsize=64)
def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


@lru_cache(maxsize=4096)
def _t(confidence: float, df: int) -> float:
    """Cached: a trend of 24 periods asks for the same few quantiles again and again."""
    return float(stats.t.ppf(0.5 + confidence / 2, df))


def _flag(n: int, min_n: int) -> bool:
    return n < max(min_n, 1)


# --- NPS --------------------------------------------------------------------------------------


def nps_variance(p: float, d: float) -> float:
    """Per-answer variance of the −1/0/+1 coding: (p + d) − (p − d)²."""
    return max((p + d) - (p - d) ** 2, 0.0)


def nps_interval(
    promoters: int,
    detractors: int,
    n: int,
    confidence: float = 0.95,
    method: NpsMethod = "adjusted_wald",
) -> tuple[float, float]:
    """Interval for NPS as a fraction (−1…+1).

    ``wald``: (p − d) ± z·√([(p + d) − (p − d)²]/n).
    ``adjusted_wald`` (default): the same formula after adding ¾ promoter, ¾ detractor and 3
    answers in total (Rocks 2016, *The American Statistician*).  The plain Wald interval covers
    only ~65–85 % at n ≤ 10 and collapses to zero width when every answer is alike; the adjusted
    one stays near 95 % from n = 5 up and equals Wald for large n (see docs/analytics.md).
    """
    if method == "adjusted_wald":
        n_eff, p_cnt, d_cnt = n + 3, promoters + 0.75, detractors + 0.75
    elif method == "wald":
        n_eff, p_cnt, d_cnt = n, promoters, detractors
    else:
        raise ValueError(f"unknown NPS interval method {method!r}")
    p, d = p_cnt / n_eff, d_cnt / n_eff
    half = _z(confidence) * math.sqrt(nps_variance(p, d) / n_eff)
    return max(p - d - half, -1.0), min(p - d + half, 1.0)


def nps_from_counts(
    counts: Iterable[int],
    *,
    min_n: int = 0,
    confidence: float = 0.95,
    method: NpsMethod = "adjusted_wald",
) -> MetricValue:
    """NPS = % promoters (9–10) − % detractors (0–6) over those who answered, in points."""
    c = _as_counts(counts, NPS_SCALE)
    n = sum(c)
    promoters, detractors = sum(c[9:]), sum(c[:7])
    value = lo = hi = None
    if n:
        value = 100 * (promoters - detractors) / n
        lo, hi = (100 * x for x in nps_interval(promoters, detractors, n, confidence, method))
    return MetricValue(
        "nps",
        value,
        n,
        lo,
        hi,
        _flag(n, min_n),
        c,
        promoters,
        detractors,
        "points",
        method,
        confidence,
    )


# --- shares (CSAT, CES) -----------------------------------------------------------------------


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for k of n, without continuity correction.

    The same arithmetic as scipy's ``binomtest(k, n).proportion_ci(method="wilson")`` (Newcombe
    1998), written out because ``binomtest`` also runs a two-sided test by root finding: ~1 ms
    per call, which dominated a dashboard with a trend per period.
    """
    p = k / n
    z = float(special.ndtri(0.5 + 0.5 * confidence))
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * math.sqrt(4 * n * p * (1 - p) + z**2)
    return (0.0 if k == 0 else center - delta), (1.0 if k == n else center + delta)


def _share(metric: str, sc: Scale, counts: Iterable[int], min_n: int, confidence: float):
    c = _as_counts(counts, sc)
    n = sum(c)
    k = sum(c[sc.positive_from - sc.low :])
    value = lo = hi = None
    if n:
        value = 100 * k / n
        lo, hi = (100 * x for x in wilson_interval(k, n, confidence))
    return MetricValue(
        metric, value, n, lo, hi, _flag(n, min_n), c, k, n - k, "percent", "wilson", confidence
    )


def csat_from_counts(
    counts: Iterable[int], *, min_n: int = 0, confidence: float = 0.95
) -> MetricValue:
    """CSAT = share (%) of 4–5 answers on the 1–5 scale, Wilson interval."""
    return _share("csat", CSAT_SCALE, counts, min_n, confidence)


def ces_from_counts(
    counts: Iterable[int], *, min_n: int = 0, confidence: float = 0.95
) -> MetricValue:
    """CES = share (%) of 5–7 answers on the 1–7 agreement scale, Wilson interval."""
    return _share("ces", CES_SCALE, counts, min_n, confidence)


# --- means ------------------------------------------------------------------------------------


def mean_interval(
    n: int, total: float, total_sq: float, confidence: float = 0.95
) -> tuple[float, float] | None:
    """t interval for a mean from n, Σx and Σx² (None below n = 2).

    With integer inputs the variance numerator n·Σx² − (Σx)² is exact, so rounding cannot differ
    between a rollup and a raw scan.
    """
    if n < 2:
        return None
    var = (n * total_sq - total * total) / (n * (n - 1))
    half = _t(confidence, n - 1) * math.sqrt(max(var, 0) / n)
    return total / n - half, total / n + half


def _mean(metric: str, sc: Scale, counts: Iterable[int], min_n: int, confidence: float):
    c = _as_counts(counts, sc)
    n = sum(c)
    total = sum(v * k for v, k in zip(range(sc.low, sc.high + 1), c, strict=True))
    total_sq = sum(v * v * k for v, k in zip(range(sc.low, sc.high + 1), c, strict=True))
    value = lo = hi = None
    if n:
        value = total / n
        ci = mean_interval(n, total, total_sq, confidence)
        if ci is not None:  # a mean cannot leave its scale; clipping only matters at tiny n
            lo, hi = max(ci[0], sc.low), min(ci[1], sc.high)
    k = sum(c[sc.positive_from - sc.low :])
    return MetricValue(
        metric, value, n, lo, hi, _flag(n, min_n), c, k, n - k, "mean", "t", confidence
    )


def csat_mean_from_counts(
    counts: Iterable[int], *, min_n: int = 0, confidence: float = 0.95
) -> MetricValue:
    """Mean CSAT answer (1–5) with a t interval; shown labelled as a mean."""
    return _mean("csat_mean", CSAT_SCALE, counts, min_n, confidence)


def ces_mean_from_counts(
    counts: Iterable[int], *, min_n: int = 0, confidence: float = 0.95
) -> MetricValue:
    """Mean CES answer (1–7) with a t interval; shown labelled as a mean."""
    return _mean("ces_mean", CES_SCALE, counts, min_n, confidence)


# --- dispatch for the API (?metric=nps) ---------------------------------------------------------

METRICS: dict[str, tuple[Scale, Callable[..., MetricValue]]] = {
    "nps": (NPS_SCALE, nps_from_counts),
    "csat": (CSAT_SCALE, csat_from_counts),
    "csat_mean": (CSAT_SCALE, csat_mean_from_counts),
    "ces": (CES_SCALE, ces_from_counts),
    "ces_mean": (CES_SCALE, ces_mean_from_counts),
}


def metric_from_counts(metric: str, counts: Iterable[int], **kwargs: Any) -> MetricValue:
    """``metric`` is one of :data:`METRICS`; keyword arguments go to that metric's function."""
    try:
        _, fn = METRICS[metric]
    except KeyError:
        raise ValueError(f"unknown metric {metric!r}; choose from {sorted(METRICS)}") from None
    return fn(counts, **kwargs)


def metric_from_scores(
    metric: str, scores: Iterable[float | int | None], **kwargs: Any
) -> MetricValue:
    """The raw-rows path: count the answers, then compute exactly as a rollup would."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {sorted(METRICS)}")
    return metric_from_counts(metric, score_counts(scores, METRICS[metric][0]), **kwargs)
