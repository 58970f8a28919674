"""Import presets: other tools' export files as rows in our shared feedback row format.

    preset = load_preset("qualtrics")
    for row_number, row in preset.rows(path): ...

Each preset is a declarative `CsvPreset` (which columns hold the id, time, language, text
and scores; which are never imported; how questions are recognised) or, for JSON
exports, a small function from one record to a row. `outsidein import feedback FILE
--preset NAME --post SLUG` uses them; docs/import-presets.md describes each one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outsidein.feedback.readers import RowSource, UnreadableFile

from . import transforms as t
from .sources import Column, Record, read_csv, read_json

Row = dict[str, Any]
SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class UnknownPreset(ValueError):
    pass


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    open: Callable[[Path], Iterator[tuple[int, Row]]]

    def rows(self, path: str | Path) -> Iterator[tuple[int, Row]]:
        """(record number in the file, row in the shared format), one at a time."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No such file: {path}")
        return self.open(path)

    def source(self, path: str | Path) -> RowSource:
        """The rows as a RowSource, as the importer's own readers give them."""
        source = RowSource(Path(path), self.name, unit="rows")
        rows = self.rows(path)

        def counted(src: RowSource) -> Iterator[tuple[int, Row]]:
            for number, row in rows:
                src.done += 1
                yield number, row

        source._rows = counted
        return source


@dataclass(frozen=True)
class CsvPreset:
    """How one tool's CSV export maps onto our row format."""

    header_rows: int = 1
    external_id: str | None = None  # None: a hash of the whole record (stable on re-import)
    received_at: tuple[str, ...] = ()  # the first non-empty of these columns
    time_formats: tuple[str, ...] = ()
    time_zone: str | None = None  # naive times are in this zone (None: settings.TIME_ZONE)
    language: str | None = None
    text: tuple[str, ...] = ()  # fixed text columns, joined; empty: detect open questions
    scores: dict[str, str] = field(default_factory=dict)  # our score → their column
    metadata: tuple[str, ...] = ()
    never: tuple[str, ...] = ()  # columns never imported: personal data or noise
    open_text: Callable[[Column], bool] = lambda column: bool(t.OPEN_WORDING.search(column.label))
    detect_scores: bool = True
    keep_answers: bool = True  # other columns are answers (surveys), not so for review sites

    def open(self, path: Path) -> Iterator[tuple[int, Row]]:
        opened = read_csv(path, self.header_rows)
        plan = self._plan(opened.columns)
        return ((n, self._row(record, plan)) for n, record in opened.records)

    # --- which column is what, decided once per file ------------------------------------

    def _plan(self, columns: list[Column]) -> dict[str, Any]:
        fixed = {self.external_id, *self.received_at, self.language, *self.text}
        fixed |= set(self.scores.values()) | set(self.metadata) | set(self.never)
        questions = [c for c in columns if c.name not in fixed and c.key not in fixed]
        questions = [c for c in questions if not c.import_id.endswith("_NPS_GROUP")]
        scores = {name: self._column(columns, theirs) for name, theirs in self.scores.items()}
        if self.detect_scores:
            scores = {**_detect_scores(columns, questions), **scores}
        taken = {c.key for c in scores.values() if c is not None}
        texts = [self._column(columns, name) for name in self.text]
        if not self.text:
            texts = [c for c in questions if c.key not in taken and self.open_text(c)]
        zone = self.time_zone
        for column in columns:  # Qualtrics writes the survey's time zone in row 3
            zone = column.extra.get("timeZone") or zone
        return {"questions": questions, "scores": scores, "texts": texts, "zone": zone}

    @staticmethod
    def _column(columns: list[Column], name: str) -> Column | None:
        return next((c for c in columns if name in (c.name, c.key)), None)

    # --- one record → one row -----------------------------------------------------------

    def _row(self, record: Record, plan: dict[str, Any]) -> Row:
        def cell(column: Column | str | None) -> str:
            if column is None:
                return ""
            key = column.key if isinstance(column, Column) else column
            return str(record.get(key) or "").strip()

        row: Row = {}
        row["external_id"] = cell(self.external_id) if self.external_id else _hash(record)
        when = next((cell(name) for name in self.received_at if cell(name)), "")
        row["received_at"] = t.moment(when, self.time_formats, plan["zone"])
        if self.language:
            row["language"] = t.language(cell(self.language))
        row["text"] = t.joined(*(cell(c) for c in plan["texts"]))
        for score, column in plan["scores"].items():
            row[score] = t.whole(cell(column), *SCORES[score]) if column else None
        answers = {c.key: cell(c) for c in plan["questions"] if cell(c) and self.keep_answers}
        if answers:
            row["answers"] = answers
        metadata = {name: cell(name) for name in self.metadata if cell(name)}
        if metadata:
            row["metadata"] = metadata
        return row


