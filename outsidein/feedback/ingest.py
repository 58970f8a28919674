"""Ingesting feedback rows: validate, de-duplicate and store them in batches.

One code path serves file imports, the REST API and the demo: rows in the shared row
format go in, one outcome per row comes out. Storing is idempotent on
(listening post, external_id): a row seen before is a duplicate and gets the stored id.
Speed matters (imports of millions of rows), so rows are validated by hand instead of
with model validation, slugs are resolved from caches and each batch costs a handful
of queries whatever its size.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import islice
from operator import attrgetter
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from .models import FeedbackItem

logger = logging.getLogger(__name__)
Status = Literal["created", "duplicate", "rejected"]
FEEDBACK_FIELDS = (
    "listening_post",
    "external_id",
    "customer",
    "touchpoint",
    "received_at",
    "language",
    "text",
    "nps",
    "csat",
    "ces",
    "answers",
    "metadata",
)
SCORE_RANGES = {"nps": ("NPS", 0, 10), "csat": ("CSAT", 1, 5), "ces": ("CES", 1, 7)}
MISSING = "Missing required field"
WRONG_ENCODING = (
    "Wrong encoding: these bytes are not valid text in the file's encoding (save the file as UTF-8)"
)
# Lone surrogates come from undecodable bytes (surrogateescape) or from JSON "\udc80"
# escapes; PostgreSQL refuses them and NUL characters, so both are rejected up front.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_WHOLE_NUMBER = re.compile(r"^[0-9]+(?:[.,]0+)?$")
_NORDIC_DATE = re.compile(
    r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)


@dataclass(frozen=True)
class FieldError:
    column: str
    reason: str


@dataclass
class RowOutcome:
    row: int
    status: Status
    id: int | None = None
    errors: list[FieldError] = field(default_factory=list)
    # For a duplicate of an earlier row of the same call: that row's number.
    duplicate_of_row: int | None = None


@dataclass
class IngestReport:
    outcomes: list[RowOutcome] = field(default_factory=list)

    def _count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def read(self) -> int:
        return len(self.outcomes)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def duplicates(self) -> int:
        return self._count("duplicate")

    @property
    def rejected(self) -> int:
        return self._count("rejected")


class UnreadableRow(dict):
    """A row a file reader could not decode; it is rejected with the reader's errors."""

    def __init__(self, values: Mapping[str, Any], errors: list[FieldError]) -> None:
        super().__init__(values)
        self.errors = errors


class Invalid(ValueError):
    """A value that cannot be stored; the message is the reason shown to the user."""


# ---------------------------------------------------------------------------
# Value parsers shared by the feedback, customer and transaction importers.


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_storable(value: str) -> str:
    match = _UNSTORABLE.search(value)
    if match is None:
        return value
    if match.group() == "\x00":
        raise Invalid("Contains a NUL character")
    raise Invalid(WRONG_ENCODING)


def parse_text(value: object, max_length: int | None = None, label: str = "Value") -> str:
    if value.__class__ is str:  # the common case first: this runs for every cell
        text = value.strip()  # type: ignore[attr-defined]
    elif value is None:
        return ""
    elif isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(f"{label} must be text")
    else:
        # Excel stores ids like 1234 as 1234.0
        integral = isinstance(value, float) and value.is_integer()
        text = str(int(value) if integral else value).strip()  # type: ignore[call-overload]
    if text and _UNSTORABLE.search(text):
        check_storable(text)
    if max_length is not None and len(text) > max_length:
        raise Invalid(f"{label} is longer than {max_length} characters ({len(text)})")
    return text


def parse_whole_number(value: object, label: str, low: int, high: int) -> int | None:
    if is_blank(value):
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _WHOLE_NUMBER.match(value.strip()):
        number = int(re.split("[.,]", value.strip())[0])
    if number is None or not low <= number <= high:
        raise Invalid(f"{label} must be a whole number from {low} to {high}")
    return number


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _aware(moment: datetime) -> datetime:
    # Naive times are local times of the organisation (settings.TIME_ZONE).
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_zone(settings.TIME_ZONE))
    return moment


