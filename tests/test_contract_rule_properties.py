"""The rules issue 10 corrected, on random cases against references built another way:
SPEC 2.9 (a late acknowledgement never extends an acked-anchored resolution), SPEC 2.12 (a cadence
counts from the severity change that brought it) and SPEC 3 optimy (30 days are calendar days in the
policy's zone, checked against pendulum's calendar arithmetic).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pendulum
import pytest
from conftest import OFFICE_CALENDARS
from hypothesis import given, settings
from hypothesis import strategies as st

from slacli.incidents import Event, record, reported_late
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies, policies_from_document
from slacli.recorded import EventKind

PRESETS = load_policies(SHIPPED_POLICIES)
START = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.integers(0, 2 * 365 * 24 * 60).map(lambda m: START + timedelta(minutes=m))


# -- SPEC 2.9 ------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["critical", "major"]),
    instants,
    st.integers(0, 14 * 24 * 60),
    st.integers(0, 14 * 24 * 60),
)
def test_a_late_acknowledgement_never_moves_the_resolution_later(severity_key, opened, delay, other_delay):
    policy = PRESETS.get("opencraft")
    severity = policy.severity(severity_key)
    response_due = policy.deadlines(severity, opened)[0].at
    assert response_due is not None

    def resolution(acked: datetime) -> datetime:
        due = policy.deadlines(severity, opened, acked)[1].at
        assert due is not None
        return due

    acked, other = opened + timedelta(minutes=delay), opened + timedelta(minutes=other_delay)
    # The anchor is the acknowledgement or the response due, whichever is earlier.
    assert resolution(acked) == resolution(min(acked, response_due))
    assert resolution(acked) <= resolution(response_due)  # never later than an on-time acknowledgement
    if acked <= other:
        assert resolution(acked) <= resolution(other)  # an earlier acknowledgement is never due later


def test_a_late_acknowledgement_in_the_repeated_hour_is_compared_as_an_instant():
    # New York, 1 November 2026, clocks back at 02:00 EDT. Opened 01:20 EDT, response 30 wall
    # minutes: due 01:50 EDT (05:50 UTC). Acknowledged 01:10 EST (fold 1, 06:10 UTC): later than
    # the due instant though earlier on the wall, so the resolution counts from 01:50 EDT.
    ny = ZoneInfo("America/New_York")
    policy = policies_from_document(
        {
            "calendars": {"ny": {"timezone": "America/New_York", "hours": {"mon-sun": "00:00-24:00"}}},
            "policies": {
                "p": {
                    "calendar": "ny",
                    "severities": {"1": {"response": "30m", "resolution": {"rule": "2h", "anchor": "acked"}}},
                }
            },
        },
        Path("policies.toml"),
    ).get("p")
    severity = policy.severity("1")
    opened = datetime(2026, 11, 1, 1, 20, tzinfo=ny)
    acked = datetime(2026, 11, 1, 1, 10, tzinfo=ny, fold=1)
    response, resolution = policy.deadlines(severity, opened, acked)
    assert response.at is not None and resolution.at is not None
    assert response.at.astimezone(UTC) == datetime(2026, 11, 1, 5, 50, tzinfo=UTC)
    assert resolution.anchor_at is response.at and resolution.late_ack is acked
    assert resolution.at.astimezone(UTC) == datetime(2026, 11, 1, 7, 50, tzinfo=UTC)
    on_time = policy.deadlines(severity, opened, datetime(2026, 11, 1, 1, 40, tzinfo=ny))[1]
    assert on_time.late_ack is None and on_time.at is not None
    assert on_time.at.astimezone(UTC) == datetime(2026, 11, 1, 7, 40, tzinfo=UTC)


# -- SPEC 2.12 -----------------------------------------------------------------------------------------

CADENCES = {"1": "30m", "2": "1h", "3": "1h", "4": None}  # 2 and 3 share a cadence; 4 has none
CADENCE_POLICY = policies_from_document(
    {
        "calendars": OFFICE_CALENDARS,
        "policies": {
            "c": {
                "calendar": "office",
                "severities": {
                    key: {"response": "1h", **({"update_every": every} if every else {})}
                    for key, every in CADENCES.items()
                },
            }
        },
    },
    Path("policies.toml"),
).get("c")
MINUTES = {"1": 30, "2": 60, "3": 60, "4": None}


@st.composite
def histories(draw: st.DrawFn) -> tuple[str, list[tuple[int, str, str | None]]]:
    """The opening severity, then (minutes after the previous step, 'severity' or 'update', new one)."""
    first = draw(st.sampled_from(list(CADENCES)))
    steps, current = [], first
    for _ in range(draw(st.integers(0, 8))):
        gap = draw(st.integers(1, 200))
        if draw(st.booleans()):
            new = draw(st.sampled_from([k for k in CADENCES if k != current]))
            steps.append((gap, "severity", new))
            current = new
        else:
            steps.append((gap, "update", None))
    return first, steps


@settings(max_examples=300, deadline=None)
@given(histories())
def test_the_update_due_counts_from_the_change_that_brought_the_cadence(history):
    first, steps = history
    at = datetime(2026, 11, 23, 15, tzinfo=UTC)
    opening = Event(EventKind.OPENED, at, details={"policy": "c", "title": "t", "severity": first})
    state, _ = record(None, opening, CADENCE_POLICY, "d")
    # The reference, forward: the cadence starts at the opening, again at every change to another
    # cadence, and after every update posted under it.
    since, current = at, first
    for gap, kind, new in steps:
        at += timedelta(minutes=gap)
        if kind == "severity":
            event = Event(EventKind.SEVERITY_CHANGED, at, details={"severity": new})
            if MINUTES[new] != MINUTES[current]:
                since = at
            current = new
        else:
            event = Event(EventKind.UPDATE, at, details={"message": "still on it"})
            since = at
        state, _ = record(state, event, CADENCE_POLICY, "d")
    every = MINUTES[current]
    assert state.update_due == (None if every is None else since + timedelta(minutes=every))


# -- SPEC 3, optimy: 30 calendar days -----------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 8 * 365 * 24 * 60), st.integers(-180, 180))
def test_optimys_reporting_window_is_thirty_calendar_days_in_its_zone(started_minutes, offset_minutes):
    policy = PRESETS.get("optimy")
    zone = policy.calendar.zone
    started = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=started_minutes)
    last = pendulum.instance(started).in_timezone(str(zone)).add(days=30)  # pendulum's calendar days
    opened = datetime.fromtimestamp(last.timestamp(), UTC) + timedelta(minutes=offset_minutes)
    assert reported_late(policy, opened, started) == (offset_minutes > 0)


@pytest.mark.parametrize("started", ["2026-10-04T10:00", "2026-10-31T23:30", "2027-02-20T12:00"])
def test_exactly_thirty_days_later_is_on_time_across_a_dst_change(started):
    policy = PRESETS.get("optimy")
    zone = policy.calendar.zone
    begun = datetime.fromisoformat(started).replace(tzinfo=zone)
    last = (begun.replace(tzinfo=None) + timedelta(days=30)).replace(tzinfo=zone)
    assert last.utcoffset() != begun.utcoffset()  # a DST change in between: 30 days are not 720 hours
    assert not reported_late(policy, last, begun)
    assert reported_late(policy, last + timedelta(seconds=1), begun)


def test_a_window_ending_in_the_repeated_hour_runs_to_its_second_occurrence():
    # 30 days after Fri 4 Oct 2024 01:00 EDT is Sun 3 Nov 01:00, which Toronto lives twice: the later one counts.
    policy = PRESETS.get("optimy")
    started = datetime(2024, 10, 4, 5, 0, tzinfo=UTC)  # 01:00 EDT
    second = datetime(2024, 11, 3, 6, 0, tzinfo=UTC)  # 01:00 EST
    assert not reported_late(policy, second, started)
    assert reported_late(policy, second + timedelta(seconds=1), started)
