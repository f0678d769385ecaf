"""Maintenance rules at their edges (SPEC 3 optimy, README "Maintenance and availability").

Regular maintenance at most once per ISO week, the week taken in the policy's zone (Sunday 22:00 in
Toronto is already Monday in UTC), cancelled windows not counted; scheduled and regular windows outside
business hours, a window ending exactly at the opening or starting exactly at the close being outside;
the 5-business-day notice met exactly at the start. Instants are handed to the library in UTC, as the
store does, so a week or a day read off the UTC date is caught. Expected warnings are worked out by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slacli.maintenance import Window, excluded, new_window, notice
from slacli.policy import policies_from_document

TORONTO = ZoneInfo("America/Toronto")


def policy(per_week: int = 1, outside_hours: bool = True):
    document = {
        "calendars": {
            "toronto": {
                "timezone": "America/Toronto",
                "hours": {"mon-fri": "09:00-17:30"},
                "holidays": {"country": "CA"},
            }
        },
        "policies": {
            "optimy": {
                "calendar": "toronto",
                "availability": {"target": 99.9, "exclude_maintenance": ["scheduled", "regular", "emergency"]},
                "maintenance": {
                    "notice": "5 business days",
                    "outside_hours": outside_hours,
                    "regular_per_week": per_week,
                },
                "severities": {"high": {"downtime": 1}},
            }
        },
    }
    return policies_from_document(document, Path("optimy.toml")).get("optimy")


OPTIMY = policy()


def utc(text: str) -> datetime:
    """Toronto wall time, handed over in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=TORONTO).astimezone(UTC)


def window(start: str, end: str, kind: str = "regular", status: str = "scheduled") -> Window:
    return Window(policy="optimy", kind=kind, status=status, start=utc(start), end=utc(end), announced=None)


def add(start: str, end: str, others: list[Window], kind: str | None = "regular", rules=OPTIMY) -> Window:
    announced = utc("2026-01-05T09:00")
    return new_window(
        rules,
        utc(start),
        utc(end),
        kind=kind,
        announced=announced,
        now=announced,
        title="",
        service=None,
        others=others,
    )


TUESDAY = window("2026-11-17T20:00", "2026-11-17T22:00")  # ISO week 47
SUNDAY_NIGHT = window("2026-11-22T22:00", "2026-11-22T23:30")  # still week 47 in Toronto, week 48 in UTC
TWICE_IN_47 = "regular maintenance 2 times in ISO week 2026-W47 (the policy allows 1)"


@pytest.mark.parametrize(
    ("start", "end", "others", "expected"),
    [
        ("2026-11-22T22:00", "2026-11-22T23:30", [TUESDAY], [TWICE_IN_47]),  # Sunday night: same week
        ("2026-11-17T20:00", "2026-11-17T22:00", [SUNDAY_NIGHT], [TWICE_IN_47]),
        ("2026-11-23T20:00", "2026-11-23T22:00", [SUNDAY_NIGHT], []),  # Monday: the next week
        ("2026-11-23T00:00", "2026-11-23T01:00", [SUNDAY_NIGHT], []),  # Monday 00:00 starts week 48
        ("2026-11-22T23:59", "2026-11-23T00:30", [TUESDAY], [TWICE_IN_47]),  # the start decides the week
        ("2026-11-22T22:00", "2026-11-22T23:30", [TUESDAY._replace(status="cancelled")], []),
        ("2026-11-22T22:00", "2026-11-22T23:30", [TUESDAY._replace(kind="scheduled")], []),
        ("2026-11-22T22:00", "2026-11-22T23:30", [TUESDAY._replace(kind="emergency")], []),
        ("2026-11-22T22:00", "2026-11-22T23:30", [TUESDAY._replace(status="completed")], [TWICE_IN_47]),
        ("2026-11-22T22:00", "2026-11-22T23:30", [window("2026-11-15T22:00", "2026-11-15T23:00")], []),  # week 46
        ("2026-11-22T22:00", "2026-11-22T23:30", [], []),
    ],
)
def test_regular_maintenance_once_per_iso_week_in_the_policy_zone(start, end, others, expected):
    assert list(add(start, end, others).warnings) == expected


def test_the_allowance_counts_the_windows_already_in_the_week():
    twice = policy(per_week=2)
    wednesday = window("2026-11-18T20:00", "2026-11-18T21:00")
    assert list(add("2026-11-22T22:00", "2026-11-22T23:00", [TUESDAY], rules=twice).warnings) == []
    assert list(add("2026-11-22T22:00", "2026-11-22T23:00", [TUESDAY, wednesday], rules=twice).warnings) == [
        "regular maintenance 3 times in ISO week 2026-W47 (the policy allows 2)"
    ]
    cancelled = wednesday._replace(status="cancelled")
    assert list(add("2026-11-22T22:00", "2026-11-22T23:00", [TUESDAY, cancelled], rules=twice).warnings) == []


def test_a_scheduled_window_is_not_held_to_the_regular_allowance():
    assert list(add("2026-11-22T22:00", "2026-11-22T23:00", [TUESDAY], kind="scheduled").warnings) == []


