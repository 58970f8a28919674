"""BG/NBD + Gamma-Gamma: parameter recovery on simulated data, and the published CDNOW fit."""

from __future__ import annotations

import numpy as np
import pytest

from outsidein.analytics import clv


def simulate_bgnbd(rng, n, r, alpha, a, b, T_max):
    """Customers buy at Poisson rate λ ~ Gamma(r, α) and drop out after each purchase with
    probability p ~ Beta(a, b) (the BG/NBD story); returns frequency, recency, T."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(T_max / 2, T_max, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x[i], t_x[i] = x[i] + 1, t
            if rng.random() < p[i]:
                break
    return x, t_x, T


def test_bgnbd_recovers_known_parameters() -> None:
    rng = np.random.default_rng(11)
    x, t_x, T = simulate_bgnbd(rng, 4000, r=0.5, alpha=5.0, a=1.5, b=4.0, T_max=52)
    fit = clv.fit_bgnbd(x, t_x, T)
    assert fit.r == pytest.approx(0.5, rel=0.2)
    assert fit.alpha == pytest.approx(5.0, rel=0.25)
    # a and b are weakly identified one by one; the mean dropout probability a/(a+b) is not
    assert fit.a / (fit.a + fit.b) == pytest.approx(1.5 / 5.5, rel=0.1)
    assert fit.a == pytest.approx(1.5, rel=0.5) and fit.b == pytest.approx(4.0, rel=0.5)
    # the fitted model predicts the simulated repeat-purchase total closely
    predicted = clv.expected_purchases(
        fit, 26, np.zeros_like(T), np.zeros_like(T), np.zeros_like(T)
    )
    true = clv.expected_purchases(
        clv.BGNBDParams(0.5, 5.0, 1.5, 4.0, 0.0), 26, np.zeros(1), np.zeros(1), np.zeros(1)
    )
    assert predicted[0] == pytest.approx(true[0], rel=0.1)


def test_gamma_gamma_recovers_known_parameters() -> None:
    rng = np.random.default_rng(12)
    n, p, q, v = 3000, 6.0, 4.0, 15.0
    nu = rng.gamma(q, 1 / v, n)  # per-customer scale of spend
    x = 1 + rng.poisson(3, n)
    mean_spend = np.array([rng.gamma(p, 1 / nu[i], x[i]).mean() for i in range(n)])
    fit = clv.fit_gamma_gamma(x, mean_spend)
    assert fit.p == pytest.approx(p, rel=0.15)
    assert fit.q == pytest.approx(q, rel=0.25)
    assert fit.v == pytest.approx(v, rel=0.3)
    expected = clv.expected_average_value(fit, x, mean_spend)
    assert np.corrcoef(expected, p / nu)[0, 1] > 0.8  # shrinks toward each customer's true mean


def test_probability_alive_properties() -> None:
    params = clv.BGNBDParams(0.24, 4.41, 0.79, 2.43, 0.0)
    alive = clv.probability_alive(params, [0, 5, 5], [0, 30, 5], [40, 40, 40])
    assert alive[0] == 1.0  # no repeat purchase: cannot have dropped out yet
    assert alive[1] > alive[2]  # same frequency, more recent last purchase


def test_reproduces_published_cdnow_estimates() -> None:
    """Fader, Hardie & Lee (2005): r=0.243, α=4.414, a=0.793, b=2.426, LL=−9582.4 (weeks);
    Gamma-Gamma p=6.25, q=3.74, v=15.44.  The CDNOW summary ships inside `lifetimes`."""
    datasets = pytest.importorskip("lifetimes.datasets")
    d = datasets.load_cdnow_summary_data_with_monetary_value()
    bg = clv.fit_bgnbd(d["frequency"], d["recency"], d["T"])
    assert (bg.r, bg.alpha, bg.a, bg.b) == pytest.approx((0.243, 4.414, 0.793, 2.426), abs=1e-3)
    assert bg.log_likelihood == pytest.approx(-9582.4, abs=0.1)
    repeat = d[d["frequency"] > 0]
    gg = clv.fit_gamma_gamma(repeat["frequency"], repeat["monetary_value"])
    assert (gg.p, gg.q, gg.v) == pytest.approx((6.25, 3.74, 15.44), abs=0.01)
