"""The SQLite store: the only module that speaks SQL (the contract: :mod:`.base`).

Tables: ``events`` (append-only, the truth), ``incidents`` (each incident's current
state, rewritten with every event it gets, so that listings never replay history),
``policy_snapshots`` (the policy tables each incident's deadlines were computed from),
``maintenance`` and its log ``maintenance_events`` (an audit trail: window states carry
what reads need).
The schema evolves by ordered forward migrations recorded in ``PRAGMA user_version``.
Writers take the write lock up front (``BEGIN IMMEDIATE``) and wait for each other
(``busy_timeout``), so a cron job and a person can write at the same moment.

Opening (:func:`open_sqlite`) looks at the path before SQLite does: only ``create`` makes
a missing file (0600, in a 0700 directory); what is not a regular file holding an SQLite
database is refused without being opened for SQLite (a FIFO never blocks), and so are
``:memory:`` and URIs. A file this user cannot write (or whose directory it cannot write)
is refused for ``write`` and ``create`` and read without writing anything for ``read``
(see :func:`_access`); a file of a newer schema is refused before anything is written to
it, WAL mode included.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from slacli.errors import SlacliError, StoreError
from slacli.maintenance import span
from slacli.storage.base import (
    Counts,
    IncidentFilter,
    IncidentRow,
    LogEntry,
    OpenMode,
    StoredDowntime,
    StoredEvent,
    StoredIncident,
    StoredNotice,
    StoredWindow,
    StoreFile,
)
from slacli.storage.codec import load_window

BUSY_TIMEOUT_MS = 10_000
HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
SHARED_FIRST, SHARED_SIZE = 0x40000000 + 2, 510  # the bytes SQLite's unix VFS locks for SHARED
# Open flags of POSIX that Windows lacks (0 there, where FIFOs and these symlinks are rare).
NOFOLLOW, CLOEXEC, NONBLOCK = (int(getattr(os, f"O_{flag}", 0)) for flag in ("NOFOLLOW", "CLOEXEC", "NONBLOCK"))
MISSING = "no incident database at {} (slacli open creates one; --db or $SLACLI_DB choose another)"

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []


def migration(step: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    MIGRATIONS.append(step)
    return step


@migration
def _create_tables(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE incidents (
            id INTEGER PRIMARY KEY,
            policy TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            service TEXT,
            opened TEXT NOT NULL,
            resolved TEXT,
            state TEXT NOT NULL
        )"""
    )
    # The due board and `list --open` read only open incidents, however many are closed.
    db.execute("CREATE INDEX incidents_open ON incidents (opened) WHERE status != 'resolved'")
    db.execute("CREATE INDEX incidents_opened ON incidents (opened)")
    db.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents (id),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            recorded TEXT NOT NULL,
            author TEXT NOT NULL,
            details TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX events_incident ON events (incident_id, id)")
    db.execute("CREATE TABLE policy_snapshots (digest TEXT PRIMARY KEY, name TEXT NOT NULL, tables TEXT NOT NULL)")


def _set_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL. Two first uses at once can find the file locked, and this pragma
    does not wait for the busy timeout, so retry until that time has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if _code(error) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@migration
