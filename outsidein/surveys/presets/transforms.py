"""Value transforms shared by the presets: times, languages, scores, question detection."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings

from .sources import Column

# Questions are recognised by their wording in the five languages the product speaks.
NPS_WORDING = re.compile(
    r"recommend|anbefale|tilrå|rekommendera|sannsynlig|sandsynlig|troligt|how likely", re.I
)
CSAT_WORDING = re.compile(r"satisf|fornøyd|nøgd|tilfreds|nöjd", re.I)
CES_WORDING = re.compile(r"\beas(y|e)\b|enkel|\bnemt\b|lätt|effort|innsats|ansträng", re.I)
OPEN_WORDING = re.compile(
    r"why|reason|comment|tell us|anything else|improve|better|"
    r"hvorfor|grunn|kommentar|forbedr|bedre|betre|hvad|kva|hva |"
    r"varför|skäl|bättre|berätta",
    re.I,
)
LANGUAGE_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "dan": "da", "swe": "sv", "eng": "en"}
ZENDESK_SCORES = {"good": 5, "bad": 1}  # binary CSAT on the 1–5 scale; offered/unoffered: none


def language(value: object) -> str:
    """nb-NO, no_NO, NO, nob → nb; en-GB → en; empty stays empty."""
    code = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    return LANGUAGE_ALIASES.get(code, code)[:10]


def moment(value: object, formats: tuple[str, ...] = (), zone: str | None = None) -> str:
    """ISO 8601 with an offset; naive times are in `zone` (else settings.TIME_ZONE).

    Unparseable values are passed on unchanged, so the importer rejects that row with
    its usual message instead of the preset guessing.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    parsed = _parse(text.replace("Z", "+00:00") if text.endswith("Z") else text, formats)
    if parsed is None:
        return text
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(zone))
    return parsed.isoformat()


def _parse(text: str, formats: tuple[str, ...]) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _zone(name: str | None) -> ZoneInfo:
    if name in {"Z", "UTC", "GMT"}:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def millis(value: object) -> str:
    try:
        return datetime.fromtimestamp(int(str(value).strip()) / 1000, tz=UTC).isoformat()
    except (TypeError, ValueError, OverflowError):
        return ""


def whole(value: object, low: int, high: int) -> int | str | None:
    """A score if the cell holds one in range; other text is passed on for rejection."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    match = re.match(r"^(\d+)", text)  # "9 - Extremely likely", "4 stars"
    if match and low <= int(match.group(1)) <= high:
        return int(match.group(1))
    return text


def joined(*parts: object) -> str:
    return "\n\n".join(str(part).strip() for part in parts if part and str(part).strip())


def row_hash(*parts: object) -> str:
    """A stable id for exports without one (Google Forms): the same row gives the same id."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return digest[:20]


def find_column(columns: list[Column], wording: re.Pattern, exclude: set[str]) -> Column | None:
    for column in columns:
        if column.key not in exclude and wording.search(column.label):
            return column
    return None
