"""`slacli backup` (a checked, private copy, safe while others write) and `slacli doctor`."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import user_error, working_tree_env

from slacli.paths import SHIPPED_POLICIES
from slacli.storage.base import IncidentRow
from slacli.storage.sqlite import MIGRATIONS, open_sqlite

T = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
# Opened well before any run of these tests: reads as of now find it.
ADD = ("maintenance", "add", "--policy", "optimy", "--start", "2024-03-09T22:00", "--end", "2024-03-10T01:00",
       "--announced", "2024-02-26T09:00", "-q")  # fmt: skip
OPEN = ("open", "Checkout 502s", "--policy", "openweb", "--severity", "1", "--at", "2024-03-04T10:00", "-q")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "incidents.db"
    monkeypatch.setenv("SLACLI_DB", str(path))
    return path


def sqlite_count(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def corrupt(path: Path) -> None:
    """Damage the root page of one index, as a bad disk would: SQLite's check finds it."""
    db = sqlite3.connect(path)
    (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'incidents_opened'").fetchone()
    (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * size + 8)
        file.write(b"\xff" * 64)


# -- backup --------------------------------------------------------------------------------


def test_backup_copies_checks_and_says_so_in_one_line(cli, database, tmp_path):
    cli(*OPEN)
    cli("ack", "1", "--at", "2024-03-04T10:05")
    copy = tmp_path / "backups" / "copy.db"
    copy.parent.mkdir()
    out = cli("backup", str(copy)).stdout
    assert out == (
        f"copied {database} to {copy}: {copy.stat().st_size} bytes, 1 incident, 2 events "
        f"(integrity ok, schema {len(MIGRATIONS)})\n"
    )
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.read_bytes()[18:20] == b"\x01\x01"  # a rollback journal: one file, no -wal or -shm to carry
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]
    as_of = ("--at", "2024-03-05T10:00")  # fixed: the clocks' time left changes as now moves
    original = cli("show", "1", *as_of, "-f", "json").stdout
    assert cli("--db", str(copy), "show", "1", *as_of, "-f", "json").stdout == original


def test_backup_refuses_an_existing_file_unless_forced(cli, database, tmp_path):
    cli(*OPEN)
    copy = tmp_path / "copy.db"
    copy.write_text("last week's")
    copy.chmod(0o644)
    line = user_error(cli("backup", str(copy), code=2))
    assert line == f"slacli: error: {copy}: exists already (--force replaces it)"
    assert copy.read_text() == "last week's"
    assert cli("backup", str(copy), "--force").stdout.startswith(f"copied {database} to {copy}: ")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600 and sqlite_count(copy, "incidents") == 1


@pytest.mark.parametrize("name", ["incidents.db", "./incidents.db", "link.db", "incidents.db-wal"])
def test_backup_never_overwrites_the_database(cli, database, tmp_path, name, monkeypatch):
    cli(*OPEN)
    (tmp_path / "link.db").symlink_to(database)
    monkeypatch.chdir(tmp_path)
    before = sqlite_count(database, "events")
    line = user_error(cli("backup", name, "--force", code=2))
    assert line == f"slacli: error: {Path(name)}: that is the database itself (or a file SQLite keeps beside it)"
    assert sqlite_count(database, "events") == before


def test_backup_of_a_missing_database_is_an_error_and_makes_nothing(cli, database, tmp_path):
    assert "no incident database at" in user_error(cli("backup", str(tmp_path / "copy.db"), code=2))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["missing/copy.db", "."], ids=["no such directory", "a directory"])
def test_backup_to_a_place_that_cannot_hold_it(cli, database, tmp_path, where, monkeypatch):
    cli(*OPEN)
    monkeypatch.chdir(tmp_path)
    line = user_error(cli("backup", where, "--force", code=2))
    assert line in (f"slacli: error: {where}: No such file or directory", f"slacli: error: {where}: not a regular file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incidents.db"]


