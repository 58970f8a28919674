"""Priority matrix (key drivers), value × experience, and the link to churn and revenue.

Key drivers need one row per response (a regression), and churn needs one row per customer, so
these read a bounded sample of feedback rows and the transactions; the value × experience
figures come from the rollups like every other figure.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.models import User
from outsidein.analytics import metrics as am
from outsidein.analytics.drivers import key_drivers
from outsidein.analytics.significance import compare_groups
from outsidein.analytics.value import churn_and_revenue_by_group, nps_group, revenue_at_risk
from outsidein.customers.models import Customer
from outsidein.feedback.models import FeedbackItem

from . import query as q
from .models import MeasureSettings
from .pages import _theme_names, _visible, figure_row, theme_codes
from .tables import Table
from .valuation import transactions_frame

DRIVER_SAMPLE = 20_000
DETRACTOR_WINDOW = 20_000
TOP_THEMES, TOP_TOUCHPOINTS = 8, 6
TIERS = ("platinum", "gold", "silver", "bronze", "")
NPS_GROUPS = ("promoter", "passive", "detractor")


# --- priority matrix --------------------------------------------------------------------------


def driver_frame(user: User, scope: q.Scope, sample: int = DRIVER_SAMPLE) -> pd.DataFrame:
    """One row per recent NPS answer: outcome −100/0/+100, theme and touchpoint presence
    (0/1), CSAT and CES answers (NaN when not asked)."""
    rows = list(
        _visible(user, scope)
        .filter(nps__isnull=False)
        .values("nps", "csat", "ces", "themes", "touchpoint__slug")[:sample]
    )
    if not rows:
        return pd.DataFrame()
    themes = Counter(c for r in rows for c in set(theme_codes(r["themes"])))
    tps = Counter(r["touchpoint__slug"] for r in rows if r["touchpoint__slug"])
    data: dict[str, Any] = {
        "outcome": [100 if r["nps"] >= 9 else -100 if r["nps"] <= 6 else 0 for r in rows]
    }
    for code, _n in themes.most_common(TOP_THEMES):
        data[f"theme:{code}"] = [int(code in theme_codes(r["themes"])) for r in rows]
    for slug, _n in tps.most_common(TOP_TOUCHPOINTS):
        data[f"touchpoint:{slug}"] = [int(r["touchpoint__slug"] == slug) for r in rows]
    for score in ("csat", "ces"):
        values = [np.nan if r[score] is None else r[score] for r in rows]
        if sum(v == v for v in values) >= 30:
            data[f"score:{score}"] = values
    return pd.DataFrame(data)


def priority_matrix(scope: q.Scope, user: User) -> dict[str, Any]:
    df = driver_frame(user, scope)
    drivers = [c for c in df.columns if c != "outcome"]
    if len(df) < 10 or not drivers:
        return {"analysis": None, "tables": [_driver_table([])], "charts": {"points": []}}
    analysis = key_drivers(
        df,
        "outcome",
        drivers,
        outcome_scale=(-100, 100),
        scales={"score:csat": (1, 5), "score:ces": (1, 7)},
    )
    names = _theme_names()
    rows = []
    for d in analysis.drivers:
        kind, _sep, key = d.name.partition(":")
        label = names.get(key, key) if kind == "theme" else key
        rows.append(
            {
                "driver": label,
                "kind": str(
                    {"theme": _("Theme"), "touchpoint": _("Touchpoint"), "score": _("Score")}[kind]
                ),
                "importance": 100 * d.importance,
                "direction": d.direction,
                "performance": d.performance,
                "performance_norm": d.performance_norm,
                "quadrant": d.quadrant,
                "n": d.n,
            }
        )
    points = [
        {
            "name": r["driver"],
            "x": r["performance_norm"],
            "y": r["importance"],
            "quadrant": r["quadrant"],
        }
        for r in rows
        if r["performance_norm"] is not None
    ]
    return {
        "analysis": analysis,
        "tables": [_driver_table(rows)],
        "charts": {
            "points": points,
            "x_cut": analysis.performance_threshold,
            "y_cut": 100 * analysis.importance_threshold,
        },
        "sample": len(df),
    }


def _driver_table(rows) -> Table:
    return Table(
        "key-drivers",
        _("Key drivers of NPS"),
        [
            ("driver", _("Driver")),
            ("kind", _("Kind")),
            # xgettext:no-python-format
            ("importance", _("Importance (% of R²)")),
            ("direction", _("Direction")),
            ("performance", _("Performance")),
            ("performance_norm", _("Performance (0–1)")),
            ("quadrant", _("Priority")),
            ("n", _("n")),
        ],
        rows,
    )


# --- value × experience -----------------------------------------------------------------------


def value_experience(scope: q.Scope, user: User) -> dict[str, Any]:
    cfg = MeasureSettings.current()
    counts = q.rollup_counts(("value_tier",), scope)
    per_tier = {k[0]: q.counts_for(v, "nps") for (k, _p), v in counts.items()}
    changes = compare_groups("nps", per_tier) if len(per_tier) > 1 else {}
    rows = []
    for tier in TIERS:
        if tier not in per_tier:
            continue
        c = per_tier[tier]
        v = am.nps_from_counts(c, min_n=cfg.min_n)
        ch = changes.get(tier)
        rows.append(
            {
                "tier": tier or "",
                "tier_label": str(_("(no value data)")) if not tier else tier.title(),
                "promoters": sum(c[9:]),
                "passives": sum(c[7:9]),
                "detractors": sum(c[:7]),
                **figure_row(v),
                "vs_rest": ch.difference if ch else None,
                "p_adjusted": ch.p_adjusted if ch else None,
                "direction": ch.direction if ch else "",
            }
        )
    table = Table(
        "value-by-nps-group",
        _("Value tier × NPS group"),
        [
            ("tier_label", _("Value tier")),
            ("promoters", _("Promoters")),
            ("passives", _("Passives")),
            ("detractors", _("Detractors")),
            ("value", _("NPS")),
            # xgettext:no-python-format
            ("ci_low", _("95 % low")),
            # xgettext:no-python-format
            ("ci_high", _("95 % high")),
            ("n", _("n")),
            ("below_min_n", _("Below minimum n")),
            ("vs_rest", _("Difference vs other tiers")),
            ("p_adjusted", _("p (Holm)")),
            ("direction", _("Marked")),
        ],
        rows,
    )
    call = high_value_detractors(user, scope)
    call_table = Table(
        "call-first",
        _("High-value detractors to call first"),
        [
            ("customer", _("Customer")),
            ("name", _("Name")),
            ("tier", _("Value tier")),
            ("clv", _("CLV, next 12 months")),
            ("monetary", _("Revenue to date")),
            ("nps", _("Latest NPS")),
            ("received_at", _("Answered")),
            ("touchpoint", _("Touchpoint")),
            ("feedback_id", _("Feedback id")),
        ],
        call,
    )
    return {
        "tables": [table, call_table],
        "rows": rows,
        "call": call,
        "min_n": cfg.min_n,
        "charts": {
            "tiers": [r["tier_label"] for r in rows],
            "groups": {g: [r[g + "s"] for r in rows] for g in NPS_GROUPS},
        },
    }


def high_value_detractors(user: User, scope: q.Scope, limit: int = 50) -> list[dict[str, Any]]:
    """Platinum and gold customers whose latest NPS answer (in scope) is 0–6, most valuable first.

    Reads the latest answers only (through the received_at index), so the work is bounded on any
    data size; a customer's latest answer is the first one met in that order.
    """
    recent = (
        _visible(user, scope)
        .filter(nps__isnull=False, customer__value__tier__in=("platinum", "gold"))
        .values_list("id", "customer_id", "nps")[:DETRACTOR_WINDOW]
    )
    latest: dict[int, tuple[int, int]] = {}
    for pk, customer_id, nps in recent:
        latest.setdefault(customer_id, (pk, nps))
    ids = [pk for pk, nps in latest.values() if nps <= 6]
    items = []
    for start in range(0, len(ids), 900):  # SQLite's parameter limit
        chunk = FeedbackItem.objects.filter(pk__in=ids[start : start + 900])
        items += list(chunk.select_related("customer__value", "touchpoint"))
    items.sort(key=lambda i: (-(i.customer.value.clv or 0), -i.customer.value.monetary))
    return [_detractor_row(item) for item in items[:limit]]


def _detractor_row(item: FeedbackItem) -> dict[str, Any]:
    v = item.customer.value
    return {
        "customer": item.customer.external_id,
        "name": item.customer.name,
        "tier": v.tier,
        "clv": v.clv,
        "monetary": float(v.monetary),
        "nps": item.nps,
        "received_at": timezone.localtime(item.received_at).date(),
        "touchpoint": item.touchpoint.name if item.touchpoint else "",
        "feedback_id": item.pk,
    }


# --- business link ----------------------------------------------------------------------------


def _latest_groups(
    user: User, as_of: date, lookback_months: int = 12
) -> tuple[pd.Series, pd.Series]:
    """customer id → NPS group and → sentiment of each customer's latest answer up to as_of."""
    start = as_of - relativedelta(months=lookback_months)
    rows = (
        visible_feedback_for(user)
        .filter(customer__isnull=False, received_at__date__gt=start, received_at__date__lte=as_of)
        .order_by("customer_id", "received_at", "id")
        .values_list("customer_id", "nps", "sentiment")
    )
    nps, sentiment = {}, {}
    for cid, score, sent in rows.iterator(chunk_size=5000):  # later answers overwrite earlier
        if score is not None:
            nps[cid] = nps_group(score)
        if sent:
            sentiment[cid] = sent
    return pd.Series(nps, dtype=object), pd.Series(sentiment, dtype=object)