def _parse_moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _NORDIC_DATE.match(text)
    if match is None:
        raise ValueError(text)
    day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
    return datetime(year, month, day, hour, minute, second)


def parse_datetime_value(value: object, label: str = "Time") -> datetime | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return _aware(datetime(value.year, value.month, value.day))
    try:
        return _aware(_parse_moment(str(value).strip()))
    except (ValueError, OverflowError):
        raise Invalid(
            f"{label} is not a date and time: {str(value)[:40]!r} "
            "(use ISO 8601 like 2024-12-31T14:05:00+01:00, or 31.12.2024 14:05)"
        ) from None


def parse_date_value(value: object, label: str = "Date") -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return _parse_moment(str(value).strip()).date()
    except (ValueError, OverflowError):
        raise Invalid(
            f"{label} is not a date: {str(value)[:40]!r} (use 2024-12-31 or 31.12.2024)"
        ) from None


def jsonable(value: object) -> object:
    """A cell value as JSON: dates from spreadsheets become ISO 8601 text."""
    if isinstance(value, date):
        return value.isoformat()
    return value


_JSON_SCALARS = (int, float, bool, type(None))


def _check_json(value: object, label: str) -> None:
    """Only JSON types, and only text PostgreSQL can store (no NUL, no lone surrogates)."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            check_storable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise Invalid(f"{label} must have text keys")
            _check_json(key, label)
            _check_json(item, label)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, label)
    elif not isinstance(value, _JSON_SCALARS) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise Invalid(f"{label} contains values that are not JSON")


def parse_json_object(value: object, label: str) -> dict:
    if value is None or value == "" or value == {}:
        return {}
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            raise Invalid(f'{label} must be a JSON object, like {{"question": "answer"}}') from None
    if not isinstance(value, dict):
        raise Invalid(f'{label} must be a JSON object, like {{"question": "answer"}}')
    _check_json(value, label)
    return value


# ---------------------------------------------------------------------------
# Validating one feedback row.


class FeedbackContext:
    """Slug and external-id lookups for one ingestion run (no per-row queries)."""

    CUSTOMER_CACHE_LIMIT = 200_000

    def __init__(self, default_post: str | None = None) -> None:
        from outsidein.journeys.models import Touchpoint
        from outsidein.listening.models import ListeningPost

        self.default_post = default_post
        self.posts = dict(ListeningPost.objects.values_list("slug", "id"))
        self.touchpoints = dict(Touchpoint.objects.values_list("slug", "id"))
        self.customers: dict[str, int] = {}
        self.text_max_chars: int = settings.FEEDBACK_TEXT_MAX_CHARS
        self.plan = _feedback_plan(self)

    def prefetch_customers(self, external_ids: Iterable[str]) -> None:
        from outsidein.customers.models import Customer

        wanted = {key for key in external_ids if key and key not in self.customers}
        if not wanted:
            return
        if len(self.customers) > self.CUSTOMER_CACHE_LIMIT:
            self.customers.clear()  # keep memory flat on very large imports
        self.customers.update(select_ids(Customer, "external_id", list(wanted)))

    def customer_id(self, external_id: str) -> int | None:
        if external_id not in self.customers:
            self.prefetch_customers([external_id])
        return self.customers.get(external_id)


def _lookup(value: object, table: dict[str, int], label: str, hint: str) -> int | None:
    if value is None or value == "":
        return None
    key = parse_text(value, label=label)
    if not key:
        return None
    found = table.get(key)
    if found is None:
        raise Invalid(f"Unknown {label.lower()} {key!r}{hint}")
    return found


def _clean_post(value: object, context: FeedbackContext) -> int:
    if is_blank(value):
        value = context.default_post
    if is_blank(value):
        raise Invalid(MISSING)
    return _lookup(value, context.posts, "Listening post", "")  # type: ignore[return-value]


def _clean_customer(value: object, context: FeedbackContext) -> int | None:
    key = parse_text(value, label="Customer")
    if not key:
        return None
    found = context.customer_id(key)
    if found is None:
        raise Invalid(f"Unknown customer {key!r} (import customers first)")
    return found


def _required(value: object) -> object:
    if is_blank(value):
        raise Invalid(MISSING)
    return value


Cleaner = Callable[[Any], Any]


def _feedback_plan(context: FeedbackContext) -> list[tuple[str, str, Cleaner]]:
    """(column, model attribute, cleaner) per field; a cleaner raises Invalid with the reason."""
    max_text = context.text_max_chars
    plan: list[tuple[str, str, Cleaner]] = [
        ("listening_post", "listening_post_id", lambda v: _clean_post(v, context)),
        ("external_id", "external_id", lambda v: parse_text(_required(v), 200, "External id")),
        ("customer", "customer_id", lambda v: _clean_customer(v, context)),
        (
            "touchpoint",
            "touchpoint_id",
            lambda v: _lookup(v, context.touchpoints, "Touchpoint", ""),
        ),
        ("received_at", "received_at", lambda v: parse_datetime_value(_required(v), "Received at")),
        ("language", "language", lambda v: parse_text(v, 10, "Language").lower()),
        ("text", "text", lambda v: parse_text(v, max_text, "Text")),
        ("answers", "answers", lambda v: parse_json_object(v, "Answers")),
        ("metadata", "metadata", lambda v: parse_json_object(v, "Metadata")),
    ]
    for name, (label, low, high) in SCORE_RANGES.items():
        plan.append(
            (name, name, lambda v, a=label, lo=low, hi=high: parse_whole_number(v, a, lo, hi))
        )
    return plan


def validate_feedback_row(
    row: Mapping[str, Any], context: FeedbackContext | None = None
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """Model field values for one row in the shared format, or None and every error."""
    if isinstance(row, UnreadableRow):
        return None, list(row.errors)
    if not isinstance(row, Mapping):
        return None, [FieldError("", "Each item must be an object with the feedback fields")]
    context = context or FeedbackContext()
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    get = row.get
    for column, attribute, cleaner in context.plan:
        try:
            clean[attribute] = cleaner(get(column))
        except Invalid as error:
            errors.append(FieldError(column, str(error)))
    return (None, errors) if errors else (clean, [])


# ---------------------------------------------------------------------------
# The batch engine, shared with customers and transactions.


@dataclass
class BatchSpec:
    """How one kind of row is validated, keyed, looked up and stored."""

    model: type[models.Model]
    validate: Callable[[Mapping[str, Any]], tuple[dict[str, Any] | None, list[FieldError]]]
    # The idempotency key of clean fields, or None when a row has no key (always stored).
    key: Callable[[dict[str, Any]], tuple | None]
    existing_ids: Callable[[Sequence[tuple]], dict[tuple, int]]
    prefetch: Callable[[Sequence[Mapping[str, Any]]], None] = lambda rows: None
    prepare: Callable[[list[models.Model]], None] = lambda objects: None
    # Called with the newly stored objects (pk set) once their transaction has committed.
    stored: Callable[[list[models.Model]], None] = lambda objects: None
    # The attnames of the key, in key order: on PostgreSQL the insert then returns the ids
    # of the rows it created, so no read-back query is needed.
    key_columns: tuple[str, ...] = ()
    # Look up stored keys before inserting, so that `prepare` (e.g. text analysis) is not
    # spent on duplicates. Without `key_columns` or RETURNING it is always done.
    preselect: bool = True


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def run_batches(
    rows: Iterable[Mapping[str, Any]],
    spec: BatchSpec,
    first_row_number: int,
    batch_size: int,
    hooks_every: int = 1,
    overlap: bool = False,
) -> Iterator[RowOutcome]:
    """Outcomes in input order; each batch is committed before its outcomes are yielded.

    `spec.stored` runs after every `hooks_every` batches (and for the rest at the end, also
    when the caller stops early or a batch fails): a large import refreshes rollups once
    per many days instead of once per batch, while an API call still does it at once.
    With `overlap` (file imports on PostgreSQL outside a transaction), a writer thread
    stores one batch while the next is read and validated.
    """
    if overlap and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _run_overlapped(rows, spec, first_row_number, batch_size, hooks_every)
    return _run_in_turn(rows, spec, first_row_number, batch_size, hooks_every)


def _run_in_turn(
    rows: Iterable[Mapping[str, Any]],
    spec: BatchSpec,
    number: int,
    batch_size: int,
    hooks_every: int,
) -> Iterator[RowOutcome]:
    stored: list[models.Model] = []
    try:
        for count, batch in enumerate(_batches(rows, batch_size), 1):
            outcomes = _store_batch(_validate_batch(batch, spec, number), spec, stored)
            number += len(batch)
            if count % hooks_every == 0:
                _after_commit(spec, stored)
            yield from outcomes
    finally:
        _after_commit(spec, stored)


def _run_overlapped(
    rows: Iterable[Mapping[str, Any]],
    spec: BatchSpec,
    number: int,
    batch_size: int,
    hooks_every: int,
) -> Iterator[RowOutcome]:
    # Most of a batch's time on PostgreSQL is the server's (index updates, foreign-key
    # checks, the commit, rollups): doing it in a thread while this one parses the next
    # batch uses both cores. The writer has its own connection and commits each batch in
    # order; only committed batches' outcomes are yielded.
    from concurrent.futures import ThreadPoolExecutor

    stored: list[models.Model] = []  # touched by the writer thread only
    with ThreadPoolExecutor(1, thread_name_prefix="ingest-writer") as writer:
        try:
            previous = None
            for count, batch in enumerate(_batches(rows, batch_size), 1):
                work = _validate_batch(batch, spec, number)
                number += len(batch)
                current = writer.submit(_store_batch, work, spec, stored)
                if count % hooks_every == 0:
                    writer.submit(_after_commit, spec, stored)
                if previous is not None:
                    yield from previous.result()
                previous = current
            if previous is not None:
                yield from previous.result()
        finally:
            writer.submit(_after_commit, spec, stored).result()
            writer.submit(_close_connection).result()


def _close_connection() -> None:
    connection.close()  # the calling thread's own connection


def _after_commit(spec: BatchSpec, stored: list[models.Model]) -> None:
    # Inside an outer transaction (an API call, a dry run) the hooks wait for its commit
    # and are dropped on rollback; otherwise the batches are committed and they run now.
    if stored:
        items = stored.copy()
        stored.clear()
        transaction.on_commit(lambda: spec.stored(items))


@dataclass
class _Batch:
    """A validated batch: one outcome per row, and the rows to store."""

    outcomes: list[RowOutcome]
    row_keys: list[tuple | None]
    keyed: list[tuple[tuple, dict[str, Any]]]
    unkeyed: list[tuple[RowOutcome, dict[str, Any]]]


def _validate_batch(batch: list[Mapping[str, Any]], spec: BatchSpec, first: int) -> _Batch:
    spec.prefetch(batch)
    work = _Batch([], [], [], [])
    first_row_of_key: dict[tuple, int] = {}
    for offset, row in enumerate(batch):
        clean, errors = spec.validate(row)
        outcome = RowOutcome(first + offset, "rejected", errors=errors)
        work.outcomes.append(outcome)
        key = None if clean is None else spec.key(clean)
        work.row_keys.append(key)
        if clean is None:
            continue
        outcome.status = "created"
        if key is None:
            work.unkeyed.append((outcome, clean))
        elif key in first_row_of_key:
            outcome.status = "duplicate"
            outcome.duplicate_of_row = first_row_of_key[key]
        else:
            first_row_of_key[key] = outcome.row
            work.keyed.append((key, clean))
    return work


def _store_batch(work: _Batch, spec: BatchSpec, stored: list[models.Model]) -> list[RowOutcome]:
    ids, created_keys = _store(spec, work.keyed, work.unkeyed, stored)
    for outcome, key in zip(work.outcomes, work.row_keys, strict=True):
        if key is not None:
            _settle(outcome, ids.get(key), key in created_keys)
    return work.outcomes


def _returning(spec: BatchSpec) -> bool:
    return bool(spec.key_columns) and connection.vendor == "postgresql"


def _store(
    spec: BatchSpec,
    keyed: list[tuple[tuple, dict[str, Any]]],
    unkeyed: list[tuple[RowOutcome, dict[str, Any]]],
    stored: list[models.Model],
) -> tuple[dict[tuple, int], set[tuple]]:
    """Store the new rows; the ids of every key and the keys this call created.

    The objects created are appended to `stored` once their transaction has committed.
    """
    returning = _returning(spec)
    preselect = keyed and (spec.preselect or not returning)
    ids = spec.existing_ids([key for key, _ in keyed]) if preselect else {}
    new = [(key, new_instance(spec.model, clean)) for key, clean in keyed if key not in ids]
    plain = [new_instance(spec.model, clean) for _, clean in unkeyed]
    spec.prepare([obj for _, obj in new] + plain)
    with transaction.atomic():
        if new:
            # ON CONFLICT DO NOTHING: a concurrent importer may store the same key
            # meanwhile; such a row is then a duplicate, and its id is read back by key.
            created = _insert_new(spec, new, returning)
            ids.update(created)
            missing = [key for key, _ in new if key not in ids]
            if missing:
                ids.update(spec.existing_ids(missing))
        else:
            created = {}
        if plain:
            spec.model.objects.bulk_create(plain)
    for (outcome, _), obj in zip(unkeyed, plain, strict=True):
        outcome.id = obj.pk
    for key, obj in new:
        if key in created:
            obj.pk = created[key]
            stored.append(obj)
    stored.extend(plain)
    return ids, set(created)


def _insert_new(
    spec: BatchSpec, new: list[tuple[tuple, models.Model]], returning: bool
) -> dict[tuple, int]:
    """Insert, ignoring conflicts; the ids of the keys this statement created."""
    objects = [obj for _, obj in new]
    if returning:
        rows = insert_ignoring_conflicts(spec.model, objects, spec.key_columns)
        return {tuple(row[1:]): row[0] for row in rows}
    # Without RETURNING the keys were looked up first; a row that is not there after the
    # insert was deleted meanwhile, which _settle reports.
    insert_ignoring_conflicts(spec.model, objects)
    return spec.existing_ids([key for key, _ in new])


def _adapter(model_field: models.Field, ops: Any) -> Callable[[Any], Any] | None:
    """The function that turns a model value into a database parameter (None: as it is)."""
    kind = model_field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        digits, places = model_field.max_digits, model_field.decimal_places  # type: ignore[attr-defined]
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if kind == "JSONField":
        # PostgreSQL gets the JSON text in _insert_unnest; SQLite stores the text itself.
        return None if connection.vendor == "postgresql" else _json_text
    return None


def insert_ignoring_conflicts(
    model: type[models.Model], objects: list[models.Model], returning: Sequence[str] = ()
) -> list[tuple]:
    """INSERT ... ON CONFLICT DO NOTHING for unsaved objects, as one statement.

    With `returning` attnames (PostgreSQL only), the (pk, *returning) of the rows created.

    Same semantics as bulk_create(ignore_conflicts=True) on SQLite and PostgreSQL, but
    the values are adapted by one precomputed function per column instead of Django's
    per-value SQL compiler, which made bulk_create the bottleneck of large imports.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops, quote = connection.ops, connection.ops.quote_name
    now = ops.adapt_datetimefield_value(timezone.now())
    stamped = [
        i
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    adapters = [(i, _adapter(f, ops)) for i, f in enumerate(fields) if i not in stamped]
    adapters = [(i, adapt) for i, adapt in adapters if adapt is not None]
    values_of = attrgetter(*(f.attname for f in fields))
    rows = []
    for obj in objects:
        values = list(values_of(obj))
        for i in stamped:
            values[i] = now
        for i, adapt in adapters:
            if values[i] is not None:
                values[i] = adapt(values[i])
        rows.append(values)
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        returned = [model._meta.pk.column, *(model._meta.get_field(n).column for n in returning)]
        return _insert_unnest(table, columns, fields, rows, [quote(c) for c in returned])
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:  # SQLite runs executemany in C
        cursor.executemany(sql + " ON CONFLICT DO NOTHING", rows)
    return []


def _insert_unnest(
    table: str, columns: str, fields: list[models.Field], rows: list, returning: list[str]
) -> list[tuple]:
    import psycopg

    # One statement per batch with one array per column (as Django does for plain
    # bulk_create). A plain psycopg cursor sends the arrays in binary (%b), dumped in C;
    # Django's cursor would format every value into the SQL text in Python.
    arrays = ", ".join(_pg_array(f) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}) ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    json_columns = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        arrays_of = [list(column) for column in zip(*rows, strict=True)]
        for i in json_columns:
            arrays_of[i] = [_json_text(value) for value in arrays_of[i]]
        cursor.execute(sql, arrays_of)
        return cursor.fetchall() if returning else []


