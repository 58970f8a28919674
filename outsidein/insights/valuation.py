"""Customer value segmentation stored per customer: RFM, value tier and lifetime value.

Computed from transactions with outsidein.analytics.value; stored in CustomerValue so that the
value tier can be a rollup dimension and a filter everywhere.  Tiers come from the trailing
monetary value (the "customer pyramid": top 5 % platinum, next 15 % gold, next 30 % silver).
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.utils import timezone

from outsidein.analytics.value import customer_lifetime_value, rfm_scores, value_tiers
from outsidein.customers.models import Transaction

from .models import CustomerValue
from .rollups import rebuild_rollups

logger = logging.getLogger(__name__)


def transactions_frame(as_of: date | None = None) -> pd.DataFrame:
    rows = Transaction.objects.all()
    if as_of:
        rows = rows.filter(occurred_on__lte=as_of)
    data = list(rows.values_list("customer_id", "occurred_on", "amount"))
    frame = pd.DataFrame(data, columns=["customer_id", "date", "amount"])
    frame["amount"] = frame["amount"].astype(float)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _clv(tx: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """BG/NBD + Gamma-Gamma needs repeat buyers to fit; without them there is no CLV."""
    try:
        return customer_lifetime_value(tx, as_of)
    except (ValueError, ZeroDivisionError, FloatingPointError, KeyError) as error:
        logger.warning("CLV not computed: %s", error)
        return None


def refresh_customer_values(as_of: date | None = None, *, rollups: bool = True) -> int:
    """Recompute and store every customer's value; returns the number of customers stored.

    Value tiers are a rollup dimension, so the rollups are rebuilt afterwards (``rollups``).
    """
    as_of = as_of or timezone.localdate()
    tx = transactions_frame(as_of)
    stamp = timezone.now()
    rows: list[CustomerValue] = []
    if len(tx):
        rfm = rfm_scores(tx, pd.Timestamp(as_of))
        tiers = value_tiers(rfm["monetary"])
        clv = _clv(tx, pd.Timestamp(as_of))
        for cid, r in rfm.iterrows():
            rows.append(
                CustomerValue(
                    customer_id=int(cid),
                    recency_days=int(r["recency_days"]),
                    frequency=int(r["frequency"]),
                    monetary=Decimal(str(round(float(r["monetary"]), 2))),
                    r=int(r["r"]),
                    f=int(r["f"]),
                    m=int(r["m"]),
                    rfm_score=int(r["rfm_score"]),
                    rfm_code=str(r["rfm_code"]),
                    tier=str(tiers[cid]),
                    clv=_float(clv, cid, "clv"),
                    p_alive=_float(clv, cid, "p_alive"),
                    computed_at=stamp,
                )
            )
    with transaction.atomic():
        CustomerValue.objects.all().delete()
        CustomerValue.objects.bulk_create(rows, batch_size=2000)
    if rollups:
        rebuild_rollups()
    return len(rows)


def _float(frame: pd.DataFrame | None, cid, column: str) -> float | None:
    if frame is None or cid not in frame.index:
        return None
    value = float(frame.at[cid, column])
    return value if value == value else None  # NaN → None
