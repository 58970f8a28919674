"""Response and query schemas of the customers API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class CustomerQuery(Schema):
    q: str | None = Field(None, max_length=200, description="Part of the external id or name.")
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the last page")
    limit: int = Field(50, ge=1, le=500)


class CurrencyTotal(Schema):
    currency: str
    total: Decimal = Field(description="Sum of the amounts, as a decimal string.")


class TransactionSummary(Schema):
    count: int
    totals: list[CurrencyTotal]
    first_on: date | None
    last_on: date | None


class CustomerOut(Schema):
    external_id: str
    name: str
    email: str
    country: str
    language: str
    attributes: dict[str, Any]
    created_on: date | None
    ended_on: date | None
    forgotten: bool


class CustomerDetailOut(CustomerOut):
    transactions: TransactionSummary
    feedback_count: int = Field(description="Feedback items of this customer that you may see.")


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None
