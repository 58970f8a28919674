"""Is a change real?  Period-over-period and group-vs-group tests from sufficient statistics.

Every comparison is "b against a": ``a`` is the baseline (previous period, reference group or
"everybody else"), ``b`` the figure being judged, and ``difference = b − a`` in the metric's own
unit (NPS points, percentage points, or answer-scale units for means).  ``direction`` is
``"up"``/``"down"`` only when the (adjusted, if any) p-value is below ``alpha``; otherwise
``"unchanged"``, which is what the page shows for noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from . import metrics as m

Direction = Literal["up", "down", "unchanged"]
ProportionTest = Literal["auto", "z", "fisher"]
AdjustMethod = Literal["holm", "fdr_bh"]


@dataclass(frozen=True)
class Change:
    """A tested difference ``b − a`` with its interval, p-value and marking."""

    metric: str
    value_a: float | None
    value_b: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    direction: Direction
    test: str
    n_a: int
    n_b: int
    alpha: float = 0.05
    p_adjusted: float | None = None  # set by adjust_changes / compare_groups
    label: str | None = None  # group name when comparing many groups

    @property
    def significant(self) -> bool:
        p = self.p_adjusted if self.p_adjusted is not None else self.p_value
        return p is not None and p < self.alpha


def _direction(difference: float | None, p: float | None, alpha: float) -> Direction:
    if difference is None or p is None or p >= alpha or difference == 0:
        return "unchanged"
    return "up" if difference > 0 else "down"


def _z_test(diff: float, se: float) -> float:
    """Two-sided normal p-value; a zero standard error means no sampling noise at all."""
    if se == 0:
        return 1.0 if diff == 0 else 0.0
    return float(2 * stats.norm.sf(abs(diff) / se))


def _untestable(metric: str, a: m.MetricValue, b: m.MetricValue, test: str, alpha: float):
    diff = None if a.value is None or b.value is None else b.value - a.value
    return Change(
        metric, a.value, b.value, diff, None, None, None, "unchanged", test, a.n, b.n, alpha
    )


# --- NPS --------------------------------------------------------------------------------------


def _nps_parts(v: m.MetricValue, adjusted: bool) -> tuple[float, float]:
    """(mean of the −1/0/+1 coding, its per-answer variance), optionally Rocks-adjusted."""
    extra, add = (3, 0.75) if adjusted else (0, 0.0)
    n = v.n + extra
    p, d = (v.positive + add) / n, (v.negative + add) / n
    return p - d, m.nps_variance(p, d) / n


def compare_nps(
    counts_a: Iterable[int],
    counts_b: Iterable[int],
    *,
    alpha: float = 0.05,
    method: m.NpsMethod = "adjusted_wald",
) -> Change:
    """Two-sample z test on the −1/0/+1 means, variance [(p + d) − (p − d)²]/n per sample.

    With ``adjusted_wald`` (default, matching the metric's own interval) the test and interval use
    the Rocks-adjusted proportions, which keeps a zero-variance sample (all promoters, say) from
    producing p = 0; ``difference`` is always the plain difference of the two NPS values.
    """
    a, b = m.nps_from_counts(counts_a), m.nps_from_counts(counts_b)
    test = f"two-sample z ({method})"
    if a.n == 0 or b.n == 0:
        return _untestable("nps", a, b, test, alpha)
    (mean_a, var_a), (mean_b, var_b) = (_nps_parts(v, method == "adjusted_wald") for v in (a, b))
    diff, se = mean_b - mean_a, math.sqrt(var_a + var_b)
    p = _z_test(diff, se)
    half = float(stats.norm.ppf(1 - alpha / 2)) * se
    lo, hi = max(100 * (diff - half), -200.0), min(100 * (diff + half), 200.0)
    raw = b.value - a.value
    return Change(
        "nps", a.value, b.value, raw, lo, hi, p, _direction(raw, p, alpha), test, a.n, b.n, alpha
    )


# --- proportions ------------------------------------------------------------------------------


def _small(k_a: int, n_a: int, k_b: int, n_b: int) -> bool:
    """Fisher when any expected cell of the 2×2 table is under 5 (the usual z-test rule)."""
    pooled = (k_a + k_b) / (n_a + n_b)
    return min(n_a, n_b) * min(pooled, 1 - pooled) < 5


def compare_proportions(
    k_a: int,
    n_a: int,
    k_b: int,
    n_b: int,
    *,
    alpha: float = 0.05,
    test: ProportionTest = "auto",
    metric: str = "share",
) -> Change:
    """Difference of two shares in percentage points.

    p-value: pooled two-proportion z test (statsmodels), or Fisher's exact test (scipy) when
    ``test="fisher"`` or, with ``"auto"``, when an expected cell count is under 5.  Interval:
    Newcombe's hybrid score interval for the difference, which behaves at small n and at 0 %/100 %.
    """
    va, vb = (None if n == 0 else 100 * k / n for k, n in ((k_a, n_a), (k_b, n_b)))
    if n_a == 0 or n_b == 0:
        diff = None if va is None or vb is None else vb - va
        return Change(metric, va, vb, diff, None, None, None, "unchanged", test, n_a, n_b, alpha)
    use_fisher = test == "fisher" or (test == "auto" and _small(k_a, n_a, k_b, n_b))
    if use_fisher:
        p = float(stats.fisher_exact([[k_b, n_b - k_b], [k_a, n_a - k_a]]).pvalue)
    elif k_a + k_b in (0, n_a + n_b):  # everyone (or no one) positive in both: nothing to test
        p = 1.0
    else:
        p = float(proportions_ztest([k_b, k_a], [n_b, n_a])[1])
    ci = confint_proportions_2indep(k_b, n_b, k_a, n_a, method="newcomb", alpha=alpha)
    lo, hi = (100 * float(x) for x in ci)
    diff = vb - va
    name = "fisher exact" if use_fisher else "two-proportion z"
    return Change(
        metric,
        va,
        vb,
        diff,
        lo,
        hi,
        p,
        _direction(diff, p, alpha),
        name,
        n_a,
        n_b,
        alpha,
    )


# --- means ------------------------------------------------------------------------------------


def compare_means(
    n_a: int,
    sum_a: float,
    sumsq_a: float,
    n_b: int,
    sum_b: float,
    sumsq_b: float,
    *,
    alpha: float = 0.05,
    metric: str = "mean",
) -> Change:
    """Welch's t test and interval for b − a from n, Σx and Σx² of each sample (n ≥ 2 each)."""
    ma = sum_a / n_a if n_a else None
    mb = sum_b / n_b if n_b else None
    if n_a < 2 or n_b < 2:
        diff = None if ma is None or mb is None else mb - ma
        return Change(
            metric, ma, mb, diff, None, None, None, "unchanged", "welch t", n_a, n_b, alpha
        )
    va = max((n_a * sumsq_a - sum_a**2) / (n_a * (n_a - 1)), 0.0)
    vb = max((n_b * sumsq_b - sum_b**2) / (n_b * (n_b - 1)), 0.0)
    diff, se2 = mb - ma, va / n_a + vb / n_b
    if se2 == 0:
        p, lo, hi = (1.0 if diff == 0 else 0.0), diff, diff
    else:
        res = stats.ttest_ind_from_stats(
            mb, math.sqrt(vb), n_b, ma, math.sqrt(va), n_a, equal_var=False
        )
        p = float(res.pvalue)
        # Welch–Satterthwaite degrees of freedom, for the interval to match the test
        df = se2**2 / ((va / n_a) ** 2 / (n_a - 1) + (vb / n_b) ** 2 / (n_b - 1))
        half = float(stats.t.ppf(1 - alpha / 2, df)) * math.sqrt(se2)
        lo, hi = diff - half, diff + half
    return Change(
        metric, ma, mb, diff, lo, hi, p, _direction(diff, p, alpha), "welch t", n_a, n_b, alpha
    )


def _sums(counts: Sequence[int], scale: m.Scale) -> tuple[int, int, int]:
    values = range(scale.low, scale.high + 1)
    c = [int(x) for x in counts]
    return (
        sum(c),
        sum(v * k for v, k in zip(values, c, strict=True)),
        sum(v * v * k for v, k in zip(values, c, strict=True)),
    )


# --- any metric, many groups ------------------------------------------------------------------


def compare_metric(
    metric: str, counts_a: Sequence[int], counts_b: Sequence[int], *, alpha: float = 0.05
) -> Change:
    """Dispatch on the metric name used by :data:`metrics.METRICS` (nps, csat, csat_mean, ...)."""
    if metric == "nps":
        return compare_nps(counts_a, counts_b, alpha=alpha)
    scale, fn = m.METRICS[metric]
    if metric.endswith("_mean"):
        return compare_means(
            *_sums(counts_a, scale), *_sums(counts_b, scale), alpha=alpha, metric=metric
        )
    a, b = fn(counts_a), fn(counts_b)
    return compare_proportions(a.positive, a.n, b.positive, b.n, alpha=alpha, metric=metric)


def adjusted_p_values(p_values: Sequence[float], method: AdjustMethod = "holm") -> np.ndarray:
    """Holm or Benjamini–Hochberg adjusted p-values, exactly as statsmodels' ``multipletests``.

    Written out here because ``multipletests`` runs ``gc.collect()`` on every call, which costs
    0.2–0.4 s inside a web process with a large heap (every page compares many groups).
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    ranked = p[order]
    n = len(p)
    if method == "holm":
        adjusted = np.maximum.accumulate(ranked * np.arange(n, 0, -1))
    elif method == "fdr_bh":
        adjusted = np.minimum.accumulate((ranked * n / np.arange(1, n + 1))[::-1])[::-1]
    else:
        raise ValueError(f"unknown adjustment {method!r}; use holm or fdr_bh")
    out = np.empty(n)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def adjust_changes(changes: Sequence[Change], *, method: AdjustMethod = "holm") -> list[Change]:
    """Adjust the p-values of a family of comparisons and re-mark their directions.

    ``holm`` controls the family-wise error (no false "up" on any group, with 95 % confidence);
    ``fdr_bh`` (Benjamini–Hochberg) controls the expected share of false marks and finds more
    real changes when there are many groups.  Untestable comparisons stay untouched.
    """
    idx = [i for i, c in enumerate(changes) if c.p_value is not None]
    out = list(changes)
    if not idx:
        return out
    adjusted = adjusted_p_values([changes[i].p_value for i in idx], method)
    for i, p in zip(idx, adjusted, strict=True):
        c = changes[i]
        out[i] = replace(
            c, p_adjusted=float(p), direction=_direction(c.difference, float(p), c.alpha)
        )
    return out


def compare_groups(
    metric: str,
    groups: Mapping[str, Sequence[int]],
    *,
    reference: str | None = None,
    alpha: float = 0.05,
    method: AdjustMethod = "holm",
) -> dict[str, Change]:
    """Each group against ``reference``, or against all other groups pooled when it is None.

    Pooling "everybody else" is exact because counts add up.  p-values are adjusted over the whole
    family with ``method`` so that a page with twenty touchpoints does not light up by chance.
    """
    names = [g for g in groups if g != reference]
    total = np.sum([np.asarray(c, dtype=np.int64) for c in groups.values()], axis=0)
    changes = []
    for g in names:
        own = np.asarray(groups[g], dtype=np.int64)
        base = groups[reference] if reference is not None else total - own
        changes.append(replace(compare_metric(metric, list(base), list(own), alpha=alpha), label=g))
    return {c.label: c for c in adjust_changes(changes, method=method)}
