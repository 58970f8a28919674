"""Customer value: RFM scores, value tiers, lifetime value, churn/revenue by group, revenue at risk.

Transactions are a DataFrame with ``customer_id``, ``date`` and ``amount`` columns (names can be
changed by keyword).  Everything is computed "as of" a date: later transactions are ignored, so
a page can show the picture on any past day and a backtest cannot peek into the future.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from . import clv
from .metrics import wilson_interval

TIERS = ("platinum", "gold", "silver", "bronze")
CUSTOMER_CUTOFFS = (0.05, 0.20, 0.50)  # top 5 % platinum, next 15 % gold, next 30 % silver
REVENUE_CUTOFFS = (0.50, 0.80, 0.95)  # customers making the first 50 % / 80 % / 95 % of revenue


@dataclass(frozen=True)
class Columns:
    customer: str = "customer_id"
    date: str = "date"
    amount: str = "amount"


DEFAULT = Columns()


def _upto(tx: pd.DataFrame, as_of: pd.Timestamp, cols: Columns) -> pd.DataFrame:
    tx = tx.assign(**{cols.date: pd.to_datetime(tx[cols.date])})
    return tx[tx[cols.date] <= as_of]


# --- RFM -------------------------------------------------------------------------------------


def quantile_scores(
    values: pd.Series, bins: int = 5, *, higher_is_better: bool = True
) -> pd.Series:
    """1…bins by mid-rank percentile; tied values always get the same score.

    score = ⌈bins × (average rank − ½) / n⌉: n distinct values spread evenly over 1…bins, a block
    of ties lands where its average rank falls, and everyone tied gets the middle score.
    """
    ranks = (values if higher_is_better else -values).rank(method="average")
    pct = (ranks - 0.5) / max(len(values), 1)
    return np.ceil(pct * bins - 1e-9).clip(1, bins).astype(int)


def rfm_scores(
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp,
    *,
    bins: int = 5,
    columns: Columns = DEFAULT,
) -> pd.DataFrame:
    """Recency (days since last purchase), frequency (number of purchases), monetary (total spend)
    up to ``as_of``, their quintile scores r/f/m (5 = best: most recent, most frequent, highest
    spend), ``rfm_score`` = r + f + m (3–15) and the classic code ``"545"``.
    """
    as_of = pd.Timestamp(as_of)
    tx = _upto(transactions, as_of, columns)
    grouped = tx.groupby(columns.customer)
    out = pd.DataFrame(
        {
            "recency_days": (as_of - grouped[columns.date].max()).dt.days,
            "frequency": grouped.size(),
            "monetary": grouped[columns.amount].sum(),
        }
    )
    out["r"] = quantile_scores(out["recency_days"], bins, higher_is_better=False)
    out["f"] = quantile_scores(out["frequency"], bins)
    out["m"] = quantile_scores(out["monetary"], bins)
    out["rfm_score"] = out["r"] + out["f"] + out["m"]
    out["rfm_code"] = out["r"].astype(str) + out["f"].astype(str) + out["m"].astype(str)
    return out


# --- value tiers -------------------------------------------------------------------------------


def value_tiers(
    values: pd.Series,
    *,
    basis: Literal["customers", "revenue"] = "customers",
    cutoffs: Sequence[float] | None = None,
) -> pd.Series:
    """Platinum/gold/silver/bronze from a value per customer (monetary, CLV or RFM score).

    ``customers``: by share of customers ranked by value: top 5 % platinum, next 15 % gold, next
    30 % silver, rest bronze (the "customer pyramid").  ``revenue``: by cumulative share of value:
    the top customers that together make the first 50 % are platinum, up to 80 % gold, up to 95 %
    silver.  Equal values always share a tier (ties take the best rank of their block).
    """
    cutoffs = tuple(cutoffs or (CUSTOMER_CUTOFFS if basis == "customers" else REVENUE_CUTOFFS))
    if basis == "customers":
        position = (values.rank(method="min", ascending=False) - 1) / max(len(values), 1)
    else:
        total = values.clip(lower=0).sum()
        per_value = values.clip(lower=0).groupby(values).sum().sort_index(ascending=False)
        before = (per_value.cumsum() - per_value) / total if total > 0 else per_value * 0.0
        position = values.map(before)
    tier_index = np.searchsorted(np.asarray(cutoffs), position.to_numpy(), side="right")
    return pd.Series(np.asarray(TIERS)[tier_index], index=values.index, name="value_tier")


# --- lifetime value -------------------------------------------------------------------------------


def clv_summary(
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp,
    *,
    period: Literal["D", "W"] = "D",
    columns: Columns = DEFAULT,
) -> pd.DataFrame:
    """Per customer: frequency (repeat purchase periods), recency, T (in days or weeks) and
    monetary_value (mean spend per repeat purchase period; the first purchase is excluded, as in
    the Gamma-Gamma papers).  Purchases on the same day/week count as one.
    """
    as_of = pd.Timestamp(as_of)
    tx = _upto(transactions, as_of, columns)
    tx = tx.assign(_p=tx[columns.date].dt.to_period(period))
    per = tx.groupby([columns.customer, "_p"])[columns.amount].sum().reset_index()
    per["_t"] = per["_p"].dt.start_time
    unit = pd.Timedelta(days=1 if period == "D" else 7)
    g = per.groupby(columns.customer)
    first, last = g["_t"].min(), g["_t"].max()
    frequency = g.size() - 1
    first_amount = per.sort_values("_t").groupby(columns.customer)[columns.amount].first()
    repeat_spend = g[columns.amount].sum() - first_amount
    end = as_of.to_period(period).start_time
    return pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last - first) / unit,
            "T": (end - first) / unit,
            "monetary_value": (repeat_spend / frequency.where(frequency > 0)).fillna(0.0),
        }
    )


def customer_lifetime_value(
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp,
    *,
    months: int = 12,
    monthly_discount: float = 0.01,
    period: Literal["D", "W"] = "D",
    columns: Columns = DEFAULT,
) -> pd.DataFrame:
    """BG/NBD + Gamma-Gamma CLV over the next ``months`` per customer, with P(alive) and the
    expected number of purchases; the fitted parameters are in ``.attrs["bgnbd"]``/``["gamma_gamma"]``.
    """
    s = clv_summary(transactions, as_of, period=period, columns=columns)
    bg = clv.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    gg = clv.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    per_month = 30.0 if period == "D" else 30.0 / 7
    s["p_alive"] = clv.probability_alive(bg, s["frequency"], s["recency"], s["T"])
    s["expected_purchases"] = clv.expected_purchases(
        bg, months * per_month, s["frequency"], s["recency"], s["T"]
    )
    s["clv"] = clv.lifetime_value(
        bg,
        gg,
        s["frequency"],
        s["recency"],
        s["T"],
        s["monetary_value"],
        months=months,
        monthly_discount=monthly_discount,
        periods_per_month=per_month,
    )
    s.attrs.update(bgnbd=bg, gamma_gamma=gg)
    return s


# --- business link -------------------------------------------------------------------------------


def nps_group(score: float | None) -> str | None:
    """promoter (9–10), passive (7–8), detractor (0–6); None when unanswered."""
    if score is None or pd.isna(score):
        return None
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def sentiment_group(
    score: float | None, *, neutral_band: tuple[float, float] = (-0.05, 0.05)
) -> str | None:
    """negative / neutral / positive from a sentiment score in −1…+1 (band is inclusive)."""
    if score is None or pd.isna(score):
        return None
    low, high = neutral_band
    return "negative" if score < low else "positive" if score > high else "neutral"


def _revenue_in(
    tx: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, cols: Columns
) -> pd.Series:
    """Revenue per customer with start < date ≤ end."""
    dates = pd.to_datetime(tx[cols.date])
    window = tx[(dates > start) & (dates <= end)]
    return window.groupby(cols.customer)[cols.amount].sum()


def churn_and_revenue_by_group(
    groups: pd.Series,
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp,
    *,
    months: int = 12,
    churn_dates: pd.Series | None = None,
    columns: Columns = DEFAULT,
) -> pd.DataFrame:
    """Churn rate (with Wilson 95 % interval) and revenue per customer in the ``months`` after
    ``as_of``, per group (``groups``: customer_id → e.g. NPS group at ``as_of``).

    A customer churned when its ``churn_dates`` entry (e.g. contract end) falls in the window, or,
    without churn dates, when it made no purchase in the window (non-contractual definition).
    """
    as_of = pd.Timestamp(as_of)
    end = as_of + pd.DateOffset(months=months)
    groups = groups.dropna()
    revenue = _revenue_in(transactions, as_of, end, columns).reindex(groups.index, fill_value=0.0)
    if churn_dates is not None:
        cd = pd.to_datetime(churn_dates.reindex(groups.index))
        churned = (cd > as_of) & (cd <= end)
    else:
        churned = revenue <= 0
    frame = pd.DataFrame({"group": groups, "churned": churned.astype(int), "revenue": revenue})
    out = frame.groupby("group").agg(
        customers=("churned", "size"), churned=("churned", "sum"), revenue=("revenue", "sum")
    )
    out["churn_rate"] = out["churned"] / out["customers"]
    cis = [
        wilson_interval(int(k), int(n))
        for k, n in zip(out["churned"], out["customers"], strict=True)
    ]
    out["churn_ci_low"], out["churn_ci_high"] = [c[0] for c in cis], [c[1] for c in cis]
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    return out


@dataclass(frozen=True)
class RevenueAtRisk:
    amount: float
    customers: int
    base_revenue: float  # trailing revenue of the at-risk customers
    by_customer: pd.Series = field(repr=False)  # customer_id → revenue at risk
    assumptions: str = ""


def revenue_at_risk(
    transactions: pd.DataFrame,
    as_of: str | pd.Timestamp,
    groupings: Mapping[str, pd.Series],
    churn_rates: Mapping[str, Mapping[str, float]],
    *,
    at_risk: Mapping[str, str] | None = None,
    baseline: Mapping[str, str] | None = None,
    lookback_months: int = 12,
    columns: Columns = DEFAULT,
) -> RevenueAtRisk:
    """Revenue at risk = Σ over at-risk customers of trailing revenue × excess churn rate.

    ``groupings`` maps a dimension (``"nps"``, ``"sentiment"``) to customer_id → group;
    ``churn_rates`` the same dimensions to group → churn rate (from
    :func:`churn_and_revenue_by_group` on an earlier cohort).  A customer in an at-risk group
    (default: detractor, negative) carries that group's churn rate minus the baseline's
    (default: promoter, positive), floored at zero.  A customer who is both a detractor and
    negative counts once, with the larger excess.
    """
    at_risk = dict(at_risk or {"nps": "detractor", "sentiment": "negative"})
    baseline = dict(baseline or {"nps": "promoter", "sentiment": "positive"})
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.DateOffset(months=lookback_months)
    trailing = _revenue_in(transactions, start, as_of, columns)
    excess = pd.Series(
        0.0,
        index=trailing.index.union(
            pd.Index(np.concatenate([g.index for g in groupings.values()])).unique()
        ),
    )
    used = []
    for dim, risky in at_risk.items():
        if dim not in groupings:
            continue
        rate = max(churn_rates[dim][risky] - churn_rates[dim][baseline[dim]], 0.0)
        members = groupings[dim][groupings[dim] == risky].index
        excess.loc[members] = np.maximum(excess.loc[members], rate)
        used.append(f"{dim} group '{risky}' churns {rate:.1%} more than '{baseline[dim]}'")
    by_customer = (trailing.reindex(excess.index, fill_value=0.0) * excess)[excess > 0]
    base = float(trailing.reindex(by_customer.index, fill_value=0.0).sum())
    text = (
        f"Revenue of the last {lookback_months} months (to {as_of.date()}) of each at-risk customer "
        f"× the excess churn rate of its group over the baseline group: {'; '.join(used) or 'none'}. "
        "A customer in several at-risk groups counts once, with the largest excess. Assumes the "
        "churn gap seen on the earlier cohort holds, revenue would otherwise repeat, and the "
        "baseline group's churn is the floor that better experience could reach."
    )
    return RevenueAtRisk(float(by_customer.sum()), int(len(by_customer)), base, by_customer, text)