def _create_maintenance(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE maintenance (
            id INTEGER PRIMARY KEY,
            policy TEXT NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            state TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX maintenance_policy_start ON maintenance (policy, start)")
    db.execute(
        """CREATE TABLE maintenance_events (
            id INTEGER PRIMARY KEY,
            window_id INTEGER NOT NULL REFERENCES maintenance (id),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            recorded TEXT NOT NULL,
            author TEXT NOT NULL,
            details TEXT NOT NULL
        )"""
    )


@migration
def _index_resolutions(db: sqlite3.Connection) -> None:
    # Availability reads the incidents still unresolved at a period's start.
    db.execute("CREATE INDEX incidents_resolved ON incidents (resolved)")


@migration
def _downtime_column(db: sqlite3.Connection) -> None:
    # Availability reads each incident's weighted impact (JSON, written with every event)
    # from a covering index of the incidents that have any. Rows written before this
    # migration read the default, STALE: worked out from the state when first read, then kept.
    db.execute(f"ALTER TABLE incidents ADD COLUMN downtime TEXT DEFAULT '{STALE}'")
    db.execute(
        "CREATE INDEX incidents_downtime ON incidents (policy, resolved, service, severity, downtime) "
        "WHERE downtime IS NOT NULL"
    )


@migration
def _last_event_column(db: sqlite3.Connection) -> None:
    # As-of reads replay only incidents with an event after the instant asked about; the
    # downtime index carries the instant so availability can tell without the state. Window
    # states learn when each start, completion or cancellation was recorded, from the log.
    db.execute("ALTER TABLE incidents ADD COLUMN last_event TEXT")
    db.execute("UPDATE incidents SET last_event = json_extract(state, '$.last_event')")
    db.execute("DROP INDEX incidents_open")  # open incidents are now read by the resolution index
    db.execute("DROP INDEX incidents_downtime")
    db.execute(
        "CREATE INDEX incidents_downtime ON incidents (policy, resolved, service, severity, downtime, last_event) "
        "WHERE downtime IS NOT NULL"
    )
    for window_id, text in db.execute("SELECT id, state FROM maintenance").fetchall():
        changes = db.execute(
            "SELECT at, kind FROM maintenance_events WHERE window_id = ? AND kind != 'added' ORDER BY id", (window_id,)
        ).fetchall()
        state = {**json.loads(text), "changes": [[at, kind] for at, kind in changes]}
        db.execute("UPDATE maintenance SET state = ? WHERE id = ?", (json.dumps(state), window_id))


@migration
def _append_only_logs(db: sqlite3.Connection) -> None:
    # Events are facts (SPEC 2.13): each keeps who wrote it down, and the database itself
    # refuses to rewrite or delete one; a mistake is corrected by appending an event.
    for table in LOGS:
        db.execute(f"ALTER TABLE {table} ADD COLUMN recorded_by TEXT NOT NULL DEFAULT ''")
        _append_only(db, table)


def _append_only(db: sqlite3.Connection, table: str) -> None:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
    for change in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} {refuse}")
    # REPLACE deletes without firing DELETE triggers: refuse an insert over an existing row.
    db.execute(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) {refuse}"
    )


@migration
def _window_spans(db: sqlite3.Connection) -> None:
    # Availability selects windows by the time they may cover, as planned or as they ran: a
    # recorded early start or late completion widens the row's span, and one running has
    # no end yet (the columns held the planned span until now).
    for window_id, text in db.execute("SELECT id, state FROM maintenance").fetchall():
        start, end = span(load_window(json.loads(text)))
        db.execute(
            'UPDATE maintenance SET start = ?, "end" = ? WHERE id = ?', (_utc_text(start), _utc_text(end), window_id)
        )


@migration
def _incident_services(db: sqlite3.Connection) -> None:
    # An incident may affect several services: each is a row here, which the service
    # filters read (the incidents' service column keeps the first).
    db.execute(
        "CREATE TABLE incident_services (service TEXT NOT NULL, incident_id INTEGER NOT NULL REFERENCES incidents, "
        "PRIMARY KEY (service, incident_id)) WITHOUT ROWID"
    )
    # An empty name (accepted before) reads as no service, as the states read it.
    db.execute("INSERT INTO incident_services SELECT service, id FROM incidents WHERE service != ''")


@migration
def _notices(db: sqlite3.Connection) -> None:
    # Hotfixes for the status page: append-only, as the logs are.
    db.execute(
        "CREATE TABLE notices (id INTEGER PRIMARY KEY, policy TEXT NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL, "
        "recorded TEXT NOT NULL, recorded_by TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX notices_at ON notices (at)")
    _append_only(db, "notices")


LOGS = ("events", "maintenance_events")
# Asked of each candidate row: the ranges read (open incidents, downtime) bound the cost,
# not the service's whole history.
AFFECTS = "EXISTS (SELECT 1 FROM incident_services WHERE service = ? AND incident_id = incidents.id)"
STALE = "stale"
INCIDENT_COLUMNS = "policy, severity, status, service, opened, resolved, last_event, state, downtime"


