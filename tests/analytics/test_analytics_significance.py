"""Changes are marked up/down only when they are real."""

from __future__ import annotations

import numpy as np
import pytest

from outsidein.analytics import significance as s


def nps_sample(rng: np.random.Generator, n: int, p: float, d: float) -> list[int]:
    promoters, passives, detractors = rng.multinomial(n, [p, 1 - p - d, d])
    return [detractors, 0, 0, 0, 0, 0, 0, passives, 0, promoters, 0]


def test_real_nps_improvement_is_marked_up() -> None:
    rng = np.random.default_rng(1)
    change = s.compare_nps(nps_sample(rng, 800, 0.30, 0.30), nps_sample(rng, 800, 0.45, 0.20))
    assert change.direction == "up" and change.p_value < 0.001
    assert change.ci_low < change.difference < change.ci_high
    assert change.ci_low > 0


def test_real_drop_is_marked_down() -> None:
    rng = np.random.default_rng(2)
    change = s.compare_nps(nps_sample(rng, 800, 0.45, 0.20), nps_sample(rng, 800, 0.30, 0.30))
    assert change.direction == "down"


def test_noise_is_rarely_marked() -> None:
    rng = np.random.default_rng(3)
    marked = sum(
        s.compare_nps(nps_sample(rng, 300, 0.4, 0.25), nps_sample(rng, 300, 0.4, 0.25)).direction
        != "unchanged"
        for _ in range(400)
    )
    assert marked / 400 <= 0.08  # nominal 5 %


def test_nps_wald_difference_hand_computed() -> None:
    a = [30, 0, 0, 0, 0, 0, 0, 40, 0, 30, 0]  # p = .3, d = .3, n = 100
    b = [20, 0, 0, 0, 0, 0, 0, 30, 0, 50, 0]  # p = .5, d = .2
    change = s.compare_nps(a, b, method="wald")
    se = np.sqrt((0.6 - 0.0) / 100 + (0.7 - 0.09) / 100)
    assert change.difference == pytest.approx(30.0)
    assert change.ci_low == pytest.approx(100 * (0.3 - 1.959964 * se), abs=1e-3)
    assert change.p_value == pytest.approx(2 * (1 - __import__("scipy").stats.norm.cdf(0.3 / se)))


def test_empty_side_is_unchanged_without_crash() -> None:
    change = s.compare_nps([0] * 11, [1] * 11)
    assert change.direction == "unchanged" and change.p_value is None


def test_proportions_use_fisher_for_small_samples() -> None:
    small = s.compare_proportions(1, 10, 6, 10)
    assert small.test == "fisher exact" and small.direction == "unchanged"  # p ≈ 0.057
    big = s.compare_proportions(100, 1000, 160, 1000)
    assert big.test == "two-proportion z" and big.direction == "up"
    assert big.difference == pytest.approx(6.0)
    assert big.ci_low < 6.0 < big.ci_high


def test_welch_means_from_sufficient_statistics() -> None:
    from scipy import stats

    rng = np.random.default_rng(4)
    x, y = rng.normal(3.5, 1, 60), rng.normal(4.0, 1.5, 80)
    change = s.compare_means(len(x), x.sum(), (x**2).sum(), len(y), y.sum(), (y**2).sum())
    expected = stats.ttest_ind(y, x, equal_var=False)
    assert change.p_value == pytest.approx(expected.pvalue)
    ci = expected.confidence_interval()
    assert (change.ci_low, change.ci_high) == pytest.approx((ci.low, ci.high))


def test_compare_metric_dispatches_every_metric() -> None:
    assert s.compare_metric("csat", [0, 0, 10, 40, 50], [10, 10, 20, 30, 30]).direction == "down"
    assert s.compare_metric("ces_mean", [5] * 7, [5] * 7).direction == "unchanged"


def test_many_groups_holm_keeps_noise_quiet_and_finds_the_planted_group() -> None:
    rng = np.random.default_rng(5)
    groups = {f"touchpoint-{i}": nps_sample(rng, 250, 0.4, 0.25) for i in range(20)}
    groups["broken"] = nps_sample(rng, 250, 0.2, 0.5)
    result = s.compare_groups("nps", groups)
    assert result["broken"].direction == "down"
    assert [g for g, c in result.items() if c.direction != "unchanged"] == ["broken"]
    assert all(c.p_adjusted >= c.p_value for c in result.values())


def test_bh_adjustment_and_reference_group() -> None:
    rng = np.random.default_rng(6)
    groups = {"base": nps_sample(rng, 400, 0.3, 0.3), "better": nps_sample(rng, 400, 0.5, 0.2)}
    result = s.compare_groups("nps", groups, reference="base", method="fdr_bh")
    assert list(result) == ["better"] and result["better"].direction == "up"
