"""Figures with n, interval and tested change, per group and period: what the API returns and
the pages show.  Every function takes a ``source`` (rollup_counts or raw_counts) so that the
benchmark and the tests can compute the same figures from raw rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from outsidein.analytics import metrics as am
from outsidein.analytics.significance import Change, adjust_changes, compare_metric

from . import query as q

Source = Callable[..., dict[tuple, np.ndarray]]
METRIC_NAMES = tuple(am.METRICS)


@dataclass
class Figure:
    """One group's figure over the whole scope, its trend, and the latest change."""

    key: tuple[str, ...]
    label: str
    value: am.MetricValue
    items: int
    trend: list[tuple[date, am.MetricValue]] = field(default_factory=list)
    change: Change | None = None

    def as_dict(self) -> dict[str, Any]:
        v = self.value
        change = None
        if self.change is not None:
            c = self.change
            change = {
                "previous_value": c.value_a,
                "current_value": c.value_b,
                "previous_n": c.n_a,
                "current_n": c.n_b,
                "difference": c.difference,
                "ci_low": c.ci_low,
                "ci_high": c.ci_high,
                "p_value": c.p_value,
                "p_adjusted": c.p_adjusted,
                "direction": c.direction,
                "test": c.test,
            }
        return {
            "key": "/".join(self.key) if self.key else "all",
            "label": self.label,
            "value": v.value,
            "n": v.n,
            "ci_low": v.ci_low,
            "ci_high": v.ci_high,
            "below_min_n": v.below_min_n,
            "unit": v.unit,
            "items": self.items,
            "trend": [
                {
                    "period": p.isoformat(),
                    "value": m.value,
                    "n": m.n,
                    "ci_low": m.ci_low,
                    "ci_high": m.ci_high,
                    "below_min_n": m.below_min_n,
                }
                for p, m in self.trend
            ],
            "change": change,
        }


@dataclass
class Breakdown:
    metric: str
    by: str | None
    period: str | None
    current_period: date | None
    previous_period: date | None
    min_n: int
    total: Figure
    groups: list[Figure]


def _latest(periods: set[date], scope: q.Scope, period: q.Period) -> date | None:
    if scope.received_to:
        return q.period_start(scope.received_to, period)
    return max(periods) if periods else None


def _figures(counts, metric: str, min_n: int, period, current, previous, label) -> list[Figure]:
    keys = sorted({k for k, _ in counts})
    figures = []
    for key in keys:
        per = {p: v for (k, p), v in counts.items() if k == key}
        total = np.sum(list(per.values()), axis=0)
        value = am.metric_from_counts(metric, q.counts_for(total, metric), min_n=min_n)
        fig = Figure(key, label(key), value, int(total[0]))
        if period:
            fig.trend = [
                (p, am.metric_from_counts(metric, q.counts_for(per[p], metric), min_n=min_n))
                for p in sorted(per)
            ]
            if current is not None:
                zero = np.zeros_like(total)
                a, b = per.get(previous, zero), per.get(current, zero)
                fig.change = compare_metric(
                    metric, q.counts_for(a, metric), q.counts_for(b, metric)
                )
        figures.append(fig)
    return figures


def metric_breakdown(
    metric: str,
    scope: q.Scope,
    *,
    by: str | None = None,
    period: q.Period | None = None,
    min_n: int = 30,
    source: Source = q.rollup_counts,
    cat: q.Catalog | None = None,
) -> Breakdown:
    """``metric`` over the scope, overall and per ``by`` group, with a trend per ``period`` and
    the change of the latest period against the one before (Holm-adjusted over the groups).
    """
    if metric not in am.METRICS:
        raise q.ScopeError(f"unknown metric {metric!r}; choose from {', '.join(METRIC_NAMES)}")
    if by is not None and by not in q.DIMENSIONS:
        raise q.ScopeError(f"unknown breakdown {by!r}; choose from {', '.join(q.DIMENSIONS)}")
    if period is not None and period not in q.PERIODS:
        raise q.ScopeError(f"unknown period {period!r}; choose from week, month, quarter")
    cat = cat or q.Catalog.load()
    dims = (by,) if by else ()
    counts = source(dims, scope, period, cat)
    periods = {p for _, p in counts if p is not None}
    current = _latest(periods, scope, period) if period else None
    previous = q.previous_period(current, period) if current else None

    def label(key: tuple) -> str:
        return cat.label(by, key[0]) if by and key else str(_("All feedback"))

    groups = _figures(counts, metric, min_n, period, current, previous, label)
    if by == "theme" and not scope.theme:
        # an item with two themes is in two groups: the overall figure comes from the core
        counts_all = source((), q.Scope(**{**scope.__dict__, "theme": ""}), period, cat)
    else:
        counts_all = counts
    total_counts: dict[tuple, np.ndarray] = {}
    for (_key, p), v in counts_all.items():
        total_counts[((), p)] = total_counts.get(((), p), 0) + v
    totals = _figures(total_counts, metric, min_n, period, current, previous, label)
    total = (
        totals[0]
        if totals
        else Figure(
            (),
            label(()),
            am.metric_from_counts(metric, [0] * len(am.METRICS[metric][0].values), min_n=min_n),
            0,
        )
    )
    if by and groups and any(g.change for g in groups):
        adjusted = adjust_changes([g.change for g in groups])
        for g, c in zip(groups, adjusted, strict=True):
            g.change = c
    return Breakdown(metric, by, period, current, previous, min_n, total, groups)
