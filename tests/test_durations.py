"""Durations as people read them (slacli.instants.format_duration, slacli.views.clocks texts),
and the due board and the breach list counting one clock alike, as properties over random
incidents (issue 11)."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS, tracker_over
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slacli.errors import InputError
from slacli.instants import format_duration, parse_duration
from slacli.recorded import EventKind as K
from slacli.tracker import Tracker
from slacli.views.board import breaches, due_board
from slacli.views.clocks import late_text
from slacli.vocabulary import ClockKind

B, W = ClockKind.BUSINESS, ClockKind.WALL


@pytest.mark.parametrize(
    ("duration", "plain", "business", "wall"),
    [
        (timedelta(0), "0m", "0m business", "0m wall"),
        (timedelta(seconds=45), "45s", "45s business", "45s wall"),  # seconds only under a minute
        (timedelta(seconds=59.4), "59s", "59s business", "59s wall"),
        (timedelta(seconds=59.6), "1m", "1m business", "1m wall"),  # to the second first: 60 s
        (timedelta(minutes=1, seconds=59), "1m", "1m business", "1m wall"),  # whole minutes past one
        (timedelta(hours=3), "3h", "3h business", "3h wall"),  # zero parts left out
        (timedelta(hours=2, minutes=5), "2h 5m", "2h 5m business", "2h 5m wall"),
        (timedelta(hours=24), "1d", "24h business", "1d wall"),  # business time has no days
        (timedelta(days=1, minutes=5), "1d 5m", "24h 5m business", "1d 5m wall"),
        (timedelta(hours=168, minutes=25, seconds=6), "7d 25m", "168h 25m business", "7d 25m wall"),
        (timedelta(days=2, hours=3, minutes=15), "2d 3h 15m", "51h 15m business", "2d 3h 15m wall"),
    ],
)
def test_a_duration_reads_in_days_hours_and_minutes(duration, plain, business, wall):
    assert (format_duration(duration), format_duration(duration, B), format_duration(duration, W)) == (
        plain,
        business,
        wall,
    )


def test_a_negative_duration_is_said_in_words_by_the_caller():
    with pytest.raises(ValueError, match="in words"):
        format_duration(timedelta(minutes=-5))


@given(st.integers(0, 100 * 366 * 86400))
def test_the_text_reads_back_as_the_duration_to_the_minute(seconds):
    """What people read parses back (``slacli`` accepts ``2d 3h 15m``) to the duration with
    the seconds past the first minute dropped, never more."""
    d = timedelta(seconds=seconds)
    expected = seconds if seconds < 60 else seconds - seconds % 60
    for counts in (None, W, B):
        text = format_duration(d, counts).removesuffix(f" {counts}")
        assert parse_duration(text).total_seconds() == (expected or 0)
        assert "-" not in text and "  " not in text


def test_a_business_clock_late_only_outside_business_hours_says_so_in_real_time():
    assert late_text(timedelta(hours=16), timedelta(0), B) == "16h wall, after hours"
    assert late_text(timedelta(hours=16), timedelta(minutes=5), B) == "5m business"
    assert late_text(timedelta(hours=16), timedelta(hours=16), W) == "16h wall"


def test_a_business_clock_due_at_the_next_opening_says_how_far_off_in_real_time(cli, database):
    # opencraft critical: response by the next business day 09:00; opened Fri 18:00, on the board
    # Sat 12:00 it has no business time left yet is 45 real hours from due, not "0m business".
    cli("open", "Weekend", "--policy", "opencraft", "--severity", "critical", "--at", "2026-11-27T18:00", "-q")
    rows = json.loads(cli("due", "--policy", "opencraft", "--at", "2026-11-28T12:00", "-f", "json").stdout)
    response = next(r for r in rows if r["clock"] == "response")
    assert (response["left_business_minutes"], response["left_minutes"]) == (0, 45 * 60)
    assert response["left"] == "1d 21h wall, due at the opening"
    rows = json.loads(cli("due", "--policy", "opencraft", "--at", "2026-11-30T08:00", "-f", "json").stdout)
    assert next(r for r in rows if r["clock"] == "response")["left"] == "1h wall, due at the opening"
    rows = json.loads(cli("due", "--policy", "opencraft", "--at", "2026-11-30T08:59:30", "-f", "json").stdout)
    assert next(r for r in rows if r["clock"] == "response")["left"] == "30s wall, due at the opening"


# -- the due board and breaches: one clock ---------------------------------------------------

NY = ZoneInfo("America/New_York")
OPENED = datetime(2026, 11, 20, 15, 0, tzinfo=NY)  # Friday 15:00: weekends and nights come soon
DOCUMENT = {
    "calendars": OFFICE_CALENDARS,
    "policies": {
        "p": {
            "calendar": "office",
            "severities": {
                # wall response, business resolution from the acknowledgement, hourly updates
                "1": {"response": "2h", "resolution": {"rule": "8 business hours", "anchor": "acked"}},
                "2": {"response": "4 business hours", "resolution": "end of business day", "update_every": "1h"},
                "3": {"response": "next business day 09:00", "resolution": "3 business days", "update_every": "3h"},
            },
        }
    },
}
LATER = [K.ACKNOWLEDGED, K.PAUSED, K.RESUMED, K.UPDATE, K.RESOLVED, K.REOPENED, K.SEVERITY_CHANGED]
DETAILS = {K.PAUSED: {"reason": "r"}, K.UPDATE: {"message": "m"}}
histories = st.lists(st.tuples(st.sampled_from(LATER), st.integers(0, 48 * 60), st.sampled_from("123")), max_size=6)
incidents = st.lists(st.tuples(st.sampled_from("123"), st.integers(0, 72 * 60), histories), min_size=1, max_size=3)


def build(tracker: Tracker, specs: list[tuple[str, int, list[tuple[K, int, str]]]]) -> datetime:
    """Open each incident ``specs`` describes and record its events (each minutes after the
    previous, the refused skipped); the instant of the last event."""
    last = OPENED
    for severity, offset, events in specs:
        at = OPENED + timedelta(minutes=offset)
        found = tracker.open("t", "p", severity, at=at, author="ann").incident.id
        for kind, minutes, new_severity in events:
            at += timedelta(minutes=minutes)
            details = {"severity": new_severity} if kind == K.SEVERITY_CHANGED else DETAILS.get(kind, {})
            try:
                tracker.act(found, kind, at=at, author="bob", **details)
            except InputError:  # resolve twice, resume unpaused...: not recorded
                continue
        last = max(last, at)
    return last


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incidents, st.integers(0, 5 * 24 * 60))
def test_an_overdue_clock_on_the_due_board_is_its_open_breach(specs, look):
    """For every as-of instant, the due board's overdue clocks and the breach list's open
    rows are the same clocks: same incident and target, due instant, amount late in words
    and in minutes (real and business); and the default list is exactly the open rows of
    the list with a range that starts before everything."""
    with tempfile.TemporaryDirectory() as directory:
        tracker = tracker_over(DOCUMENT, Path(directory), OPENED + timedelta(days=400))
        as_of = build(tracker, specs) + timedelta(minutes=look)
        board = due_board(tracker, as_of, None, None)
        overdue = {
            (r["id"], r["clock"]): (
                r["due"],
                r["left"].removeprefix("overdue by "),
                -r["left_minutes"],
                None if r["left_business_minutes"] is None else -r["left_business_minutes"],
                r["counts"],
            )
            for r in board
            if r["left"].startswith("overdue by ")
        }
        assert {k for k, (due, *_) in overdue.items() if due < as_of} == set(overdue)  # words agree with minutes
        now = breaches(tracker, as_of, None, None, None)
        assert {
            (r["id"], r["target"]): (r["due"], r["late_by"], r["late_minutes"], r["late_business_minutes"], r["counts"])
            for r in now
        } == overdue
        assert all(r["open"] and r["status"] == "breached" for r in now)
        everything = breaches(tracker, as_of, OPENED - timedelta(days=1), None, None)
        assert [r for r in everything if r["open"]] == now
        assert all(r["status"] in ("met late", "breached") for r in everything)
