"""Business calendars: opening hours and Nordic public holidays, for SLA arithmetic.

A :class:`BusinessCalendar` knows when a team is at work: weekly opening hours in a time
zone, minus the country's public holidays (from the maintained ``holidays`` package),
minus de facto closed days and the organisation's own closed days. All arithmetic is done
on UTC instants between opening windows built from local wall-clock times, so it stays
right across daylight-saving changes, and results come back in the calendar's time zone.

    >>> cal = BusinessCalendar("NO")
    >>> cal.add_business_time(friday_15_30, timedelta(hours=4))   # -> Monday 11:30
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

__all__ = [
    "COUNTRIES",
    "DEFAULT_TIMEZONES",
    "WEEKDAYS",
    "BusinessCalendar",
    "CalendarError",
    "public_holidays",
]

Country = Literal["NO", "SE", "DK"]
COUNTRIES: tuple[str, ...] = ("NO", "SE", "DK")
DEFAULT_TIMEZONES: Mapping[str, str] = MappingProxyType(
    {"NO": "Europe/Oslo", "SE": "Europe/Stockholm", "DK": "Europe/Copenhagen"}
)
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Days that are not public holidays by law but on which offices are closed in practice.
# Sweden: the library's own "de_facto" category (midsummer eve, Christmas eve, New Year's
# eve). Denmark: the library files these under "optional" together with 1 May, which only
# some sectors take off, so only these three (month, day) pairs are picked from it.
_DK_DE_FACTO = frozenset({(6, 5), (12, 24), (12, 31)})  # Grundlovsdag, juleaften, nytårsaften

_MINUTES_PER_DAY = 24 * 60
_HHMM = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
# A calendar closed this many days in a row is broken (e.g. every day listed as closed):
# stop rather than loop forever.
_MAX_SCAN_DAYS = 3 * 366


class CalendarError(ValueError):
    """An invalid calendar configuration or argument."""


@lru_cache(maxsize=512)
def _holiday_map(country: str, year: int, de_facto: bool) -> Mapping[date, str]:
    """Closed days of one country and year with English names; cached: holidays is slow."""
    public = holidays_lib.country_holidays(country, years=year, language="en_US")
    days = dict(public.items())
    if de_facto and country == "SE":
        extra = holidays_lib.country_holidays(
            country, years=year, categories=("de_facto",), language="en_US"
        )
        days.update(extra.items())
    elif de_facto and country == "DK":
        extra = holidays_lib.country_holidays(
            country, years=year, categories=("optional",), language="en_US"
        )
        days.update((d, n) for d, n in extra.items() if (d.month, d.day) in _DK_DE_FACTO)
    return MappingProxyType(dict(sorted(days.items())))


def public_holidays(country: str, year: int, *, de_facto: bool = True) -> Mapping[date, str]:
    """Public (and, unless ``de_facto=False``, de facto) holidays: ``{date: English name}``."""
    return _holiday_map(_check_country(country), year, de_facto)


def _check_country(country: str) -> str:
    code = str(country).upper()
    if code not in COUNTRIES:
        raise CalendarError(f"country must be one of {', '.join(COUNTRIES)}, not {country!r}")
    return code


def _minutes(value: str | time) -> int:
    """Minutes after midnight; accepts time objects and "HH:MM" strings up to "24:00"."""
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    match = _HHMM.match(str(value).strip())
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise CalendarError(f"time must be HH:MM between 00:00 and 24:00, not {value!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekday_index(key: int | str) -> int:
    if isinstance(key, int) and 0 <= key <= 6:
        return key
    name = str(key).lower()[:3]
    if name not in WEEKDAYS:
        raise CalendarError(f"weekday must be 0-6 or one of {', '.join(WEEKDAYS)}, not {key!r}")
    return WEEKDAYS.index(name)


def _parse_hours(
    hours: Mapping[int | str, tuple[str | time, str | time] | None],
) -> tuple[tuple[int, int] | None, ...]:
    week: list[tuple[int, int] | None] = [None] * 7
    for key, span in hours.items():
        day = _weekday_index(key)
        if not span:
            continue
        start, end = (_minutes(v) for v in span)
        if not start < end:
            raise CalendarError(f"{WEEKDAYS[day]}: opening time must be before closing time")
        week[day] = (start, end)
    if not any(week):
        raise CalendarError("the calendar must be open on at least one weekday")
    return tuple(week)


def _parse_annual(value: str | tuple[int, int]) -> tuple[int, int]:
    """An every-year closed day as (month, day), from a tuple or "MM-DD"."""
    try:
        month, day = (int(p) for p in value.split("-")) if isinstance(value, str) else value
        date(2000, month, day)  # a leap year, so 02-29 is accepted
    except (TypeError, ValueError) as exc:
        raise CalendarError(f"annual closed day must be MM-DD, not {value!r}") from exc
    return month, day


def _require_aware(dt: datetime, name: str = "datetime") -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise CalendarError(f"{name} must be timezone-aware, got naive {dt.isoformat()}")
    return dt


class BusinessCalendar:
    """Weekly opening hours in a time zone, closed on the country's holidays.

    ``hours`` maps a weekday (0 = Monday or "mon") to ``(opening, closing)`` and overrides
    ``workdays``/``opening``/``closing``. Closing may be "24:00". ``extra_closed_days`` are
    one-off dates; ``annual_closed_days`` recur every year ("12-24" or (12, 24)), e.g.
    Christmas eve in Norway, which is not a public holiday there but is often closed.
    ``de_facto_holidays`` adds days closed in practice (Sweden: midsummer eve, Christmas
    eve, New Year's eve; Denmark: Grundlovsdag, Christmas eve, New Year's eve).
    """

    def __init__(
        self,
        country: Country | str = "NO",
        timezone: str | None = None,
        *,
        workdays: Iterable[int | str] = (0, 1, 2, 3, 4),
        opening: str | time = "08:00",
        closing: str | time = "16:00",
        hours: Mapping[int | str, tuple[str | time, str | time] | None] | None = None,
        extra_closed_days: Iterable[date] = (),
        annual_closed_days: Iterable[str | tuple[int, int]] = (),
        de_facto_holidays: bool = True,
    ) -> None:
        self.country = _check_country(country)
        self.timezone = timezone or DEFAULT_TIMEZONES[self.country]
        try:
            self.zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"unknown time zone {self.timezone!r}") from exc
        if hours is None:
            hours = {day: (opening, closing) for day in workdays}
        self._week = _parse_hours(hours)
        self.extra_closed_days = frozenset(extra_closed_days)
        self.annual_closed_days = frozenset(_parse_annual(v) for v in annual_closed_days)
        self.de_facto_holidays = bool(de_facto_holidays)
        # Opening window per local date as UTC instants; bounded so a long-running worker
        # that evaluates cases over many years does not grow without limit.
        self._windows: dict[date, tuple[datetime, datetime] | None] = {}

    # -- configuration as data (the Django side stores it as JSON on the team) ------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Build from :meth:`to_dict` output (JSON-able)."""
        unknown = set(data) - {
            "country",
            "timezone",
            "hours",
            "extra_closed_days",
            "annual_closed_days",
            "de_facto_holidays",
        }
        if unknown:
            raise CalendarError(f"unknown calendar field(s): {', '.join(sorted(unknown))}")
        try:
            closed = [date.fromisoformat(str(d)) for d in data.get("extra_closed_days", ())]
        except ValueError as exc:
            raise CalendarError(f"extra_closed_days: {exc}") from exc
        hours = data.get("hours")
        return cls(
            data.get("country", "NO"),
            data.get("timezone"),
            hours={k: tuple(v) if v else None for k, v in hours.items()} if hours else None,
            extra_closed_days=closed,
            annual_closed_days=data.get("annual_closed_days", ()),
            de_facto_holidays=data.get("de_facto_holidays", True),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able configuration; ``from_dict(to_dict())`` gives an equal calendar."""
        return {
            "country": self.country,
            "timezone": self.timezone,
            "hours": {
                WEEKDAYS[i]: [_hhmm(span[0]), _hhmm(span[1])] if span else None
                for i, span in enumerate(self._week)
            },
            "extra_closed_days": sorted(d.isoformat() for d in self.extra_closed_days),
            "annual_closed_days": sorted(f"{m:02d}-{d:02d}" for m, d in self.annual_closed_days),
            "de_facto_holidays": self.de_facto_holidays,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BusinessCalendar) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self.to_dict()))

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.country!r}, {self.timezone!r})"

    # -- days --------------------------------------------------------------------------

    def holidays(self, year: int) -> Mapping[date, str]:
        """Closed days of ``year`` besides weekends: holidays plus the calendar's own."""
        days = dict(_holiday_map(self.country, year, self.de_facto_holidays))
        for month, day in self.annual_closed_days:
            if month != 2 or day != 29 or (year % 4 == 0 and (year % 100 or year % 400 == 0)):
                days.setdefault(date(year, month, day), "Closed (annual)")
        days.update((d, "Closed") for d in self.extra_closed_days if d.year == year)
        return MappingProxyType(dict(sorted(days.items())))

    def is_business_day(self, day: date) -> bool:
        """Open at some time of ``day`` (a weekday with hours, not a holiday)."""
        if self._week[day.weekday()] is None:
            return False
        if day in self.extra_closed_days or (day.month, day.day) in self.annual_closed_days:
            return False
        return day not in _holiday_map(self.country, day.year, self.de_facto_holidays)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The opening window of a local date as UTC instants, or None when closed."""
        if day in self._windows:
            return self._windows[day]
        window = None
        if self.is_business_day(day):
            start, end = self._week[day.weekday()]  # type: ignore[misc]
            window = (self._instant(day, start), self._instant(day, end))
        if len(self._windows) > 4096:
            self._windows.clear()
        self._windows[day] = window
        return window

    def _instant(self, day: date, minutes: int) -> datetime:
        # Wall-clock time first, then the zone: a time in a DST gap or overlap resolves
        # with fold=0 (the offset before the change), which is what a clock on the wall
        # would show an hour either way; 24:00 is the next day's midnight.
        naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
        return naive.replace(tzinfo=self.zone).astimezone(UTC)

    def _windows_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening windows (UTC) from the local day of ``instant`` onwards."""
        day = instant.astimezone(self.zone).date()
        closed_run = 0
        while closed_run < _MAX_SCAN_DAYS:
            window = self._window(day)
            closed_run = 0 if window else closed_run + 1
            if window is not None:
                yield window
            day += timedelta(days=1)
        raise CalendarError(f"calendar has no opening in the {_MAX_SCAN_DAYS} days before {day}")

    # -- instants ----------------------------------------------------------------------

    def localize(self, dt: datetime) -> datetime:
        """``dt`` in the calendar's time zone."""
        return _require_aware(dt).astimezone(self.zone)

    def is_open(self, dt: datetime) -> bool:
        """True when ``dt`` lies in an opening window (opening inclusive, closing not)."""
        instant = _require_aware(dt).astimezone(UTC)
        window = self._window(instant.astimezone(self.zone).date())
        return window is not None and window[0] <= instant < window[1]

    def next_opening(self, dt: datetime) -> datetime:
        """``dt`` itself when open, else the start of the next opening window."""
        instant = _require_aware(dt).astimezone(UTC)
        for start, end in self._windows_from(instant):
            if instant < end:
                return max(start, instant).astimezone(self.zone)
        raise AssertionError("unreachable: _windows_from raises when it runs out")

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of open time after ``start`` (an SLA's due time).

        Time outside opening hours does not count, so a start outside hours counts from the
        next opening. The result is in the calendar's time zone; a due time that lands
        exactly on closing time stays on that day rather than moving to the next opening.
        """
        if duration < timedelta(0):
            raise CalendarError("duration must not be negative")
        remaining = duration
        cursor = _require_aware(start, "start").astimezone(UTC)
        for open_at, close_at in self._windows_from(cursor):
            if close_at <= cursor:
                continue
            begin = max(open_at, cursor)
            available = close_at - begin
            if remaining <= available:
                return (begin + remaining).astimezone(self.zone)
            remaining -= available
        raise AssertionError("unreachable: _windows_from raises when it runs out")

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Open time between two instants; negative when ``b`` is before ``a``."""
        start = _require_aware(a, "a").astimezone(UTC)
        end = _require_aware(b, "b").astimezone(UTC)
        if end < start:
            return -self.business_time_between(b, a)
        total = timedelta(0)
        if end == start:
            return total
        for open_at, close_at in self._windows_from(start):
            if open_at >= end:
                break
            overlap = min(close_at, end) - max(open_at, start)
            if overlap > timedelta(0):
                total += overlap
        return total
