"""Business time and target rules at their edges (SPEC 2.1, 2.2, 2.5, 2.6, README "Landing on a close", "DST").

Exact open and close instants, one second either side, DST start (2026-03-08) and end (2026-11-01) in
New York, and anchors in the evening local time, which are already the next day in UTC: the local date
decides "next business day" and "end of business day", never the UTC one. Anchors are given in UTC on
purpose so that a rule reading ``anchor.date()`` or a UTC date is caught. Expected values are worked
out by hand; a minute-by-minute brute force is the reference for the random DST cases.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slacli.calendars import Calendar, WeeklyHours, always_open
from slacli.rules import parse_rule

NY = ZoneInfo("America/New_York")
NINE_TO_FIVE = ((9 * 60, 17 * 60),)
WEEKDAYS_9_17 = WeeklyHours((NINE_TO_FIVE,) * 5 + ((), ()))
# Sunday 01:00-04:00 holds the DST change inside open hours (02:00 both ways in New York).
SUNDAY_NIGHT = WeeklyHours((NINE_TO_FIVE,) * 5 + ((), ((60, 240),)))
# Sunday opening at 02:30, inside the spring-forward gap: it moves forward to 03:30 EDT.
SUNDAY_GAP = WeeklyHours(((),) * 6 + (((150, 300),),))
LATE_CLOSE = WeeklyHours((((9 * 60, 23 * 60),),) * 5 + ((), ()))


def at(text: str) -> datetime:
    """An instant from ISO text with an offset."""
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None
    return parsed


def same_instant(actual: datetime, expected: str) -> bool:
    # Timestamps: aware datetimes of one zone compare by wall time, blind to the fold.
    return actual.timestamp() == at(expected).timestamp()


def cal(hours: WeeklyHours = WEEKDAYS_9_17, **options) -> Calendar:
    return Calendar("test", NY, hours, **options)


ADD_CASES = [
    # (start, business time, expected)
    ("2026-11-23T09:00-05:00", timedelta(0), "2026-11-23T09:00-05:00"),
    ("2026-11-23T16:59:59-05:00", timedelta(seconds=1), "2026-11-23T17:00:00-05:00"),  # the close, not Tue 09:00
    ("2026-11-23T17:00-05:00", timedelta(0), "2026-11-23T17:00-05:00"),  # zero: the anchor, even out of hours
    ("2026-11-23T17:00-05:00", timedelta(seconds=1), "2026-11-24T09:00:01-05:00"),
    ("2026-11-23T08:59:59-05:00", timedelta(seconds=1), "2026-11-23T09:00:01-05:00"),
    ("2026-11-23T09:00-05:00", timedelta(hours=8, seconds=1), "2026-11-24T09:00:01-05:00"),
    ("2026-11-20T17:00-05:00", timedelta(hours=8), "2026-11-23T17:00-05:00"),  # Friday close to Monday close
    ("2026-03-06T16:00-05:00", timedelta(hours=2), "2026-03-09T10:00-04:00"),  # across the spring change
    ("2026-10-30T16:00-04:00", timedelta(hours=2), "2026-11-02T10:00-05:00"),  # across the autumn change
]


@pytest.mark.parametrize(("start", "duration", "expected"), ADD_CASES)
def test_add_at_open_and_close_instants(start, duration, expected):
    result = cal().add(at(start), duration)
    assert same_instant(result, expected), result.isoformat()


ELAPSED_CASES = [
    ("2026-11-23T09:00-05:00", "2026-11-23T17:00-05:00", timedelta(hours=8)),
    ("2026-11-23T17:00-05:00", "2026-11-24T09:00-05:00", timedelta(0)),
    ("2026-11-23T16:59-05:00", "2026-11-24T09:01-05:00", timedelta(minutes=2)),
    ("2026-11-24T09:01-05:00", "2026-11-23T16:59-05:00", -timedelta(minutes=2)),
    ("2026-11-23T08:59:59-05:00", "2026-11-23T09:00-05:00", timedelta(0)),
    ("2026-11-23T17:00-05:00", "2026-11-23T17:00:01-05:00", timedelta(0)),
    ("2026-03-06T15:00-05:00", "2026-03-09T10:00-04:00", timedelta(hours=3)),  # DST outside hours: nothing
    ("2026-10-30T16:00-04:00", "2026-11-02T09:00-05:00", timedelta(hours=1)),
]


@pytest.mark.parametrize(("a", "b", "expected"), ELAPSED_CASES)
def test_elapsed_at_open_and_close_instants(a, b, expected):
    assert cal().elapsed(at(a), at(b)) == expected


def test_open_close_and_next_open_ties():
    c = cal()
    assert c.is_open(at("2026-11-23T09:00-05:00")) and not c.is_open(at("2026-11-23T17:00-05:00"))
    assert same_instant(c.next_open(at("2026-11-23T17:00-05:00")), "2026-11-24T09:00-05:00")
    assert same_instant(c.next_open(at("2026-11-23T09:00-05:00")), "2026-11-23T09:00-05:00")
    assert same_instant(c.next_open(at("2026-11-23T08:59:59-05:00")), "2026-11-23T09:00-05:00")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-03-08T00:00-05:00", "2026-03-08T12:00-04:00", timedelta(hours=2)),  # 01:00-04:00 is 2 real hours
        ("2026-11-01T00:00-04:00", "2026-11-01T12:00-05:00", timedelta(hours=4)),  # and 4 on the fall-back day
        ("2026-03-08T01:30-05:00", "2026-03-08T03:30-04:00", timedelta(hours=1)),
        ("2026-11-01T01:30-04:00", "2026-11-01T01:30-05:00", timedelta(hours=1)),  # the repeated hour counts twice
    ],
)
def test_dst_change_inside_open_hours_changes_the_day_length(a, b, expected):
    assert cal(SUNDAY_NIGHT).elapsed(at(a), at(b)) == expected


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2026-03-08T01:00-05:00", timedelta(hours=1), "2026-03-08T03:00-04:00"),
        ("2026-03-08T01:00-05:00", timedelta(hours=2), "2026-03-08T04:00-04:00"),
        ("2026-03-08T01:00-05:00", timedelta(hours=2, minutes=1), "2026-03-09T09:01-04:00"),
        ("2026-11-01T01:00-04:00", timedelta(hours=2), "2026-11-01T02:00-05:00"),
        ("2026-11-01T01:00-04:00", timedelta(hours=1), "2026-11-01T01:00-05:00"),
        ("2026-11-01T01:00-04:00", timedelta(hours=4), "2026-11-01T04:00-05:00"),
    ],
)
def test_add_across_a_dst_change_inside_open_hours(start, duration, expected):
    result = cal(SUNDAY_NIGHT).add(at(start), duration)
    assert same_instant(result, expected), result.isoformat()


def test_an_opening_in_the_spring_gap_moves_forward_by_the_gap():
    c = cal(SUNDAY_GAP)  # Sunday 02:30-05:00: on 8 March it opens at 03:30 EDT
    assert same_instant(c.next_open(at("2026-03-08T00:00-05:00")), "2026-03-08T03:30-04:00")
    assert c.elapsed(at("2026-03-08T00:00-05:00"), at("2026-03-09T00:00-04:00")) == timedelta(hours=1, minutes=30)
    assert c.elapsed(at("2026-11-01T00:00-04:00"), at("2026-11-02T00:00-05:00")) == timedelta(hours=2, minutes=30)


def test_24x7_is_wall_time_across_both_changes():
    c = always_open(NY)
    assert same_instant(c.add(at("2026-03-07T12:00-05:00"), timedelta(hours=24)), "2026-03-08T13:00-04:00")
    assert c.elapsed(at("2026-11-01T00:00-04:00"), at("2026-11-02T00:00-05:00")) == timedelta(hours=25)


# -- a minute-by-minute reference around the DST days -------------------------------------------------


def brute_open(hours: WeeklyHours, ts: int) -> bool:
    """Whether the minute starting at ``ts`` is in hours, read off the local wall clock."""
    local = datetime.fromtimestamp(ts, NY)
    minute = local.hour * 60 + local.minute
    return any(o <= minute < e for o, e in hours.days[local.weekday()])


def brute_elapsed(hours: WeeklyHours, a: int, b: int) -> int:
    return sum(60 for ts in range(a, b, 60) if brute_open(hours, ts))


def brute_add(hours: WeeklyHours, t: int, seconds: int) -> int:
    counted = 0
    while counted < seconds:
        if brute_open(hours, t):
            counted += 60
        t += 60
    return t


@pytest.mark.parametrize("hours", [WEEKDAYS_9_17, SUNDAY_NIGHT], ids=["weekdays", "sunday-night"])
@pytest.mark.parametrize("day", ["2026-03-08", "2026-11-01"])
def test_elapsed_and_add_match_a_brute_force_around_dst(hours, day):
    c = cal(hours)
    rng = random.Random(f"{day}{hours.describe()}")
    middle = int(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC).timestamp())
    for _ in range(40):
        a = middle + 60 * rng.randrange(-3 * 1440, 2 * 1440)
        b = a + 60 * rng.randrange(0, 2 * 1440)
        assert c.elapsed_seconds(a, b) == brute_elapsed(hours, a, b), (a, b)
        d = 60 * rng.randrange(1, 10 * 60)
        expected = brute_add(hours, a, d)
        assert c.add(datetime.fromtimestamp(a, UTC), timedelta(seconds=d)).timestamp() == expected, (a, d)


# -- rules: the local date decides (SPEC 2.5, 2.6) ------------------------------------------------------

RULE_CASES = [
    # (rule, hours, anchor in UTC, expected due); comments give the anchor in New York
    ("next business day 09:00", WEEKDAYS_9_17, "2026-11-24T01:30+00:00", "2026-11-24T09:00-05:00"),  # Mon 20:30
    ("next business day 09:00", WEEKDAYS_9_17, "2026-11-23T05:00+00:00", "2026-11-24T09:00-05:00"),  # Mon 00:00
    ("next business day 09:00", WEEKDAYS_9_17, "2026-11-23T04:59:59+00:00", "2026-11-23T09:00-05:00"),  # Sun
    ("next business day 12:00", WEEKDAYS_9_17, "2026-11-26T01:00+00:00", "2026-11-27T12:00-05:00"),  # Wed 20:00
    ("next business day 09:00", WEEKDAYS_9_17, "2026-03-07T01:00+00:00", "2026-03-09T09:00-04:00"),  # Fri 20:00
    ("next business day 02:30", WeeklyHours((((0, 1440),),) * 7), "2026-03-07T12:00+00:00", "2026-03-08T03:30-04:00"),
    ("end of 1st business day", WEEKDAYS_9_17, "2026-11-24T01:30+00:00", "2026-11-24T17:00-05:00"),  # Mon 20:30
    ("end of the 3rd business day after", WEEKDAYS_9_17, "2026-11-24T01:30+00:00", "2026-11-27T17:00-05:00"),
    ("end of business day", LATE_CLOSE, "2026-11-24T01:30+00:00", "2026-11-23T23:00-05:00"),  # Mon 20:30, open
    ("end of business day", LATE_CLOSE, "2026-11-28T01:30+00:00", "2026-11-27T23:00-05:00"),  # Fri 20:30, open
    ("end of business day", LATE_CLOSE, "2026-11-24T04:00+00:00", "2026-11-24T23:00-05:00"),  # Mon 23:00 = close
    ("end of business day", WEEKDAYS_9_17, "2026-11-23T21:59:59+00:00", "2026-11-23T17:00-05:00"),  # 16:59:59
    ("end of business day", WEEKDAYS_9_17, "2026-11-23T22:00+00:00", "2026-11-24T17:00-05:00"),  # 17:00 exactly
    ("end of business day", WEEKDAYS_9_17, "2026-11-26T15:00+00:00", "2026-11-27T17:00-05:00"),  # Thanksgiving
    ("end of business day", WEEKDAYS_9_17, "2026-11-23T13:00+00:00", "2026-11-23T17:00-05:00"),  # Mon 08:00
    ("24h", WEEKDAYS_9_17, "2026-03-07T17:00+00:00", "2026-03-08T13:00-04:00"),  # Sat 12:00 EST: real hours
    ("2d", WEEKDAYS_9_17, "2026-10-31T16:00+00:00", "2026-11-02T11:00-05:00"),  # Sat 12:00 EDT + 48 h
]


@pytest.mark.parametrize(("text", "hours", "anchor", "expected"), RULE_CASES)
def test_rules_read_the_anchor_in_the_calendar_zone(text, hours, anchor, expected):
    thanksgiving = {date(2026, 11, 26): "Thanksgiving"}
    rule = parse_rule(text)
    due = rule.due(at(anchor), cal(hours, extra=thanksgiving))
    assert same_instant(due, expected), due.isoformat()
