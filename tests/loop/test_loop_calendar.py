"""Business calendars: SLA arithmetic across evenings, weekends, Nordic holidays and DST.

Every datetime is fixed; nothing reads the real clock.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from outsidein.loop.calendar import BusinessCalendar, CalendarError, public_holidays

OSLO = ZoneInfo("Europe/Oslo")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
H = timedelta(hours=1)


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


@pytest.fixture(scope="module")
def no() -> BusinessCalendar:
    return BusinessCalendar("NO")


def test_friday_afternoon_case_is_due_monday(no: BusinessCalendar) -> None:
    # The example from the issue: Friday 15:30 + 4 business hours with 08-16 opening.
    assert no.add_business_time(oslo(2025, 3, 7, 15, 30), 4 * H) == oslo(2025, 3, 10, 11, 30)


def test_due_exactly_at_closing_stays_on_that_day(no: BusinessCalendar) -> None:
    assert no.add_business_time(oslo(2025, 3, 7, 12), 4 * H) == oslo(2025, 3, 7, 16)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (oslo(2025, 3, 4, 20), oslo(2025, 3, 5, 10)),  # evening: counts from next opening
        (oslo(2025, 3, 4, 6), oslo(2025, 3, 4, 10)),  # early morning: from 08:00 that day
        (oslo(2025, 3, 8, 11), oslo(2025, 3, 10, 10)),  # Saturday: from Monday 08:00
        (oslo(2025, 3, 4, 16), oslo(2025, 3, 5, 10)),  # at closing: from next day
    ],
)
def test_openings_outside_hours_count_from_next_opening(
    no: BusinessCalendar, start: datetime, due: datetime
) -> None:
    assert no.add_business_time(start, 2 * H) == due


def test_norwegian_17_may_and_whit_monday(no: BusinessCalendar) -> None:
    # 2024: 17 May is a Friday, then the weekend, then Whit Monday (2. pinsedag) 20 May.
    assert not no.is_business_day(date(2024, 5, 17))
    assert not no.is_business_day(date(2024, 5, 20))
    assert no.add_business_time(oslo(2024, 5, 16, 15), 4 * H) == oslo(2024, 5, 21, 11)


def test_norwegian_easter(no: BusinessCalendar) -> None:
    # 2025: Maundy Thursday 17 April, Good Friday 18, Easter Monday 21.
    assert no.add_business_time(oslo(2025, 4, 16, 15), 2 * H) == oslo(2025, 4, 22, 9)
    assert no.business_time_between(oslo(2025, 4, 16, 8), oslo(2025, 4, 23, 8)) == 16 * H


def test_swedish_midsummer_eve_is_closed_de_facto() -> None:
    se = BusinessCalendar("SE")
    assert se.timezone == "Europe/Stockholm"
    start = datetime(2025, 6, 19, 15, tzinfo=STOCKHOLM)  # Thursday before midsummer eve
    assert se.add_business_time(start, 2 * H) == datetime(2025, 6, 23, 9, tzinfo=STOCKHOLM)
    legal_only = BusinessCalendar("SE", de_facto_holidays=False)
    assert legal_only.add_business_time(start, 2 * H) == datetime(2025, 6, 20, 9, tzinfo=STOCKHOLM)


def test_swedish_christmas_and_new_year_eve() -> None:
    se = BusinessCalendar("SE")
    start = datetime(2025, 12, 23, 15, tzinfo=STOCKHOLM)
    assert se.add_business_time(start, 2 * H) == datetime(2025, 12, 29, 9, tzinfo=STOCKHOLM)
    assert not se.is_business_day(date(2025, 12, 31))
    assert not se.is_business_day(date(2026, 1, 6))  # Epiphany (trettondedag jul)


def test_danish_grundlovsdag_and_christmas_eve() -> None:
    dk = BusinessCalendar("DK")
    start = datetime(2025, 6, 4, 15, tzinfo=COPENHAGEN)  # Wednesday; 5 June is Thursday
    assert dk.add_business_time(start, 2 * H) == datetime(2025, 6, 6, 9, tzinfo=COPENHAGEN)
    assert not dk.is_business_day(date(2025, 12, 24))
    legal_only = BusinessCalendar("DK", de_facto_holidays=False)
    assert legal_only.is_business_day(date(2025, 6, 5))
    assert legal_only.is_business_day(date(2025, 5, 1))  # 1 May is not de facto in Denmark
    assert dk.is_business_day(date(2025, 5, 1))


def test_danish_great_prayer_day_abolished_from_2024() -> None:
    assert date(2023, 5, 5) in public_holidays("DK", 2023)
    assert date(2024, 4, 26) not in public_holidays("DK", 2024)


def test_public_holidays_lists_names() -> None:
    norway = public_holidays("NO", 2025)
    assert norway[date(2025, 5, 17)] == "Constitution Day"
    assert date(2025, 12, 24) not in norway  # Christmas eve is not a holiday in Norway


def test_annual_and_extra_closed_days() -> None:
    cal = BusinessCalendar(
        "NO", annual_closed_days=["12-24", (12, 31)], extra_closed_days=[date(2025, 3, 10)]
    )
    assert not cal.is_business_day(date(2025, 12, 24))
    assert not cal.is_business_day(date(2026, 12, 31))
    assert not cal.is_business_day(date(2025, 3, 10))
    assert cal.is_business_day(date(2026, 3, 10))
    year = cal.holidays(2025)
    assert {date(2025, 12, 24), date(2025, 12, 31), date(2025, 3, 10)} <= set(year)


def test_per_weekday_hours() -> None:
    cal = BusinessCalendar(
        "NO",
        hours={"mon": ("08:00", "16:00"), "fri": ("09:00", "12:00"), "sat": ("10:00", "14:00")},
    )
    assert cal.is_open(oslo(2025, 3, 8, 10))  # Saturday
    assert not cal.is_open(oslo(2025, 3, 7, 12))  # Friday closes at 12
    # Friday 11:00 + 2h: one hour on Friday, one on Saturday.
    assert cal.add_business_time(oslo(2025, 3, 7, 11), 2 * H) == oslo(2025, 3, 8, 11)
    # Tuesday has no hours: Monday 15:00 + 2h ends Friday 10:00.
    assert cal.add_business_time(oslo(2025, 3, 3, 15), 2 * H) == oslo(2025, 3, 7, 10)


def test_is_open_boundaries(no: BusinessCalendar) -> None:
    assert no.is_open(oslo(2025, 3, 4, 8))
    assert no.is_open(oslo(2025, 3, 4, 15, 59))
    assert not no.is_open(oslo(2025, 3, 4, 16))
    assert not no.is_open(oslo(2025, 5, 1, 10))  # Labour Day
    assert no.is_open(datetime(2025, 3, 4, 7, 30, tzinfo=UTC))  # 08:30 in Oslo


def test_next_opening(no: BusinessCalendar) -> None:
    assert no.next_opening(oslo(2025, 3, 4, 10)) == oslo(2025, 3, 4, 10)
    assert no.next_opening(oslo(2025, 3, 7, 17)) == oslo(2025, 3, 10, 8)


def test_business_time_between(no: BusinessCalendar) -> None:
    assert no.business_time_between(oslo(2025, 3, 7, 15, 30), oslo(2025, 3, 10, 11, 30)) == 4 * H
    assert no.business_time_between(oslo(2025, 3, 10, 11, 30), oslo(2025, 3, 7, 15, 30)) == -4 * H
    assert no.business_time_between(oslo(2025, 3, 8, 1), oslo(2025, 3, 9, 23)) == timedelta(0)
    # A whole year of a Norwegian 08-16 calendar: working days × 8 h.
    year = no.business_time_between(oslo(2025, 1, 1), oslo(2026, 1, 1))
    working_days = sum(
        1 for d in range(365) if no.is_business_day(date(2025, 1, 1) + timedelta(days=d))
    )
    assert year == working_days * 8 * H and working_days == 252  # 261 weekdays - 9 holidays


def test_result_is_in_calendar_zone_whatever_the_input_zone(no: BusinessCalendar) -> None:
    due = no.add_business_time(datetime(2025, 3, 7, 14, 30, tzinfo=UTC), 4 * H)
    assert due == oslo(2025, 3, 10, 11, 30) and due.tzinfo == OSLO


# -- daylight saving time -----------------------------------------------------------------


@pytest.fixture(scope="module")
def always() -> BusinessCalendar:
    return BusinessCalendar(
        "NO", hours={d: ("00:00", "24:00") for d in range(7)}, de_facto_holidays=False
    )


def test_spring_forward_day_has_23_hours(always: BusinessCalendar) -> None:
    # 30 March 2025 is a Sunday, not a holiday; clocks jump 02:00 -> 03:00 in Oslo.
    assert always.business_time_between(oslo(2025, 3, 30), oslo(2025, 3, 31)) == 23 * H
    assert always.add_business_time(oslo(2025, 3, 29, 12), 24 * H) == oslo(2025, 3, 30, 13)


def test_fall_back_day_has_25_hours(always: BusinessCalendar) -> None:
    assert always.business_time_between(oslo(2025, 10, 26), oslo(2025, 10, 27)) == 25 * H
    assert always.add_business_time(oslo(2025, 10, 25, 12), 24 * H) == oslo(2025, 10, 26, 11)


def test_office_hours_across_dst_weekend(no: BusinessCalendar) -> None:
    friday = oslo(2025, 3, 28, 15)  # CET (+01:00)
    monday = no.add_business_time(friday, 2 * H)
    assert monday == oslo(2025, 3, 31, 9) and monday.utcoffset() == 2 * H  # CEST
    assert no.business_time_between(friday, monday) == 2 * H


def test_hours_inside_dst_gap() -> None:
    # Opening 02:00-04:00 on the spring-forward Sunday: 02:00-03:00 does not exist, so the
    # window is one real hour long.
    cal = BusinessCalendar("NO", hours={"sun": ("02:00", "04:00")}, de_facto_holidays=False)
    start = oslo(2025, 3, 30, 1)
    assert cal.business_time_between(start, oslo(2025, 3, 30, 5)) == 1 * H


# -- configuration ------------------------------------------------------------------------


def test_round_trip_through_dict() -> None:
    cal = BusinessCalendar(
        "DK",
        hours={"mon": ("07:30", "15:30"), "tue": ("07:30", "24:00")},
        extra_closed_days=[date(2025, 2, 3)],
        annual_closed_days=["12-24"],
        de_facto_holidays=False,
    )
    data = cal.to_dict()
    assert data["hours"]["tue"] == ["07:30", "24:00"] and data["hours"]["sun"] is None
    assert BusinessCalendar.from_dict(data) == cal


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "FI"}, "country must be one of"),
        ({"timezone": "Europe/Nowhere"}, "unknown time zone"),
        ({"opening": "16:00", "closing": "08:00"}, "opening time must be before"),
        ({"opening": "8am"}, "HH:MM"),
        ({"closing": "24:30"}, "HH:MM"),
        ({"workdays": ()}, "at least one weekday"),
        ({"workdays": ("funday",)}, "weekday must be"),
        ({"annual_closed_days": ["13-01"]}, "MM-DD"),
    ],
)
def test_invalid_configuration(kwargs: dict, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        BusinessCalendar(**kwargs)


def test_from_dict_rejects_unknown_fields() -> None:
    with pytest.raises(CalendarError, match="unknown calendar field"):
        BusinessCalendar.from_dict({"country": "NO", "holidays": []})


def test_naive_datetimes_and_negative_durations_are_refused(no: BusinessCalendar) -> None:
    with pytest.raises(CalendarError, match="timezone-aware"):
        no.add_business_time(datetime(2025, 3, 7, 15), H)
    with pytest.raises(CalendarError, match="negative"):
        no.add_business_time(oslo(2025, 3, 7, 15), -H)


def test_calendar_with_everything_closed_stops() -> None:
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(5 * 366)]
    cal = BusinessCalendar("NO", extra_closed_days=days)
    with pytest.raises(CalendarError, match="no opening"):
        cal.add_business_time(oslo(2025, 1, 1), H)


def test_thousands_of_cases_per_second() -> None:
    cal = BusinessCalendar("SE")
    start = datetime(2025, 1, 2, 9, tzinfo=STOCKHOLM)
    began = time.perf_counter()
    for i in range(5000):
        opened = start + timedelta(minutes=37 * i)
        cal.add_business_time(opened, 40 * H)
        cal.business_time_between(opened, opened + timedelta(days=3))
    assert time.perf_counter() - began < 2.5  # ~0.3 s here; generous for slow CI


def test_loop_core_imports_nothing_from_django() -> None:
    code = (
        "import sys\n"
        "import outsidein.loop.calendar, outsidein.loop.sla, outsidein.loop.rules, "
        "outsidein.loop.notify\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
