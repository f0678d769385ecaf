"""Public states (SPEC 3, openmethods: the status page): `slacli state`, `open --public-title
--private`, kept apart from the internal clocks."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import user_error

from slacli.incidents import Event, PublicUpdate, replay
from slacli.recorded import EventKind, PublicState, Status
from slacli.storage.codec import dump_state, load_state

OUTAGE = ("--policy", "openmethods", "--severity", "1")
OPENED = "2026-11-23T09:00"


def record(cli, *args: str, code: int = 0):
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def events(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


@pytest.fixture
def outage(cli, database) -> str:
    return cli("open", "Chats not routing", *OUTAGE, "--at", OPENED, "--quiet").stdout.strip()


def test_a_new_incident_is_investigating_under_its_own_title(cli, outage):
    shown = record(cli, "show", outage)
    assert (shown["public_state"], shown["public_title"], shown["private"]) == (
        "investigating",
        "Chats not routing",
        False,
    )


def test_the_public_title_and_privacy_are_given_when_opening(cli, database):
    opened = record(cli, "open", "DB primary lost", *OUTAGE, "--public-title", "Chat delays", "--private")
    assert (opened["title"], opened["public_title"], opened["private"]) == ("DB primary lost", "Chat delays", True)
    assert "--public-title is empty" in user_error(cli("open", "x", *OUTAGE, "--public-title", " ", code=2))


def test_a_public_resolved_leaves_the_incident_open_and_says_so(cli, outage):
    result = cli("state", outage, "resolved", "--message", "Fixed, we think", "--at", "2026-11-23T09:40", "-f", "json")
    after = json.loads(result.stdout)
    assert (after["public_state"], after["status"], after["resolved"]) == ("resolved", "open", None)
    assert f"incident {outage} stays open: its clocks run on, the update cadence too" in result.stderr
    resolved = cli("state", outage, "resolved", "--resolve", "--at", "2026-11-23T09:50", "--quiet")
    assert resolved.stderr == ""


def test_resolve_resolves_it_too_at_the_same_instant(cli, outage):
    after = record(cli, "state", outage, "resolved", "--resolve", "--at", "2026-11-23T09:40")
    assert (after["public_state"], after["status"]) == ("resolved", "resolved")
    assert after["resolved"] == "2026-11-23T09:40:00-05:00"


def test_a_posted_state_is_a_status_update_for_the_cadence(cli, outage):
    # openmethods severity 1: a status update every 60 minutes, 24x7.
    assert record(cli, "show", outage, "--at", "2026-11-23T09:30")["next_update_due"] == "2026-11-23T10:00:00-05:00"
    after = record(cli, "state", outage, "identified", "-m", "A bad deploy", "--at", "2026-11-23T09:45")
    assert after["next_update_due"] == "2026-11-23T10:45:00-05:00"


def test_an_update_keeps_the_public_state_and_a_reopening_goes_back_to_investigating(cli, outage):
    cli("state", outage, "monitoring", "--at", "2026-11-23T09:20", "--quiet")
    assert record(cli, "update", outage, "Still watching", "--at", "2026-11-23T09:30")["public_state"] == "monitoring"
    cli("resolve", outage, "--at", "2026-11-23T09:50", "--quiet")
    assert record(cli, "show", outage)["public_state"] == "resolved"
    assert record(cli, "reopen", outage, "--at", "2026-11-23T10:10")["public_state"] == "investigating"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bogus",), "'bogus' is not one of 'investigating', 'identified', 'monitoring', 'resolved'"),
        (("identified", "--resolve"), "--resolve goes with the state resolved"),
        (("identified", "--message", " "), "--message is empty"),
        (("identified", "--message", "x" * 2001), "--message is 2001 characters long"),
        (("identified", "--at", "2026-11-23T08:00"), "before the incident's previous event"),
    ],
)
def test_refused_states_write_nothing(cli, outage, database, args, message):
    before = events(database)
    assert message in user_error(cli("state", outage, *args, code=2))
    assert events(database) == before


def test_a_resolved_incident_takes_no_public_state(cli, outage, database):
    cli("resolve", outage, "--at", "2026-11-23T09:50", "--quiet")
    before = events(database)
    assert "cannot post an update to a resolved incident" in user_error(cli("state", outage, "monitoring", code=2))
    assert events(database) == before


def test_the_updates_keep_the_state_each_left_and_its_message():
    opened = datetime(2026, 11, 23, 14, tzinfo=UTC)
    details = {"policy": "p", "title": "t", "severity": "1"}
    state = replay(
        [
            Event(EventKind.OPENED, opened, details=details),
            Event(
                EventKind.UPDATE, opened + timedelta(minutes=10), details={"state": "investigating", "message": "on it"}
            ),
            Event(EventKind.UPDATE, opened + timedelta(minutes=15), details={"message": "internal: replica lag"}),
            Event(EventKind.UPDATE, opened + timedelta(minutes=20), details={"state": "identified", "message": None}),
        ]
    )
    # A plain update (slacli update) is a status update for the cadence, never posted.
    assert state.public_updates == (
        PublicUpdate(opened + timedelta(minutes=10), PublicState.INVESTIGATING, "on it"),
        PublicUpdate(opened + timedelta(minutes=20), PublicState.IDENTIFIED, None),
    )
    assert state.last_update == opened + timedelta(minutes=20)
    assert load_state(dump_state(state)) == state


def test_an_incident_stored_before_public_states_reads_as_its_status_says():
    # A state stored by an older slacli has none of the public keys.
    opened = datetime(2026, 11, 23, 14, tzinfo=UTC)
    state = replay([Event(EventKind.OPENED, opened, details={"policy": "p", "title": "t", "severity": "1"})])
    stored = {k: v for k, v in dump_state(state).items() if not k.startswith("public") and k != "private"}
    resolved = load_state({**stored, "status": "resolved", "resolved": (opened + timedelta(hours=1)).isoformat()})
    assert (resolved.status, resolved.page_state, resolved.public_title) == (
        Status.RESOLVED,
        PublicState.RESOLVED,
        None,
    )
    assert load_state(stored).page_state == PublicState.INVESTIGATING
