"""Reading other tools' export files into columns and raw records.

Survey tools put more than one header row in their CSV files (Qualtrics three, SurveyMonkey
two), ticket and store exports come as JSON; each reader returns the columns it found
and yields (record number, {column key: value}) one record at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outsidein.feedback.readers import UnreadableFile, sniff_delimiter

Record = dict[str, Any]


@dataclass
class Column:
    """One column of an export: its key in records and what the extra header rows say."""

    key: str
    name: str
    question: str = ""  # the question text (Qualtrics row 2, SurveyMonkey row 1)
    sub: str = ""  # SurveyMonkey row 2: "Response", "Open-Ended Response" or an option
    import_id: str = ""  # Qualtrics row 3: QID1, QID2_TEXT, QID1_NPS_GROUP, recordedDate ...
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.question or self.name


@dataclass
class Opened:
    columns: list[Column]
    records: Iterator[tuple[int, Record]]


def _text_stream(path: Path) -> io.TextIOBase:
    head = path.open("rb").read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Google Play's review files
    else:
        try:
            path.read_bytes().decode("utf-8")
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            encoding = "cp1252"  # Excel on Nordic Windows
    return path.open("r", encoding=encoding, errors="replace", newline="")


def _unique(keys: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for key in keys:
        count = seen.get(key, 0)
        seen[key] = count + 1
        result.append(key if count == 0 else f"{key} ({count + 1})")
    return result


def read_csv(path: Path, header_rows: int = 1) -> Opened:
    """A CSV export with 1–3 header rows (Qualtrics: names, question texts, ImportIds)."""
    stream = _text_stream(path)
    first = stream.readline()
    stream.seek(0)
    reader = csv.reader(stream, delimiter=sniff_delimiter(first.lstrip("\ufeff")))
    headers = [next(reader, []) for _ in range(header_rows)]
    if not headers or not headers[0]:
        stream.close()
        raise UnreadableFile(f"The file is empty: {path}")
    columns = _columns(headers)
    return Opened(columns, _csv_records(stream, reader, columns, header_rows))


def _columns(headers: list[list[str]]) -> list[Column]:
    names = [name.strip().lstrip("\ufeff") for name in headers[0]]
    columns = []
    if len(headers) == 2:  # SurveyMonkey: question text spans its option columns
        current = ""
        for position, name in enumerate(names):
            current = name or current
            sub = headers[1][position].strip() if position < len(headers[1]) else ""
            columns.append(Column("", name or current, question=current, sub=sub))
        keys = [_monkey_key(column) for column in columns]
    else:
        for position, name in enumerate(names):
            column = Column(name, name)
            if len(headers) >= 3:
                column.question = _cell(headers[1], position)
                column.extra = _import_id(_cell(headers[2], position))
                column.import_id = str(column.extra.get("ImportId", ""))
            columns.append(column)
        keys = names
    for column, key in zip(columns, _unique(keys), strict=True):
        column.key = key
    return columns


def _monkey_key(column: Column) -> str:
    if column.sub in {"", "Response", "Open-Ended Response"}:
        return column.question
    return f"{column.question} — {column.sub}"


def _cell(row: list[str], position: int) -> str:
    return row[position].strip() if position < len(row) else ""


def _import_id(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text.startswith("{") else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def _csv_records(stream, reader, columns: list[Column], first: int) -> Iterator[tuple[int, Record]]:
    keys = [column.key for column in columns]
    with stream:
        for number, values in enumerate(reader, start=first + 1):
            if not any(value.strip() for value in values):
                continue
            yield number, dict(zip(keys, values, strict=False))


def read_json(path: Path, list_key: str | None = None) -> Opened:
    """A JSON array, an object holding the array under `list_key`, or NDJSON."""
    text = _text_stream(path).read()
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            records = json.loads(stripped)
        elif stripped.startswith("{") and list_key and _is_wrapper(stripped, list_key):
            records = json.loads(stripped)[list_key]
        else:
            records = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except ValueError as error:
        raise UnreadableFile(f"Not valid JSON: {path} ({error})") from None
    records = [r for r in records if isinstance(r, dict)]
    return Opened([], iter(enumerate(records, start=1)))


def _is_wrapper(text: str, key: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False  # NDJSON: more than one object
    return isinstance(value, dict) and isinstance(value.get(key), list)
