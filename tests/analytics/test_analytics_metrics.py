"""Metric formulas against hand-computed cases, edge cases, and interval coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from outsidein.analytics import metrics as m

Z = 1.959963984540054  # 97.5 % normal quantile


def nps_counts(detractors: int, passives: int, promoters: int) -> list[int]:
    return [detractors, 0, 0, 0, 0, 0, 0, passives, 0, promoters, 0]


def test_score_counts_skips_unanswered_and_rejects_out_of_range() -> None:
    assert m.score_counts([10, 9, 0, None, float("nan"), 7], "nps").tolist() == [
        1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1,
    ]  # fmt: skip
    assert m.score_counts([], "csat").tolist() == [0] * 5
    with pytest.raises(ValueError):
        m.score_counts([0], "csat")
    with pytest.raises(ValueError):
        m.score_counts([7.5], "nps")


def test_nps_hand_computed() -> None:
    # 3 detractors, 2 passives, 5 promoters: NPS = 50 % − 30 % = 20
    v = m.nps_from_counts(nps_counts(3, 2, 5), method="wald")
    assert (v.value, v.n, v.positive, v.negative) == (20.0, 10, 5, 3)
    half = Z * math.sqrt(((0.5 + 0.3) - 0.2**2) / 10)  # [(p+d) − (p−d)²]/n
    assert v.ci_low == pytest.approx(100 * (0.2 - half))
    assert v.ci_high == pytest.approx(100 * (0.2 + half))


def test_nps_adjusted_wald_hand_computed() -> None:
    v = m.nps_from_counts(nps_counts(3, 2, 5))  # default method
    p, d = 5.75 / 13, 3.75 / 13  # ¾ added to promoters and detractors, 3 to n
    half = Z * math.sqrt(((p + d) - (p - d) ** 2) / 13)
    assert v.value == 20.0  # the point estimate is never adjusted
    assert v.ci_low == pytest.approx(100 * (p - d - half))
    assert v.ci_high == pytest.approx(100 * (p - d + half))
    assert v.method == "adjusted_wald"


def test_nps_all_promoters_has_a_nonzero_interval_and_stays_in_range() -> None:
    v = m.nps_from_counts(nps_counts(0, 0, 4))
    assert v.value == 100.0
    assert v.ci_high == 100.0 and v.ci_low < 100.0


def test_csat_share_wilson_and_mean_t_interval() -> None:
    counts = [1, 1, 2, 3, 3]  # answers 1,2,3,3,4,4,4,5,5,5
    share = m.csat_from_counts(counts)
    assert share.value == 60.0 and share.n == 10 and share.positive == 6
    assert share.ci_low == pytest.approx(31.2674, abs=1e-3)
    assert share.ci_high == pytest.approx(83.1820, abs=1e-3)
    mean = m.csat_mean_from_counts(counts)
    assert mean.value == 3.6
    half = 2.262157162740991 * math.sqrt((10 * 146 - 36**2) / 90 / 10)  # t(9), Σx=36, Σx²=146
    assert mean.ci_low == pytest.approx(3.6 - half) and mean.ci_high == pytest.approx(3.6 + half)


def test_ces_share_and_mean() -> None:
    counts = [0, 0, 1, 1, 2, 3, 3]  # 10 answers, 8 in 5–7
    assert m.ces_from_counts(counts).value == 80.0
    assert m.ces_mean_from_counts(counts).value == pytest.approx((3 + 4 + 10 + 18 + 21) / 10)


@pytest.mark.parametrize("metric", sorted(m.METRICS))
def test_empty_group_gives_none_and_is_flagged(metric: str) -> None:
    scale, _ = m.METRICS[metric]
    v = m.metric_from_counts(metric, [0] * scale.size)
    assert (v.value, v.ci_low, v.ci_high, v.n, v.below_min_n) == (None, None, None, 0, True)


def test_below_min_n_is_flagged_but_still_computed() -> None:
    v = m.nps_from_counts(nps_counts(1, 1, 3), min_n=30)
    assert v.below_min_n and v.value == 40.0
    assert not m.nps_from_counts(nps_counts(10, 10, 10), min_n=30).below_min_n


def test_single_answer_mean_has_no_interval() -> None:
    v = m.ces_mean_from_counts([0, 0, 0, 0, 1, 0, 0])
    assert v.value == 5.0 and v.ci_low is None


def test_wrong_length_or_unknown_metric_raises() -> None:
    with pytest.raises(ValueError):
        m.nps_from_counts([1, 2, 3])
    with pytest.raises(ValueError):
        m.metric_from_counts("nope", [1])


def test_raw_scores_path_equals_counts_path() -> None:
    scores = [0, 5, 6, 7, 8, 9, 10, 10, None]
    assert m.metric_from_scores("nps", scores) == m.nps_from_counts(m.score_counts(scores))


@pytest.mark.parametrize("method", ["adjusted_wald", "wald"])
def test_nps_interval_covers_true_value_about_95_percent(method: str) -> None:
    rng = np.random.default_rng(20240501)
    p, d, n, samples = 0.45, 0.25, 200, 2000
    true_nps = 100 * (p - d)
    covered = 0
    for promoters, passives, detractors in rng.multinomial(n, [p, 1 - p - d, d], size=samples):
        v = m.nps_from_counts(nps_counts(detractors, passives, promoters), method=method)
        covered += v.ci_low <= true_nps <= v.ci_high
    assert 0.93 <= covered / samples <= 0.97