def test_a_copy_that_fails_its_check_is_not_kept(cli, database, tmp_path):
    store = open_sqlite(database)
    with store.transaction():
        for _ in range(300):  # enough rows for the index to have pages of its own
            store.insert_incident(IncidentRow("openweb", "1", "open", (), T, None, T, '{"title": "x"}', None))
    store.close()
    corrupt(database)
    copy = tmp_path / "copy.db"
    line = user_error(cli("backup", str(copy), code=2))
    assert (
        line.startswith(f"slacli: error: {copy}: the copy fails its integrity check (") and "nothing was kept" in line
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["incidents.db"]


WRITER = """
import sys
from slacli.cli import main
for n in range(int(sys.argv[1])):
    sys.argv[1:] = ["open", f"load {n}", "--policy", "openweb", "--severity", "2", "-q"]
    try:
        main()
    except SystemExit as exit:
        assert not exit.code, exit.code
"""


def test_backups_while_another_process_writes_are_consistent_copies(cli, database, tmp_path):
    cli(*OPEN)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, "60"],
        env=working_tree_env(SLACLI_DB=str(database)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    copies = []
    try:
        while writer.poll() is None or len(copies) < 3:
            copy = tmp_path / f"copy-{len(copies)}.db"
            cli("backup", str(copy))  # exit 0: checked
            copies.append(copy)
    finally:
        _, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors
    for copy in copies:
        db = sqlite3.connect(copy)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        incidents, events = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("incidents", "events"))
        db.close()
        assert incidents == events  # one `open` is one incident and its event: the copy is of one instant
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    counts = [sqlite_count(copy, "incidents") for copy in copies]
    assert counts == sorted(counts) and counts[-1] <= 61 == sqlite_count(database, "incidents")


# -- doctor --------------------------------------------------------------------------------


def doctor(cli, *args: str, code: int = 0) -> dict:
    return json.loads(cli(*args, "doctor", "--format", "json", code=code).stdout)


def statuses(report: dict) -> dict[str, str]:
    return {c["check"]: c["status"] for c in report["checks"]}


def test_doctor_on_a_sound_database(cli, database):
    cli(*OPEN)
    cli("ack", "1", "--at", "2024-03-04T10:05")
    cli(*ADD)
    report = doctor(cli)
    assert {k: v for k, v in report.items() if k not in ("checks", "stale", "size_bytes", "wal_bytes")} == {
        "database": str(database),
        "schema": len(MIGRATIONS),
        "newest_schema": len(MIGRATIONS),
        "mode": "0600",
        "incidents": 1,
        "events": 2,
        "windows": 1,
        "notices": 0,
        "open_incidents": 1,
        "stale_snapshots": 0,
    }
    assert report["size_bytes"] == database.stat().st_size and report["wal_bytes"] == 0  # its own, just made
    assert statuses(report) == {"integrity": "ok", "schema": "ok", "mode": "ok", "wal": "ok", "snapshots": "ok"}
    assert report["stale"] == []
    csv = cli("doctor", "--format", "csv").stdout.splitlines()
    assert csv[0] == "check,status,detail" and csv[1] == "integrity,ok,ok"
    table = cli("doctor").stdout
    assert table.startswith(f"Database {database}\n") and "Open incidents with an older policy snapshot: none" in table


def test_doctor_on_a_missing_database(cli, database):
    assert "no incident database at" in user_error(cli("doctor", code=2))
    assert not database.exists()


@pytest.mark.parametrize(
    ("mode", "status", "code", "detail"),
    [
        (0o600, "ok", 0, "0600: only its owner can read it"),
        (0o640, "warning", 0, "0640: its group can read it"),
        (0o604, "problem", 1, "0604: anyone on this machine can read it (chmod 600 {})"),
    ],
)
def test_doctor_judges_who_may_read_the_file(cli, database, mode, status, code, detail):
    cli(*OPEN)
    database.chmod(mode)
    [check] = [c for c in doctor(cli, code=code)["checks"] if c["check"] == "mode"]
    assert check == {"check": "mode", "status": status, "detail": detail.format(database)}


def test_doctor_finds_damage_and_exits_1(cli, database):
    store = open_sqlite(database)
    with store.transaction():
        for _ in range(300):
            store.insert_incident(IncidentRow("openweb", "1", "open", (), T, None, T, '{"title": "x"}', None))
    store.close()
    corrupt(database)
    [check] = [c for c in doctor(cli, code=1)["checks"] if c["check"] == "integrity"]
    assert check["status"] == "problem" and check["detail"].endswith("(restore a backup)")


