"""Streaming row readers for import files (CSV, JSON Lines, Excel, Parquet) and column mapping.

Every reader yields (row_number, values) one row at a time, so a file of a million rows
is imported in constant memory. A row that cannot be decoded (bytes in the wrong
encoding, a broken JSON line) is yielded as an UnreadableRow carrying the reason, so the
importer rejects that row and carries on instead of stopping the whole import.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .ingest import WRONG_ENCODING, FieldError, UnreadableRow, is_blank, jsonable

Row = dict[str, Any]
HEAD_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
}
MISSING = object()
_SURROGATE = re.compile("[\ud800-\udfff]")
# Feedback text may be long; the default limit (128 KiB) would stop the import on one row.
csv.field_size_limit(64 * 1024 * 1024)


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (unknown format, corrupt, empty)."""


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1252, judged from the first bytes of a file.

    A few stray Windows-1252 bytes in an otherwise UTF-8 file keep it UTF-8 (those rows
    are rejected as wrongly encoded); a file whose accented letters are all single
    bytes, as Nordic Excel writes them, is Windows-1252.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("The file is UTF-16 text; save it as CSV UTF-8 instead")
    text = head.decode("utf-8", errors="surrogateescape")
    if len(head) == HEAD_BYTES:
        text = text[:-3]  # the chunk may end inside a multi-byte character
    bad = len(_SURROGATE.findall(text))
    good = sum(1 for char in text if char > "\x7f") - bad
    return "utf-8" if bad == 0 or good >= bad else "cp1252"


def sniff_delimiter(first_line: str) -> str:
    """The candidate that occurs most often in the header line (column names rarely hold one)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _header(values: Sequence[Any]) -> list[str]:
    names = []
    for position, value in enumerate(values, start=1):
        name = "" if value is None else str(value).strip()
        names.append(name or f"column_{position}")
    return names


def _is_empty(values: Sequence[Any]) -> bool:
    return all(is_blank(value) for value in values)


@dataclass
class RowSource:
    """An opened import file: its columns (when it has a header) and its rows."""

    path: Path
    format: str
    columns: list[str] | None = None
    unit: str = "bytes"  # what progress counts: bytes or rows
    total: int | None = None
    done: int = 0
    _rows: Callable[[RowSource], Iterator[tuple[int, Row]]] | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        assert self._rows is not None
        return self._rows(self)


def open_rows(path: str | Path) -> RowSource:
    """Open an import file by its extension; raises FileNotFoundError or UnreadableFile."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such file: {path}")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise UnreadableFile(f"Unknown file format {path.suffix or '(none)'!r}; use one of {known}")
    return {"csv": _open_csv, "jsonl": _open_jsonl, "xlsx": _open_xlsx, "parquet": _open_parquet}[
        kind
    ](path)


# ---------------------------------------------------------------------------
# CSV


def _open_csv(path: Path) -> RowSource:
    with path.open("rb") as binary:
        head = binary.read(HEAD_BYTES)
    if not head.strip():
        raise UnreadableFile(f"The file is empty: {path}")
    encoding = detect_encoding(head)
    first_line = head.decode(encoding, errors="surrogateescape").split("\n")[0].rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    source = RowSource(path, "csv", unit="bytes", total=path.stat().st_size)
    source.columns = _header(next(csv.reader([first_line], delimiter=delimiter), []))
    source._rows = lambda src: _csv_rows(src, encoding, delimiter)
    return source


def _csv_rows(source: RowSource, encoding: str, delimiter: str) -> Iterator[tuple[int, Row]]:
    with source.path.open("rb") as binary:
        # surrogateescape keeps undecodable bytes, so the row holding them can be rejected
        # (and written back unchanged to the rejects file) while the import carries on.
        text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        header = _header(next(reader, []))
        for number, values in enumerate(reader, start=2):
            if number % 1000 == 0:
                source.done = binary.tell()
            if not "".join(values).strip():  # a blank line, or a row of empty cells
                continue
            yield number, _csv_row(header, values)
        source.done = source.total or 0


def _csv_row(header: list[str], values: list[str]) -> Row:
    row: Row = dict(zip(header, values, strict=False))
    for position in range(len(header), len(values)):
        row[f"column_{position + 1}"] = values[position]
    for column, value in row.items():
        if _SURROGATE.search(value):
            return UnreadableRow(row, [FieldError(column, WRONG_ENCODING)])
    return row


# ---------------------------------------------------------------------------
# JSON Lines


def _open_jsonl(path: Path) -> RowSource:
    source = RowSource(path, "jsonl", unit="bytes", total=path.stat().st_size)
    source._rows = _jsonl_rows
    return source


def _jsonl_rows(source: RowSource) -> Iterator[tuple[int, Row]]:
    with source.path.open("rb") as binary:
        for number, raw in enumerate(binary, start=1):
            if number % 1000 == 0:
                source.done = binary.tell()
            if raw.strip():
                yield number, _json_row(raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw)
        source.done = source.total or 0


def _json_row(raw: bytes) -> Row:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        original = raw.decode("utf-8", errors="surrogateescape").rstrip("\r\n")
        return UnreadableRow({"original": original}, [FieldError("", WRONG_ENCODING)])
    try:
        value = json.loads(line)
    except ValueError as error:
        reason = f"Not valid JSON ({error.msg} at character {error.pos + 1})"
        return UnreadableRow({"original": line.rstrip("\r\n")}, [FieldError("", reason)])
    if not isinstance(value, dict):
        reason = "Each line must be a JSON object"
        return UnreadableRow({"original": line.rstrip("\r\n")}, [FieldError("", reason)])
    return value


