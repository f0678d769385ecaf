"""What only the SQLite store does: its schema version, and migrating older files forward.

These tests speak sqlite3 to build files as older (or newer) slacli versions left them;
everything a store of any kind must do is in ``test_store_contract.py``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from slacli.errors import StoreError
from slacli.holidaydata import HolidayCache
from slacli.incidents import State
from slacli.maintenance import Window
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.recorded import Status, WindowStatus
from slacli.storage.codec import dump_window, state_text
from slacli.storage.sqlite import MIGRATIONS, open_sqlite
from slacli.tracker import Tracker
from slacli.vocabulary import MaintenanceKind

NOV_1 = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 00:00 in New York (still EDT)
OPENED = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # 10:00 EST
RESOLVED = datetime(2026, 11, 3, 16, 30, tzinfo=UTC)  # 11:30 EST
FIXED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_a_database_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_sqlite(path).close()
    assert user_version(path) == len(MIGRATIONS)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match=rf"newer slacli \(schema {len(MIGRATIONS) + 1}\)"):
        open_sqlite(path)
    assert user_version(path) == len(MIGRATIONS) + 1  # left as it was


def schema_4_file(path: Path) -> None:
    """A file as slacli wrote it at schema 4: no last_event column, window states without changes."""
    state = State(
        policy="openweb",
        title="db down",
        severity="1",
        status=Status.RESOLVED,
        opened=OPENED,
        started=OPENED,
        resolved=RESOLVED,
        last_event=RESOLVED,
    )
    window = dump_window(
        Window(
            "openweb",
            MaintenanceKind.SCHEDULED,
            WindowStatus.COMPLETED,
            datetime(2026, 11, 14, 7, 0, tzinfo=UTC),
            datetime(2026, 11, 14, 9, 0, tzinfo=UTC),
            announced=datetime(2026, 11, 7, 12, 0, tzinfo=UTC),
            title="upgrade",
        )
    )
    del window["changes"]
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:4]:
        step(db)
    db.execute("PRAGMA user_version = 4")
    columns = "policy, severity, status, service, opened, resolved, state"
    values = ("openweb", "1", "resolved", None, OPENED.isoformat(), RESOLVED.isoformat(), state_text(state))
    db.execute(f"INSERT INTO incidents ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", values)  # downtime: 'stale'
    db.execute(
        'INSERT INTO maintenance (policy, start, "end", state) VALUES (?, ?, ?, ?)',
        ("openweb", window["start"], window["end"], json.dumps(window)),
    )
    for kind, at in (("added", "2026-11-07T12:00:00+00:00"), ("start", "2026-11-14T07:10:00+00:00")):
        db.execute(
            "INSERT INTO maintenance_events (window_id, kind, at, recorded, author, details) VALUES (1, ?, ?, ?, ?, ?)",
            (kind, at, at, "ann", "{}"),
        )
    db.execute(
        "INSERT INTO maintenance_events (window_id, kind, at, recorded, author, details) VALUES (1, ?, ?, ?, ?, ?)",
        ("complete", "2026-11-14T08:30:00+00:00", "2026-11-14T08:31:00+00:00", "ann", "{}"),
    )
    db.close()


def test_a_schema_4_file_is_migrated_to_5_with_last_event_from_the_state(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    schema_4_file(path)
    store = open_sqlite(path)
    assert user_version(path) == len(MIGRATIONS)
    [found] = store.downtime("openweb", NOV_1)
    assert found.id == 1 and found.severity == "1"
    assert datetime.fromisoformat(found.last_event) == RESOLVED  # from the state's last_event
    assert found.downtime is None  # written before the column: to be worked out from the state
    # Window states learn their changes from the log, by the instants the actions happened.
    assert store.window(1).state["changes"] == [  # type: ignore[union-attr]
        ["2026-11-14T07:10:00+00:00", "start"],
        ["2026-11-14T08:30:00+00:00", "complete"],
    ]

    policies = load_policies(SHIPPED_POLICIES, HolidayCache(tmp_path / "h.json"))
    tracker = Tracker(store, policies, clock=lambda: FIXED)
    # 10:00-11:30 EST at weight 1: one stretch, in epoch seconds, worked out from the state.
    [downtime] = tracker.downtime("openweb", NOV_1, as_of=FIXED)
    assert downtime.stretches == [(OPENED.timestamp(), RESOLVED.timestamp(), 1)]
    [kept] = store.downtime("openweb", NOV_1)  # and written back for the next read
    assert json.loads(kept.downtime or "") == {
        "excluded": None,
        "stretches": [[OPENED.timestamp(), RESOLVED.timestamp(), 1]],
    }
    # As of 08:00 UTC on the 14th the window had started (07:10) and not yet completed (08:30).
    [(_, window)] = tracker.windows(datetime(2026, 11, 14, 8, 0, tzinfo=UTC), "openweb")
    assert window.status == WindowStatus.IN_PROGRESS
    store.close()
    assert user_version(path) == len(MIGRATIONS)
    open_sqlite(path).close()  # at the current schema: opens as it is


def test_window_spans_are_widened_to_how_they_ran_by_the_migration(tmp_path: Path) -> None:
    # Schema 6 kept the planned span in the columns: an overrun, an early start and a window
    # still running are found by the time they covered once migrated.
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:6]:
        step(db)
    db.execute("PRAGMA user_version = 6")

    def add(status: WindowStatus, changes: list[tuple[datetime, str]]) -> None:
        planned = Window("openweb", MaintenanceKind.SCHEDULED, status, NOV_1, NOV_1 + timedelta(hours=1))
        state = {**dump_window(planned), "changes": [[at.isoformat(), action] for at, action in changes]}
        db.execute(
            'INSERT INTO maintenance (policy, start, "end", state) VALUES (?, ?, ?, ?)',
            ("openweb", state["start"], state["end"], json.dumps(state)),
        )

    hour = timedelta(hours=1)
    add(WindowStatus.COMPLETED, [(NOV_1, "start"), (NOV_1 + 3 * hour, "complete")])  # overran by 2h
    add(WindowStatus.COMPLETED, [(NOV_1 - 2 * hour, "start"), (NOV_1 + hour, "complete")])  # began 2h early
    add(WindowStatus.IN_PROGRESS, [(NOV_1, "start")])  # still running
    add(WindowStatus.COMPLETED, [])  # as planned
    db.close()
    store = open_sqlite(path)
    after = (NOV_1 + 2 * hour, NOV_1 + 2 * hour + timedelta(seconds=1))
    before = (NOV_1 - hour, NOV_1 - hour + timedelta(seconds=1))
    years_on = (NOV_1 + timedelta(days=3650), NOV_1 + timedelta(days=3651))
    assert [w.id for w in store.windows("openweb", after)] == [1, 3]
    assert [w.id for w in store.windows("openweb", before)] == [2]
    assert [w.id for w in store.windows("openweb", years_on)] == [3]