def _detect_scores(columns: list[Column], questions: list[Column]) -> dict[str, Column | None]:
    """NPS/CSAT/CES questions by Qualtrics' NPS group column or by their wording."""
    found: dict[str, Column | None] = {}
    groups = {c.import_id.removesuffix("_NPS_GROUP") for c in columns if c.import_id}
    nps = next((c for c in questions if c.import_id and c.import_id in groups), None)
    found["nps"] = nps or t.find_column(questions, t.NPS_WORDING, set())
    taken = {found["nps"].key} if found["nps"] else set()
    found["csat"] = t.find_column(questions, t.CSAT_WORDING, taken)
    taken |= {found["csat"].key} if found["csat"] else set()
    found["ces"] = t.find_column(questions, t.CES_WORDING, taken)
    return found


def _hash(record: Record) -> str:
    return "row-" + t.row_hash(*record.values())


# ---------------------------------------------------------------------------
# JSON exports: one small function per tool


def _zendesk(path: Path) -> Iterator[tuple[int, Row]]:
    opened = read_json(
        path, list_key="tickets"
    )  # read now: a broken file stops the import before any row
    return ((number, _zendesk_row(ticket)) for number, ticket in opened.records)


def _zendesk_row(ticket: Record) -> Row:
    rating = ticket.get("satisfaction_rating") or {}
    rating = rating if isinstance(rating, dict) else {}
    comment = str(rating.get("comment") or "").strip()
    description = str(ticket.get("description") or "").strip()
    answers = {"satisfaction": rating.get("score")} if rating.get("score") else {}
    if comment and description:
        answers["ticket_description"] = description  # the rating comment is the text
    via = ticket.get("via") if isinstance(ticket.get("via"), dict) else {}
    metadata = {
        "subject": ticket.get("subject"),
        "status": ticket.get("status"),
        "channel": via.get("channel"),
        "tags": ticket.get("tags"),
        "requester_id": ticket.get("requester_id"),
    }
    return {
        "external_id": str(ticket.get("id") or ""),
        "received_at": t.moment(rating.get("updated_at") or ticket.get("created_at")),
        "text": comment or description,
        "csat": t.ZENDESK_SCORES.get(str(rating.get("score") or "").lower()),
        "answers": answers,
        "metadata": {k: v for k, v in metadata.items() if v not in (None, "", [])},
    }


def _app_store(path: Path) -> Iterator[tuple[int, Row]]:
    opened = read_json(path, list_key="data")
    return ((number, _app_store_row(review)) for number, review in opened.records)


def _app_store_row(review: Record) -> Row:
    attributes = review.get("attributes") if isinstance(review.get("attributes"), dict) else {}
    return {
        "external_id": str(review.get("id") or ""),
        "received_at": t.moment(attributes.get("createdDate")),
        "text": t.joined(attributes.get("title"), attributes.get("body")),
        "csat": t.whole(attributes.get("rating"), 1, 5),
        "metadata": {
            k: v
            for k, v in {
                "territory": attributes.get("territory"),
                "store": "app_store",
            }.items()
            if v
        },
    }


_REVIEW_ID = re.compile(r"reviewId=([\w.:-]+)")


def _google_play(path: Path) -> Iterator[tuple[int, Row]]:
    opened = read_csv(path)
    return ((number, _google_play_row(record)) for number, record in opened.records)


