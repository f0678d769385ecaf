"""Incident store at scale: ``slacli open``, ``list --open`` and ``due`` on large SQLite files.

1. ``slacli open ... --quiet`` on an empty database against one holding 1,000,000 incidents
   (999,000 resolved, 1,000 open), alternating, one process per run (target: at most 1.5x).
2. ``slacli list --open --format csv`` on the same files, and on a file holding only the
   1,000 open incidents, which separates the size of the file from the size of the answer.
3. ``slacli due --format csv`` with 10,000 open incidents, opened over the previous three
   weeks, so that clocks are pending, paused and breached (target: under 1 s).

The files are written through the library: each incident is opened and moved along by
:class:`slacli.tracker.Tracker` (``open``, ``act``) in worker processes, over a stand-in store
that keeps the rows and events it is given; the main process writes those rows and events
with :class:`slacli.storage.sqlite.SQLiteStore`, many incidents to a transaction. The 1M file takes minutes
to write, so it is kept in ``--data`` (default ``/tmp/slacli-bench-incidents``) and reused;
the timed runs use a copy of it in a temp dir.

Run with the bench venv (see README.md): ``bench/.venv/bin/python bench/incidents.py``.
The slacli timed is the console script beside the running interpreter.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from batch import SEVERITIES  # the same policy and severity mix as the batch benchmark

from slacli import __version__
from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.policy.snapshot import digest, standalone
from slacli.recorded import EventKind
from slacli.storage.base import (
    IncidentFilter,
    IncidentRow,
    LogEntry,
    StoredDowntime,
    StoredEvent,
    StoredIncident,
    StoredWindow,
)
from slacli.storage.sqlite import MIGRATIONS, open_sqlite
from slacli.tracker import Tracker

SERVICES = ["checkout", "search", "login", "api", "billing", "mail", None]
AUTHOR = "bench"
TARGET_RATIO = 1.5
TARGET_DUE = 1.0
MINUTE = timedelta(minutes=1)


# -- writing incidents through the library -------------------------------------------------


class RecordingStore:
    """Takes the SQLite store's place under a Tracker (the :class:`slacli.storage.base.Store`
    contract): keeps what it is given in memory and, as a store does, gives instants back as
    ISO text. ``tests/test_store_contract.py`` passes against it.

    The workers only open incidents and act on them; the reads a Tracker may also make
    (listing, downtime, windows) are answered too, plainly, so that the contract holds."""

    location = "bench-workers"

    def __init__(self) -> None:
        self.rows: dict[int, IncidentRow] = {}
        self.log: dict[int, list[LogEntry]] = {}
        self.tables: dict[str, Any] = {}
        self.window_states: dict[int, tuple[str, datetime, datetime, dict[str, Any]]] = {}
        self.window_log: dict[int, list[LogEntry]] = {}
        self.next_id = 1

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[None]:
        kept = self._saved()  # small: the workers take each incident out as soon as it is done
        try:
            yield
        except BaseException:
            self._restore(kept)
            raise

    def _saved(self) -> tuple[Any, ...]:
        logs = ({i: list(events) for i, events in log.items()} for log in (self.log, self.window_log))
        return dict(self.rows), *logs, dict(self.tables), dict(self.window_states), self.next_id

    def _restore(self, kept: tuple[Any, ...]) -> None:
        self.rows, self.log, self.window_log, self.tables, self.window_states, self.next_id = kept

    def close(self) -> None:
        pass

    # writes

    def insert_incident(self, row: IncidentRow) -> int:
        incident_id, self.next_id = self.next_id, self.next_id + 1
        self.rows[incident_id] = row
        self.log[incident_id] = []
        return incident_id

    def update_incident(self, incident_id: int, row: IncidentRow) -> None:
        self.rows[incident_id] = row

    def fill_downtime(self, values: list[tuple[int, str | None]]) -> None:
        for incident_id, downtime in values:
            self.rows[incident_id] = self.rows[incident_id]._replace(downtime=downtime)

    def append_event(self, incident_id: int, entry: LogEntry) -> None:
        self.log[incident_id].append(entry._replace(details=dict(entry.details)))

    def save_snapshot(self, digest: str, name: str, tables: Mapping[str, Any]) -> None:
        self.tables.setdefault(digest, json.loads(json.dumps(tables, default=str)))  # as SQLiteStore keeps them

    def insert_window(self, policy: str, start: datetime, end: datetime, state: Mapping[str, Any]) -> int:
        window_id = max(self.window_states, default=0) + 1
        self.window_states[window_id] = (policy, start, end, dict(state))
        self.window_log[window_id] = []
        return window_id

    def update_window(self, window_id: int, state: Mapping[str, Any]) -> None:
        policy, start, end, _ = self.window_states[window_id]
        self.window_states[window_id] = (policy, start, end, dict(state))

    def append_window_event(self, window_id: int, entry: LogEntry) -> None:
        self.window_log[window_id].append(entry._replace(details=dict(entry.details)))

    # reads

    def incident(self, incident_id: int) -> StoredIncident | None:
        row = self.rows.get(incident_id)
        return StoredIncident(incident_id, row.state) if row else None

    def incidents(self, where: IncidentFilter) -> Iterator[StoredIncident]:
        def wanted(row: IncidentRow) -> bool:
            return (
                (where.policy is None or row.policy == where.policy)
                and (where.service is None or where.service in row.services)
                and (where.since is None or row.opened >= where.since)
                and (where.until is None or row.opened < where.until)
                and (where.opened_by is None or row.opened <= where.opened_by)
                and (where.unresolved_at is None or row.resolved is None or row.resolved > where.unresolved_at)
            )

        found = sorted((row.opened, i) for i, row in self.rows.items() if wanted(row))
        return iter([StoredIncident(i, self.rows[i].state) for _, i in found])

    def events(self, incident_id: int) -> list[StoredEvent]:
        return [_stored_event(event) for event in self.log.get(incident_id, [])]

    def downtime(self, policy: str, unresolved_at: datetime, service: str | None = None) -> list[StoredDowntime]:
        return [
            StoredDowntime(i, row.severity, row.downtime, row.last_event.isoformat())
            for i, row in sorted(self.rows.items())
            if row.policy == policy
            and row.downtime is not None
            and (row.resolved is None or row.resolved > unresolved_at)
            and (service is None or service in row.services)
        ]

    def snapshot(self, digest: str) -> dict[str, Any] | None:
        return self.tables.get(digest)

    def window(self, window_id: int) -> StoredWindow | None:
        found = self.window_states.get(window_id)
        return StoredWindow(window_id, found[3]) if found else None

    def windows(
        self, policy: str | None = None, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[StoredWindow]:
        found = sorted(
            (start, i, state)
            for i, (owner, start, end, state) in self.window_states.items()
            if (policy is None or owner == policy)
            and (overlapping is None or (start < overlapping[1] and end > overlapping[0]))
        )
        return [StoredWindow(i, state) for _, i, state in found]

    def window_events(self, window_id: int) -> list[StoredEvent]:
        return [_stored_event(event) for event in self.window_log.get(window_id, [])]


def _stored_event(entry: LogEntry) -> StoredEvent:
    at, recorded = (t.astimezone(UTC).isoformat() for t in (entry.at, entry.recorded))
    return StoredEvent(str(entry.kind), at, entry.author, dict(entry.details), recorded, entry.recorded_by)


def lifecycle(rng: random.Random, kind: str, index: int, count: int, now: datetime) -> tuple[Any, ...]:
    """One incident: (title, policy, severity, service, opened, [(event kind, at, details), ...]).

    ``resolved``: opened over the two years before the last three weeks, in order of
    ``index``; 90 % acknowledged, 5 % paused and resumed, 30 % with an update; resolved
    minutes to a week later. ``open``: opened over the last three weeks (more of them
    recently), 50 % acknowledged, 10 % paused (half of those resumed), 20 % with an update.
    """
    policy = rng.choice(list(SEVERITIES))
    severity = rng.choice(SEVERITIES[policy])
    service = rng.choice(SERVICES)
    steps: list[tuple[str, datetime, dict[str, Any]]] = []
    if kind == "resolved":
        span = timedelta(days=730)
        opened = now - timedelta(days=21) - span + span * (index / count) + MINUTE * rng.randrange(60)
        t = opened
        if rng.random() < 0.9:
            t += MINUTE * rng.randrange(1, 240)
            steps.append(("acknowledged", t, {}))
        if rng.random() < 0.05:
            t += MINUTE * rng.randrange(10, 600)
            steps.append(("paused", t, {"reason": "waiting on the customer"}))
            t += MINUTE * rng.randrange(30, 2880)
            steps.append(("resumed", t, {}))
        if rng.random() < 0.3:
            t += MINUTE * rng.randrange(10, 600)
            steps.append(("update", t, {"message": "Mitigation in place, monitoring"}))
        steps.append(("resolved", t + MINUTE * rng.randrange(10, 7 * 1440), {}))
    else:
        opened = now - timedelta(minutes=10) - timedelta(days=21) * rng.random() ** 2
        t = opened
        if rng.random() < 0.5:
            t += MINUTE * rng.randrange(1, 240)
            steps.append(("acknowledged", t, {}))
        if rng.random() < 0.2:
            t += MINUTE * rng.randrange(10, 600)
            steps.append(("update", t, {"message": "Still investigating"}))
        if rng.random() < 0.1:
            t += MINUTE * rng.randrange(10, 600)
            steps.append(("paused", t, {"reason": "waiting on the customer"}))
            if rng.random() < 0.5:
                t += MINUTE * rng.randrange(30, 2880)
                steps.append(("resumed", t, {}))
        steps = [step for step in steps if step[1] < now]  # a step after now would be cut short anyway
    title = f"{(service or 'platform').capitalize()} errors above threshold ({kind} #{index})"
    return title, policy, severity, service, opened, steps


_worker: tuple[Tracker, RecordingStore] | None = None


def _start_worker(cache_path: str) -> None:
    global _worker
    cache = HolidayCache(Path(cache_path))
    store = RecordingStore()
    _worker = Tracker(store, load_policies(SHIPPED_POLICIES, cache), cache), store


def _generate(task: tuple[Any, ...]) -> list[tuple[IncidentRow, list[tuple[Any, ...]]]]:
    """Incidents ``start`` to ``start + size`` of a population: (row, events) each, ready to store."""
    kind, seed, start, size, count, now, steps_of = task
    assert _worker is not None
    tracker, store = _worker
    rng = random.Random(f"{seed}-{kind}-{start}")
    produced = []
    for index in range(start, start + size):
        title, policy, severity, service, opened, steps, *started = steps_of(rng, kind, index, count, now)
        affected = [service] if service else []
        first = started[0] if started else None
        incident_id = tracker.open(
            title, policy, severity, at=opened, author=AUTHOR, services=affected, started=first
        ).incident.id
        for event, at, details in steps:
            tracker.act(incident_id, EventKind(event), at=at, author=AUTHOR, **details)
        produced.append((store.rows.pop(incident_id), store.log.pop(incident_id)))
    return produced


def populate(
    path: Path, populations: list[tuple[str, int]], seed: int, cache: Path, workers: int, steps_of: Any = lifecycle
) -> float:
    """Write ``populations`` ([(kind, how many)], in order) to a new database; seconds taken.

    ``steps_of(rng, kind, index, count, now)`` makes each incident, as :func:`lifecycle` does
    (it may add the instant the impact started, when that was before the opening)."""
    start = time.perf_counter()
    now = datetime.now(UTC)
    chunk = 5_000
    tasks = [
        (kind, seed, first, min(chunk, count - first), count, now, steps_of)
        for kind, count in populations
        for first in range(0, count, chunk)
    ]
    policies = load_policies(SHIPPED_POLICIES, HolidayCache(cache))
    store = open_sqlite(path)
    with store.transaction():  # the snapshots Tracker.open saves with every incident
        for name in SEVERITIES:
            store.save_snapshot(digest(policies, name), name, standalone(policies, name))
    total = sum(count for _, count in populations)
    written = 0
    with multiprocessing.get_context("fork").Pool(workers, _start_worker, (str(cache),)) as pool:
        for produced in pool.imap(_generate, tasks):  # in order: ids follow the opening instants
            with store.transaction():
                for row, events in produced:
                    incident_id = store.insert_incident(row)
                    for event in events:
                        store.append_event(incident_id, event)
            written += len(produced)
            if total >= 100_000 and written % 100_000 < chunk:
                print(f"  {written:,} / {total:,} incidents, {time.perf_counter() - start:.0f} s", flush=True)
    store.close()  # the last connection: SQLite checkpoints and removes the WAL file
    return time.perf_counter() - start


def cached_file(data: Path, stem: str, describe: str, write: Any, regenerate: bool) -> Path:
    """``data/<stem>-...-schemaN-slacliV.db``, written by ``write(path, now)`` when missing (or
    with ``regenerate``); its ``.json`` records when it was written, in how long, and its size."""
    name = f"{stem}-schema{len(MIGRATIONS)}-slacli{__version__}"
    path, info = data / f"{name}.db", data / f"{name}.json"
    if path.exists() and info.exists() and not regenerate:
        return path
    data.mkdir(parents=True, exist_ok=True)
    partial = data / f"{name}.partial.db"
    for stale in (path, info, partial):
        stale.unlink(missing_ok=True)
    print(f"writing {path} ({describe}) ...", flush=True)
    start, now = time.perf_counter(), datetime.now(UTC)
    write(partial, now)
    partial.rename(path)
    details = {
        "seconds": round(time.perf_counter() - start, 1),
        "written": now.isoformat(timespec="seconds"),
        "bytes": path.stat().st_size,
        "load": round(os.getloadavg()[0], 2),
    }
    info.write_text(json.dumps(details) + "\n", encoding="utf-8")
    return path


def big_database(data: Path, resolved: int, still_open: int, seed: int, cache: Path, regenerate: bool) -> Path:
    """The cached big file: ``resolved`` resolved incidents, then ``still_open`` open ones."""

    def write(path: Path, now: datetime) -> None:
        populate(path, [("resolved", resolved), ("open", still_open)], seed, cache, os.cpu_count() or 1)

    stem = f"incidents-{resolved}r-{still_open}o-seed{seed}"
    return cached_file(data, stem, f"{resolved:,} resolved + {still_open:,} open incidents", write, regenerate)


# -- timing ---------------------------------------------------------------------------------


def rounds(
    commands: dict[str, list[str]],
    runs: int,
    cwd: str,
    env: dict[str, str],
    before: dict[str, Any] | None = None,
    check: bool = True,
) -> dict[str, list[float]]:
    """Seconds of each command, ``runs`` times, in rounds whose order rotates; stdout to /dev/null.

    ``before[name]()`` runs untimed before each run of ``name``; ``check``: fail on a non-zero exit.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    with open(os.devnull, "w") as devnull:
        for i in range(runs):
            shift = i % len(names)
            for name in names[shift:] + names[:shift]:
                if before and name in before:
                    before[name]()
                start = time.perf_counter()
                subprocess.run(commands[name], stdout=devnull, cwd=cwd, env=env, check=check)
                times[name].append(time.perf_counter() - start)
    return times