def edited_policies(path: Path, old: str, new: str) -> Path:
    text = SHIPPED_POLICIES.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_doctor_lists_the_open_incidents_recompute_would_change(cli, database, tmp_path):
    cli(*OPEN)  # openweb 1
    cli("open", "Slow search", "--policy", "openweb", "--severity", "2", "--at", "2024-03-04T11:00", "-q")
    cli("open", "Old one", "--policy", "openweb", "--severity", "1", "--at", "2024-03-04T09:00", "-q")
    cli("resolve", "3", "--at", "2024-03-04T12:00")  # resolved: its deadlines are settled
    cli("open", "Exports", "--policy", "protecto", "--severity", "high", "--at", "2024-03-04T12:00", "-q")
    old = doctor(cli)
    assert old["stale"] == [] and old["open_incidents"] == 3
    edited = edited_policies(
        tmp_path / "edited.toml",
        'response = { in_hours = "2h", out_of_hours = "4h" }',
        'response = { in_hours = "1h", out_of_hours = "4h" }',
    )
    report = doctor(cli, "--policies", str(edited))  # a warning, not a problem: exit 0
    first = json.loads(cli("show", "1", "-f", "json").stdout)
    assert first["response_due"] == "2024-03-04T12:00:00-05:00"  # nothing changed yet
    snapshot = sqlite_snapshot(database, 1)
    assert [(s["id"], s["policy"], s["severity"], s["title"], s["snapshot"]) for s in report["stale"]] == [
        (1, "openweb", "1", "Checkout 502s", snapshot),
        (2, "openweb", "2", "Slow search", snapshot),  # the policy's tables changed, whatever the severity
    ]
    assert report["stale"][0]["policy_file"] not in (None, snapshot)
    assert report["stale_snapshots"] == 2 and statuses(report)["snapshots"] == "warning"
    assert "2 of 3 open incidents have deadlines from other tables" in report["checks"][-1]["detail"]
    cli("--policies", str(edited), "recompute", "--all", "--at", "2024-03-04T13:00")
    assert doctor(cli, "--policies", str(edited))["stale"] == []
    assert [s["id"] for s in doctor(cli)["stale"]] == [1, 2]  # the shipped file is now the other one


def test_doctor_names_an_incident_whose_policy_left_the_file(cli, database, tmp_path):
    cli("open", "Exports", "--policy", "protecto", "--severity", "high", "--at", "2024-03-04T12:00", "-q")
    text = SHIPPED_POLICIES.read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.toml"
    renamed.write_text(text.replace("[policies.protecto", "[policies.protecto-2025"), encoding="utf-8")
    [stale] = doctor(cli, "--policies", str(renamed))["stale"]
    assert (stale["id"], stale["policy"], stale["policy_file"]) == (1, "protecto", None)


def test_doctor_warns_of_a_large_write_ahead_log(cli, database, monkeypatch):
    from slacli.storage.base import StoreFile
    from slacli.storage.sqlite import SQLiteStore

    cli(*OPEN)
    real = SQLiteStore.files

    def files(self: SQLiteStore) -> list[StoreFile]:
        return [f._replace(size=64 * 1024 * 1024) if f.role == "wal" else f for f in real(self)]

    monkeypatch.setattr(SQLiteStore, "files", files)
    report = doctor(cli)
    assert report["wal_bytes"] == 64 * 1024 * 1024
    assert statuses(report)["wal"] == "warning"


def sqlite_snapshot(path: Path, incident: int) -> str:
    db = sqlite3.connect(path)
    try:
        (state,) = db.execute("SELECT state FROM incidents WHERE id = ?", (incident,)).fetchone()
    finally:
        db.close()
    return json.loads(state)["digest"]


@pytest.mark.parametrize("log", ["-wal", "-shm"])
def test_backup_does_not_replace_a_file_with_a_log_beside_it(cli, database, tmp_path, log):
    # SQLite would replay a stale log into the copy (a crashed writer's, or a live one's).
    cli(*OPEN)
    copy = tmp_path / "copy.db"
    copy.write_text("last week's")
    Path(f"{copy}{log}").write_text("frames")
    line = user_error(cli("backup", str(copy), "--force", code=2))
    assert line == f"slacli: error: {copy}: in use, or left by a crash ({copy}{log} beside it): not replaced"
    assert copy.read_text() == "last week's"


def test_a_damaged_database_is_one_line_and_exit_2_on_reads(cli, database):
    for title in ("one", "two", "three"):
        cli("open", title, "--policy", "openweb", "--severity", "2", "--at", "2026-11-30T09:00", "-q")
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with database.open("r+b") as f:  # the second page and on: the tables, not the header
        f.seek(4096)
        f.write(b"\xde\xad" * 2048)
    line = user_error(cli("list", code=2))
    assert (
        line == "slacli: error: the incident database: database disk image is malformed (slacli doctor checks the file)"
    )
