"""Paging that stays fast on millions of rows: keyset cursors and capped counts.

Offset paging and COUNT(*) both read every skipped or counted row; a keyset cursor
(received_at, id) jumps straight to the page through the feedback_recent index, and the
count stops at COUNT_CAP so a busy explorer never scans the whole table just to print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

COUNT_CAP = 10_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"^(-?\d{1,20})_(\d{1,20})$")


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered newest first: (received_at, id)."""

    received_at: datetime
    id: int

    def encode(self) -> str:
        micros = (self.received_at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}_{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        """The cursor, or None for a missing or malformed one (which means the first page)."""
        match = _CURSOR.match(value or "")
        if not match:
            return None
        try:
            moment = EPOCH + timedelta(microseconds=int(match.group(1)))
        except OverflowError:
            return None
        return cls(moment, int(match.group(2)))

    @classmethod
    def of(cls, item: Any) -> Cursor:
        return cls(item.received_at, item.pk)


@dataclass
class Page:
    items: list = field(default_factory=list)
    next_cursor: str | None = None
    previous_cursor: str | None = None


def capped_count(items: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): counts at most cap rows; capped is True when there are more."""
    found = items.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def _older_than(cursor: Cursor) -> Q:
    return Q(received_at__lt=cursor.received_at) | Q(
        received_at=cursor.received_at, id__lt=cursor.id
    )


def _newer_than(cursor: Cursor) -> Q:
    return Q(received_at__gt=cursor.received_at) | Q(
        received_at=cursor.received_at, id__gt=cursor.id
    )


def keyset_page(
    items: QuerySet, *, after: str | None = None, before: str | None = None, size: int = 50
) -> Page:
    """One page, newest first: the page after cursor `after`, or the page before `before`."""
    before_cursor = Cursor.decode(before)
    if before_cursor is not None:
        rows = list(
            items.filter(_newer_than(before_cursor)).order_by("received_at", "id")[: size + 1]
        )
        page_items = list(reversed(rows[:size]))
        return Page(
            items=page_items,
            next_cursor=before,
            previous_cursor=Cursor.of(page_items[0]).encode() if len(rows) > size else None,
        )
    after_cursor = Cursor.decode(after)
    if after_cursor is not None:
        items = items.filter(_older_than(after_cursor))
    rows = list(items.order_by("-received_at", "-id")[: size + 1])
    page_items = rows[:size]
    return Page(
        items=page_items,
        next_cursor=Cursor.of(page_items[-1]).encode() if len(rows) > size else None,
        previous_cursor=Cursor.of(page_items[0]).encode() if after_cursor and page_items else None,
    )


def numbered_page(
    items: QuerySet, number: str | int | None, size: int = 50
) -> tuple[list, int, bool]:
    """(rows, page number, has_next) without counting: for short, stable orderings."""
    try:
        page = max(1, min(int(number or 1), 100_000))
    except (TypeError, ValueError):
        page = 1
    start = (page - 1) * size
    rows = list(items[start : start + size + 1])
    return rows[:size], page, len(rows) > size
