"""Tables shown on the pages, each downloadable as CSV or Excel with the same numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    """``columns`` are (key, label); ``rows`` dicts by key.  Values stay raw numbers here: the
    template formats them, the downloads keep full precision."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def matrix(self) -> list[list[Any]]:
        return [[row.get(k) for k, _ in self.columns] for row in self.rows]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, int | float) else str(value)


def table_response(table: Table, fmt: str) -> HttpResponse:
    """The table as a CSV (UTF-8 with BOM, for Excel users) or XLSX download."""
    labels = [str(label) for _, label in table.columns]
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = table.name[:31]
        sheet.append(labels)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.matrix():
            sheet.append([_cell(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(labels)
        writer.writerows([[_cell(v) for v in row] for row in table.matrix()])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    ext = "xlsx" if fmt == "xlsx" else "csv"
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{ext}"'
    return response
