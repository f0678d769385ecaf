"""Events are facts (SPEC 2.13): no command records an event dated after now (beyond the
five-minute clock-skew allowance) and a refused one writes nothing; maintenance actions
follow the announcement and each other; the logs are append-only in the database itself,
an older file included once migrated; ``recompute --all`` is all or nothing.

Now is frozen at FIXED, Monday 30 November 2026 12:00 UTC (07:00 EST); the login is bob.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from conftest import FROZEN_NOW, user_error
from test_sqlite_store import schema_4_file

from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.recorded import EventKind, WindowAction
from slacli.storage.sqlite import MIGRATIONS, open_sqlite
from slacli.tracker import Tracker

FIXED = FROZEN_NOW
LIMIT = "2026-11-30T12:05:00+00:00"  # now + CLOCK_SKEW: still allowed
REFUSED = ("2026-11-30T12:05:01+00:00", "2062-11-30T07:00:00-05:00")  # a second more; a year mistyped


def connect(path: Path) -> closing[sqlite3.Connection]:
    """sqlite3 straight at the file, in autocommit mode, closed after use."""
    return closing(sqlite3.connect(path, isolation_level=None))


def dump(path: Path) -> list[str]:
    """The database's whole content, as SQL text."""
    with connect(path) as db:
        return list(db.iterdump())


OPEN = ("open", "db down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-30T10:00:00+00:00", "-q")
WINDOW = ("--policy", "openweb", "--start", "2026-12-05T06:00:00+00:00", "--end", "2026-12-05T08:00:00+00:00")
ADD = ("maintenance", "add", *WINDOW, "--announced", "2026-11-29T12:00:00+00:00", "-q")
AT_11 = ("--at", "2026-11-30T11:00:00+00:00")

