"""Exact behaviour, edges and texts of slacli.incidents: the status a pause and a resume leave, the
refusals' messages, and the clock each due instant is moved by when an event is judged
during a pause (business time for business rules, real time for wall rules and updates).

The policy: New York, Monday to Friday 09:00-17:00, no holidays; severity 1 responds in
4 business hours, resolves in 2 wall days, posts an update every hour. November 2026 is
EST (UTC-5); Monday 23 November 2026 is a Monday.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS

from slacli.errors import InputError
from slacli.incidents import Event, record, replay
from slacli.policy import policies_from_document
from slacli.recorded import EventKind, Status
from slacli.views.clocks import clocks
from slacli.vocabulary import TargetName

NY = ZoneInfo("America/New_York")
K = EventKind
DOCUMENT = {
    "calendars": OFFICE_CALENDARS,
    "policies": {
        "p": {
            "calendar": "office",
            "severities": {
                "1": {"response": "4 business hours", "resolution": "2d", "update_every": "1h"},
                "2": {"response": "2h", "resolution": {"rule": "8 business hours", "anchor": "acked"}},
            },
        }
    },
}


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY).astimezone(UTC)


def opened(day: int = 23, hour: int = 10, severity: str = "1") -> Event:
    return Event(K.OPENED, ny(day, hour), details={"policy": "p", "title": "t", "severity": severity})


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    return policies_from_document(DOCUMENT, tmp_path_factory.mktemp("p") / "policies.toml").get("p")


def test_a_pause_sets_the_status_and_a_resume_restores_it():
    assert replay([opened(), Event(K.PAUSED, ny(23, 11))]).status == Status.PAUSED
    resumed = replay([opened(), Event(K.PAUSED, ny(23, 11)), Event(K.RESUMED, ny(23, 12))])
    assert resumed.status == Status.OPEN  # never acknowledged
    acked = replay(
        [opened(), Event(K.ACKNOWLEDGED, ny(23, 10, 30)), Event(K.PAUSED, ny(23, 11)), Event(K.RESUMED, ny(23, 12))]
    )
    assert acked.status == Status.ACKNOWLEDGED
    # Acknowledged while paused: still paused.
    assert replay([opened(), Event(K.PAUSED, ny(23, 11)), Event(K.ACKNOWLEDGED, ny(23, 12))]).status == Status.PAUSED


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "an incident without events"),
        ([Event(K.PAUSED, ny(23, 11)), Event(K.PAUSED, ny(23, 12))], "the incident is already paused"),
        ([Event(K.RESUMED, ny(23, 11))], "the incident is not paused"),
        ([Event(K.RESOLVED, ny(23, 11)), Event(K.PAUSED, ny(23, 12))], "cannot pause a resolved incident"),
        ([Event(K.RESOLVED, ny(23, 11)), Event(K.UPDATE, ny(23, 12))], "cannot post an update to a resolved incident"),
        (
            [Event(K.RESOLVED, ny(23, 11)), Event(K.SEVERITY_CHANGED, ny(23, 12), details={"severity": "1"})],
            "cannot change the severity of a resolved incident",
        ),
        ([Event(K.REOPENED, ny(23, 11))], "only a resolved incident can be reopened"),
        ([Event(K.RESOLVED, ny(23, 11)), Event(K.ACKNOWLEDGED, ny(23, 12))], "cannot acknowledge a resolved incident"),
        ([Event(K.RESOLVED, ny(23, 11)), Event(K.RESOLVED, ny(23, 12))], "cannot resolve a resolved incident"),
        (
            [Event(K.ACKNOWLEDGED, ny(23, 11)), Event(K.ACKNOWLEDGED, ny(23, 12))],
            "the incident is already acknowledged",
        ),
    ],
)
def test_refusals_say_what_is_wrong(events, message):
    with pytest.raises(InputError) as refused:
        replay([opened(), *events] if events else [])
    assert str(refused.value).startswith(message)


def test_reopening_forgets_the_resolution_verdict_and_keeps_the_acknowledgement(policy):
    # Resolved Mon 11:00, well before its due (Wed 25 Nov 10:00): met. Reopened at 12:00,
    # the resolution is pending again; the incident was acknowledged, so it is "acknowledged".
    state, _ = record(None, opened(), policy, "d")
    for event in (Event(K.ACKNOWLEDGED, ny(23, 10, 15)), Event(K.RESOLVED, ny(23, 11))):
        state, _ = record(state, event, policy, "d")
    assert state.resolution_met is True
    state, _ = record(state, Event(K.REOPENED, ny(23, 12)), policy, "d")
    assert (state.status, state.resolution_met, state.resolved) == (Status.ACKNOWLEDGED, None, None)


@pytest.fixture
def far_local_zone():
    """The machine's zone set far from UTC and New York, so an instant kept in it shows."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_state_keeps_the_policy_snapshot_it_was_computed_with(policy):
    state, _ = record(None, opened(), policy, "snapshot-1")
    assert state.digest == "snapshot-1"


