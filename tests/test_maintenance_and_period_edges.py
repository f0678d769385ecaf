"""Exact behaviour, edges and texts of slacli.maintenance (refusals, the order and threshold of
warnings), slacli.periods (refusals at the edges) and slacli.calendars (day intervals a
spring-forward gap moves or empties; negative business days).

The policy: New York, Monday to Friday 09:00-17:00, no holidays; maintenance needs 5
business days' notice and should stay out of business hours. November 2026 is EST
(UTC-5); Monday 23 November 2026 is a Monday. On Sunday 8 March 2026 New York's clocks go
from 02:00 EST to 03:00 EDT. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS

from slacli.calendars import Calendar, WeeklyHours
from slacli.errors import CalendarError, InputError
from slacli.maintenance import new_window
from slacli.periods import parse_period, refuse_future
from slacli.policy import policies_from_document

NY = ZoneInfo("America/New_York")
DOCUMENT = {
    "calendars": OFFICE_CALENDARS,
    "policies": {
        "p": {
            "calendar": "office",
            "severities": {"1": {}},
            "maintenance": {"notice": "5 business days", "outside_hours": True},
        }
    },
}
KINDS = "scheduled, regular, emergency"
P = policies_from_document(DOCUMENT, Path("policies.toml")).get("p")


def ny(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=NY)


def window(start: datetime, end: datetime, kind: str | None = "scheduled", announced: datetime | None = None):
    return new_window(
        P, start, end, kind=kind, announced=announced, now=ny(11, 2, 9), title="", service=None, others=[]
    )


def test_an_explicit_kind_announced_late_warns_of_the_notice_first():
    # Announced Mon 23 Nov 17:00 (closed): notice counts from Tue 09:00, 5 days of 8h = Mon
    # 30 Nov 17:00, after the 16:00 start: too late. 16:00-18:00 overlaps hours by 1h.
    found = window(ny(11, 30, 16), ny(11, 30, 18), announced=ny(11, 23, 17))
    assert found.warnings == (
        "announced with less notice than policy p asks: that makes it emergency",
        "scheduled maintenance overlaps business hours by 1h",
    )


def test_one_second_inside_business_hours_is_warned():
    found = window(ny(11, 30, 8), ny(11, 30, 9, 0, 1))
    assert found.warnings == ("scheduled maintenance overlaps business hours by 1s",)


AT_8 = "2026-11-30T08:00:00-05:00"


@pytest.mark.parametrize(
    ("start", "end", "kind", "message"),
    [
        (ny(11, 30, 8), ny(11, 30, 8), "scheduled", f"--end {AT_8} is not after --start {AT_8}"),  # zero length too
        (ny(11, 30, 8), ny(11, 30, 7), "scheduled", f"--end 2026-11-30T07:00:00-05:00 is not after --start {AT_8}"),
        (ny(11, 30, 8), ny(11, 30, 9), "weekly", f"unknown maintenance kind 'weekly' (known: {KINDS})"),
    ],
)  # fmt: skip
def test_windows_refused(start, end, kind, message):
    with pytest.raises(InputError) as refused:
        window(start, end, kind)
    assert str(refused.value) == message


def test_a_period_is_given_once():
    with pytest.raises(InputError) as refused:
        parse_period()
    assert str(refused.value) == "give --month YYYY-MM, --week YYYY-Www or --quarter YYYY-Qn"


@pytest.mark.parametrize(("text", "year"), [("0002-01", 2), ("9998-12", 9998)])
def test_the_first_and_last_supported_years_are_months(text, year):
    # The supported years are 2 to 9998 (slacli.instants): both ends included.
    assert (parse_period(month_text=text).year, parse_period(month_text=text).label) == (year, text)


@pytest.mark.parametrize("text", ["0001-12", "9999-01"])
def test_months_outside_the_supported_years_are_refused(text):
    with pytest.raises(InputError) as refused:
        parse_period(month_text=text)
    assert str(refused.value) == f"--month {text!r} is out of the supported years (2-9998)"


def test_a_period_that_begins_at_the_instant_has_begun():
    refuse_future(ny(12, 1, 0), ny(12, 1, 0), "2026-12")  # no error
    with pytest.raises(InputError):
        refuse_future(ny(12, 1, 0), ny(12, 1, 0) - timedelta(microseconds=1), "2026-12")


def sunday_calendar(sunday: tuple[tuple[int, int], ...]) -> Calendar:
    return Calendar("dst", NY, WeeklyHours(((),) * 6 + (sunday,)))


def test_an_interval_in_the_spring_gap_moves_past_the_next_and_intervals_stay_sorted_by_opening():
    # 02:01-02:05 does not exist: read with EST, it is 03:01-03:05 EDT; 03:00-03:20 EDT is
    # as given. By opening: 03:00 first, although 03:01-03:05 closes first.
    calendar = sunday_calendar(((121, 125), (180, 200)))
    found = [(a.isoformat(), b.isoformat()) for a, b in calendar.day_intervals(date(2026, 3, 8))]
    assert found == [
        ("2026-03-08T03:00:00-04:00", "2026-03-08T03:20:00-04:00"),
        ("2026-03-08T03:01:00-04:00", "2026-03-08T03:05:00-04:00"),
    ]


def test_an_interval_the_spring_gap_swallows_is_gone():
    # 02:00-03:00: 02:00 read with EST is 03:00 EDT, the close 03:00 EDT: nothing is left.
    assert sunday_calendar(((120, 180),)).day_intervals(date(2026, 3, 8)) == []


def test_an_instant_in_the_very_first_open_interval_is_open():
    # A fresh calendar builds its timeline from 1 January 2026 (a Thursday): Thu 09:00-17:00
    # is its first interval, and 10:00 is inside it: no later opening.
    calendar = Calendar("office", NY, WeeklyHours((((540, 1020),),) * 5 + ((), ())))
    at = datetime(2026, 1, 1, 10, 0, tzinfo=NY)
    assert calendar.next_open(at) == at


def test_a_calendar_closed_for_good_says_so():
    def every_day(year: int) -> dict[date, str]:
        day, found = date(year, 1, 1), {}
        while day.year == year:
            found[day], day = "closed", day + timedelta(days=1)
        return found

    calendar = Calendar("shut", NY, WeeklyHours.always(), holidays=every_day)
    with pytest.raises(CalendarError) as refused:
        calendar.business_days_after(date(2026, 11, 23))
    assert str(refused.value) == "calendar shut: no business day within ten years of 2026-11-23"


def test_negative_business_days_are_refused():
    calendar = sunday_calendar(((540, 1020),))
    with pytest.raises(CalendarError) as refused:
        calendar.add_business_days(ny(11, 23, 10), -1)
    assert str(refused.value) == "cannot add a negative number of business days (-1)"
