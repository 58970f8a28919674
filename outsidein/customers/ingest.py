"""Ingesting customers and their transactions, with the same report as feedback ingestion.

Customers are idempotent on external_id: a repeated row is a duplicate, never an update
(a file import must not silently overwrite what a person corrected). Transactions are
idempotent on external_id when the file has one; rows without it are always stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from outsidein.feedback.ingest import (
    MISSING,
    BatchSpec,
    FieldError,
    IngestReport,
    Invalid,
    RowOutcome,
    UnreadableRow,
    is_blank,
    jsonable,
    parse_date_value,
    parse_json_object,
    parse_text,
    run_batches,
    select_ids,
)

from .models import Customer, Transaction

CUSTOMER_FIELDS = ("external_id", "name", "email", "country", "language", "created_on", "ended_on")
TRANSACTION_FIELDS = ("external_id", "customer", "occurred_on", "amount", "currency", "description")
# Spaces of every kind and apostrophes group thousands: "1 234,50", "1'234.50".
_GROUPING = re.compile(r"[\s\u00a0\u202f']")


def _required(value: object) -> object:
    if is_blank(value):
        raise Invalid(MISSING)
    return value


def _clean_email(value: object) -> str:
    email = parse_text(value, 254, "E-mail")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(f"Not an e-mail address: {email!r}") from None
    return email


def _clean_country(value: object) -> str:
    country = parse_text(value, label="Country").upper()
    if country and not re.fullmatch("[A-Z]{2}", country):
        raise Invalid("Country must be a two-letter ISO code, like NO, SE or DK")
    return country


def _attributes(row: Mapping[str, Any]) -> dict:
    # Extra columns of a customer file are kept as free attributes.
    attributes = dict(parse_json_object(row.get("attributes"), "Attributes"))
    for column, value in row.items():
        if column not in CUSTOMER_FIELDS and column != "attributes" and not is_blank(value):
            attributes[str(column)] = jsonable(value)
    return parse_json_object(attributes, "Attributes")


def validate_customer_row(
    row: Mapping[str, Any],
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    if isinstance(row, UnreadableRow):
        return None, list(row.errors)
    cleaners = {
        "external_id": lambda: parse_text(_required(row.get("external_id")), 100, "External id"),
        "name": lambda: parse_text(row.get("name"), 200, "Name"),
        "email": lambda: _clean_email(row.get("email")),
        "country": lambda: _clean_country(row.get("country")),
        "language": lambda: parse_text(row.get("language"), 10, "Language").lower(),
        "created_on": lambda: parse_date_value(row.get("created_on"), "Created on"),
        "ended_on": lambda: parse_date_value(row.get("ended_on"), "Ended on"),
        "attributes": lambda: _attributes(row),
    }
    clean, errors = _run_cleaners(cleaners)
    starts, ends = (clean or {}).get("created_on"), (clean or {}).get("ended_on")
    if starts and ends and ends < starts:
        return None, [FieldError("ended_on", "Ended on is before created on")]
    return clean, errors


def _run_cleaners(cleaners: dict) -> tuple[dict[str, Any] | None, list[FieldError]]:
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, cleaner in cleaners.items():
        try:
            clean[name] = cleaner()
        except Invalid as error:
            errors.append(FieldError(name, str(error)))
    return (None, errors) if errors else (clean, [])


def _existing_customers(keys: Sequence[tuple]) -> dict[tuple, int]:
    found = select_ids(Customer, "external_id", [key[0] for key in keys])
    return {(external_id,): pk for external_id, pk in found}


def iter_ingest_customers(
    rows: Iterable[Mapping[str, Any]], *, first_row_number: int = 1, batch_size: int = 1000
) -> Iterator[RowOutcome]:
    spec = BatchSpec(
        model=Customer,
        validate=validate_customer_row,
        key=lambda clean: (clean["external_id"],),
        existing_ids=_existing_customers,
    )
    return run_batches(rows, spec, first_row_number, batch_size)


def ingest_customers(
    rows: Iterable[Mapping[str, Any]], *, first_row_number: int = 1, batch_size: int = 1000
) -> IngestReport:
    """Store new customers; a customer already known by external_id is a duplicate."""
    outcomes = iter_ingest_customers(rows, first_row_number=first_row_number, batch_size=batch_size)
    return IngestReport(list(outcomes))


# ---------------------------------------------------------------------------
# Transactions.


def parse_amount(value: object) -> Decimal:
    """An amount written the Nordic way ("1 234,50") or the English way ("1234.50")."""
    if isinstance(value, bool):
        raise Invalid("Amount must be a number")
    if isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = _GROUPING.sub("", str(_required(value)))
        if "," in text and "." in text:
            # Whichever comes last is the decimal separator; the other groups thousands.
            thousands = "." if text.rindex(",") > text.rindex(".") else ","
            text = text.replace(thousands, "")
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"Amount is not a number: {str(value)[:40]!r}") from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise Invalid("Amount is out of range")
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid("Amount has more than two decimals")
    return amount.quantize(Decimal("0.01"))


def _clean_currency(value: object) -> str:
    currency = parse_text(value, label="Currency").upper() or "NOK"
    if not re.fullmatch("[A-Z]{3}", currency):
        raise Invalid("Currency must be a three-letter ISO code, like NOK, SEK or EUR")
    return currency


class _Customers:
    """External id → customer id, fetched once per batch."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def prefetch(self, rows: Sequence[Mapping[str, Any]]) -> None:
        keys = {
            str(value).strip()
            for row in rows
            if isinstance(row, Mapping) and isinstance(value := row.get("customer"), str | int)
        }
        wanted = keys - self.ids.keys()
        if not wanted:
            return
        if len(self.ids) > 200_000:
            self.ids.clear()
        found = Customer.objects.filter(external_id__in=wanted).values_list("external_id", "id")
        self.ids.update(found)

    def resolve(self, value: object) -> int:
        key = parse_text(_required(value), label="Customer")
        if key not in self.ids:
            found = Customer.objects.filter(external_id=key).values_list("id", flat=True).first()
            if found is None:
                raise Invalid(f"Unknown customer {key!r} (import customers first)")
            self.ids[key] = found
        return self.ids[key]


