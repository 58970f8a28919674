"""Request and response schemas of the feedback API, and parsing of submitted payloads.

A submission is parsed by hand (not by ninja's body binding) so that one response can
list every error of every item in a batch, with locations like ["items", 3, "nps"].
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Schema
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)
from pydantic import ValidationError as PydanticValidationError

from outsidein.feedback.models import Sentiment

# Nesting deeper than this in answers/metadata is junk, and PostgreSQL's jsonb refuses
# very deep documents with an error rather than a clean rejection.
MAX_JSON_DEPTH = 32
# Database integer columns are 64-bit; larger ids cannot exist and would overflow drivers.
MAX_ID = 2**63 - 1


class ErrorDetail(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    """Every error answer: `detail` is a message, or a list of located errors."""

    detail: str | list[ErrorDetail]


class PayloadError(Exception):
    """The request cannot be accepted; answered as {"detail": [...]} with `status`."""

    def __init__(self, errors: list[dict[str, Any]], status: int = 422) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status


def error(loc: list[str | int], msg: str, type_: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": type_}


# --- Submitting feedback -------------------------------------------------------------

Slug = Annotated[StrictStr, Field(min_length=1, max_length=50)]
Score = Annotated[StrictInt, Field(strict=True)]


def _number_to_digits(value: Any) -> Any:
    # Numeric ids from JSON clients mean the same as the same digits in a CSV file.
    return str(value) if type(value) is int else value


ExternalId = Annotated[
    StrictStr, Field(min_length=1, max_length=200), BeforeValidator(_number_to_digits)
]
CustomerId = Annotated[StrictStr, Field(max_length=100), BeforeValidator(_number_to_digits)]


class FeedbackIn(BaseModel):
    """One feedback item in the shared row format (the same columns as import files)."""

    model_config = ConfigDict(extra="forbid", title="FeedbackIn")

    listening_post: Slug = Field(description="Slug of the listening post.")
    external_id: ExternalId = Field(
        description="The item's id in the source system; unique per listening post."
    )
    customer: CustomerId | None = Field(None, description="External id of the customer.")
    touchpoint: Slug | None = Field(None, description="Slug of the touchpoint.")
    received_at: StrictStr = Field(
        description="ISO 8601; a time without offset is in the server's time zone.",
        json_schema_extra={"format": "date-time"},
    )
    language: StrictStr | None = Field(None, max_length=10, description="e.g. nb, nn, sv, da, en")
    text: StrictStr | None = Field(None, description="The customer's own words.")
    nps: Score | None = Field(None, ge=0, le=10)
    csat: Score | None = Field(None, ge=1, le=5)
    ces: Score | None = Field(None, ge=1, le=7)
    answers: dict[str, Any] | None = Field(None, description="Other answers, as a JSON object.")
    metadata: dict[str, Any] | None = Field(None, description="Anything else, as a JSON object.")


class FeedbackBatchIn(BaseModel):
    """Up to API_BATCH_MAX_ITEMS items, stored all together or not at all."""

    model_config = ConfigDict(extra="forbid", title="FeedbackBatchIn")

    items: list[FeedbackIn]


class FeedbackSubmitted(Schema):
    id: int
    status: Literal["created", "duplicate"]


class BatchSubmitted(Schema):
    received: int
    created: int
    duplicates: int
    items: list[FeedbackSubmitted]


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def load_json(body: bytes) -> Any:
    """Parse a request body, with a PayloadError for anything that is not plain JSON."""
    try:
        return json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise PayloadError(
            [error(["body"], "The JSON is nested too deeply.", "json_invalid")]
        ) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits
        msg = f"The body is not valid UTF-8 JSON: {exc}"
        raise PayloadError([error(["body"], msg, "json_invalid")]) from None


def _unstorable_values(value: Any, loc: list[str | int], depth: int = 0):
    """Yield errors for values a database cannot store: NUL characters, lone surrogates."""
    if depth > MAX_JSON_DEPTH:
        yield error(loc, f"Nested deeper than {MAX_JSON_DEPTH} levels.", "too_deep")
    elif isinstance(value, str):
        if "\x00" in value:
            yield error(loc, "Text may not contain NUL characters.", "string_nul")
        elif not _encodable(value):
            yield error(loc, "Text is not valid Unicode (lone surrogate).", "string_unicode")
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _unstorable_values(key, [*loc, key], depth + 1)
            yield from _unstorable_values(child, [*loc, key], depth + 1)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _unstorable_values(child, [*loc, index], depth + 1)


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _pydantic_errors(exc: PydanticValidationError, prefix: list[str | int]) -> list[dict]:
    return [error([*prefix, *e["loc"]], e["msg"], e["type"]) for e in exc.errors()]


def parse_item(raw: Any, prefix: list[str | int]) -> tuple[dict[str, Any] | None, list[dict]]:
    """Type-check one item; the ingestion service checks the meaning (slugs, dates...)."""
    problems = list(_unstorable_values(raw, prefix))
    if problems:
        return None, problems
    try:
        item = FeedbackIn.model_validate(raw)
    except PydanticValidationError as exc:
        return None, _pydantic_errors(exc, prefix)
    return item.model_dump(exclude_unset=True), []


def split_submission(payload: Any) -> tuple[list[Any], bool]:
    """The raw items of a submission and whether it was a batch."""
    if not isinstance(payload, dict):
        msg = 'Expected a JSON object: one feedback item, or {"items": [...]}.'
        raise PayloadError([error(["body"], msg, "object_type")])
    if "items" not in payload:
        return [payload], False
    extra = [key for key in payload if key != "items"]
    if extra:
        msg = 'A batch has only "items"; put fields inside each item.'
        raise PayloadError([error([key], msg, "extra_forbidden") for key in extra])
    items = payload["items"]
    if not isinstance(items, list):
        raise PayloadError([error(["items"], "Expected a list of items.", "list_type")])
    limit = settings.API_BATCH_MAX_ITEMS
    if len(items) > limit:
        msg = f"A batch holds at most {limit} items; this one has {len(items)}. Split it."
        raise PayloadError([error(["items"], msg, "too_long")], status=413)
    return items, True


# --- Reading feedback ---------------------------------------------------------------


def parse_moment(value: Any) -> date | datetime:
    """A date (the whole day) or a date and time, as the filters take them."""
    if isinstance(value, date):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "Expected a date (2026-03-01) or a date and time (2026-03-01T09:30:00+01:00)"
            ) from None
        if len(text) == 10:
            moment = moment.date()
    # Far-off years overflow time zone arithmetic; no feedback is that old or that new.
    if not 1900 <= moment.year <= 9000:
        raise ValueError("The year must be between 1900 and 9000")
    return moment


Moment = Annotated[
    date | datetime,
    PlainValidator(parse_moment),
    WithJsonSchema({"type": "string", "format": "date-time", "description": "or a date"}),
]
Text = Annotated[str | None, Field(max_length=200)]


class FeedbackQuery(Schema):
    """Filters; all optional. Dates include the whole day; datetimes are exact."""

    received_from: Moment | None = None
    received_to: Moment | None = None
    listening_post: Text = None
    touchpoint: Text = None
    journey: Text = None
    team: Text = None
    language: Annotated[str | None, Field(max_length=10)] = None
    sentiment: Sentiment | None = None
    nps_group: Literal["detractor", "passive", "promoter"] | None = None
    nps_min: Annotated[int | None, Field(ge=0, le=10)] = None
    nps_max: Annotated[int | None, Field(ge=0, le=10)] = None
    csat_min: Annotated[int | None, Field(ge=1, le=5)] = None
    csat_max: Annotated[int | None, Field(ge=1, le=5)] = None
    ces_min: Annotated[int | None, Field(ge=1, le=7)] = None
    ces_max: Annotated[int | None, Field(ge=1, le=7)] = None
    customer: Text = None
    value_tier: Literal["platinum", "gold", "silver", "bronze"] | None = None
    q: Text = Field(None, description="Words in the (redacted) text.")
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the last page")
    limit: int = Field(50, ge=1, le=500)


class FeedbackOut(Schema):
    id: int
    listening_post: str
    external_id: str
    customer: str | None
    touchpoint: str | None
    received_at: datetime
    language: str
    text: str = Field(description="Redacted unless your role may see the original text.")
    text_is_original: bool
    nps: int | None
    csat: int | None
    ces: int | None
    answers: dict[str, Any]
    metadata: dict[str, Any]
    sentiment: str
    sentiment_score: float | None
    themes: list[Any]
    analyzed_at: datetime | None
    created_at: datetime


class FeedbackPage(Schema):
    items: list[FeedbackOut]
    next_cursor: str | None
