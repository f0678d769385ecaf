"""The incident database's health (``slacli doctor``): what its store says of itself, judged,
and the open incidents whose policy snapshot the policy file in use no longer matches.

Keys of :attr:`Checkup.facts` (FACT_KEYS): database, schema, newest_schema, size_bytes,
mode (octal text), wal_bytes (None without a log), incidents, events, windows,
open_incidents, stale_snapshots (these five None when the database is damaged). Each
check (CHECK_COLUMNS) is ``ok``, ``warning`` or ``problem``; only problems make
:attr:`Checkup.found_problem`: a database SQLite finds damaged, or one anybody on the
machine may read. A stale snapshot is a warning: editing the policy file changes nothing
for open incidents until ``slacli recompute``, on purpose.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from slacli.errors import InputError
from slacli.policy import PolicySet
from slacli.policy.snapshot import digest
from slacli.storage.base import IncidentFilter
from slacli.tracker import Incident, Tracker

OK, WARNING, PROBLEM = "ok", "warning", "problem"
# SQLite checkpoints the log at 1,000 pages (4 MiB): a log much larger than that means
# checkpoints are held off, by a reader that keeps the database open, say.
LARGE_WAL_BYTES = 16 * 1024 * 1024
FACT_KEYS = (
    *("database", "schema", "newest_schema", "size_bytes", "mode", "wal_bytes"),
    *("incidents", "events", "windows", "notices", "open_incidents", "stale_snapshots"),
)
CHECK_COLUMNS = ("check", "status", "detail")
STALE_COLUMNS = ("id", "policy", "severity", "title", "snapshot", "policy_file")


class Checkup(NamedTuple):
    facts: dict[str, Any]
    checks: list[dict[str, Any]]
    stale: list[dict[str, Any]]  # open incidents `slacli recompute` would give the file's tables

    @property
    def found_problem(self) -> bool:
        return any(check["status"] == PROBLEM for check in self.checks)


def checkup(tracker: Tracker, as_of: datetime) -> Checkup:
    """The database of ``tracker`` and its incidents open at ``as_of``, checked. When SQLite
    finds damage, what is in it is not read (that could fail, or mislead): those facts are None."""
    store = tracker.store
    found, newest = store.schema()
    problems = store.integrity()
    files = {f.role: f for f in store.files()}
    database, wal = files.get("database"), files.get("wal")
    contents: dict[str, int | None] = dict.fromkeys(("incidents", "events", "windows", "notices", "open_incidents"))
    stale: list[dict[str, Any]] = []
    if not problems:
        open_now = tracker.find_open(IncidentFilter(), as_of)
        stale = [row for incident in open_now if (row := _stale(tracker.policies, incident))]
        contents = {**store.counts()._asdict(), "open_incidents": len(open_now)}
    facts = {
        "database": store.location,
        "schema": found,
        "newest_schema": newest,
        "size_bytes": database.size if database else None,
        "mode": f"{database.mode:04o}" if database else None,
        "wal_bytes": wal.size if wal else None,
        **contents,
        "stale_snapshots": None if problems else len(stale),
    }
    checks = [
        _integrity(problems),
        _schema(found, newest),
        *([_mode(database.mode, store.location)] if database else []),
        *([_wal(wal.size)] if wal else []),
        _snapshots(len(stale), contents["open_incidents"], tracker.policies),
    ]
    return Checkup(facts, checks, stale)


def _check(name: str, status: str, detail: str) -> dict[str, Any]:
    return {"check": name, "status": status, "detail": detail}


def _integrity(problems: list[str]) -> dict[str, Any]:
    if not problems:
        return _check("integrity", OK, "ok")
    shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
    return _check("integrity", PROBLEM, f"{len(problems)} found: {shown} (restore a backup)")


def _schema(found: int, newest: int) -> dict[str, Any]:
    if found == newest:
        return _check("schema", OK, f"{found}, the newest this slacli knows")
    return _check("schema", WARNING, f"{found}; this slacli knows {newest}")


def _mode(mode: int, location: str) -> dict[str, Any]:
    text = f"{mode:04o}"
    if mode & 0o007:
        return _check("mode", PROBLEM, f"{text}: anyone on this machine can read it (chmod 600 {location})")
    if mode & 0o070:
        return _check("mode", WARNING, f"{text}: its group can read it")
    return _check("mode", OK, f"{text}: only its owner can read it")


def _wal(size: int) -> dict[str, Any]:
    if size > LARGE_WAL_BYTES:
        return _check("wal", WARNING, f"{size} bytes: changes wait in the log (is a reader keeping it open?)")
    return _check("wal", OK, f"{size} bytes")


def _snapshots(stale: int, open_now: int | None, policies: PolicySet) -> dict[str, Any]:
    if open_now is None:
        return _check("snapshots", WARNING, "not looked at: the database is damaged")
    if not open_now:
        return _check("snapshots", OK, "no open incidents")
    if not stale:
        return _check("snapshots", OK, f"every open incident's deadlines come from {policies.path} as it is")
    return _check(
        "snapshots",
        WARNING,
        f"{stale} of {open_now} open incidents have deadlines from other tables than {policies.path}'s "
        "(slacli recompute --all applies the file)",
    )


def _stale(policies: PolicySet, incident: Incident) -> dict[str, Any] | None:
    """An open incident whose snapshot is not the policy file's tables (None when it is)."""
    state = incident.state
    try:
        current: str | None = digest(policies, state.policy)
    except InputError:  # the policy is no longer in the file
        current = None
    if current == state.digest:
        return None
    return {
        "id": incident.id,
        "policy": state.policy,
        "severity": state.severity,
        "title": state.title,
        "snapshot": state.digest,
        "policy_file": current,
    }