# command: (what is recorded first, so that the command is otherwise valid; the command at an instant)
COMMANDS: dict[str, tuple[tuple[tuple[str, ...], ...], Callable[[str], tuple[str, ...]]]] = {
    "open": ((OPEN,), lambda t: ("open", "again", "--policy", "openweb", "--severity", "2", "--at", t)),
    "ack": ((OPEN,), lambda t: ("ack", "1", "--at", t)),
    "update": ((OPEN,), lambda t: ("update", "1", "failing over", "--at", t)),
    "pause": ((OPEN,), lambda t: ("pause", "1", "--reason", "customer", "--at", t)),
    "resume": ((OPEN, ("pause", "1", "--reason", "customer", *AT_11)), lambda t: ("resume", "1", "--at", t)),
    "severity": ((OPEN,), lambda t: ("severity", "1", "2", "--at", t)),
    "resolve": ((OPEN,), lambda t: ("resolve", "1", "--at", t)),
    "reopen": ((OPEN, ("resolve", "1", *AT_11)), lambda t: ("reopen", "1", "--at", t)),
    "exclude": ((OPEN,), lambda t: ("exclude", "1", "customer ISP", "--at", t)),
    "postmortem": ((OPEN,), lambda t: ("postmortem", "1", "--link", "https://wiki.example.com/pm/1", "--at", t)),
    "recompute": ((OPEN,), lambda t: ("recompute", "1", "--at", t)),
    "recompute --all": ((OPEN,), lambda t: ("recompute", "--all", "--at", t)),
    "correct --at": ((OPEN, ("ack", "1", *AT_11)), lambda t: ("correct", "1", "2", "--at", t, "--reason", "typo")),
    "maintenance add --announced": ((OPEN,), lambda t: ("maintenance", "add", *WINDOW, "--announced", t)),
    "maintenance start": ((ADD,), lambda t: ("maintenance", "start", "1", "--at", t)),
    "maintenance complete": (
        (ADD, ("maintenance", "start", "1", *AT_11)),
        lambda t: ("maintenance", "complete", "1", "--at", t),
    ),
    "maintenance cancel": ((ADD,), lambda t: ("maintenance", "cancel", "1", "--at", t)),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_no_command_records_an_event_after_now_beyond_the_clock_skew(cli: Any, database: Path, name: str) -> None:
    setup, command = COMMANDS[name]
    for args in setup:
        cli(*args)
    before = dump(database)
    for instant in REFUSED:
        assert "after now" in user_error(cli(*command(instant), code=2))
        assert dump(database) == before  # nothing written
    cli(*command(LIMIT))  # now + 5 minutes exactly: accepted
    assert dump(database) != before


def test_the_message_says_what_was_dated_when_and_what_now_is(cli: Any, database: Path) -> None:
    cli(*OPEN)
    message = user_error(cli("ack", "1", "--at", "2026-11-30T07:05:01", code=2))  # policy zone
    assert message.endswith(
        "acknowledged 2026-11-30T07:05:01-05:00 is after now (2026-11-30T07:00:00-05:00): "
        "events are recorded once they have happened"
    )


def test_a_refused_first_open_records_no_incident(cli: Any, database: Path) -> None:
    cli("open", "future", "--policy", "openweb", "--severity", "1", "--at", REFUSED[1], code=2)
    if database.exists():
        assert [line for line in dump(database) if "INSERT INTO" in line and "incidents" in line] == []


# -- maintenance: not before the announcement, nor before the previous action --------------


def window(cli: Any, announced: str) -> int:
    return int(cli("maintenance", "add", *WINDOW, "--announced", announced, "-q").stdout)


@pytest.mark.parametrize(
    ("action", "before", "earliest", "message"),
    [
        (WindowAction.START, (), "2026-11-20T12:00:00+00:00", "before it was announced"),
        (WindowAction.CANCEL, (), "2026-11-20T12:00:00+00:00", "before it was announced"),
        (WindowAction.COMPLETE, (), "2026-11-20T12:00:00+00:00", "before it was announced"),
        (WindowAction.COMPLETE, (("start", "2026-12-05T06:10:00+00:00"),), "2026-12-05T06:10:00+00:00", "its start"),
    ],
)
def test_a_maintenance_action_may_not_precede_the_announcement_or_the_previous_action(
    cli: Any, database: Path, action: str, before: tuple[tuple[str, str], ...], earliest: str, message: str
) -> None:
    with time_machine.travel(datetime(2026, 12, 6, tzinfo=UTC), tick=False):
        found = window(cli, "2026-11-20T12:00:00+00:00")
        for done, at in before:
            cli("maintenance", done, str(found), "--at", at)
        was = dump(database)
        a_second_early = (datetime.fromisoformat(earliest) - timedelta(seconds=1)).isoformat()
        refused = user_error(cli("maintenance", action, str(found), "--at", a_second_early, code=2))
        assert f"cannot {action} maintenance at" in refused and message in refused
        assert dump(database) == was
        shown = json.loads(cli("maintenance", action, str(found), "--at", earliest, "-f", "json").stdout)  # a tie
        assert shown["id"] == found


def test_a_completed_window_cannot_be_cancelled_and_a_cancelled_one_not_started(cli: Any, database: Path) -> None:
    with time_machine.travel(datetime(2026, 12, 6, tzinfo=UTC), tick=False):
        first, second = window(cli, "2026-11-20T12:00:00+00:00"), window(cli, "2026-11-20T12:00:00+00:00")
        cli("maintenance", "complete", str(first), "--at", "2026-12-05T08:00:00+00:00")
        cli("maintenance", "cancel", str(second), "--at", "2026-11-21T12:00:00+00:00")
        was = dump(database)
        assert "completed" in user_error(cli("maintenance", "cancel", str(first), code=2))
        assert "cancelled" in user_error(cli("maintenance", "start", str(second), code=2))
        assert dump(database) == was


# -- the logs are append-only ---------------------------------------------------------------


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[Tracker]:
    policies = load_policies(SHIPPED_POLICIES, HolidayCache(tmp_path / "h.json"))
    found = Tracker(open_sqlite(tmp_path / "x.db"), policies, clock=lambda: FIXED, recorder="bob")
    yield found
    found.store.close()


def both_logs(tracker: Tracker) -> Path:
    """An incident with two events and a window with two log entries; the file."""
    first = tracker.open("db down", "openweb", "1", at=datetime(2026, 11, 30, 10, tzinfo=UTC), author="ann").incident
    tracker.act(first.id, EventKind.ACKNOWLEDGED, at=datetime(2026, 11, 30, 11, tzinfo=UTC), author="ann")
    start, end = datetime(2026, 11, 29, 6, tzinfo=UTC), datetime(2026, 11, 29, 7, tzinfo=UTC)
    window_id, _ = tracker.add_window(
        "openweb", start, end, author="ann", kind=None, announced=start - timedelta(days=1), title="", service=None
    )
    tracker.window_action(window_id, WindowAction.START, at=start, author="ann")
    return Path(tracker.store.location)


REWRITES = [
    "UPDATE {table} SET at = '2026-11-30T09:00:00+00:00' WHERE id = 1",
    "UPDATE {table} SET author = 'mallory'",
    "UPDATE {table} SET recorded_by = ''",
    "DELETE FROM {table} WHERE id = 2",
    "DELETE FROM {table}",
]


@pytest.mark.parametrize("table", ["events", "maintenance_events"])
@pytest.mark.parametrize("statement", REWRITES)
def test_the_database_refuses_to_rewrite_or_delete_a_logged_event(tracker: Tracker, table: str, statement: str):
    path = both_logs(tracker)
    before = dump(path)
    with connect(path) as db, pytest.raises(sqlite3.DatabaseError, match=f"{table} are append-only"):
        db.execute(statement.format(table=table))
    assert dump(path) == before


@pytest.mark.parametrize("table", ["events", "maintenance_events"])
def test_replace_cannot_rewrite_a_logged_event_either(tracker: Tracker, table: str) -> None:
    # REPLACE deletes the row it conflicts with without firing the DELETE trigger (SQLite fires
    # it only with recursive_triggers on), so today event 1 is rewritten.
    path = both_logs(tracker)
    before = dump(path)
    owner = "incident_id" if table == "events" else "window_id"
    with connect(path) as db, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(
            f"REPLACE INTO {table} (id, {owner}, kind, at, recorded, author, details) "
            "VALUES (1, 1, 'opened', '2062-01-01T00:00:00+00:00', '2062-01-01T00:00:00+00:00', 'mallory', '{}')"
        )
    assert dump(path) == before


def test_appending_still_works_and_keeps_who_recorded_it(tracker: Tracker) -> None:
    path = both_logs(tracker)
    with connect(path) as db:
        rows = db.execute("SELECT kind, author, recorded_by, recorded FROM events ORDER BY id").fetchall()
        logged = db.execute("SELECT kind, author, recorded_by FROM maintenance_events ORDER BY id").fetchall()
    assert rows == [
        ("opened", "ann", "bob", "2026-11-30T12:00:00+00:00"),
        ("acknowledged", "ann", "bob", "2026-11-30T12:00:00+00:00"),
    ]
    assert logged == [("added", "ann", "bob"), ("start", "ann", "bob")]


def test_an_older_database_gets_the_triggers_and_an_empty_recorded_by_on_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_4_file(path)  # one resolved incident (no events in its log) and a window with three entries
    with connect(path) as db:
        at = "2026-11-03T15:00:00+00:00"
        db.execute(
            "INSERT INTO events (incident_id, kind, at, recorded, author, details) VALUES (1, 'opened', ?, ?, ?, ?)",
            (at, at, "ann", json.dumps({"policy": "openweb"})),
        )
        columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    assert "recorded_by" not in columns
    open_sqlite(path).close()  # migrated
    with connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("SELECT recorded_by FROM events").fetchall() == [("",)]
        assert db.execute("SELECT recorded_by FROM maintenance_events").fetchall() == [("",)] * 3
        triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert triggers == {
            f"{t}_no_{c}" for t in ("events", "maintenance_events", "notices") for c in ("update", "delete", "replace")
        }
        for statement in ("UPDATE events SET author = 'x'", "DELETE FROM maintenance_events"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)
    policies = load_policies(SHIPPED_POLICIES, HolidayCache(tmp_path / "h.json"))
    store = open_sqlite(path)
    [opened] = Tracker(store, policies, clock=lambda: FIXED).history(1)
    assert (opened.author, opened.recorded_by) == ("ann", "")
    store.close()


# -- recompute --all: all or nothing ------------------------------------------------------------

OFFICE_TOML = """
[calendars.office]
timezone = "America/New_York"
hours = { mon-fri = "09:00-17:00" }

[policies.office]
calendar = "office"

[policies.office.severities.1]
response = "2h"
resolution = "8 business hours"
"""


@pytest.fixture
def policy_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "policies.toml"
    path.write_text(SHIPPED_POLICIES.read_text(encoding="utf-8") + OFFICE_TOML, encoding="utf-8")
    monkeypatch.setenv("SLACLI_POLICIES", str(path))
    return path


def recomputed(path: Path) -> list[int]:
    with connect(path) as db:
        return [r[0] for r in db.execute("SELECT incident_id FROM events WHERE kind = 'recomputed' ORDER BY id")]


@pytest.mark.parametrize("failure", ["policy removed", "policy renamed", "an event after --at"])
def test_recompute_all_records_nothing_when_one_incident_fails(
    cli: Any, database: Path, policy_file: Path, failure: str
) -> None:
    cli(*OPEN)  # openweb: fine to recompute
    cli("open", "printer", "--policy", "office", "--severity", "1", "--at", "2026-11-30T10:30:00+00:00", "-q")
    args: tuple[str, ...] = ()
    if failure == "an event after --at":
        cli("ack", "2", "--at", "2026-11-30T11:30:00+00:00")
        args = ("--at", "2026-11-30T11:00:00+00:00")  # after incident 1's last event, before incident 2's
    else:
        text = policy_file.read_text(encoding="utf-8")
        office = text[text.index("[calendars.office]") :]
        kept = office.replace("policies.office", "policies.office-2") if failure == "policy renamed" else ""
        policy_file.write_text(text.replace(office, kept), encoding="utf-8")
    before = dump(database)
    assert user_error(cli("recompute", "--all", *args, code=2))
    assert dump(database) == before and recomputed(database) == []
    # The same with nothing wrong recomputes both, in one go.
    policy_file.write_text(SHIPPED_POLICIES.read_text(encoding="utf-8") + OFFICE_TOML, encoding="utf-8")
    cli("recompute", "--all", *(("--at", "2026-11-30T11:45:00+00:00") if args else ()))
    assert recomputed(database) == [1, 2]