def _google_play_row(record: Record) -> Row:
    cell = {k: str(v or "").strip() for k, v in record.items()}
    link = _REVIEW_ID.search(cell.get("Review Link", ""))
    submitted = cell.get("Review Submit Millis Since Epoch", "")
    external_id = (
        link.group(1)
        if link
        else "gp-"
        + t.row_hash(
            cell.get("Package Name"), submitted, cell.get("Device"), cell.get("Review Text")
        )
    )
    metadata = {
        "package": cell.get("Package Name"),
        "app_version": cell.get("App Version Name"),
        "device": cell.get("Device"),
        "developer_reply": cell.get("Developer Reply Text"),
        "store": "google_play",
    }
    return {
        "external_id": external_id,
        "received_at": t.moment(cell.get("Review Submit Date and Time")) or t.millis(submitted),
        "language": t.language(cell.get("Reviewer Language")),
        "text": t.joined(cell.get("Review Title"), cell.get("Review Text")),
        "csat": t.whole(cell.get("Star Rating"), 1, 5),
        "metadata": {k: v for k, v in metadata.items() if v},
    }


# ---------------------------------------------------------------------------
# The catalogue

US_TIMES = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
FORMS_TIMES = (*US_TIMES, "%Y/%m/%d %I:%M:%S %p", "%d.%m.%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S")

QUALTRICS = CsvPreset(
    header_rows=3,
    external_id="ResponseId",
    received_at=("RecordedDate", "EndDate"),
    language="UserLanguage",
    metadata=("Status", "Progress", "Finished", "DistributionChannel", "ExternalReference"),
    never=(
        "StartDate", "EndDate", "IPAddress", "Duration (in seconds)", "RecipientLastName",
        "RecipientFirstName", "RecipientEmail", "LocationLatitude", "LocationLongitude",
    ),
    # Text entry questions have ImportIds like QID2_TEXT.
    open_text=lambda column: column.import_id.endswith("_TEXT"),
)  # fmt: skip
SURVEYMONKEY = CsvPreset(
    header_rows=2,
    external_id="Respondent ID",
    received_at=("End Date", "Start Date"),
    time_formats=US_TIMES,
    metadata=("Collector ID",),
    never=("Start Date", "IP Address", "Email Address", "First Name", "Last Name"),
    open_text=lambda column: column.sub == "Open-Ended Response",
)
TYPEFORM = CsvPreset(
    external_id="#",
    received_at=("Submit Date (UTC)",),
    time_zone="UTC",
    metadata=("Tags", "Response Type"),
    never=("Start Date (UTC)", "Stage Date (UTC)", "Network ID", "Stage", "Ending"),
)
GOOGLE_FORMS = CsvPreset(
    received_at=("Timestamp", "Tidsmerke", "Tidsstempel", "Tidstämpel"),
    time_formats=FORMS_TIMES,
    never=("Email Address", "Email address", "E-postadresse", "E-mailadresse", "E-postadress"),
)
TRUSTPILOT = CsvPreset(
    external_id="Review ID",
    received_at=("Review Created (UTC)",),
    time_zone="UTC",
    language="Review Language",
    text=("Review Title", "Review Content"),
    scores={"csat": "Review Stars"},  # 1–5 stars are CSAT 1–5
    metadata=("Source Of Review", "Reference Id", "Reply Content", "Company Reply Date (UTC)"),
    never=("Review Consumer User ID", "Email", "Name", "Location", "Consumer Name"),
    detect_scores=False,
    keep_answers=False,
)

PRESETS: dict[str, Preset] = {
    "qualtrics": Preset("qualtrics", "Qualtrics responses CSV", QUALTRICS.open),
    "surveymonkey": Preset("surveymonkey", "SurveyMonkey responses CSV", SURVEYMONKEY.open),
    "typeform": Preset("typeform", "Typeform responses CSV", TYPEFORM.open),
    "google-forms": Preset("google-forms", "Google Forms responses CSV", GOOGLE_FORMS.open),
    "zendesk": Preset("zendesk", "Zendesk tickets JSON (with satisfaction ratings)", _zendesk),
    "trustpilot": Preset("trustpilot", "Trustpilot reviews CSV", TRUSTPILOT.open),
    "app-store": Preset("app-store", "Apple App Store reviews JSON", _app_store),
    "google-play": Preset("google-play", "Google Play reviews CSV (UTF-16)", _google_play),
}


def load_preset(name: str) -> Preset:
    preset = PRESETS.get(name.strip().lower())
    if preset is None:
        raise UnknownPreset(f"Unknown preset {name!r}; known: {', '.join(PRESETS)}")
    return preset


__all__ = ["PRESETS", "Preset", "UnknownPreset", "UnreadableFile", "load_preset"]
