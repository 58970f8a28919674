"""Rollups equal raw computation: counts summed over any partition give identical figures."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outsidein.analytics import metrics as m
from outsidein.analytics.significance import compare_metric


def answers(low: int, high: int):
    return st.lists(st.one_of(st.none(), st.integers(low, high)), max_size=300)


def partition(scores: list, cuts: list[int]) -> list[list]:
    """Split the raw rows into consecutive "daily" buckets at the given cut points."""
    bounds = [0, *sorted(c % (len(scores) + 1) for c in cuts), len(scores)]
    return [scores[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def rollup(metric: str, buckets: list[list]) -> np.ndarray:
    scale, _ = m.METRICS[metric]
    return np.sum([m.score_counts(b, scale) for b in buckets], axis=0)


@settings(max_examples=60, deadline=None)
@given(
    metric=st.sampled_from(sorted(m.METRICS)),
    data=st.data(),
    cuts=st.lists(st.integers(0, 10_000), max_size=12),
    min_n=st.integers(0, 50),
)
def test_rollup_equals_raw(metric: str, data, cuts: list[int], min_n: int) -> None:
    scale, _ = m.METRICS[metric]
    scores = data.draw(answers(scale.low, scale.high))
    raw = m.metric_from_scores(metric, scores, min_n=min_n)
    rolled = m.metric_from_counts(metric, rollup(metric, partition(scores, cuts)), min_n=min_n)
    assert rolled == raw  # exact equality, not approx: every figure comes from integer totals


@settings(max_examples=30, deadline=None)
@given(
    metric=st.sampled_from(sorted(m.METRICS)),
    data=st.data(),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
)
def test_rollup_comparisons_equal_raw(metric: str, data, cuts: list[int]) -> None:
    scale, _ = m.METRICS[metric]
    a = data.draw(answers(scale.low, scale.high))
    b = data.draw(answers(scale.low, scale.high))
    raw = compare_metric(metric, m.score_counts(a, scale), m.score_counts(b, scale))
    rolled = compare_metric(
        metric, rollup(metric, partition(a, cuts)), rollup(metric, partition(b, cuts))
    )
    assert rolled == raw