class SQLiteStore:
    def __init__(self, path: Path, mode: OpenMode = "create") -> None:
        self.path = path
        self.location = str(path)
        try:
            self.db, self.writable, key = _connect(path, mode)
        except sqlite3.DatabaseError as error:
            raise _failure(path, error) from None
        # Closed by close(), or when the store is dropped unclosed (its descriptors are held per file).
        self._closer = weakref.finalize(self, _close, self.db, key)
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _migrate(self) -> None:
        if _version(self.db) == len(MIGRATIONS):
            return
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]  # another writer may have won
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[None]:
        """One write transaction, locked up front; rolled back on any error. Without ``wait``,
        a file another writer holds is a StoreError at once (for writes that can be skipped).
        A read-only file, and any failure of SQLite's while writing, is a StoreError."""
        if not self.writable:
            raise StoreError(f"{self.path}: database is read-only")
        try:
            if not wait:
                self.db.execute("PRAGMA busy_timeout = 0")
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _failure(self.path, error) from None
        finally:
            if not wait:
                self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            yield
            self.db.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback()
            raise _failure(self.path, error) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.db.in_transaction:  # a failed statement may have ended it already
            self.db.execute("ROLLBACK")

    def close(self) -> None:
        self._closer()  # once

    # -- writes (inside transaction()) -------------------------------------------------

    def insert_incident(self, row: IncidentRow) -> int:
        cursor = self.db.execute(
            f"INSERT INTO incidents ({INCIDENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _columns(row)
        )
        assert cursor.lastrowid is not None
        self._write_services(cursor.lastrowid, row.services)
        return cursor.lastrowid

    def update_incident(self, incident_id: int, row: IncidentRow) -> None:
        assignments = ", ".join(f"{c} = ?" for c in INCIDENT_COLUMNS.split(", "))
        self.db.execute(f"UPDATE incidents SET {assignments} WHERE id = ?", (*_columns(row), incident_id))
        self.db.execute("DELETE FROM incident_services WHERE incident_id = ?", (incident_id,))
        self._write_services(incident_id, row.services)

    def _write_services(self, incident_id: int, services: tuple[str, ...]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO incident_services VALUES (?, ?)", [(s, incident_id) for s in services]
        )

    def fill_downtime(self, values: list[tuple[int, str | None]]) -> None:
        """Replace STALE downtime with (id, value) pairs worked out from the incidents' states."""
        pairs = [(value, incident_id) for incident_id, value in values]
        try:
            self.db.executemany(f"UPDATE incidents SET downtime = ? WHERE id = ? AND downtime = '{STALE}'", pairs)
        except sqlite3.OperationalError as error:  # a read-only file, say
            raise StoreError(f"{self.path}: {error}") from None

    def append_event(self, incident_id: int, entry: LogEntry) -> None:
        self._log("events", "incident_id", incident_id, entry)

    def insert_window(self, policy: str, start: datetime, end: datetime, state: Mapping[str, Any]) -> int:
        cursor = self.db.execute(
            'INSERT INTO maintenance (policy, start, "end", state) VALUES (?, ?, ?, ?)',
            (policy, _utc_text(start), _utc_text(end), json.dumps(state)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_window(self, window_id: int, state: Mapping[str, Any], span: tuple[datetime, datetime]) -> None:
        self.db.execute(
            'UPDATE maintenance SET state = ?, start = ?, "end" = ? WHERE id = ?',
            (json.dumps(state), _utc_text(span[0]), _utc_text(span[1]), window_id),
        )

    def append_window_event(self, window_id: int, entry: LogEntry) -> None:
        self._log("maintenance_events", "window_id", window_id, entry)

    def insert_notice(self, policy: str, at: datetime, state: Mapping[str, Any], recorded: datetime, by: str) -> int:
        cursor = self.db.execute(
            "INSERT INTO notices (policy, at, state, recorded, recorded_by) VALUES (?, ?, ?, ?, ?)",
            (policy, _utc_text(at), json.dumps(state), _utc_text(recorded), by),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _log(self, table: str, owner: str, owner_id: int, entry: LogEntry) -> None:
        # Both logs have the same columns; table and owner names are fixed by the callers above.
        self.db.execute(
            f"INSERT INTO {table} ({owner}, kind, at, recorded, recorded_by, author, details) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                owner_id,
                str(entry.kind),
                _utc_text(entry.at),
                _utc_text(entry.recorded),
                entry.recorded_by,
                entry.author,
                json.dumps(entry.details),
            ),
        )

    def save_snapshot(self, digest: str, name: str, tables: Mapping[str, Any]) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO policy_snapshots (digest, name, tables) VALUES (?, ?, ?)",
            (digest, name, json.dumps(tables, default=str)),
        )

    # -- reads -------------------------------------------------------------------------

    def incident(self, incident_id: int) -> StoredIncident | None:
        found = self.db.execute("SELECT id, state FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        return StoredIncident(found["id"], found["state"]) if found else None

    def events(self, incident_id: int) -> list[StoredEvent]:
        return self._read_log("events", "incident_id", incident_id)

    def window_events(self, window_id: int) -> list[StoredEvent]:
        return self._read_log("maintenance_events", "window_id", window_id)

    def _read_log(self, table: str, owner: str, owner_id: int) -> list[StoredEvent]:
        rows = self.db.execute(
            f"SELECT kind, at, author, details, recorded, recorded_by FROM {table} WHERE {owner} = ? ORDER BY id",
            (owner_id,),
        )
        return [
            StoredEvent(r["kind"], r["at"], r["author"], json.loads(r["details"]), r["recorded"], r["recorded_by"])
            for r in rows
        ]

    def snapshot(self, digest: str) -> dict[str, Any] | None:
        found = self.db.execute("SELECT tables FROM policy_snapshots WHERE digest = ?", (digest,)).fetchone()
        tables: dict[str, Any] | None = json.loads(found["tables"]) if found else None
        return tables

    def incidents(self, where: IncidentFilter) -> Iterator[StoredIncident]:
        """Incidents matching every filter given, oldest first. Those not resolved by an
        instant are read by two ranges of the resolution index (still open; resolved
        later), so the open incidents of now never cost a scan of the whole history."""
        clauses, params = [], []
        for clause, value in (("policy = ?", where.policy), (AFFECTS, where.service)):
            if value is not None:
                clauses.append(clause)  # clauses are fixed here, values bound
                params.append(value)
        for clause, instant in (
            ("opened >= ?", where.since),
            ("opened < ?", where.until),
            ("opened <= ?", where.opened_by),
        ):
            if instant is not None:
                clauses.append(clause)
                params.append(_utc_text(instant))  # stored as UTC text: compare alike
        if where.unresolved_at is None:
            sql = "SELECT id, state, opened FROM incidents" + "".join(
                f" {'WHERE' if i == 0 else 'AND'} {c}" for i, c in enumerate(clauses)
            )
        else:
            rest = "".join(f" AND {c}" for c in clauses)
            select = "SELECT id, state, opened FROM incidents INDEXED BY incidents_resolved WHERE {}" + rest
            sql = f"{select.format('resolved IS NULL')} UNION ALL {select.format('resolved > ?')}"
            params = [*params, _utc_text(where.unresolved_at), *params]
        for row in self.db.execute(sql + " ORDER BY opened, id", params):
            yield StoredIncident(row["id"], row["state"])

    def downtime(self, policy: str, unresolved_at: datetime, service: str | None = None) -> list[StoredDowntime]:
        """From the covering index: open ones and those resolved later each read by an index
        range, not the policy's history."""
        select = (
            "SELECT id, severity, downtime, last_event FROM incidents INDEXED BY incidents_downtime "
            "WHERE policy = ? AND downtime IS NOT NULL AND {resolved}"
            + (f" AND {AFFECTS}" if service is not None else "")
        )
        query = " UNION ALL ".join(select.format(resolved=r) for r in ("resolved IS NULL", "resolved > ?"))
        by_service = [service] if service is not None else []
        params = [policy, *by_service, policy, _utc_text(unresolved_at), *by_service]
        return [
            StoredDowntime(r["id"], r["severity"], None if r["downtime"] == STALE else r["downtime"], r["last_event"])
            for r in self.db.execute(query + " ORDER BY id", params)
        ]

    def notices(
        self, policy: str | None = None, between: tuple[datetime, datetime] | None = None
    ) -> list[StoredNotice]:
        span = ("at >= ? AND at < ?", [_utc_text(between[0]), _utc_text(between[1])]) if between else None
        where, params = _where(policy, span)
        rows = self.db.execute(f"SELECT id, state, recorded, recorded_by FROM notices{where} ORDER BY at, id", params)
        return [StoredNotice(r["id"], json.loads(r["state"]), r["recorded"], r["recorded_by"]) for r in rows]

    def window(self, window_id: int) -> StoredWindow | None:
        found = self.db.execute("SELECT id, state FROM maintenance WHERE id = ?", (window_id,)).fetchone()
        return StoredWindow(found["id"], json.loads(found["state"])) if found else None

    def windows(
        self, policy: str | None = None, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[StoredWindow]:
        span = (
            ('start < ? AND "end" > ?', [_utc_text(overlapping[1]), _utc_text(overlapping[0])]) if overlapping else None
        )
        where, params = _where(policy, span)
        rows = self.db.execute(f"SELECT id, state FROM maintenance{where} ORDER BY start, id", params)
        return [StoredWindow(r["id"], json.loads(r["state"])) for r in rows]

    # -- upkeep (doctor, backup) ---------------------------------------------------------

    def schema(self) -> tuple[int, int]:
        return _version(self.db), len(MIGRATIONS)

    def integrity(self) -> list[str]:
        """SQLite's full check of every page and index, and events whose incident is missing."""
        return _problems(self.db)

    def counts(self) -> Counts:
        return _counts(self.db)

    def files(self) -> list[StoreFile]:
        real = os.path.realpath(self.path)  # SQLite keeps its -wal and -shm beside the file itself
        found = []
        for role, name in (("database", str(self.path)), ("wal", f"{real}-wal"), ("shm", f"{real}-shm")):
            try:
                info = os.stat(name)
            except FileNotFoundError:
                continue
            found.append(StoreFile(role, name, info.st_size, stat.S_IMODE(info.st_mode)))
        return found

    def backup(self, target: Path, *, replace: bool = False) -> Counts:
        """With SQLite's online backup, in one step: one read transaction, so writers carry on
        (WAL) and the copy is the database as of one instant. The copy is written to a private
        temporary file beside ``target``, checked, switched to a rollback journal (one
        self-contained file, readable where nothing can be written), then renamed to ``target``."""
        if _same_file(target, self.path):
            raise StoreError(f"{target}: that is the database itself (or a file SQLite keeps beside it)")
        reserved, made, done = False, "", False
        try:
            if os.path.lexists(target):
                if not replace:
                    raise StoreError(f"{target}: exists already (--force replaces it)")
                if not os.path.isfile(target):
                    raise StoreError(f"{target}: not a regular file")
                for log in (f"{target}-wal", f"{target}-shm"):
                    if os.path.lexists(log):  # SQLite would replay it into the copy: a damaged file
                        raise StoreError(f"{target}: in use, or left by a crash ({log} beside it): not replaced")
            else:  # reserve the name: a file made there meanwhile is not replaced either
                flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | NOFOLLOW | CLOEXEC
                os.close(os.open(target, flags, 0o600))
                reserved = True
            handle, made = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)  # 0600
            os.close(handle)
            copy = sqlite3.connect(_uri(Path(made), "rw"), uri=True, isolation_level=None)
            try:
                self.db.backup(copy)
            finally:
                copy.close()
            counts = _check_copy(Path(made), target, _version(self.db))
            os.replace(made, target)
            done = True
            return counts
        except sqlite3.Error as error:
            raise _failure(target, error) from None
        except FileExistsError:
            raise StoreError(f"{target}: exists already (--force replaces it)") from None
        except OSError as error:
            raise StoreError(f"{target}: {error.strerror or error}") from None
        finally:
            if not done:  # no copy, or one that failed its check: nothing is left behind
                _discard(made, *([str(target)] if reserved else []))


def _where(policy: str | None, span: tuple[str, list[str]] | None) -> tuple[str, list[str]]:
    """A WHERE clause for a policy and a span condition, each optional (fixed SQL, values bound)."""
    clauses, params = [], []
    if policy is not None:
        clauses.append("policy = ?")
        params.append(policy)
    if span is not None:
        clauses.append(span[0])
        params += span[1]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _columns(row: IncidentRow) -> tuple[Any, ...]:
    return (
        row.policy,
        row.severity,
        str(row.status),
        row.services[0] if row.services else None,
        _utc_text(row.opened),
        _utc_text(row.resolved) if row.resolved else None,
        _utc_text(row.last_event),
        row.state,
        row.downtime,
    )


def _utc_text(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def open_sqlite(path: Path, mode: OpenMode = "create") -> SQLiteStore:
    """The SQLite store at ``path``, opened for ``mode`` (tests and benchmarks create theirs)."""
    try:
        return SQLiteStore(path, mode)
    except SlacliError:
        raise
    except OSError as error:
        raise StoreError(f"{path}: {error.strerror or error}") from None


# -- opening ---------------------------------------------------------------------------
#
# POSIX locks belong to the process, and closing any descriptor of a file drops every lock
# the process holds on it, SQLite's included: another process could then checkpoint and
# delete the write-ahead log under this one's connections, corrupting the file. So a
# descriptor of ours on a database file is opened only while no store of this process has
# that file open (the header check), or kept until the last one closes (the read lock).

FileKey = tuple[int, int]  # (device, inode)


class _Held:
    """What this process holds on one database file: its open stores, and the descriptor
    carrying the read lock of the immutable reads (see :func:`_hold_still`)."""

    def __init__(self) -> None:
        self.stores = 0
        self.lock: int | None = None


_HELD: dict[FileKey, _Held] = {}


def _close(db: sqlite3.Connection, key: FileKey) -> None:
    db.close()
    _release(key)


def _release(key: FileKey) -> None:
    held = _HELD[key]
    held.stores -= 1
    if held.stores == 0:
        del _HELD[key]
        if held.lock is not None:
            os.close(held.lock)


class _Opened(NamedTuple):
    db: sqlite3.Connection
    writable: bool
    file: FileKey


class _Found(NamedTuple):
    """What :func:`_inspect` found at a path: a regular file, empty or an SQLite database."""

    key: FileKey
    size: int
    wal: bool  # the header says WAL (a reader needs the -shm beside it, or to make one)


def _connect(path: Path, mode: OpenMode) -> _Opened:
    """A connection to the database at ``path`` for ``mode``, and whether it may write.
    The schema version is read before anything is written (WAL mode included)."""
    found = _inspect(path, mode)
    if found is None:
        _create(path)
        found = _inspect(path, mode)
        assert found is not None  # create mode: a file is there now
    access = _access(path, found, mode)
    held = _HELD.setdefault(found.key, _Held())
    held.stores += 1  # from here on, _release undoes it
    try:
        if access == "immutable":
            _hold_still(path, held)
        db = sqlite3.connect(_uri(path, access), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except BaseException:
        _release(found.key)
        raise
    try:
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # One statement, one snapshot: another process may be setting the file up meanwhile.
        version, tables = db.execute(
            "SELECT user_version, (SELECT count(*) FROM sqlite_master) FROM pragma_user_version"
        ).fetchone()
        if version > len(MIGRATIONS):
            raise StoreError(f"{path}: written by a newer slacli (schema {version})")
        if version == 0 and tables:
            raise StoreError(f"{path}: an SQLite database, but not an incident database")
        writable = access == "rw"
        if writable:
            _set_wal(db)
        elif version < len(MIGRATIONS):
            raise StoreError(
                f"{path}: schema {version}, older than this slacli's {len(MIGRATIONS)}, and read-only here: "
                "run slacli on it once with write access to upgrade it"
            )
        db.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        db.close()
        _release(found.key)
        raise
    return _Opened(db, writable, found.key)


def _inspect(path: Path, mode: OpenMode) -> _Found | None:
    """What is at ``path``, looked at before SQLite is: None when nothing is and ``mode``
    may create it; a StoreError for anything but a regular file holding a database."""
    text = str(path)
    if text == ":memory:":
        raise StoreError(f"{text} is SQLite's in-memory database, which keeps nothing: give a file path")
    if text.startswith("file:"):
        raise StoreError(f"{text} is an SQLite URI, not accepted: give a file path")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise StoreError(f"{path}: a symbolic link to a missing file ({os.readlink(path)})") from None
        if mode != "create":
            raise StoreError(MISSING.format(path)) from None
        return None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path}: a directory, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{path}: not a regular file")
    key = (info.st_dev, info.st_ino)
    if key in _HELD:  # open here already, so checked already: a descriptor's close would drop its locks
        return _Found(key, info.st_size, True)
    handle = os.open(path, os.O_RDONLY | NONBLOCK | CLOEXEC)  # never blocks, were it swapped for a FIFO
    try:
        head = os.read(handle, 100)
    finally:
        os.close(handle)
    if not head:
        if mode == "create":  # as made by _create, maybe by another first use at this moment
            return _Found(key, 0, False)
        raise StoreError(f"{path}: an empty file, not an incident database (slacli open sets one up)")
    if not head.startswith(HEADER):
        raise StoreError(f"{path}: not an SQLite database")
    return _Found(key, info.st_size, head[18:19] == b"\x02")


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Private from the start; O_EXCL never follows a symbolic link. A file another first use
    # made at the same moment is inspected again.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | NOFOLLOW | CLOEXEC, 0o600))


def _access(path: Path, found: _Found, mode: OpenMode) -> str:
    """How SQLite opens the file: ``rw`` when this user can write it and the files beside it
    (the -wal and -shm of WAL mode, or the directory to make them in), else, for reads,
    ``ro`` or, when a read-only connection would have to create them, ``immutable``."""
    real = Path(os.path.realpath(path))
    wal, shm = Path(f"{real}-wal"), Path(f"{real}-shm")
    beside = wal.exists() and shm.exists()
    folder = os.access(real.parent, os.W_OK | os.X_OK)
    companions = all(_writable_or_absent(f) for f in (wal, shm))
    if os.access(real, os.W_OK) and companions and (folder or beside):
        return "rw"
    if mode != "read":
        if not os.access(real, os.W_OK):
            raise StoreError(f"{path}: database is read-only")
        if not companions:
            raise StoreError(f"{path}: database is read-only ({wal.name} or {shm.name} beside it is not writable)")
        raise StoreError(f"{path}: database is read-only (cannot create files in {real.parent})")
    if beside or not found.wal:
        return "ro"  # in WAL mode, sharing the index of the connections open now
    # A read-only connection would create the -wal and -shm (in a directory it cannot write
    # it cannot even open the file): they would keep this user's mode and owner, so that
    # writers could not write them, and a read-only connection does not remove them when it
    # closes. With no log beside it, everything is in the file: read it alone.
    return "immutable"


def _writable_or_absent(path: Path) -> bool:
    """Whether a -wal or -shm can be written or is not there. Other connections make and
    remove them at any moment: one gone by the time it is looked for was removed by the last
    connection closing, and one there that was not when asked about was just made, so it is
    asked about again."""
    if os.access(path, os.W_OK) or not os.path.lexists(path):
        return True
    return os.access(path, os.W_OK) or not os.path.lexists(path)


def _hold_still(path: Path, held: _Held) -> None:
    """Keep the database file from changing while it is read as immutable (without SQLite's
    locks, so without its protection).

    In WAL mode only a checkpoint writes to the file, and the one a writer runs when it
    closes needs SQLite's EXCLUSIVE lock on the file: holding a shared lock (SQLite's own, a
    read lock on its SHARED bytes) makes writers leave their changes in the log. Then the
    log is checked to be still empty: a writer that began meanwhile left the file alone."""
    try:
        import fcntl  # lazily, and POSIX only
    except ImportError:
        raise StoreError(f"{path}: cannot be read here without write access to it") from None

    real = os.path.realpath(path)
    if held.lock is None:
        handle = os.open(real, os.O_RDONLY | CLOEXEC)
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB, SHARED_SIZE, SHARED_FIRST, os.SEEK_SET)
                break
            except OSError:  # a writer is checkpointing: it holds the file for a moment
                if time.monotonic() > deadline:
                    os.close(handle)
                    raise StoreError(f"{path}: database is locked") from None
                time.sleep(0.02)
        held.lock = handle  # closed with the last store of the file (_release)
    if _size(f"{real}-wal"):
        raise StoreError(
            f"{path}: cannot be read here: its write-ahead log has changes not yet in the file, and this user "
            "cannot write beside it to read them"
        )


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size
    except FileNotFoundError:
        return 0


def _uri(path: Path, access: str) -> str:
    """A URI naming the file itself (percent-encoded), so SQLite never reads the path as a
    URI or as ``:memory:``, and never creates the file (``mode=rw`` or ``ro``)."""
    query = "mode=ro&immutable=1" if access == "immutable" else f"mode={access}"
    return f"{Path(os.path.abspath(path)).as_uri()}?{query}"


def _version(db: sqlite3.Connection) -> int:
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    return version


def _code(error: sqlite3.Error) -> int:
    """The primary result code of SQLite's error (SQLITE_READONLY for all its variants)."""
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _failure(path: Path, error: sqlite3.Error) -> StoreError:
    if _code(error) == sqlite3.SQLITE_READONLY:
        return StoreError(f"{path}: database is read-only")
    return StoreError(f"{path}: {error}")


# -- upkeep ----------------------------------------------------------------------------


def _problems(db: sqlite3.Connection) -> list[str]:
    try:
        found = [row[0] for row in db.execute("PRAGMA integrity_check") if row[0] != "ok"]
        found += [
            f"{table} row {rowid}: its {parent} row is missing"
            for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check")
        ]
    except sqlite3.DatabaseError as error:  # damage the check itself trips on
        return [str(error)]
    return found


def _counts(db: sqlite3.Connection) -> Counts:
    def count(table: str) -> int:
        found: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # table names fixed here
        return found

    return Counts(count("incidents"), count("events"), count("maintenance"), count("notices"))


def _check_copy(made: Path, target: Path, version: int) -> Counts:
    """The counts of a fresh copy once it passes the checks, after switching it to a rollback journal."""
    db = sqlite3.connect(_uri(made, "rw"), uri=True, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = DELETE")
        problems = _problems(db)
        if problems:
            raise StoreError(f"{target}: the copy fails its integrity check ({problems[0]}); nothing was kept")
        copied = _version(db)
        if copied != version:
            raise StoreError(f"{target}: the copy has schema {copied}, the database {version}; nothing was kept")
        return _counts(db)
    finally:
        db.close()


def _discard(*names: str) -> None:
    for name in names:
        for leftover in (name, f"{name}-journal", f"{name}-wal", f"{name}-shm") if name else ():
            if os.path.lexists(leftover):
                os.unlink(leftover)


def _same_file(target: Path, database: Path) -> bool:
    """``target`` is the database or one of SQLite's files beside it."""
    real = os.path.realpath(database)
    if os.path.realpath(target) in {real, *(f"{real}{s}" for s in ("-wal", "-shm", "-journal"))}:
        return True
    try:
        return os.path.samefile(target, database)
    except OSError:
        return False


def store_failure(error: BaseException) -> StoreError | None:
    """SQLite's error met while reading (a damaged file, say), as one line for the user."""
    if isinstance(error, sqlite3.DatabaseError):
        return StoreError(f"the incident database: {error} (slacli doctor checks the file)")
    return None