def table(times: dict[str, list[float]], base: str | None) -> None:
    print("| database | median ms | min ms | ratio (median) |\n|---|---:|---:|---:|")
    for name, runs in times.items():
        ratio = f"{statistics.median(runs) / statistics.median(times[base]):.2f}" if base else ""
        print(f"| {name} | {statistics.median(runs) * 1000:.0f} | {min(runs) * 1000:.0f} | {ratio} |")


def profile(command: list[str], cwd: str, env: dict[str, str], top: int = 12, check: bool = True) -> None:
    """cProfile of one run of the console script ``command[0]``: slacli's functions by cumulative
    time, then every function by own time."""
    out = Path(cwd, "profile.out")
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), *command],
        stdout=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
        check=check,
    )
    for order, restriction in (("cumulative", "slacli/"), ("tottime", "")):
        text = io.StringIO()
        pstats.Stats(str(out), stream=text).sort_stats(order).print_stats(restriction, top)
        lines = text.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"by {order}{' (slacli only)' if restriction else ''}:")
        for line in lines[start:]:
            if line.strip():
                print("  " + line.replace(str(Path(sys.prefix)), "<venv>"))


def count_lines(command: list[str], cwd: str, env: dict[str, str]) -> int:
    out = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, check=True).stdout
    return max(len(out.splitlines()) - 1, 0)  # without the CSV header


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of open and of list, per database")
    parser.add_argument("--due-runs", type=int, default=7)
    parser.add_argument("--resolved", type=int, default=999_000)
    parser.add_argument("--open", type=int, default=1_000, dest="still_open")
    parser.add_argument("--due-open", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir(), "slacli-bench-incidents"))
    parser.add_argument("--regenerate", action="store_true", help="write the big file again")
    parser.add_argument("--profile", action="store_true", help="profile the commands even when on target")
    args = parser.parse_args()

    slacli = str(Path(sys.executable).with_name("slacli"))
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp, "cache")
        # cwd=tmp and SLACLI_POLICIES: the shipped presets, as the generator uses; own holiday cache.
        env = {**os.environ, "SLACLI_CACHE_DIR": str(cache), "SLACLI_POLICIES": str(SHIPPED_POLICIES)}
        env.pop("SLACLI_DB", None)
        subprocess.run(
            [slacli, "deadline", "openweb", "2", "--opened", "now"], capture_output=True, cwd=tmp, env=env, check=True
        )

        cached = big_database(args.data, args.resolved, args.still_open, args.seed, cache, args.regenerate)
        info = json.loads(cached.with_suffix(".json").read_text(encoding="utf-8"))
        total = args.resolved + args.still_open
        print(
            f"big file: {cached} ({info['bytes'] / 2**30:.2f} GiB), written {info['written']} "
            f"in {info['seconds']:.0f} s (load {info['load']})"
        )
        start = time.perf_counter()
        big = Path(tmp, "big.db")
        shutil.copyfile(cached, big)
        print(f"copied to the temp dir in {time.perf_counter() - start:.1f} s")

        template, empty = Path(tmp, "template.db"), Path(tmp, "empty.db")
        open_sqlite(template).close()  # schema, no incidents
        only_open = Path(tmp, "open-only.db")
        seconds = populate(only_open, [("open", args.still_open)], args.seed, cache, workers)
        print(f"open-only file ({args.still_open:,} open, the same mix as in the big file): {seconds:.1f} s")
        due_db = Path(tmp, "due.db")
        seconds = populate(due_db, [("open", args.due_open)], args.seed + 1, cache, workers)
        print(f"due file ({args.due_open:,} open): {seconds:.1f} s")

        def fresh_empty() -> None:
            shutil.copyfile(template, empty)

        fresh_empty()
        names = {"empty": empty, f"{args.still_open:,} open only": only_open, f"{total:,}": big}
        listing = {name: [slacli, "--db", str(db), "list", "--open", "--format", "csv"] for name, db in names.items()}
        for name, command in listing.items():  # warm-up, and what each answers
            print(f"list --open on {name}: {count_lines(command, tmp, env):,} rows")
        dues = {
            f"{args.due_open:,} open": [slacli, "--db", str(due_db), "due", "--format", "csv"],
            f"{total:,} ({args.still_open:,} open)": [slacli, "--db", str(big), "due", "--format", "csv"],
        }
        for name, command in dues.items():
            print(f"due on {name}: {count_lines(command, tmp, env):,} clocks")
        title = ["open", "Checkout 502s", "--policy", "openweb", "--severity", "2", "--quiet"]
        opening = {"empty": [slacli, "--db", str(empty), *title], f"{total:,}": [slacli, "--db", str(big), *title]}

        load = [os.getloadavg()[0]]
        listed = rounds(listing, args.runs, tmp, env)
        load.append(os.getloadavg()[0])
        due_times = rounds(dues, args.due_runs, tmp, env)
        load.append(os.getloadavg()[0])
        opened = rounds(opening, args.runs, tmp, env, before={"empty": fresh_empty})  # big: 1 more row a run
        load.append(os.getloadavg()[0])

        print(f"\nslacli {__version__}, {os.cpu_count()} cores, load average {min(load):.2f}-{max(load):.2f}")
        print(f"\n`slacli open ... --quiet`, {args.runs} runs each (empty: a fresh copy of an empty file each run)")
        table(opened, "empty")
        open_ratio = statistics.median(opened[f"{total:,}"]) / statistics.median(opened["empty"])
        print(f"ratio {open_ratio:.2f} (target <= {TARGET_RATIO}): {'met' if open_ratio <= TARGET_RATIO else 'MISSED'}")
        print(f"\n`slacli list --open --format csv > /dev/null`, {args.runs} runs each")
        table(listed, "empty")
        print(f"\n`slacli due --format csv > /dev/null`, {args.due_runs} runs each")
        table(due_times, None)
        due_median = statistics.median(due_times[f"{args.due_open:,} open"])
        print(f"{args.due_open:,} open: {due_median:.2f} s (target < {TARGET_DUE} s): ", end="")
        print("met" if due_median < TARGET_DUE else "MISSED")

        if open_ratio > TARGET_RATIO or args.profile:
            print(f"\ncProfile of `slacli open` on the {total:,} file (cumulative):")
            profile(opening[f"{total:,}"], tmp, env)
        if due_median >= TARGET_DUE or args.profile:
            print(f"\ncProfile of `slacli due` on {args.due_open:,} open incidents (cumulative):")
            profile(dues[f"{args.due_open:,} open"], tmp, env)


if __name__ == "__main__":
    main()
