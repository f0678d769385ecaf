"""The SQLite store: the only module that speaks SQL (the contract: :mod:`.base`).

Tables: ``events`` (append-only, the truth), ``incidents`` (each incident's current
state, rewritten with every event it gets, so that listings never replay history),
``policy_snapshots`` (the policy tables each incident's deadlines were computed from),
``maintenance`` and its log ``maintenance_events`` (an audit trail: window states carry
what reads need).
The schema evolves by ordered forward migrations recorded in ``PRAGMA user_version``.
Writers take the write lock up front (``BEGIN IMMEDIATE``) and wait for each other
(``busy_timeout``), so a cron job and a person can write at the same moment.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slacli.errors import SlacliError, StoreError
from slacli.storage.base import (
    IncidentFilter,
    IncidentRow,
    StoredDowntime,
    StoredEvent,
    StoredIncident,
    StoredWindow,
)

BUSY_TIMEOUT_MS = 10_000

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
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
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
        for change in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )


LOGS = ("events", "maintenance_events")
STALE = "stale"
INCIDENT_COLUMNS = "policy, severity, status, service, opened, resolved, last_event, state, downtime"


class SQLiteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        try:
            self.db = self._connect(path)
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: {error}") from None

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # private from the start
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _set_wal(db)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: written by a newer slacli (schema {version})")
        if version == len(MIGRATIONS):
            return
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]  # another writer may have won
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[None]:
        """One write transaction, locked up front; rolled back on any error. Without ``wait``,
        a file another writer holds is a StoreError at once (for writes that can be skipped)."""
        try:
            if not wait:
                self.db.execute("PRAGMA busy_timeout = 0")
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"{self.path}: {error}") from None
        finally:
            if not wait:
                self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # -- writes (inside transaction()) -------------------------------------------------

    def insert_incident(self, row: IncidentRow) -> int:
        cursor = self.db.execute(
            f"INSERT INTO incidents ({INCIDENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _columns(row)
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_incident(self, incident_id: int, row: IncidentRow) -> None:
        assignments = ", ".join(f"{c} = ?" for c in INCIDENT_COLUMNS.split(", "))
        self.db.execute(f"UPDATE incidents SET {assignments} WHERE id = ?", (*_columns(row), incident_id))

    def fill_downtime(self, values: list[tuple[int, str | None]]) -> None:
        """Replace STALE downtime with (id, value) pairs worked out from the incidents' states."""
        pairs = [(value, incident_id) for incident_id, value in values]
        try:
            self.db.executemany(f"UPDATE incidents SET downtime = ? WHERE id = ? AND downtime = '{STALE}'", pairs)
        except sqlite3.OperationalError as error:  # a read-only file, say
            raise StoreError(f"{self.path}: {error}") from None

    def append_event(
        self,
        incident_id: int,
        kind: str,
        at: datetime,
        author: str,
        details: Mapping[str, Any],
        recorded: datetime,
        recorded_by: str = "",
    ) -> None:
        self._log("events", "incident_id", incident_id, kind, at, author, details, recorded, recorded_by)

    def insert_window(self, policy: str, start: datetime, end: datetime, state: Mapping[str, Any]) -> int:
        cursor = self.db.execute(
            'INSERT INTO maintenance (policy, start, "end", state) VALUES (?, ?, ?, ?)',
            (policy, _utc_text(start), _utc_text(end), json.dumps(state)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def update_window(self, window_id: int, state: Mapping[str, Any]) -> None:
        self.db.execute("UPDATE maintenance SET state = ? WHERE id = ?", (json.dumps(state), window_id))

    def append_window_event(
        self,
        window_id: int,
        kind: str,
        at: datetime,
        author: str,
        details: Mapping[str, Any],
        recorded: datetime,
        recorded_by: str = "",
    ) -> None:
        self._log("maintenance_events", "window_id", window_id, kind, at, author, details, recorded, recorded_by)

    def _log(
        self,
        table: str,
        owner: str,
        owner_id: int,
        kind: str,
        at: datetime,
        author: str,
        details: Mapping[str, Any],
        recorded: datetime,
        recorded_by: str,
    ) -> None:
        # Both logs have the same columns; table and owner names are fixed by the callers above.
        self.db.execute(
            f"INSERT INTO {table} ({owner}, kind, at, recorded, recorded_by, author, details) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (owner_id, str(kind), _utc_text(at), _utc_text(recorded), recorded_by, author, json.dumps(details)),
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
        for column, value in (("policy", where.policy), ("service", where.service)):
            if value is not None:
                clauses.append(f"{column} = ?")  # column names are fixed here, values bound
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
            + (" AND service = ?" if service is not None else "")
        )
        query = " UNION ALL ".join(select.format(resolved=r) for r in ("resolved IS NULL", "resolved > ?"))
        by_service = [service] if service is not None else []
        params = [policy, *by_service, policy, _utc_text(unresolved_at), *by_service]
        return [
            StoredDowntime(r["id"], r["severity"], None if r["downtime"] == STALE else r["downtime"], r["last_event"])
            for r in self.db.execute(query + " ORDER BY id", params)
        ]

    def window(self, window_id: int) -> StoredWindow | None:
        found = self.db.execute("SELECT id, state FROM maintenance WHERE id = ?", (window_id,)).fetchone()
        return StoredWindow(found["id"], json.loads(found["state"])) if found else None

    def windows(
        self, policy: str | None = None, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[StoredWindow]:
        clauses, params = [], []
        if policy is not None:
            clauses.append("policy = ?")
            params.append(policy)
        if overlapping is not None:
            clauses.append('start < ? AND "end" > ?')
            params += [_utc_text(overlapping[1]), _utc_text(overlapping[0])]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self.db.execute(f"SELECT id, state FROM maintenance{where} ORDER BY start, id", params)
        return [StoredWindow(r["id"], json.loads(r["state"])) for r in rows]


def _columns(row: IncidentRow) -> tuple[Any, ...]:
    return (
        row.policy,
        row.severity,
        str(row.status),
        row.service,
        _utc_text(row.opened),
        _utc_text(row.resolved) if row.resolved else None,
        _utc_text(row.last_event),
        row.state,
        row.downtime,
    )


def _utc_text(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def open_sqlite(path: Path) -> SQLiteStore:
    try:
        return SQLiteStore(path)
    except SlacliError:
        raise
    except OSError as error:
        raise StoreError(f"{path}: {error.strerror or error}") from None
