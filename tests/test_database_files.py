"""Which commands create the incident database, and what slacli refuses to open as one.

Read commands (list, show, due, ...) and commands about an existing incident or window
(ack, resolve, maintenance start, ...) need an existing database; only ``open`` and
``maintenance add`` create one. Paths that are not a regular file holding an SQLite
database are refused with one line, exit 2, nothing created or changed. A file this user
cannot write is read (without creating anything beside it) and refused for writes.

Permissions do not bind root, which CI runs as: those cases run slacli in a subprocess as
``nobody`` (with ``setpriv``) when the tests run as root, else as the user running them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from conftest import user_error, working_tree_env

from slacli.errors import StoreError
from slacli.storage.base import IncidentFilter, Store
from slacli.storage.sqlite import MIGRATIONS, open_sqlite

MISSING = "slacli: error: no incident database at {} (slacli open creates one; --db or $SLACLI_DB choose another)"
# Opened well before any run of these tests: reads as of now find it.
OPEN = ("open", "Checkout 502s", "--policy", "openweb", "--severity", "1", "--at", "2024-03-04T10:00", "-q")
ADD = ("maintenance", "add", "--policy", "optimy", "--start", "2026-12-05T22:00", "--end", "2026-12-06T01:00", "-q")
READS = [
    ["list"],
    ["show", "1"],
    ["due"],
    ["breaches"],
    ["uptime", "--policy", "openweb", "--month", "2026-10"],
    ["report", "--month", "2026-10"],
    ["maintenance", "list"],
]
WRITES = [
    ["ack", "1"],
    ["update", "1", "Investigating"],
    ["pause", "1", "--reason", "waiting"],
    ["resume", "1"],
    ["severity", "1", "2"],
    ["resolve", "1"],
    ["reopen", "1"],
    ["exclude", "1", "ISP"],
    ["postmortem", "1", "--link", "https://wiki/pm/1"],
    ["recompute", "1"],
    ["recompute", "--all"],
    ["maintenance", "start", "1"],
    ["maintenance", "complete", "1"],
    ["maintenance", "cancel", "1"],
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(path: Path) -> list[str]:
    """SQLite's files beside ``path`` (none once every connection is closed)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def slacli_process(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    """slacli in a subprocess of its own: for what must not hang the test run were it to block."""
    command = [sys.executable, "-m", "slacli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=working_tree_env(**env))


# -- which commands create ---------------------------------------------------------------


@pytest.mark.parametrize("args", READS + WRITES, ids=" ".join)
def test_commands_other_than_open_and_add_need_an_existing_database(cli, tmp_path, args):
    path = tmp_path / "data" / "incidents.db"
    assert user_error(cli("--db", str(path), *args, code=2)) == MISSING.format(path)
    assert not path.parent.exists()  # nor its directory


@pytest.mark.parametrize("args", [OPEN, ADD], ids=["open", "maintenance add"])
def test_open_and_maintenance_add_create_a_private_database(cli, tmp_path, args):
    path = tmp_path / "data" / "incidents.db"
    assert cli("--db", str(path), *args).stdout == "1\n"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700 & ~_umask()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("--db", str(path), "list", "--all", "-f", "csv").exit_code == 0


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_a_read_after_a_write_reuses_the_database(cli, tmp_path):
    """`ack` opens for writing, then prints the incident through a read: one database."""
    path = tmp_path / "x.db"
    cli("--db", str(path), *OPEN)
    assert (
        '"status": "acknowledged"'
        in cli("--db", str(path), "ack", "1", "--at", "2024-03-04T10:05", "-f", "json").stdout
    )


# -- what is refused -------------------------------------------------------------------------


def test_an_empty_db_option_is_an_error_and_an_empty_variable_is_unset(cli, tmp_path, monkeypatch):
    assert user_error(cli("--db", "", "list", code=2)) == "slacli: error: --db is empty: give a file path"
    assert user_error(cli("--db", "", *OPEN, code=2)) == "slacli: error: --db is empty: give a file path"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SLACLI_DB", "")
    default = tmp_path / "xdg" / "slacli" / "incidents.db"
    assert user_error(cli("list", code=2)) == MISSING.format(default)  # the default, as when unset
    assert user_error(cli("--policies", "", "policies", "list", code=2)).endswith(
        "--policies is empty: give a file path"
    )
    assert not list(tmp_path.glob("**/*.db"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (":memory:", ":memory: is SQLite's in-memory database, which keeps nothing: give a file path"),
        ("file:x.db", "file:x.db is an SQLite URI, not accepted: give a file path"),
        ("file:x.db?mode=memory", "file:x.db?mode=memory is an SQLite URI, not accepted: give a file path"),
    ],
)
@pytest.mark.parametrize("args", [["list"], list(OPEN)], ids=["list", "open"])
def test_in_memory_and_uri_values_are_refused(cli, tmp_path, value, message, args):
    assert user_error(cli("--db", value, *args, code=2)) == f"slacli: error: {message}"
    assert list(tmp_path.iterdir()) == []  # nothing made, not even a file of that name


@pytest.mark.parametrize("args", [["list"], list(OPEN)], ids=["list", "open"])
def test_a_directory_is_refused(cli, tmp_path, args):
    assert (
        user_error(cli("--db", str(tmp_path), *args, code=2))
        == f"slacli: error: {tmp_path}: a directory, not a database file"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["list"], list(OPEN)], ids=["list", "open"])