def validate_transaction_row(
    row: Mapping[str, Any], customers: _Customers | None = None
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    if isinstance(row, UnreadableRow):
        return None, list(row.errors)
    customers = customers or _Customers()
    cleaners = {
        "external_id": lambda: parse_text(row.get("external_id"), 100, "External id") or None,
        "customer_id": lambda: customers.resolve(row.get("customer")),
        "occurred_on": lambda: parse_date_value(_required(row.get("occurred_on")), "Occurred on"),
        "amount": lambda: parse_amount(row.get("amount")),
        "currency": lambda: _clean_currency(row.get("currency")),
        "description": lambda: parse_text(row.get("description"), 200, "Description"),
    }
    clean, errors = _run_cleaners(cleaners)
    # Report the column by the name the file uses.
    return clean, [
        FieldError("customer" if e.column == "customer_id" else e.column, e.reason) for e in errors
    ]


def _existing_transactions(keys: Sequence[tuple]) -> dict[tuple, int]:
    found = select_ids(Transaction, "external_id", [key[0] for key in keys])
    return {(external_id,): pk for external_id, pk in found}


def iter_ingest_transactions(
    rows: Iterable[Mapping[str, Any]], *, first_row_number: int = 1, batch_size: int = 1000
) -> Iterator[RowOutcome]:
    customers = _Customers()
    spec = BatchSpec(
        model=Transaction,
        validate=lambda row: validate_transaction_row(row, customers),
        key=lambda clean: (clean["external_id"],) if clean["external_id"] else None,
        existing_ids=_existing_transactions,
        prefetch=customers.prefetch,
    )
    return run_batches(rows, spec, first_row_number, batch_size)


def ingest_transactions(
    rows: Iterable[Mapping[str, Any]], *, first_row_number: int = 1, batch_size: int = 1000
) -> IngestReport:
    """Store transactions; one with a known external_id is a duplicate."""
    outcomes = iter_ingest_transactions(
        rows, first_row_number=first_row_number, batch_size=batch_size
    )
    return IngestReport(list(outcomes))
