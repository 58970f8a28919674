"""RFM, value tiers, CLV pipeline, churn/revenue by group and revenue at risk on tiny cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from outsidein.analytics import value as v


@pytest.fixture
def tx() -> pd.DataFrame:
    rows = [
        (1, "2024-01-05", 100), (1, "2024-03-01", 50), (1, "2024-06-01", 50),
        (2, "2024-02-01", 20), (2, "2024-05-20", 20),
        (3, "2023-12-01", 500),
        (4, "2024-06-10", 10), (4, "2024-06-11", 10), (4, "2024-06-12", 10), (4, "2024-06-13", 10),
        (5, "2024-07-02", 999),  # after as_of: must be ignored
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_rfm_small_known_case(tx: pd.DataFrame) -> None:
    rfm = v.rfm_scores(tx, "2024-06-30")
    assert list(rfm.index) == [1, 2, 3, 4]  # customer 5 has not bought yet on as_of
    assert rfm.loc[1, ["recency_days", "frequency", "monetary"]].tolist() == [29, 3, 200]
    assert rfm.loc[3, "recency_days"] == 212
    # 4 customers → mid-rank percentiles .125/.375/.625/.875 → scores 1/2/4/5
    assert rfm["r"].to_dict() == {1: 4, 2: 2, 3: 1, 4: 5}
    assert rfm["f"].to_dict() == {1: 4, 2: 2, 3: 1, 4: 5}
    assert rfm["m"].to_dict() == {1: 4, 2: 2, 3: 5, 4: 2}  # 2 and 4 tie at 40: rank 1.5 → .25
    assert rfm.loc[4, "rfm_code"] == "552" and rfm.loc[4, "rfm_score"] == 12


def test_quantile_scores_spread_and_ties() -> None:
    assert v.quantile_scores(pd.Series(range(10))).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert v.quantile_scores(pd.Series([7, 7, 7])).tolist() == [3, 3, 3]


def test_value_tiers_by_customers_and_by_revenue() -> None:
    values = pd.Series({c: float(100 - c) for c in range(20)})  # 20 customers, distinct values
    tiers = v.value_tiers(values)
    assert tiers.value_counts().to_dict() == {"bronze": 10, "silver": 6, "gold": 3, "platinum": 1}
    spend = pd.Series({"a": 500.0, "b": 200.0, "c": 40.0, "d": 40.0})  # total 780
    by_revenue = v.value_tiers(spend, basis="revenue")
    assert by_revenue.to_dict() == {"a": "platinum", "b": "gold", "c": "silver", "d": "silver"}


def test_clv_summary_known_case(tx: pd.DataFrame) -> None:
    s = v.clv_summary(tx, "2024-06-30")
    assert s.loc[1].tolist() == [2, 148, 177, 50.0]  # repeats 50+50, first purchase excluded
    assert s.loc[3].tolist() == [0, 0, 212, 0.0]
    assert s.loc[4, "monetary_value"] == 10.0


def test_customer_lifetime_value_pipeline() -> None:
    rng = np.random.default_rng(13)
    rows = []
    for customer in range(300):
        rate, spend = rng.gamma(2, 1 / 40), rng.gamma(5, 10)
        t = rng.uniform(0, 200)
        while t < 365 and rng.random() > 0.05:
            rows.append((customer, pd.Timestamp("2024-01-01") + pd.Timedelta(days=t), spend))
            t += rng.exponential(1 / rate)
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    out = v.customer_lifetime_value(tx, "2024-12-31", months=12)
    assert {"clv", "p_alive", "expected_purchases"} <= set(out.columns)
    assert (out["clv"] >= 0).all() and out["p_alive"].between(0, 1).all()
    assert out.attrs["bgnbd"].r > 0
    frequent = out["frequency"] >= out["frequency"].quantile(0.8)
    assert out.loc[frequent, "clv"].mean() > out.loc[~frequent, "clv"].mean()


def test_groups() -> None:
    assert [v.nps_group(s) for s in (0, 6, 7, 8, 9, 10, None)] == [
        "detractor", "detractor", "passive", "passive", "promoter", "promoter", None,
    ]  # fmt: skip
    assert [v.sentiment_group(s) for s in (-0.5, 0.0, 0.5)] == ["negative", "neutral", "positive"]


def test_churn_and_revenue_by_group(tx: pd.DataFrame) -> None:
    groups = pd.Series({1: "promoter", 2: "detractor", 3: "detractor", 4: "passive"})
    out = v.churn_and_revenue_by_group(groups, tx, "2024-03-31", months=3)
    # Apr–Jun: 1 bought 50, 2 bought 20, 3 nothing (churned), 4 bought 40
    assert out.loc["detractor", ["customers", "churned"]].tolist() == [2, 1]
    assert out.loc["detractor", "churn_rate"] == 0.5
    assert out.loc["detractor", "revenue_per_customer"] == 10.0
    assert out.loc["promoter", "churn_rate"] == 0.0
    assert out.loc["detractor", "churn_ci_low"] < 0.5 < out.loc["detractor", "churn_ci_high"]
    with_dates = v.churn_and_revenue_by_group(
        groups, tx, "2024-03-31", months=3, churn_dates=pd.Series({1: "2024-05-01"})
    )
    assert (
        with_dates.loc["promoter", "churned"] == 1 and with_dates.loc["detractor", "churned"] == 0
    )


def test_revenue_at_risk_hand_computed(tx: pd.DataFrame) -> None:
    nps = pd.Series({1: "promoter", 2: "detractor", 3: "detractor", 4: "passive"})
    sentiment = pd.Series({1: "negative", 2: "negative", 4: "positive"})
    rates = {
        "nps": {"detractor": 0.30, "promoter": 0.10},
        "sentiment": {"negative": 0.25, "positive": 0.10},
    }
    rar = v.revenue_at_risk(tx, "2024-06-30", {"nps": nps, "sentiment": sentiment}, rates)
    # trailing 12 months: 1 → 200, 2 → 40, 3 → 500.  Excess churn: detractor .20, negative .15;
    # customer 2 is both and counts once at .20.
    assert rar.amount == pytest.approx(40 * 0.20 + 500 * 0.20 + 200 * 0.15)
    assert rar.customers == 3 and rar.base_revenue == pytest.approx(740)
    assert rar.by_customer.to_dict() == pytest.approx({1: 30.0, 2: 8.0, 3: 100.0})
    assert "excess churn" in rar.assumptions and "12 months" in rar.assumptions
