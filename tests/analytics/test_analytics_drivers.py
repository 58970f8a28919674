"""Key-driver analysis recovers planted drivers and survives awkward columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outsidein.analytics.drivers import key_drivers, relative_weights, shapley_weights


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 3000
    df = pd.DataFrame(
        {
            "billing_error": rng.binomial(1, 0.2, n),
            "friendly_staff": rng.binomial(1, 0.3, n),
            "parking": rng.binomial(1, 0.25, n),  # no effect
            "invoice_score": rng.integers(1, 6, n).astype(float),
            "install_score": rng.integers(1, 6, n).astype(float),
        }
    )
    noise = rng.normal(0, 30, n)
    df["outcome"] = (
        -60 * df.billing_error + 15 * df.friendly_staff + 12 * df.invoice_score
        + 3 * df.install_score + noise
    )  # fmt: skip
    df.loc[rng.random(n) < 0.3, "install_score"] = np.nan  # not everyone met the installer
    return df


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_planted_drivers_are_ranked_in_order(survey: pd.DataFrame, method: str) -> None:
    result = key_drivers(survey, "outcome", method=method, scales={"invoice_score": (1, 5)})
    names = [d.name for d in result.drivers]
    assert names == ["billing_error", "invoice_score", "friendly_staff", "install_score", "parking"]
    by_name = {d.name: d for d in result.drivers}
    assert by_name["parking"].importance < 0.01
    assert sum(d.importance for d in result.drivers) == pytest.approx(1.0)
    assert by_name["billing_error"].direction == "negative"
    assert by_name["invoice_score"].direction == "positive"
    assert by_name["billing_error"].quadrant == "fix first"  # important and poor NPS where present
    assert by_name["parking"].quadrant in {"monitor", "don't over-invest"}
    assert 0.3 < result.r_squared < 0.6


def test_relative_weights_and_shapley_sum_to_ols_r2() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=(500, 4))
    x[:, 1] += 0.7 * x[:, 0]  # correlated drivers
    y = x @ np.array([1.0, 0.5, 0.0, -0.8]) + rng.normal(size=500)
    corr = np.corrcoef(np.column_stack([y, x]), rowvar=False)
    beta = np.linalg.lstsq(np.column_stack([np.ones(500), x]), y, rcond=None)[0]
    r2 = 1 - np.var(y - np.column_stack([np.ones(500), x]) @ beta) / np.var(y)
    assert relative_weights(corr[1:, 1:], corr[1:, 0]).sum() == pytest.approx(r2)
    assert shapley_weights(corr[1:, 1:], corr[1:, 0]).sum() == pytest.approx(r2)


def test_duplicate_and_constant_columns_do_not_crash(survey: pd.DataFrame) -> None:
    df = survey.assign(invoice_copy=survey.invoice_score, everyone=1, nobody=0)
    result = key_drivers(df, "outcome")
    by_name = {d.name: d for d in result.drivers}
    assert by_name["invoice_copy"].importance == pytest.approx(by_name["invoice_score"].importance)
    assert by_name["everyone"].kind == "constant" and by_name["everyone"].importance == 0.0
    assert by_name["nobody"].quadrant == "monitor" and by_name["nobody"].performance is None
    assert all(np.isfinite(d.importance) for d in result.drivers)


def test_no_usable_driver_gives_zero_r2() -> None:
    df = pd.DataFrame({"outcome": [1.0, 2.0, 3.0], "same": [1, 1, 1]})
    result = key_drivers(df, "outcome")
    assert result.r_squared == 0.0 and result.drivers[0].quadrant == "monitor"


def test_to_frame_is_indexed_by_driver(survey: pd.DataFrame) -> None:
    frame = key_drivers(survey, "outcome").to_frame()
    assert frame.index[0] == "billing_error" and "quadrant" in frame.columns