def visible_feedback_for(user: User):
    from outsidein.feedback.filters import visible_feedback

    return visible_feedback(user)


def business_link(scope: q.Scope, user: User) -> dict[str, Any]:
    cfg = MeasureSettings.current()
    months = cfg.churn_months
    today = scope.received_to or timezone.localdate()
    cohort_date = today - relativedelta(months=months)  # a full window has passed since
    tx = transactions_frame(today)
    ended = dict(Customer.objects.filter(ended_on__isnull=False).values_list("id", "ended_on"))
    churn_dates = pd.Series(ended, dtype="datetime64[ns]") if ended else None
    nps_c, sent_c = _latest_groups(user, cohort_date)
    tables, rates = [], {}
    for dim, groups, order in (
        ("nps", nps_c, NPS_GROUPS),
        ("sentiment", sent_c, ("positive", "neutral", "negative")),
    ):
        rows = []
        if len(groups) and len(tx):
            cd = churn_dates.reindex(groups.index) if churn_dates is not None else None
            frame = churn_and_revenue_by_group(
                groups, tx, cohort_date, months=months, churn_dates=cd
            )
            rates[dim] = frame["churn_rate"].to_dict()
            for g in order:
                if g in frame.index:
                    r = frame.loc[g]
                    rows.append(
                        {
                            "group": g,
                            "customers": int(r["customers"]),
                            "churned": int(r["churned"]),
                            "churn_rate": 100 * r["churn_rate"],
                            "churn_low": 100 * r["churn_ci_low"],
                            "churn_high": 100 * r["churn_ci_high"],
                            "revenue_per_customer": r["revenue_per_customer"],
                        }
                    )
        tables.append(
            Table(
                f"churn-by-{dim}",
                _("Churn and revenue by NPS group")
                if dim == "nps"
                else _("Churn and revenue by sentiment"),
                [
                    ("group", _("Group")),
                    ("customers", _("Customers")),
                    ("churned", _("Churned")),
                    ("churn_rate", _("Churn rate %")),
                    # xgettext:no-python-format
                    ("churn_low", _("95 % low")),
                    # xgettext:no-python-format
                    ("churn_high", _("95 % high")),
                    ("revenue_per_customer", _("Revenue per customer")),
                ],
                rows,
            )
        )
    risk = None
    nps_now, sent_now = _latest_groups(user, today)
    groupings = {
        k: v for k, v in (("nps", nps_now), ("sentiment", sent_now)) if k in rates and len(v)
    }
    pairs = {"nps": {"detractor", "promoter"}, "sentiment": {"negative", "positive"}}
    usable = {k: v for k, v in groupings.items() if pairs[k] <= set(rates[k])}
    if usable and len(tx):
        at_risk = {k: "detractor" if k == "nps" else "negative" for k in usable}
        baseline = {k: "promoter" if k == "nps" else "positive" for k in usable}
        risk = revenue_at_risk(tx, today, usable, rates, at_risk=at_risk, baseline=baseline)
    return {
        "tables": tables,
        "risk": risk,
        "months": months,
        "cohort_date": cohort_date,
        "as_of": today,
    }
