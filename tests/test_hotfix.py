"""Hotfixes (openmethods' HOTFIX): work applied without downtime, recorded for the status
page as a notice with no clocks and no impact."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import user_error

from slacli.notices import HOTFIX, Notice
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.storage.sqlite import SQLiteStore
from slacli.tracker import Tracker

HOTFIX_ARGS = ("hotfix", "--policy", "openmethods", "--title", "Search index rebuilt")


def notices(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM notices").fetchone()[0]


def test_a_hotfix_is_recorded_with_what_when_and_where(cli, database):
    args = ("--service", "search", "--service", "api", "-m", "No downtime", "--at", "2026-11-23T15:00")
    found = json.loads(cli(*HOTFIX_ARGS, *args, "-f", "json").stdout)
    assert found == {
        "id": 1,
        "kind": "hotfix",
        "policy": "openmethods",
        "at": "2026-11-23T15:00:00-05:00",
        "title": "Search index rebuilt",
        "services": ["search", "api"],
        "message": "No downtime",
        "by": "bob",
    }
    assert cli(*HOTFIX_ARGS, "--at", "2026-11-23T16:00", "--quiet").stdout == "2\n"
    assert notices(database) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hotfix", "--policy", "openmethods", "--title", " "), "--title is empty"),
        ((*HOTFIX_ARGS, "--message", ""), "--message is empty"),
        ((*HOTFIX_ARGS, "--service", ""), "--service is empty"),
        ((*HOTFIX_ARGS, "--at", "2026-12-24T10:00"), "is after now"),
        ((*HOTFIX_ARGS, "--at", "2026-13-01T10:00"), "malformed --at"),
        (("hotfix", "--policy", "nobody", "--title", "x"), "unknown policy 'nobody'"),
    ],
)
def test_refused_hotfixes_write_nothing(cli, database, args, message):
    cli(*HOTFIX_ARGS, "--at", "2026-11-23T15:00", "-q")
    assert message in user_error(cli(*args, code=2))
    assert notices(database) == 1


def test_a_recorded_hotfix_cannot_be_changed(cli, database):
    cli(*HOTFIX_ARGS, "-q")
    with sqlite3.connect(database) as db, pytest.raises(sqlite3.IntegrityError, match="notices are append-only"):
        db.execute("UPDATE notices SET state = '{}'")


def test_notices_come_by_instant_for_a_policy_and_a_span(tmp_path):
    tracker = Tracker(
        SQLiteStore(tmp_path / "i.db"), load_policies(SHIPPED_POLICIES), clock=lambda: datetime(2026, 12, 1, tzinfo=UTC)
    )
    later, _ = tracker.hotfix("openmethods", "later", at=datetime(2026, 11, 24, tzinfo=UTC), author="ann")
    earlier, noted = tracker.hotfix("openmethods", "earlier", at=datetime(2026, 11, 23, tzinfo=UTC), author="ann")
    other, _ = tracker.hotfix("optimy", "elsewhere", at=datetime(2026, 11, 23, 12, tzinfo=UTC), author="ann")
    assert noted == Notice(HOTFIX, "openmethods", datetime(2026, 11, 23, tzinfo=UTC), "earlier", (), None, "ann")
    assert [i for i, _ in tracker.notices()] == [earlier, other, later]
    assert [i for i, _ in tracker.notices("openmethods")] == [earlier, later]
    span = (datetime(2026, 11, 23, 12, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC))
    assert [i for i, _ in tracker.notices(None, span)] == [other]  # [a, b)


def test_doctor_and_backup_count_the_hotfixes(cli, database, tmp_path):
    cli(*HOTFIX_ARGS, "--at", "2026-11-23T15:00", "-q")
    cli(*HOTFIX_ARGS, "--at", "2026-11-23T16:00", "-q")
    assert json.loads(cli("doctor", "-f", "json").stdout)["notices"] == 2
    assert "0 incidents, 0 events, 2 hotfixes (integrity ok" in cli("backup", str(tmp_path / "copy.db")).stdout
