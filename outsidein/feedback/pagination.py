"""Keyset ("cursor") pagination, newest first.

A page ends at some (sort key, id); the next page starts strictly after it. Unlike
offsets, pages stay correct while new feedback arrives, and deep pages stay fast. The
cursor is signed, so a changed or made-up cursor is refused instead of misread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "outsidein.api.cursor"


class BadCursor(ValueError):
    """The cursor was not made by this server (or by another page ordering)."""


def encode_cursor(kind: str, key: Any, pk: int) -> str:
    value = key.isoformat() if isinstance(key, datetime) else key
    return signing.dumps([kind, value, pk], salt=SALT, compress=True)


def decode_cursor(cursor: str, kind: str) -> tuple[Any, int]:
    try:
        found_kind, key, pk = signing.loads(cursor, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadCursor("This cursor is not valid; start again without one.") from exc
    if found_kind != kind or not isinstance(pk, int):
        raise BadCursor("This cursor belongs to another list; start again without one.")
    return key, pk


def keyset_page(
    items: QuerySet, *, field: str, descending: bool, cursor: str | None, limit: int, kind: str
) -> tuple[list, str | None]:
    """One page of `items` ordered by (field, id) and the cursor of the next page."""
    direction = "-" if descending else ""
    items = items.order_by(f"{direction}{field}", f"{direction}id")
    if cursor:
        key, pk = decode_cursor(cursor, kind)
        if field.endswith("_at"):
            key = _parse_datetime(key)
        beyond = "lt" if descending else "gt"
        items = items.filter(
            Q(**{f"{field}__{beyond}": key}) | Q(**{field: key, f"id__{beyond}": pk})
        )
    page = list(items[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    last = page[-1]
    return page, encode_cursor(kind, getattr(last, field), last.pk)


def _parse_datetime(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BadCursor("This cursor is not valid; start again without one.") from exc
