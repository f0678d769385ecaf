"""The storage contract: what the tracker and the read layer need from a store.

A store keeps four things: the append-only event log of each incident, each incident's
current state (rewritten with every event, so listings never replay history), the
policy snapshots deadlines were computed from, and maintenance windows with their log.
States and windows arrive as JSON-ready documents (:mod:`slacli.storage.codec`); a store
indexes the few columns of :class:`IncidentRow` and never looks inside the documents.
Instants are aware datetimes in and ISO 8601 text out. ``tests/test_store_contract.py``
runs the same suite against every implementation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

# How a command opens the store, by what it may do. "read": an existing store, read (a
# SQLite file is still brought up to date when it is writable: migrations, worked-out
# downtime); "write": an existing store, written; "create": created when missing. Ordered:
# each allows what the ones before it do.
OpenMode = Literal["read", "write", "create"]
OPEN_MODES: tuple[OpenMode, ...] = ("read", "write", "create")


class IncidentRow(NamedTuple):
    """What a store indexes of an incident; ``state`` is its document (JSON text)."""

    policy: str
    severity: str
    status: str
    services: tuple[str, ...]  # those it affects: IncidentFilter.service matches any
    opened: datetime
    resolved: datetime | None  # the last resolution, None while open
    last_event: datetime
    state: str
    downtime: str | None  # weighted impact (JSON; epoch seconds), None when it has none


class StoredIncident(NamedTuple):
    id: int
    state: str  # JSON


class StoredDowntime(NamedTuple):
    id: int
    severity: str
    downtime: str | None  # None: written before stores kept it; work it out from the state
    last_event: str  # ISO text


class LogEntry(NamedTuple):
    """One entry of an incident's or a window's log, as a store is given it."""

    kind: str
    at: datetime  # when it happened
    author: str  # who did it
    details: Mapping[str, Any]
    recorded: datetime  # when it was written down
    recorded_by: str = ""  # who wrote it down


class StoredEvent(NamedTuple):
    kind: str
    at: str  # ISO text
    author: str
    details: dict[str, Any]
    recorded: str  # ISO text: when it was written down, as opposed to when it happened
    recorded_by: str = ""  # who wrote it down, as opposed to who did it (the author)


class StoredWindow(NamedTuple):
    id: int
    state: dict[str, Any]


class StoredNotice(NamedTuple):
    """A notice for the status page (a hotfix): its document and when it was written down."""

    id: int
    state: dict[str, Any]
    recorded: str  # ISO text
    recorded_by: str


class IncidentFilter(NamedTuple):
    """Incidents matching every field given (None: any). Stored columns hold the latest
    state, so as-of reads ask for a superset and the tracker narrows it after replaying."""

    policy: str | None = None
    service: str | None = None  # affects this service, among others or alone
    since: datetime | None = None  # opened at or after
    until: datetime | None = None  # opened before
    opened_by: datetime | None = None  # opened at or before
    unresolved_at: datetime | None = None  # not (last) resolved by then


class Counts(NamedTuple):
    incidents: int
    events: int  # of incidents
    windows: int  # maintenance windows
    notices: int  # hotfixes


class StoreFile(NamedTuple):
    """A file a store keeps on this machine (a server store has none)."""

    role: str  # "database", "wal" (the write-ahead log), "shm" (its shared index)
    path: str
    size: int  # bytes
    mode: int  # permission bits


class Store(Protocol):
    location: str  # for messages: a path or a URL without credentials

    def transaction(self, *, wait: bool = True) -> AbstractContextManager[None]:
        """One write transaction, rolled back on any error. Without ``wait``, a store busy
        with another writer is a StoreError at once (for writes that can be skipped)."""
        ...

    def close(self) -> None: ...

    # writes, inside transaction()
    def insert_incident(self, row: IncidentRow) -> int: ...
    def update_incident(self, incident_id: int, row: IncidentRow) -> None: ...
    def fill_downtime(self, values: list[tuple[int, str | None]]) -> None:
        """Keep (id, downtime) worked out for rows whose downtime was not yet known."""
        ...

    def append_event(self, incident_id: int, entry: LogEntry) -> None: ...
    def save_snapshot(self, digest: str, name: str, tables: Mapping[str, Any]) -> None: ...
    # A window's span, [start, end), is what ``windows(overlapping=...)`` selects by: the time
    # it may cover, as planned or as it ran, open-ended (FAR) while it is running.
    def insert_window(self, policy: str, start: datetime, end: datetime, state: Mapping[str, Any]) -> int: ...
    def update_window(self, window_id: int, state: Mapping[str, Any], span: tuple[datetime, datetime]) -> None: ...
    def append_window_event(self, window_id: int, entry: LogEntry) -> None: ...
    # Notices are facts, like log entries: written once, never changed.
    def insert_notice(
        self, policy: str, at: datetime, state: Mapping[str, Any], recorded: datetime, by: str
    ) -> int: ...

    # reads
    def incident(self, incident_id: int) -> StoredIncident | None: ...
    def incidents(self, where: IncidentFilter) -> Iterator[StoredIncident]: ...
    def events(self, incident_id: int) -> list[StoredEvent]: ...
    def downtime(self, policy: str, unresolved_at: datetime, service: str | None = None) -> list[StoredDowntime]:
        """The incidents of ``policy`` with weighted impact not (last) resolved by ``unresolved_at``
        (affecting ``service``, when given)."""
        ...

    def snapshot(self, digest: str) -> dict[str, Any] | None: ...
    def window(self, window_id: int) -> StoredWindow | None: ...
    def windows(
        self, policy: str | None = None, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[StoredWindow]:
        """Windows by the start of their span: of ``policy`` (else all), whose span overlaps
        [a, b) when given."""
        ...

    def notices(
        self, policy: str | None = None, between: tuple[datetime, datetime] | None = None
    ) -> list[StoredNotice]:
        """Notices by their instant: of ``policy`` (else all), at or after a and before b when given."""
        ...

    def window_events(self, window_id: int) -> list[StoredEvent]:
        """A window's log (added, then its actions): an audit trail; states carry what reads need."""
        ...

    # upkeep (slacli doctor, slacli backup)
    def schema(self) -> tuple[int, int]:
        """(the schema version of the store, the newest this slacli knows); equal once open."""
        ...

    def integrity(self) -> list[str]:
        """What a full consistency check of the stored data finds wrong: [] when nothing."""
        ...

    def counts(self) -> Counts: ...
    def files(self) -> list[StoreFile]:
        """The files holding the store on this machine that exist now, the database first."""
        ...

    def backup(self, target: Path, *, replace: bool = False) -> Counts:
        """Copy the store, consistently even while others write, to a new file ``target``
        (private: mode 0600 from the start; an existing one only with ``replace``), check the
        copy (integrity, schema) and give its counts; a StoreError, and no copy, otherwise."""
        ...