def _pg_array(model_field: models.Field) -> str:
    if model_field.get_internal_type() == "JSONField":
        return "%b::text[]::jsonb[]"  # JSON travels as text, parsed by the server
    return f"%b::{model_field.db_type(connection).split('(')[0]}[]"


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if not value:  # most items have empty metadata and analysis: skip the encoder
        return (
            "{}"
            if isinstance(value, dict)
            else "[]"
            if isinstance(value, list)
            else json.dumps(value)
        )
    return json.dumps(value)


@cache
def _blueprint(model: type[models.Model]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    fixed: dict[str, Any] = {}
    fresh: list[tuple[str, Any]] = []  # callable defaults (dict, list) need a new value each
    for model_field in model._meta.concrete_fields:
        if model_field.has_default() and callable(model_field.default):
            fresh.append((model_field.attname, model_field.default))
        else:
            fixed[model_field.attname] = model_field.get_default()
    return fixed, fresh


def new_instance(model: type[models.Model], values: dict[str, Any]) -> models.Model:
    """An unsaved instance from already validated values, without Model.__init__'s cost."""
    fixed, fresh = _blueprint(model)
    obj = model.__new__(model)
    attributes = obj.__dict__
    attributes.update(fixed)
    for name, default in fresh:
        attributes[name] = default()
    attributes.update(values)
    obj._state = ModelState()
    return obj


def _settle(outcome: RowOutcome, stored_id: int | None, created: bool) -> None:
    outcome.id = stored_id
    if stored_id is None:  # deleted by someone else between insert and read-back
        outcome.status = "rejected"
        outcome.errors = [FieldError("", "Could not be stored; import the row again")]
    elif outcome.status == "created" and not created:
        outcome.status = "duplicate"


# ---------------------------------------------------------------------------
# Feedback.


def _feedback_key(clean: dict[str, Any]) -> tuple:
    return (clean["listening_post_id"], clean["external_id"])


def existing_feedback_ids(keys: Sequence[tuple]) -> dict[tuple, int]:
    """Stored ids of (listening_post_id, external_id) keys, one query per listening post."""
    by_post: dict[int, list[str]] = {}
    for post_id, external_id in keys:
        by_post.setdefault(post_id, []).append(external_id)
    found: dict[tuple, int] = {}
    for post_id, external_ids in by_post.items():
        rows = select_ids(FeedbackItem, "external_id", external_ids, listening_post_id=post_id)
        found.update(((post_id, external_id), pk) for external_id, pk in rows)
    return found


def select_ids(
    model: type[models.Model], column: str, values: Sequence[Any], **equal: Any
) -> list[tuple[Any, int]]:
    """(value, id) of rows whose column is one of values: plain SQL, as the ORM's IN-lookup
    spends more time preparing a thousand parameters than the database spends answering."""
    quote = connection.ops.quote_name
    conditions = [f"{quote(name)} = %s" for name in equal]
    if connection.vendor == "postgresql":
        conditions.append(f"{quote(column)} = ANY(%s)")  # one array: no 1,000-item IN list
        values = [list(values)]
    else:
        conditions.append(f"{quote(column)} IN ({', '.join(['%s'] * len(values))})")
    sql = "SELECT {}, {} FROM {} WHERE {}".format(
        quote(column),
        quote(model._meta.pk.column),
        quote(model._meta.db_table),
        " AND ".join(conditions),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*equal.values(), *values])
        return cursor.fetchall()


