"""Exact behaviour, edges and texts of slacli.rules and slacli.periods: the explanation texts of each
rule kind, ordinals, and the months a trend walks back over.

Every expected value is worked out by hand in the comments. The calendar is New York,
Monday to Friday 09:00-17:00 (8 hours a day), no holidays; November 2026 is EST (UTC-5).
Monday 23 November 2026 is a Monday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slacli.calendars import Calendar, WeeklyHours
from slacli.periods import months_back
from slacli.rules import (
    BusinessDays,
    BusinessDuration,
    EndOfBusinessDay,
    NextBusinessDayAt,
    WallDuration,
    _ordinal,
)

NY = ZoneInfo("America/New_York")
NINE_TO_FIVE = ((540, 1020),)
OFFICE = Calendar("office", NY, WeeklyHours((NINE_TO_FIVE,) * 5 + ((), ())))
# Friday 09:00-13:00 only: open weekdays differ, so business days are not a fixed length.
SHORT_FRIDAY = Calendar("short", NY, WeeklyHours((NINE_TO_FIVE,) * 4 + (((540, 780),), (), ())))


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
        (11, "11th"), (12, "12th"), (13, "13th"),  # the teens are all "th"
        (21, "21st"), (22, "22nd"), (23, "23rd"),
        (111, "111th"), (121, "121st"),  # the tens digit of n % 100 decides, not of n % 101
        (1001, "1001st"),  # n % 100 is 1: not a teen, although n / 100 is 10.01
    ],
)  # fmt: skip
def test_ordinals(n, text):
    assert _ordinal(n) == text


def test_wall_duration_explains_in_the_calendar_zone():
    # Mon 10:00 EST + 4 wall hours = Mon 14:00 EST (19:00 UTC: the zone is what is shown).
    rule = WallDuration("4h", timedelta(hours=4))
    due = ny(23, 14).astimezone(UTC)
    assert rule.explain(ny(23, 10), OFFICE, due) == "+4h wall = Mon 23 Nov 14:00 EST"


def test_business_time_that_is_not_whole_hours_is_shown_as_a_duration():
    # In hours at Mon 10:00: no "next opening" note; 90 minutes is 1.5 hours, shown as 1h 30m.
    rule = BusinessDuration("90 business minutes", timedelta(minutes=90))
    assert rule.explain(ny(23, 10), OFFICE, ny(23, 11, 30)) == "+1h 30m business = Mon 23 Nov 11:30 EST"


def test_whole_business_hours_from_out_of_hours_name_the_next_opening():
    # Sat 21 Nov 12:00 is out of hours: counting starts at Mon 23 Nov 09:00; +4h = 13:00.
    rule = BusinessDuration("4 business hours", timedelta(hours=4))
    assert rule.explain(ny(21, 12), OFFICE, ny(23, 13)) == (
        "next opening Mon 23 Nov 09:00 EST; +4 business hours = Mon 23 Nov 13:00 EST"
    )


def test_business_days_say_their_length_only_on_a_uniform_calendar():
    rule = BusinessDays("2 business days", 2)
    # Uniform: 2 x 8h from Mon 10:00 = Wed 25 Nov 10:00, "of 8h".
    assert rule.explain(ny(23, 10), OFFICE, ny(25, 10)) == "+2 business days of 8h = Wed 25 Nov 10:00 EST"
    # Short Friday: no single day length to name; the due shown is in New York time (UTC given).
    due = ny(25, 10).astimezone(UTC)
    assert rule.explain(ny(23, 10), SHORT_FRIDAY, due) == "+2 business days = Wed 25 Nov 10:00 EST"


def test_next_business_day_at_prints_hours_and_minutes():
    # 09:05 is minute 545: 545 // 60 = 9, 545 % 60 = 5. Mon 10:00 -> Tue 24 Nov 09:05.
    rule = NextBusinessDayAt("next business day 09:05", 545)
    due = ny(24, 9, 5).astimezone(UTC)
    assert rule.explain(ny(23, 10), OFFICE, due) == "next business day at 09:05 = Tue 24 Nov 09:05 EST"


def test_end_of_business_day_texts():
    due = ny(23, 17).astimezone(UTC)
    assert EndOfBusinessDay("eod", 0).explain(ny(23, 10), OFFICE, due) == "end of business day = Mon 23 Nov 17:00 EST"
    # after = 1 is the next business day: Tue 24 Nov 17:00.
    due = ny(24, 17).astimezone(UTC)
    assert EndOfBusinessDay("eonbd", 1).explain(ny(23, 10), OFFICE, due) == (
        "end of 1st business day after = Tue 24 Nov 17:00 EST"
    )


def test_months_back_crosses_the_new_year_in_the_policys_zone():
    # 1 March 2026 02:00 UTC is 28 February 21:00 in New York (EST): February is the last month.
    until = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    labels = [p.label for p in months_back(4, until, NY)]
    assert labels == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert [(p.year, p.number) for p in months_back(2, until, NY)] == [(2026, 1), (2026, 2)]