@pytest.mark.parametrize(
    ("start", "end", "kind", "expected"),
    [
        ("2026-11-23T07:00", "2026-11-23T09:00", "regular", []),  # ends exactly at the opening
        ("2026-11-23T07:00", "2026-11-23T09:01", "regular", ["regular maintenance overlaps business hours by 1m"]),
        ("2026-11-23T17:30", "2026-11-23T19:00", "scheduled", []),  # starts exactly at the close
        ("2026-11-23T17:29", "2026-11-23T19:00", "scheduled", ["scheduled maintenance overlaps business hours by 1m"]),
        ("2026-11-23T12:00", "2026-11-23T13:00", "emergency", []),  # emergency work may run in hours
        ("2026-04-03T10:00", "2026-04-03T12:00", "scheduled", []),  # Good Friday: not a business day
        ("2026-11-20T17:00", "2026-11-23T09:30", "scheduled", ["scheduled maintenance overlaps business hours by 1h"]),
    ],
)
def test_outside_business_hours_at_the_open_and_close_instants(start, end, kind, expected):
    assert list(add(start, end, [], kind=kind).warnings) == expected


def test_outside_hours_not_asked_for_warns_nothing():
    relaxed = policy(outside_hours=False)
    assert list(add("2026-11-23T12:00", "2026-11-23T13:00", [], kind="scheduled", rules=relaxed).warnings) == []


@pytest.mark.parametrize(
    ("announced", "start", "kind"),
    [
        # Announced at Monday's close (out of hours): 5 x 8h30 business time from Tuesday 09:00 ends at
        # the next Monday's close, 17:30.
        ("2026-11-16T17:30", "2026-11-23T17:30:00", "scheduled"),
        ("2026-11-16T17:30", "2026-11-23T17:29:59", "emergency"),
        ("2026-11-20T12:00", "2026-11-27T12:00:00", "scheduled"),  # Friday noon to Friday noon
        ("2026-11-20T12:00", "2026-11-27T11:59:59", "emergency"),
        ("2026-03-30T12:00", "2026-04-07T12:00:00", "scheduled"),  # Good Friday (3 April) is not a business day
        ("2026-03-30T12:00", "2026-04-07T11:59:59", "emergency"),
    ],
)
def test_notice_of_exactly_five_business_days_is_enough(announced, start, kind):
    assert notice(OPTIMY, utc(start), utc(announced)).kind == kind


def test_an_explicit_kind_contradicted_by_the_notice_is_warned():
    start, end, told = utc("2026-11-23T20:00"), utc("2026-11-23T21:00"), utc("2026-11-20T12:00")
    late = new_window(OPTIMY, start, end, kind="scheduled", announced=told, now=told, title="", service=None, others=[])
    assert late.kind == "scheduled"
    assert late.warnings[0] == "announced with less notice than policy optimy asks: that makes it emergency"
    told_as_emergency = new_window(
        OPTIMY, start, end, kind="emergency", announced=told, now=told, title="", service=None, others=[]
    )
    assert told_as_emergency.warnings == ()


def test_excluded_keeps_the_planned_times_of_the_kinds_asked_for_and_drops_cancelled_ones():
    windows = [
        TUESDAY,
        SUNDAY_NIGHT._replace(kind="emergency"),
        window("2026-11-24T20:00", "2026-11-24T21:00", kind="scheduled", status="cancelled"),
        window("2026-11-25T20:00", "2026-11-25T21:00", kind="scheduled", status="completed"),
    ]
    found = excluded(windows, ["scheduled", "regular"])
    expected = [utc("2026-11-17T20:00"), utc("2026-11-17T22:00"), utc("2026-11-25T20:00"), utc("2026-11-25T21:00")]
    assert found == [
        (expected[0].timestamp(), expected[1].timestamp()),
        (expected[2].timestamp(), expected[3].timestamp()),
    ]


# -- through the CLI: the neighbours come from the store ------------------------------------------------


@pytest.fixture
def database(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))


def cli_add(cli, start: str, end: str) -> dict:
    args = ("maintenance", "add", "--policy", "optimy", "--start", start, "--end", end, "--kind", "regular")
    return json.loads(cli(*args, "--announced", "2026-10-01T09:00", "--format", "json").stdout)


def test_cli_counts_the_week_in_toronto_and_skips_cancelled_windows(cli, database):
    monday = cli_add(cli, "2026-11-16T20:00", "2026-11-16T21:00")  # ISO week 47
    assert monday["warnings"] == []
    cli("maintenance", "cancel", str(monday["id"]))
    assert cli_add(cli, "2026-11-22T22:00", "2026-11-22T23:00")["warnings"] == []  # the cancelled one is gone
    again = cli_add(cli, "2026-11-17T20:00", "2026-11-17T21:00")
    assert again["warnings"] == [TWICE_IN_47]
    assert cli_add(cli, "2026-11-23T20:00", "2026-11-23T21:00")["warnings"] == []  # week 48


def test_cli_refuses_a_maintenance_event_before_the_previous_one(cli, database):
    number = str(cli_add(cli, "2026-11-28T22:00", "2026-11-29T01:00")["id"])
    cli("maintenance", "start", number)  # now
    cli("maintenance", "complete", number, "--at", "2026-11-01T00:00", code=2)  # before the start