# ---------------------------------------------------------------------------
# Excel and Parquet


def _open_xlsx(path: Path) -> RowSource:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableFile(f"Not a readable Excel file: {path} ({error})") from None
    sheet = workbook.worksheets[0]
    header_row = next(sheet.iter_rows(max_row=1, values_only=True), None)
    if header_row is None:
        workbook.close()
        raise UnreadableFile(f"The first sheet of {path} is empty")
    source = RowSource(path, "xlsx", columns=_header(header_row), unit="rows")
    source.total = max((sheet.max_row or 1) - 1, 0) or None
    source._rows = lambda src: _xlsx_rows(src, workbook)
    return source


def _xlsx_rows(source: RowSource, workbook: Any) -> Iterator[tuple[int, Row]]:
    header = source.columns or []
    try:
        rows = workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
        for number, values in enumerate(rows, start=2):
            source.done = number - 1
            if not _is_empty(values):
                yield number, dict(zip(header, values, strict=False))
    finally:
        workbook.close()


def _open_parquet(path: Path) -> RowSource:
    import pyarrow
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pyarrow.ArrowException, OSError) as error:
        raise UnreadableFile(f"Not a readable Parquet file: {path} ({error})") from None
    source = RowSource(path, "parquet", columns=list(parquet.schema_arrow.names), unit="rows")
    source.total = parquet.metadata.num_rows
    source._rows = lambda src: _parquet_rows(src, parquet)
    return source


def _parquet_rows(source: RowSource, parquet: Any) -> Iterator[tuple[int, Row]]:
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):
        for values in batch.to_pylist():
            number += 1
            yield number, values
        source.done = number


# ---------------------------------------------------------------------------
# Column mapping


class MappingFileError(ValueError):
    """The column mapping file is not valid."""


@dataclass
class ColumnMapping:
    """Foreign column names → our fields, defaults for empty fields, and where extras go.

    `columns` maps our field to their column; a column already named like one of our
    fields (in any letter case) needs no mapping. Columns that map to nothing go into
    `extras_into` (answers of feedback, attributes of customers) or are ignored.
    """

    fields: Sequence[str]
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    extras_into: str | None = None
    ignored: set[str] = field(default_factory=set)
    _targets: dict[str, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls, path: str | Path | None, fields: Sequence[str], extras_into: str | None
    ) -> ColumnMapping:
        if path is None:
            return cls(fields, extras_into=extras_into)
        try:
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise MappingFileError(f"Cannot read the mapping file {path}: {error}") from None
        if not isinstance(document, dict):
            raise MappingFileError('The mapping file needs "columns: {our_field: Their Column}"')
        columns, defaults = document.get("columns") or {}, document.get("defaults") or {}
        if not isinstance(columns, dict):
            raise MappingFileError('The mapping file needs "columns: {our_field: Their Column}"')
        if not isinstance(defaults, dict):
            raise MappingFileError('"defaults" in the mapping file must be {field: value}')
        unknown = sorted(set(columns) - set(fields)) + sorted(set(defaults) - set(fields))
        if unknown:
            raise MappingFileError(
                f"Unknown fields in the mapping file: {', '.join(map(str, unknown))}; "
                f"known fields: {', '.join(fields)}"
            )
        columns = {str(ours): str(theirs) for ours, theirs in columns.items()}
        return cls(fields, columns, dict(defaults), extras_into)

    def target(self, column: str) -> str | None:
        """Our field for one of their columns, or None."""
        if column not in self._targets:
            by_their_name = {theirs: ours for ours, theirs in self.columns.items()}
            ours = by_their_name.get(column)
            if ours is None:
                name = str(column).strip().lower()
                if name in self.fields and name not in self.columns:
                    ours = name
            self._targets[column] = ours
        return self._targets[column]

    def missing(self, columns: Sequence[str], required: Sequence[str]) -> list[str]:
        """Required fields that neither a column nor a default provides."""
        provided = {self.target(column) for column in columns} | set(self.defaults)
        return [name for name in required if name not in provided]

    def apply(self, raw: Mapping[str, Any]) -> Row:
        if isinstance(raw, UnreadableRow):
            return raw
        row: Row = {}
        extras: dict[str, Any] = {}
        target = self._targets.get
        for column, value in raw.items():
            ours = target(column, MISSING)  # the cache first: this runs for every cell
            if ours is MISSING:
                ours = self.target(column)
            if ours is not None:
                row[ours] = value
            elif not is_blank(value):
                extras[str(column)] = jsonable(value)
        for name, value in self.defaults.items():
            if is_blank(row.get(name)):
                row[name] = value
        if extras:
            self._keep_extras(row, extras)
        return row

    def _keep_extras(self, row: Row, extras: dict[str, Any]) -> None:
        if self.extras_into is None:
            self.ignored.update(extras)
            return
        present = row.get(self.extras_into)
        if isinstance(present, str) and present.strip():
            try:
                present = json.loads(present)
            except ValueError:
                return  # the validator reports the broken JSON of that row
        if is_blank(present):
            row[self.extras_into] = extras
        elif isinstance(present, dict):
            row[self.extras_into] = {**extras, **present}
