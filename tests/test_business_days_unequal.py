"""N business days (SPEC 2.4 and the README's "N business days" choice), worked out by hand.

On a calendar whose open weekdays all have the same length, N business days is N times that length
of business time (1 business day from Monday 09:00 is Monday 17:00). On a calendar whose days differ
(a short Friday, a later Friday opening, a later opening and a lunch break on Tuesday) it is the rolled-forward start's
wall time on the Nth business day after it: before that day's opening gives the opening, in a break or
after the close gives the close before it, and a time in the DST gap moves forward by the gap.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from slacli.calendars import Calendar, WeeklyHours
from slacli.rules import parse_rule

NY = ZoneInfo("America/New_York")
H = 60
FULL = ((9 * H, 17 * H),)
UNIFORM = WeeklyHours((FULL,) * 5 + ((), ()))
SHORT_FRIDAY = WeeklyHours((FULL,) * 4 + (((9 * H, 13 * H),), (), ()))
LATE_FRIDAY = WeeklyHours((FULL,) * 4 + (((10 * H, 17 * H),), (), ()))
TUESDAY_BREAK = WeeklyHours((FULL, ((10 * H, 12 * H), (13 * H, 17 * H)), FULL, FULL, FULL, (), ()))
OPEN_WEEKENDS = WeeklyHours((FULL,) * 5 + (((0, 24 * H),),) * 2)
THANKSGIVING = {date(2026, 11, 26): "Thanksgiving"}


def cal(hours: WeeklyHours) -> Calendar:
    return Calendar("test", NY, hours, extra=THANKSGIVING)


def at(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None
    return parsed


CASES = [
    # (hours, start, n, expected); 2026-11-16 is a Monday, 2026-11-26 Thanksgiving (closed)
    (SHORT_FRIDAY, "2026-11-16T10:00-05:00", 2, "2026-11-18T10:00-05:00"),
    (SHORT_FRIDAY, "2026-11-16T09:00-05:00", 1, "2026-11-17T09:00-05:00"),  # at the opening: Tuesday's opening
    (SHORT_FRIDAY, "2026-11-19T10:00-05:00", 1, "2026-11-20T10:00-05:00"),  # Thu to Fri, inside Friday's hours
    (SHORT_FRIDAY, "2026-11-19T12:59-05:00", 1, "2026-11-20T12:59-05:00"),
    (SHORT_FRIDAY, "2026-11-19T15:00-05:00", 1, "2026-11-20T13:00-05:00"),  # after Friday's close: the close
    (SHORT_FRIDAY, "2026-11-19T16:59:59-05:00", 1, "2026-11-20T13:00-05:00"),
    (SHORT_FRIDAY, "2026-11-19T17:00-05:00", 1, "2026-11-23T09:00-05:00"),  # the close is out of hours: Fri 09:00
    (SHORT_FRIDAY, "2026-11-20T12:00-05:00", 1, "2026-11-23T12:00-05:00"),
    (SHORT_FRIDAY, "2026-11-20T10:00-05:00", 5, "2026-11-30T10:00-05:00"),  # Thanksgiving skipped
    (SHORT_FRIDAY, "2026-11-21T12:00-05:00", 1, "2026-11-24T09:00-05:00"),  # Saturday: from Monday 09:00
    (SHORT_FRIDAY, "2026-11-25T10:00-05:00", 1, "2026-11-27T10:00-05:00"),  # over Thanksgiving
    (SHORT_FRIDAY, "2026-11-25T14:00-05:00", 1, "2026-11-27T13:00-05:00"),
    (SHORT_FRIDAY, "2026-11-21T12:00-05:00", 0, "2026-11-21T12:00-05:00"),  # zero: the anchor itself
    (LATE_FRIDAY, "2026-11-19T09:30-05:00", 1, "2026-11-20T10:00-05:00"),  # Friday opens later: its opening
    (LATE_FRIDAY, "2026-11-19T10:00-05:00", 1, "2026-11-20T10:00-05:00"),
    (LATE_FRIDAY, "2026-11-20T10:00-05:00", 1, "2026-11-23T10:00-05:00"),
    (TUESDAY_BREAK, "2026-11-16T09:30-05:00", 1, "2026-11-17T10:00-05:00"),  # before Tuesday's first opening
    (TUESDAY_BREAK, "2026-11-16T12:30-05:00", 1, "2026-11-17T12:00-05:00"),  # in Tuesday's break: the close before
    (TUESDAY_BREAK, "2026-11-16T11:59-05:00", 1, "2026-11-17T11:59-05:00"),
    (TUESDAY_BREAK, "2026-11-16T13:00-05:00", 1, "2026-11-17T13:00-05:00"),  # at the second opening
    (TUESDAY_BREAK, "2026-11-16T16:30-05:00", 1, "2026-11-17T16:30-05:00"),
    (TUESDAY_BREAK, "2026-11-17T12:30-05:00", 1, "2026-11-18T13:00-05:00"),  # from the break: rolled to 13:00
    # Sunday 8 March 02:30 does not exist in New York: moved forward by the gap to 03:30 EDT.
    (OPEN_WEEKENDS, "2026-03-07T02:30-05:00", 1, "2026-03-08T03:30-04:00"),
    (OPEN_WEEKENDS, "2026-03-06T18:00-05:00", 1, "2026-03-08T00:00-05:00"),  # Fri evening: Sat 00:00, then Sun
    # Uniform calendars: N times the day's length of business time (README).
    (UNIFORM, "2026-11-16T09:00-05:00", 1, "2026-11-16T17:00-05:00"),  # Monday's close, not Tuesday 09:00
    (UNIFORM, "2026-11-16T12:00-05:00", 1, "2026-11-17T12:00-05:00"),
    (UNIFORM, "2026-11-20T17:00-05:00", 1, "2026-11-23T17:00-05:00"),
    (UNIFORM, "2026-11-21T12:00-05:00", 1, "2026-11-23T17:00-05:00"),
    (UNIFORM, "2026-11-25T12:00-05:00", 2, "2026-11-30T12:00-05:00"),
    (UNIFORM, "2026-03-06T12:00-05:00", 1, "2026-03-09T12:00-04:00"),  # DST outside hours: 8 real hours
]


@pytest.mark.parametrize(("hours", "start", "n", "expected"), CASES)
def test_n_business_days(hours, start, n, expected):
    result = cal(hours).add_business_days(at(start), n)
    assert result.timestamp() == at(expected).timestamp(), result.isoformat()


@pytest.mark.parametrize(
    ("text", "hours", "start", "expected"),
    [
        ("2 business days", SHORT_FRIDAY, "2026-11-18T15:30-05:00", "2026-11-20T13:00-05:00"),
        ("3 workdays", SHORT_FRIDAY, "2026-11-18T15:30-05:00", "2026-11-23T15:30-05:00"),
        ("1 business day", TUESDAY_BREAK, "2026-11-16T12:45-05:00", "2026-11-17T12:00-05:00"),
        ("2 business days", UNIFORM, "2026-11-16T09:00-05:00", "2026-11-17T17:00-05:00"),
    ],
)
def test_business_days_rules_follow_the_same_choice(text, hours, start, expected):
    due = parse_rule(text).due(at(start), cal(hours))
    assert due.timestamp() == at(expected).timestamp(), due.isoformat()


def test_uniform_and_unequal_calendars_differ_from_the_same_start():
    # Same Monday 09:00 anchor: a uniform day is 8 business hours (Monday 17:00); with a short Friday
    # the wall time is kept (Tuesday 09:00). A mutation treating one like the other is caught here.
    monday = at("2026-11-16T09:00-05:00")
    assert cal(UNIFORM).add_business_days(monday, 1).timestamp() == at("2026-11-16T17:00-05:00").timestamp()
    assert cal(SHORT_FRIDAY).add_business_days(monday, 1).timestamp() == at("2026-11-17T09:00-05:00").timestamp()