def test_a_pause_before_the_acknowledgement_moves_a_resolution_counted_from_opening(policy):
    # Severity 1: resolution 2 wall days from opening, Wed 25 Nov 10:00. Paused 10:05-10:15,
    # acknowledged 10:30: the pause counts (the clock ran from the opening): Wed 10:10.
    state, _ = record(None, opened(), policy, "d")
    for kind, at in ((K.PAUSED, (10, 5)), (K.RESUMED, (10, 15)), (K.ACKNOWLEDGED, (10, 30))):
        state, _ = record(state, Event(kind, ny(23, *at)), policy, "d")
    assert state.resolution_due == ny(25, 10, 10)


def test_a_provisional_resolution_counts_from_the_response_due_moved_by_pauses(policy):
    # Severity 2: response 2 wall hours, Mon 12:00; paused 10:15-10:45, so 12:30. Not acked:
    # the resolution counts 8 business hours from 12:30: 4h30m to 17:00, 3h30m on Tuesday.
    state, _ = record(None, opened(severity="2"), policy, "d")
    for kind, at in ((K.PAUSED, (10, 15)), (K.RESUMED, (10, 45))):
        state, _ = record(state, Event(kind, ny(23, *at)), policy, "d")
    assert (state.response_due, state.resolution_due, state.provisional) == (ny(23, 12, 30), ny(24, 12, 30), True)


def test_update_cadence_counts_only_pauses_after_the_last_update(policy):
    # Opened 10:00 (first update due 11:00). Paused 10:05-10:10, update at 10:30: the next is
    # due 11:30; paused again 10:40-10:50, after it: 11:30 + 10m = 11:40.
    state, _ = record(None, opened(), policy, "d")
    for kind, at in ((K.PAUSED, (10, 5)), (K.RESUMED, (10, 10)), (K.UPDATE, (10, 30)), (K.PAUSED, (10, 40))):
        state, _ = record(state, Event(kind, ny(23, *at)), policy, "d")
    state, _ = record(state, Event(K.RESUMED, ny(23, 10, 50)), policy, "d")
    assert state.update_due == ny(23, 11, 40)


@pytest.mark.parametrize("kept", [True, False])
def test_an_update_posted_in_a_pause_freezes_its_clock_only_from_then(policy, kept):
    # Paused 10:20, update at 10:40: next due 11:40, frozen from 10:40, so at 11:00 it is 12:00 (not 12:20,
    # as if frozen since 10:20). Events written before update_since was kept give the same answer.
    state, _ = record(None, opened(), policy, "d")
    for kind, at in ((K.PAUSED, (10, 20)), (K.UPDATE, (10, 40))):
        state, _ = record(state, Event(kind, ny(23, *at)), policy, "d")
    if not kept:
        state = state._replace(update_since=None)
    assert clocks(state, ny(23, 11), policy.calendar)[TargetName.UPDATE].due == ny(23, 12)


def test_a_pause_that_begins_at_the_due_instant_moves_nothing(policy):
    # The update due at 11:00 ran from 10:00 to 11:00: a pause from 11:00 on has no part of
    # it while the clock ran, so the update stays due at 11:00 (late once resumed).
    state, _ = record(None, opened(), policy, "d")
    state, _ = record(state, Event(K.PAUSED, ny(23, 11)), policy, "d")
    state, _ = record(state, Event(K.RESUMED, ny(23, 11, 30)), policy, "d")
    assert state.update_due == ny(23, 11)


@pytest.mark.usefixtures("far_local_zone")
def test_an_event_judged_during_a_pause_moves_each_due_by_its_own_clock(policy):
    # Opened Mon 23 Nov 10:00 EST. Response: 4 business hours = Mon 14:00. Resolution: 2 wall
    # days = Wed 25 Nov 10:00. First update: 1 wall hour = Mon 11:00.
    state, _ = record(None, opened(), policy, "d")
    assert (state.response_due, state.resolution_due, state.update_due) == (ny(23, 14), ny(25, 10), ny(23, 11))
    # Paused Mon 10:30; acknowledged Tue 24 Nov 08:00, still paused: 21h30m of real time,
    # of which 6h30m business time (Mon 10:30-17:00; Tue before 09:00 is closed).
    state, _ = record(state, Event(K.PAUSED, ny(23, 10, 30)), policy, "d")
    _, acked = record(state, Event(K.ACKNOWLEDGED, ny(24, 8)), policy, "d")
    # Stored as UTC text whatever the machine's zone.
    assert acked.details["due_at_event"] == {
        # Business: Mon 14:00 + 6h30m = 3h to Mon 17:00, then Tue 09:00 + 3h30m = Tue 12:30 EST.
        "response": "2026-11-24T17:30:00+00:00",
        # Wall: Wed 10:00 + 21h30m = Thu 26 Nov 07:30 EST.
        "resolution": "2026-11-26T12:30:00+00:00",
        # Wall (an update cadence is real time): Mon 11:00 + 21h30m = Tue 08:30 EST.
        "update": "2026-11-24T13:30:00+00:00",
    }