def _customer_keys(rows: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    for row in rows:
        value = row.get("customer") if isinstance(row, Mapping) else None
        if isinstance(value, str | int) and not isinstance(value, bool):
            yield str(value).strip()


def after_feedback_stored(items: list[FeedbackItem]) -> None:
    """What follows new feedback: rollups for the dashboards, rules that open cases.

    The same steps as hooks.feedback_stored, but the days to refresh come from the items
    in memory: reading them back by id cost as much as the refresh itself.
    """
    from .hooks import feedback_stored

    zone = timezone.get_current_timezone()  # the organisation's days, as the rollups count
    days = {item.received_at.astimezone(zone).date() for item in items}
    feedback_stored([item.pk for item in items], days)


def feedback_batch_spec(context: FeedbackContext, analyze: bool) -> BatchSpec:
    def prepare(items: list[models.Model]) -> None:
        if analyze and items:
            from .analysis import analyze_items

            analyze_items(items)  # type: ignore[arg-type]

    return BatchSpec(
        model=FeedbackItem,
        validate=lambda row: validate_feedback_row(row, context),
        key=_feedback_key,
        existing_ids=existing_feedback_ids,
        prefetch=lambda rows: context.prefetch_customers(_customer_keys(rows)),
        prepare=prepare,
        stored=after_feedback_stored,  # type: ignore[arg-type]
        key_columns=("listening_post_id", "external_id"),
        preselect=analyze,  # only analysis is worth sparing duplicates
    )


def import_batch_size() -> int:
    """Rows per transaction for file imports: PostgreSQL gains from larger round trips."""
    return 5000 if connection.vendor == "postgresql" else 1000


def iter_ingest_feedback(
    rows: Iterable[Mapping[str, Any]],
    *,
    default_post: str | None = None,
    analyze: bool = True,
    first_row_number: int = 1,
    batch_size: int = 1000,
    hooks_every: int = 1,
    overlap: bool = False,
) -> Iterator[RowOutcome]:
    """Like ingest_feedback, but yields outcomes as batches are stored (constant memory).

    The post-commit hooks (rollups, rules) run after every `hooks_every` batches and for
    the rest when the rows are exhausted; `overlap`: see run_batches.
    """
    spec = feedback_batch_spec(FeedbackContext(default_post), analyze)
    return run_batches(rows, spec, first_row_number, batch_size, hooks_every, overlap)


def ingest_feedback(
    rows: Iterable[Mapping[str, Any]],
    *,
    default_post: str | None = None,
    analyze: bool = True,
    first_row_number: int = 1,
    batch_size: int = 1000,
) -> IngestReport:
    """Validate and store feedback rows; one outcome per row, in order."""
    outcomes = iter_ingest_feedback(
        rows,
        default_post=default_post,
        analyze=analyze,
        first_row_number=first_row_number,
        batch_size=batch_size,
    )
    return IngestReport(list(outcomes))
