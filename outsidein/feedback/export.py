"""Exporting feedback to CSV, Excel or Parquet in the shared row format.

Exports stream: rows are read from the database in chunks and written as they come, so
an export of millions of items runs in constant memory. The columns are exactly the
import row format, so an export can be imported again (into the same database: all
duplicates; into an empty one: the feedback is restored).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Literal

from django.db.models import QuerySet
from django.utils import timezone

from .ingest import FEEDBACK_FIELDS
from .models import FeedbackItem

ExportFormat = Literal["csv", "xlsx", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
CHUNK_ROWS = 10_000
_SOURCE_COLUMNS = (
    "listening_post__slug",
    "external_id",
    "customer__external_id",
    "touchpoint__slug",
    "received_at",
    "language",
    "text",
    "redacted_text",
    "nps",
    "csat",
    "ces",
    "answers",
    "metadata",
)


def feedback_rows(
    items: QuerySet[FeedbackItem], include_original_text: bool
) -> Iterator[dict[str, Any]]:
    """Rows in the shared format; the text is the original only for trusted readers."""
    for values in items.values_list(*_SOURCE_COLUMNS).iterator(chunk_size=2000):
        post, external_id, customer, touchpoint, received_at, language = values[:6]
        text, redacted, nps, csat, ces, answers, metadata = values[6:]
        yield {
            "listening_post": post,
            "external_id": external_id,
            "customer": customer or "",
            "touchpoint": touchpoint or "",
            "received_at": timezone.localtime(received_at),
            "language": language,
            "text": text if include_original_text else _shown_text(text, redacted),
            "nps": nps,
            "csat": csat,
            "ces": ces,
            "answers": answers or {},
            "metadata": metadata or {},
        }


def _shown_text(text: str, redacted: str) -> str:
    """The text as people who may not see originals see it (FeedbackItem.display_text).

    An unsaved instance applies the model's one rule, so items imported with --no-analyze
    (no redacted text yet) are redacted on the fly instead of exported empty or raw.
    """
    return FeedbackItem(text=text, redacted_text=redacted).display_text


def _flat(row: dict[str, Any]) -> list[Any]:
    """Cell values for CSV and Excel: times as ISO 8601 (keeps the offset), JSON as text."""
    cells = []
    for name in FEEDBACK_FIELDS:
        value = row[name]
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False) if value else ""
        cells.append(value)
    return cells


def iter_feedback_csv(
    items: QuerySet[FeedbackItem], include_original_text: bool
) -> Iterator[bytes]:
    """CSV bytes in chunks (UTF-8 with BOM, so Excel shows ø, å and æ), for streaming."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FEEDBACK_FIELDS)
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(feedback_rows(items, include_original_text), start=1):
        writer.writerow(_flat(row))
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _write_csv(rows: Iterator[bytes], out: IO[bytes]) -> None:
    for chunk in rows:
        out.write(chunk)


def _write_xlsx(items: QuerySet[FeedbackItem], include: bool, out: IO[bytes] | Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("feedback")
    sheet.append(list(FEEDBACK_FIELDS))
    count = 0
    for count, row in enumerate(feedback_rows(items, include), start=1):  # noqa: B007
        # Excel cannot hold control characters; they carry no meaning in feedback text.
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in _flat(row)]
        )
    workbook.save(out)
    return count


def _parquet_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    score = pa.int16()
    return pa.schema(
        [
            ("listening_post", text),
            ("external_id", text),
            ("customer", text),
            ("touchpoint", text),
            ("received_at", pa.timestamp("us", tz="UTC")),
            ("language", text),
            ("text", text),
            ("nps", score),
            ("csat", score),
            ("ces", score),
            ("answers", text),
            ("metadata", text),
        ]
    )


def _write_parquet(items: QuerySet[FeedbackItem], include: bool, out: IO[bytes] | Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    count = 0
    chunk: list[dict[str, Any]] = []
    with pq.ParquetWriter(out if isinstance(out, Path) else pa.PythonFile(out), schema) as writer:
        for row in feedback_rows(items, include):
            for name in ("answers", "metadata"):
                row[name] = json.dumps(row[name], ensure_ascii=False) if row[name] else ""
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                count += len(chunk)
                chunk = []
        if chunk or not count:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count


def export_feedback(
    items_queryset: QuerySet[FeedbackItem],
    fmt: str,
    stream_or_path: IO[bytes] | str | Path,
    include_original_text: bool,
) -> None:
    """Write the items as csv, xlsx or parquet to a binary stream or a file path.

    include_original_text: True only for a trusted operator (the CLI) or a user allowed by
    outsidein.accounts.permissions.can_see_original_text; otherwise the redacted text.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    target = Path(stream_or_path) if isinstance(stream_or_path, str) else stream_or_path
    if fmt != "csv":
        WRITERS[fmt](items_queryset, include_original_text, target)
        return
    chunks = iter_feedback_csv(items_queryset, include_original_text)
    if isinstance(target, Path):
        with target.open("wb") as out:
            _write_csv(chunks, out)
    else:
        _write_csv(chunks, target)


WRITERS = {"xlsx": _write_xlsx, "parquet": _write_parquet}
