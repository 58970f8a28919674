"""BG/NBD purchase model and Gamma-Gamma spend model, fitted by maximum likelihood with scipy.

Published likelihoods and formulas:
- BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science
  24(2), eq. 6 (likelihood), eq. 10 (conditional expectation); P(alive) from their note
  "Computing P(alive) using the BG/NBD model".
- Gamma-Gamma: Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer
  base analysis", JMR 42(4), and Fader & Hardie's note "The Gamma-Gamma model of monetary value".

Why our own code rather than a package: see docs/analytics.md (``lifetimes`` is unmaintained
and breaks on pandas 4, ``btyd`` does not install on numpy 2, ``pymc-marketing`` is ~800 MB and
takes about a minute per fit).  The implementation reproduces the published CDNOW estimates
(tests/analytics/test_analytics_clv.py).

Inputs per customer, in the model's time unit (days or weeks): ``frequency`` x = number of
repeat purchase periods, ``recency`` t_x = time from first to last purchase, ``T`` = time from
first purchase to the end of observation, ``monetary_value`` = mean value of repeat purchases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special


@dataclass(frozen=True)
class BGNBDParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float


def _arrays(*xs: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(x, dtype=float) for x in xs]


def _fit(negll, x0: np.ndarray) -> optimize.OptimizeResult:
    """Minimise over log-parameters (keeps them positive); Nelder-Mead polishes L-BFGS-B."""
    res = optimize.minimize(negll, x0, method="L-BFGS-B")
    res2 = optimize.minimize(
        negll, res.x, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}
    )
    return res2 if res2.fun <= res.fun else res


# --- BG/NBD ------------------------------------------------------------------------------------


def bgnbd_log_likelihood(
    params: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """Per-customer log-likelihood, FHL (2005) eq. 6, in log space for stability."""
    r, alpha, a, b = np.asarray(params, dtype=float)
    x, t_x, T = _arrays(frequency, recency, T)
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    still_alive = special.betaln(a, b + x) - beta_ab - (r + x) * np.log(alpha + T)
    # dropped out right after the last purchase: only possible once there was a repeat purchase
    dropped = np.where(
        x > 0,
        special.betaln(a + 1, np.maximum(b + x - 1, 1e-12))
        - beta_ab
        - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return common + np.logaddexp(still_alive, dropped)


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BGNBDParams:
    """Maximum-likelihood r, α, a, b."""
    x, t_x, T = _arrays(frequency, recency, T)
    scale = max(float(T.max()), 1.0)  # start α near the time scale; the fit is unit-agnostic

    def negll(log_params: np.ndarray) -> float:
        value = -np.sum(bgnbd_log_likelihood(np.exp(log_params), x, t_x, T))
        return float(value) if np.isfinite(value) else 1e300

    res = _fit(negll, np.log([1.0, scale / 10, 1.0, 1.0]))
    r, alpha, a, b = np.exp(res.x)
    return BGNBDParams(float(r), float(alpha), float(a), float(b), float(-res.fun))


def probability_alive(
    params: BGNBDParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """P(still active | x, t_x, T); 1 for customers without a repeat purchase (model property)."""
    x, t_x, T = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    log_ratio = (
        np.log(a)
        - np.log(np.maximum(b + x - 1, 1e-12))
        + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    )
    return np.where(x > 0, 1 / (1 + np.exp(log_ratio)), 1.0)


def expected_purchases(
    params: BGNBDParams, t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """E[purchases in the next t periods | x, t_x, T], FHL (2005) eq. 10 (needs a > 1)."""
    x, t_x, T = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    if t <= 0:
        return np.zeros_like(x)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    odds = np.where(
        x > 0, a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0
    )
    return first / (1 + odds)


# --- Gamma-Gamma -------------------------------------------------------------------------------


def gamma_gamma_log_likelihood(
    params: ArrayLike, frequency: ArrayLike, monetary_value: ArrayLike
) -> np.ndarray:
    """Per-customer log-likelihood of the mean spend m̄ of x transactions (x ≥ 1)."""
    p, q, v = np.asarray(params, dtype=float)
    x, m = _arrays(frequency, monetary_value)
    return (
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(v + x * m)
    )


def fit_gamma_gamma(frequency: ArrayLike, monetary_value: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood p, q, v over customers with at least one repeat purchase and m̄ > 0."""
    x, m = _arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 3:
        raise ValueError("Gamma-Gamma needs at least three customers with repeat purchases")

    def negll(log_params: np.ndarray) -> float:
        value = -np.sum(gamma_gamma_log_likelihood(np.exp(log_params), x, m))
        return float(value) if np.isfinite(value) else 1e300

    res = _fit(negll, np.log([1.0, 1.0, float(np.mean(m))]))
    p, q, v = np.exp(res.x)
    return GammaGammaParams(float(p), float(q), float(v), float(-res.fun))


def expected_average_value(
    params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> np.ndarray:
    """E[mean transaction value | x, m̄]: a weighted mix of the population mean and m̄ (q > 1)."""
    x, m = _arrays(frequency, monetary_value)
    p, q, v = params.p, params.q, params.v
    population_mean = p * v / (q - 1)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * population_mean + weight * m


def lifetime_value(
    bgnbd: BGNBDParams,
    gamma_gamma: GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    months: int = 12,
    monthly_discount: float = 0.01,
    periods_per_month: float = 30.0,
) -> np.ndarray:
    """Discounted expected revenue over ``months``: Σ_i ΔE[purchases in month i] × E[value] / (1+d)^i.

    ``periods_per_month`` converts months into the fit's time unit (30 for days, 30/7 for weeks).
    Same construction as ``lifetimes``' ``customer_lifetime_value``, so the two agree.
    """
    value = expected_average_value(gamma_gamma, frequency, monetary_value)
    total, previous = np.zeros_like(value), np.zeros_like(value)
    for i in range(1, months + 1):
        cumulative = expected_purchases(bgnbd, i * periods_per_month, frequency, recency, T)
        total += (cumulative - previous) * value / (1 + monthly_discount) ** i
        previous = cumulative
    return total
