"""`slacli backup` (a checked, private copy, safe while others write) and `slacli doctor`."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import user_error, working_tree_env

from slacli.storage.base import IncidentRow
from slacli.storage.sqlite import MIGRATIONS, open_sqlite

T = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
OPEN = ("open", "Checkout 502s", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00", "-q")


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
    cli("ack", "1", "--at", "2026-11-23T10:05")
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
    original = cli("show", "1", "-f", "json").stdout
    assert cli("--db", str(copy), "show", "1", "-f", "json").stdout == original


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
            store.insert_incident(IncidentRow("openweb", "1", "open", None, T, None, T, '{"title": "x"}', None))
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