def test_a_fifo_or_a_device_is_refused_without_blocking(tmp_path, args):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (fifo, Path(os.devnull)):
        run = slacli_process("--db", str(path), *args, timeout=30)
        assert (run.returncode, run.stdout, run.stderr) == (2, "", f"slacli: error: {path}: not a regular file\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("args", [["list"], list(OPEN)], ids=["list", "open"])
def test_a_symbolic_link_to_a_missing_file_is_refused_and_its_target_not_created(cli, tmp_path, args):
    link = tmp_path / "incidents.db"
    link.symlink_to(tmp_path / "elsewhere.db")
    message = f"slacli: error: {link}: a symbolic link to a missing file ({tmp_path / 'elsewhere.db'})"
    assert user_error(cli("--db", str(link), *args, code=2)) == message
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_symbolic_link_to_a_database_is_followed(cli, tmp_path):
    real = tmp_path / "real.db"
    cli("--db", str(real), *OPEN)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    cli("--db", str(link), "ack", "1", "--at", "2024-03-04T10:05")
    assert '"status": "acknowledged"' in cli("--db", str(real), "show", "1", "-f", "json").stdout
    assert leftovers(real) == [] and link.is_symlink()


@pytest.mark.parametrize("args", [["list"], list(OPEN)], ids=["list", "open"])
@pytest.mark.parametrize(
    "content",
    [b"incident,title\n1,down\n", b"SQLite format 2\x00" + bytes(84), b"SQLite"],
    ids=["text", "another header", "short"],
)
def test_a_file_that_is_not_an_sqlite_database_is_refused_and_left_alone(cli, tmp_path, args, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    assert user_error(cli("--db", str(path), *args, code=2)) == f"slacli: error: {path}: not an SQLite database"
    assert path.read_bytes() == content and leftovers(path) == []


def test_an_empty_file_is_set_up_by_open_only(cli, tmp_path):
    """0 bytes is what SQLite calls an empty database, and what `open` makes before setting
    it up (maybe at the same moment as another `open`): read commands refuse it."""
    path = tmp_path / "incidents.db"
    path.touch()
    line = f"slacli: error: {path}: an empty file, not an incident database (slacli open sets one up)"
    assert user_error(cli("--db", str(path), "list", code=2)) == line
    assert user_error(cli("--db", str(path), "ack", "1", code=2)) == line
    assert path.stat().st_size == 0
    assert cli("--db", str(path), *OPEN).stdout == "1\n"
    assert cli("--db", str(path), "list", "-f", "csv").stdout.count("\n") == 2


def test_another_programs_sqlite_database_is_refused_and_left_alone(cli, tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    db.close()
    before = digest(path)
    for args in (["list"], list(OPEN)):
        line = user_error(cli("--db", str(path), *args, code=2))
        assert line == f"slacli: error: {path}: an SQLite database, but not an incident database"
    assert digest(path) == before and leftovers(path) == []


def newer_schema_file(path: Path) -> None:
    """A file as a newer slacli would leave it, in rollback-journal mode: opening it in WAL
    mode first (as slacli did) would change its header."""
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS:
        step(db)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()


@pytest.mark.parametrize("args", [["list"], ["ack", "1"], list(OPEN)], ids=["list", "ack", "open"])
def test_a_newer_schema_is_refused_before_anything_changes(cli, tmp_path, args):
    path = tmp_path / "newer.db"
    newer_schema_file(path)
    before = path.read_bytes()
    assert before[18:20] == b"\x01\x01"  # rollback journal
    line = user_error(cli("--db", str(path), *args, code=2))
    assert line == f"slacli: error: {path}: written by a newer slacli (schema {len(MIGRATIONS) + 1})"
    assert path.read_bytes() == before and leftovers(path) == []


# -- the policy file -------------------------------------------------------------------------


def test_a_policy_file_that_is_not_a_regular_file_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "policies.toml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        run = slacli_process("--policies", str(path), "policies", "list", timeout=30)
        assert (run.returncode, run.stdout, run.stderr) == (2, "", f"slacli: error: {path}: not a regular file\n")


# -- read-only files, simulated (permissions do not bind root) ----------------------------


@pytest.fixture
def unwritable(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make files look unwritable to slacli's checks (os.access) for this process."""
    denied: list[str] = []
    real_access = os.access

    def access(path: os.PathLike[str] | str, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and any(os.fspath(path).startswith(d) for d in denied):
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    return lambda path: denied.append(os.fspath(path))


def test_a_read_only_file_is_read_without_creating_anything_and_writes_are_refused(cli, tmp_path, unwritable):
    path = tmp_path / "x.db"
    cli("--db", str(path), *OPEN)
    unwritable(path)
    assert cli("--db", str(path), "list", "-f", "csv").stdout.count("\n") == 2
    assert leftovers(path) == []  # no -wal or -shm of this user's to keep writers out later
    before = digest(path)
    for args in (["ack", "1"], list(OPEN), ["maintenance", "add", *ADD[2:]]):
        assert user_error(cli("--db", str(path), *args, code=2)) == f"slacli: error: {path}: database is read-only"
    assert digest(path) == before and leftovers(path) == []


def test_a_read_only_older_schema_is_refused_with_what_to_do(cli, tmp_path, unwritable):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:-1]:
        step(db)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    db.close()
    before = digest(path)
    unwritable(path)
    line = user_error(cli("--db", str(path), "list", code=2))
    assert line == (
        f"slacli: error: {path}: schema {len(MIGRATIONS) - 1}, older than this slacli's {len(MIGRATIONS)}, and "
        "read-only here: run slacli on it once with write access to upgrade it"
    )
    assert digest(path) == before


def test_an_immutable_read_keeps_writers_from_changing_the_file_under_it(tmp_path, unwritable):
    """Read as immutable, the file is held still: a writer meanwhile leaves its change in the
    log (its closing checkpoint is held off) and the reader sees the database as it opened it."""
    path = tmp_path / "x.db"
    run = slacli_process("--db", str(path), *OPEN)
    assert run.returncode == 0, run.stderr
    unwritable(path)
    reader = open_sqlite(path, "read")
    try:
        assert not reader.writable and leftovers(path) == []
        run = slacli_process("--db", str(path), *OPEN)  # another process, which can write
        assert run.returncode == 0, run.stderr
        assert "x.db-wal" in leftovers(path)  # not checkpointed into the file being read
        assert count(reader) == 1
        with pytest.raises(StoreError, match="database is read-only"), reader.transaction():
            pass
    finally:
        reader.close()
    again = open_sqlite(path, "read")  # a log with changes: read through it, not immutable
    assert count(again) == 2
    again.close()


def count(store: Store) -> int:
    return len(list(store.incidents(IncidentFilter())))


def test_store_modes_at_the_store_level(tmp_path):
    path = tmp_path / "x.db"
    for mode in ("read", "write"):
        with pytest.raises(StoreError, match="no incident database at"):
            open_sqlite(path, mode)  # type: ignore[arg-type]
    assert not path.exists()
    created = open_sqlite(path, "create")
    assert created.writable and created.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    created.close()
    for mode in ("read", "write", "create"):
        store = open_sqlite(path, mode)  # type: ignore[arg-type]
        assert store.writable  # this user can write it: reads keep it current too
        store.close()


# -- real permissions, as another user ---------------------------------------------------


class OtherUser:
    """Runs slacli as a user whom permissions bind: ``nobody`` when the tests run as root."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        self.home = base / "home"
        self.home.mkdir(mode=0o777)
        self.home.chmod(0o777)

    def own(self, path: Path) -> None:
        """Make ``path`` this user's."""
        if self.prefix:
            os.chown(path, 65534, 65534)

    def __call__(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        env = working_tree_env(
            HOME=str(self.home), XDG_CONFIG_HOME=str(self.home), SLACLI_CACHE_DIR=str(self.home), NO_COLOR="1"
        )
        command = [*self.prefix, sys.executable, "-m", "slacli", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=self.base)


@pytest.fixture
def other_user() -> Iterator[OtherUser]:
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no user whom permissions bind")
    base = Path(tempfile.mkdtemp(prefix="slacli-perm-"))  # not under pytest's 0700 tmp dirs
    base.chmod(0o755)
    try:
        user = OtherUser(base)
        probe = user("--version")
        if probe.returncode != 0:
            pytest.skip(f"this checkout cannot run as another user here: {probe.stderr.strip()[-200:]}")
        yield user
    finally:
        for folder in (base, *(p for p in base.rglob("*") if p.is_dir())):
            folder.chmod(0o755)
        shutil.rmtree(base)


def database_in(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "incidents.db"
    run = slacli_process("--db", str(path), *OPEN)
    assert run.returncode == 0, run.stderr
    return path


def test_a_read_only_file_of_ones_own_is_read_and_stays_writable_later(other_user):
    path = database_in(other_user.base / "mine")
    for p in (path.parent, path):
        other_user.own(p)
    path.chmod(0o444)
    listed = other_user("--db", str(path), "list", "-f", "csv")
    assert (listed.returncode, listed.stdout.count("\n"), listed.stderr) == (0, 2, "")
    refused = other_user("--db", str(path), "ack", "1")
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        f"slacli: error: {path}: database is read-only\n",
    )
    assert leftovers(path) == []  # nothing beside it with this mode to refuse writers later
    path.chmod(0o644)
    acked = other_user("--db", str(path), "ack", "1", "-f", "csv")
    assert acked.returncode == 0, acked.stderr


@pytest.mark.parametrize("folder_mode", [0o755, 0o555], ids=["writable by its owner", "writable by nobody"])
def test_a_readable_database_in_a_directory_this_user_cannot_write(other_user, folder_mode):
    """Before, the WAL switch retried for the busy timeout (10 s) and failed."""
    path = database_in(other_user.base / "theirs")
    mine = not other_user.prefix  # not root: the files are this user's, so no write bit for them
    path.chmod(0o444 if mine else 0o644)
    path.parent.chmod(folder_mode & 0o555 if mine else folder_mode)
    start = time.monotonic()
    listed = other_user("--db", str(path), "list", "-f", "csv")
    assert (listed.returncode, listed.stdout.count("\n"), listed.stderr) == (0, 2, "")
    assert time.monotonic() - start < 5
    refused = other_user("--db", str(path), "ack", "1")
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        f"slacli: error: {path}: database is read-only\n",
    )
    assert leftovers(path) == []


def test_a_database_another_user_has_open_is_read_through_its_log(other_user):
    """With the -wal and -shm of an open connection beside it, a reader shares them read-only."""
    path = database_in(other_user.base / "busy")
    path.chmod(0o644)
    path.parent.chmod(0o755)
    holder = sqlite3.connect(path, isolation_level=None)  # this process can write: it keeps a change in the log
    try:
        holder.execute("PRAGMA wal_autocheckpoint = 0")
        holder.execute("UPDATE incidents SET state = json_set(state, '$.title', 'Renamed')")
        assert "incidents.db-wal" in leftovers(path)
        shown = other_user("--db", str(path), "list", "-f", "csv")
        assert shown.returncode == 0, shown.stderr
        assert "Renamed" in shown.stdout
    finally:
        holder.close()


@pytest.mark.parametrize(
    "args",
    [
        ["open", "x", "-p", "openweb", "-s", "9"],  # an unknown severity
        ["open", "x", "-p", "openweb", "-s", "1", "--at", "2062-01-01T00:00"],  # after now
        ["open", "a\x1bb", "-p", "openweb", "-s", "1"],  # a control character
        ["open", "x", "-p", "openweb", "-s", "1", "--started", "2026-11-30T11:00", "--at", "2026-11-30T10:00"],
        ["maintenance", "add", "-p", "optimy", "--start", "2026-11-28T22:00", "--end", "2026-11-28T21:00"],
        ["maintenance", "add", "-p", "optimy", "--kind", "weekly", "--start", "2026-11-28", "--end", "2026-11-29"],
    ],
)
@time_machine.travel(datetime(2026, 12, 1, 17, 0, tzinfo=UTC), tick=False)
def test_a_refused_first_write_leaves_no_database_behind(cli, tmp_path, args):
    database = tmp_path / "new" / "incidents.db"
    cli("--db", str(database), *args, code=2)
    assert not database.parent.exists()  # neither the file nor its directory
    cli("--db", str(database), "open", "x", "-p", "openweb", "-s", "1", "--at", "2026-11-30T10:00", "-q")
    assert database.is_file()


def _vanishing(target: Path) -> None:
    # The last connection of another process closing removes -wal and -shm: between the look
    # and the question whether they are writable, they may be gone.
    target.unlink(missing_ok=True)


def _appearing(target: Path) -> None:
    # Another process's first connection makes them: asked about before they exist, they
    # are there a moment later.
    target.write_bytes(b"")


@pytest.mark.parametrize(("change", "there_before"), [(_vanishing, True), (_appearing, False)])
def test_a_log_that_comes_or_goes_while_it_is_looked_at_is_not_read_only(tmp_path, monkeypatch, change, there_before):
    from slacli.storage import sqlite as store_module

    path = tmp_path / "x.db"
    open_sqlite(path).close()
    for log in ("-wal", "-shm"):
        if there_before:
            Path(f"{path}{log}").write_bytes(b"")
    real_access = os.access
    changed: set[str] = set()

    def racing(target, flags, **kwargs):
        if str(target).endswith(("-wal", "-shm")) and str(target) not in changed:
            changed.add(str(target))
            change(Path(target))  # just after the question: its answer is out of date
            return False
        return real_access(target, flags, **kwargs)

    monkeypatch.setattr(os, "access", racing)
    found = store_module._inspect(path, "write")
    assert found is not None
    assert store_module._access(path, found, "write") == "rw"
