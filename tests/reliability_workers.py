"""Processes for the reliability proofs (issue 9), and the checks they share.

Not a test module: ``tests/test_reliability_concurrency.py`` and
``tests/test_reliability_kill.py`` run this file as a script in subprocesses, each with
its own interpreter, connections and locks, as separate ``slacli`` runs would be:

- ``concurrency``: one of the workers writing and reading one SQLite file at once. It
  runs the CLI entry point in-process (the app's ``main``, standalone, so the error
  boundary maps every error to its exit status) once per operation, and writes what it
  did, with each exit status and stderr, as JSON.
- ``writer``: a loop of writes through the library ``Tracker`` (and now and then the
  CLI) that never ends by itself: the kill proof ``kill -9``\\ s it.
- ``figures REPORT [DOC]``: rewrite the table of docs/reliability.md from the JSON file
  the proofs wrote to $SLACLI_RELIABILITY_REPORT.

The helpers below (``run_cli``, ``consistency_problems``, ``record_figures``) are shared
with the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# A week of November 2026, in the past of every run: events are facts, and a check that
# refuses instants in the future must not refuse these.
BASE = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
ANNOUNCED = BASE - timedelta(days=20)  # maintenance is announced well before any action on it
# (policy, a severity of it) for the incidents the proofs open
POLICIES = [("openweb", "2"), ("protecto", "high"), ("opencraft", "major"), ("openmethods", "2"), ("optimy", "high")]
INCIDENT_EVENTS = {
    "open": "opened",
    "ack": "acknowledged",
    "update": "update",
    "pause": "paused",
    "resume": "resumed",
    "resolve": "resolved",
    "reopen": "reopened",
}
WINDOW_EVENTS = {"maintenance add": "added", "maintenance start": "start", "maintenance complete": "complete"}
READS = ("list", "due", "show", "breaches", "maintenance list")


# -- the CLI in-process ------------------------------------------------------------------


def cli_command() -> Callable[[list[str]], tuple[int, str, str]]:
    """A function running ``slacli ARGS`` in-process: (exit status, stdout, stderr).

    The full app, built once; ``main`` in standalone mode as ``slacli`` runs it, so a
    SystemExit carries the status. Any other exception escaping is status 3 (internal
    error), with its traceback as the stderr."""
    import typer

    from slacli.cli import build_app

    command = typer.main.get_command(build_app())

    def run(args: list[str]) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                command.main(args, prog_name="slacli", standalone_mode=True)
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
            except BaseException:  # the proof records it, as an internal error
                code = 3
                err.write(traceback.format_exc())
        return int(code), out.getvalue(), err.getvalue()

    return run


def instant_text(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="microseconds")


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.005)


# -- the concurrency worker --------------------------------------------------------------


def concurrency_worker(options: argparse.Namespace) -> None:
    """``options.ops`` random operations, each one ``slacli`` run in-process, on ``options.db``.

    Instants come from one clock all workers share (real time since ``options.epoch``, one
    real second a minute after BASE), so an incident's events are in order whoever records
    them, unless two workers read the clock and then commit in the opposite order: that
    event is refused as before the previous one, and counted as a refusal like any other."""
    run = cli_command()
    rng = random.Random(options.seed)
    worker = options.worker
    Path(options.ready).touch()
    wait_for(Path(options.go))
    db = ["--db", options.db]
    mine: list[int] = []  # incidents this worker opened
    windows: list[int] = []
    highest = {"incident": 0, "window": 0}  # ids seen (own or read), so others' incidents are acted on too
    log: list[dict[str, Any]] = []

    def now() -> str:
        return instant_text(BASE + timedelta(seconds=(time.time() - options.epoch) * 60))

    def incident() -> int | None:
        if mine and (rng.random() < 0.65 or highest["incident"] == 0):
            return rng.choice(mine)
        return rng.randint(1, highest["incident"]) if highest["incident"] else None

    def window() -> int | None:
        if windows and rng.random() < 0.65:
            return rng.choice(windows)
        return rng.randint(1, highest["window"]) if highest["window"] else None

    weights = {
        "open": 12, "ack": 10, "update": 10, "pause": 8, "resume": 8, "resolve": 7, "reopen": 3,
        "maintenance add": 5, "maintenance start": 4, "maintenance complete": 4,
        "list": 6, "due": 5, "show": 6, "breaches": 3, "maintenance list": 3,
    }  # fmt: skip
    names, odds = list(weights), list(weights.values())
    started = time.perf_counter()
    for number in range(options.ops):
        op = rng.choices(names, odds)[0]
        target = None
        if op in ("ack", "update", "pause", "resume", "resolve", "reopen", "show"):
            target = incident()
            if target is None:
                op = "open"
        elif op in ("maintenance start", "maintenance complete"):
            target = window()
            if target is None:
                op = "maintenance add"
        if op == "open":
            policy, severity = rng.choice(POLICIES)
            title = f"worker {worker} op {number}"
            args = ["open", title, "--policy", policy, "--severity", severity, "--at", now()]
            args += ["--by", f"w{worker}", "--quiet"]
        elif op == "maintenance add":
            policy, _ = rng.choice(POLICIES)
            start = BASE + timedelta(days=rng.randint(1, 5), hours=rng.choice((2, 3, 20)))
            args = ["maintenance", "add", "--policy", policy, "--start", instant_text(start)]
            args += ["--end", instant_text(start + timedelta(hours=1)), "--announced", instant_text(ANNOUNCED)]
            args += ["--by", f"w{worker}", "--quiet"]
        elif op in ("maintenance start", "maintenance complete"):
            args = [*op.split(), str(target), "--at", now(), "--by", f"w{worker}", "--format", "json"]
        elif op == "update":
            args = ["update", str(target), f"update {number} from worker {worker}", "--at", now()]
            args += ["--by", f"w{worker}", "--format", "json"]
        elif op == "pause":
            args = ["pause", str(target), "--reason", "waiting on the customer", "--at", now()]
            args += ["--by", f"w{worker}", "--format", "json"]
        elif op in INCIDENT_EVENTS:
            args = [op, str(target), "--at", now(), "--by", f"w{worker}", "--format", "json"]
        elif op == "show":
            args = ["show", str(target), "--at", now(), "--format", "json"]
        elif op == "list":
            args = ["list", "--all", "--format", "json"]
        elif op == "maintenance list":
            args = ["maintenance", "list", "--format", "json"]
        else:  # due, breaches
            args = [op, "--at", now(), "--format", "json"]
        begun = time.perf_counter()
        code, out, err = run([*db, *args])
        entry: dict[str, Any] = {"op": op, "args": args, "code": code, "stderr": err, "seconds": 0.0}
        entry["seconds"] = round(time.perf_counter() - begun, 4)
        if code == 0 and op == "open":
            entry["target"] = target = int(out)
            mine.append(target)
            highest["incident"] = max(highest["incident"], target)
        elif code == 0 and op == "maintenance add":
            entry["target"] = target = int(out)
            windows.append(target)
            highest["window"] = max(highest["window"], target)
        else:
            entry["target"] = target
        if code == 0 and op == "list":
            seen = {row["id"] for row in json.loads(out)}
            entry["missing_own"] = sorted(set(mine) - seen)  # read your own writes
            highest["incident"] = max([highest["incident"], *seen])
        elif code == 0 and op == "maintenance list":
            highest["window"] = max([highest["window"], *(row["id"] for row in json.loads(out))])
        elif code in (0, 1) and op in READS:
            json.loads(out)  # every read prints whole JSON, whoever writes meanwhile
        log.append(entry)
    summary = {"worker": worker, "seconds": round(time.perf_counter() - started, 3), "log": log}
    Path(options.out).write_text(json.dumps(summary))


# -- the writer that gets killed ---------------------------------------------------------


def writer(options: argparse.Namespace) -> None:
    """Writes until killed: incidents opened and taken through their lifecycle, windows
    added and started, mostly through the Tracker (fast: the kill lands in a transaction
    more often than between them), every fifth write through the CLI in-process."""
    from slacli.cli._state import holiday_cache
    from slacli.errors import SlacliError
    from slacli.paths import policies_file
    from slacli.policy import load_policies
    from slacli.recorded import EventKind, WindowAction
    from slacli.storage.sqlite import open_sqlite
    from slacli.tracker import Tracker

    run = cli_command()
    rng = random.Random(options.seed)
    tracker = Tracker(open_sqlite(Path(options.db)), load_policies(policies_file(None), holiday_cache()))
    # Each run has a day of its own, after the runs before it, so every event is in order.
    clock = BASE + timedelta(days=options.run)
    lifecycle = [EventKind.ACKNOWLEDGED, EventKind.UPDATE, EventKind.PAUSED, EventKind.RESUMED, EventKind.RESOLVED]
    open_ones: dict[int, int] = {}  # incident id: the next step of its lifecycle
    windows: list[int] = []
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    number = 0
    while True:
        number += 1
        clock += timedelta(seconds=1)
        at = instant_text(clock)
        by_cli = number % 5 == 0
        choice = rng.random()
        try:
            if choice < 0.3 or not open_ones:
                policy, severity = rng.choice(POLICIES)
                if by_cli:
                    args = ["--db", options.db, "open", f"run {options.run} write {number}", "--policy", policy]
                    code, out, err = run([*args, "--severity", severity, "--at", at, "--quiet"])
                    assert code == 0, err
                    found = int(out)
                else:
                    title = f"run {options.run} write {number}"
                    found = tracker.open(title, policy, severity, at=clock, author="writer").incident.id
                open_ones[found] = 0
            elif choice < 0.9:
                found = rng.choice(list(open_ones))
                kind = lifecycle[open_ones[found]]
                details = {"reason": "waiting"} if kind == EventKind.PAUSED else {}
                details = {"message": f"write {number}"} if kind == EventKind.UPDATE else details
                if by_cli:
                    words = {EventKind.ACKNOWLEDGED: "ack", EventKind.UPDATE: "update", EventKind.PAUSED: "pause"}
                    words |= {EventKind.RESUMED: "resume", EventKind.RESOLVED: "resolve"}
                    extra = {"reason": ["--reason", "waiting"], "message": [f"write {number}"]}
                    args = [words[kind], str(found), *(v for k in details for v in extra[k]), "--at", at]
                    code, _, err = run(["--db", options.db, *args, "--by", "writer", "--format", "json"])
                    assert code == 0, err
                else:
                    tracker.act(found, kind, at=clock, author="writer", **details)
                open_ones[found] += 1
                if open_ones[found] == len(lifecycle):
                    del open_ones[found]
            elif choice < 0.96 or not windows:
                policy, _ = rng.choice(POLICIES)
                start = clock + timedelta(days=2)
                window_id, _ = tracker.add_window(
                    policy,
                    start,
                    start + timedelta(hours=1),
                    author="writer",
                    kind=None,
                    announced=clock - timedelta(days=30),
                    title=f"write {number}",
                    service=None,
                )
                windows.append(window_id)
            else:
                tracker.window_action(windows.pop(), WindowAction.START, at=clock, author="writer")
        except SlacliError as refused:  # none is expected: the writer makes only legal moves
            sys.stderr.write(f"refused: {refused}\n")
            sys.stderr.flush()


# -- checks shared by the proofs ---------------------------------------------------------


def consistency_problems(db_path: Path) -> list[str]:
    """What is wrong with the file at ``db_path``, read with sqlite3 alone (no slacli code):
    integrity, and no half-written incident or window: every incident row has events, the
    first of them ``opened``, its stored state's last event and its ``last_event`` column
    are its events' latest instant, and every event's incident or window exists. Then the
    stored state of every incident equals the replay of its events."""
    problems: list[str] = []
    db = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True)
    try:
        check = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            problems.append(f"integrity_check: {check}")
        problems += [f"foreign_key_check: {row}" for row in db.execute("PRAGMA foreign_key_check")]
        queries = {
            "an incident without events": "SELECT id FROM incidents WHERE id NOT IN (SELECT incident_id FROM events)",
            "an incident whose first event is not 'opened'": (
                "SELECT i.id FROM incidents i JOIN events e ON e.id = "
                "(SELECT min(id) FROM events WHERE incident_id = i.id) WHERE e.kind != 'opened'"
            ),
            "an event of no incident": "SELECT id FROM events WHERE incident_id NOT IN (SELECT id FROM incidents)",
            "a window without its 'added' entry": (
                "SELECT id FROM maintenance "
                "WHERE id NOT IN (SELECT window_id FROM maintenance_events WHERE kind = 'added')"
            ),
            "a window event of no window": (
                "SELECT id FROM maintenance_events WHERE window_id NOT IN (SELECT id FROM maintenance)"
            ),
        }
        for what, sql in queries.items():
            problems += [f"{what}: {row[0]}" for row in db.execute(sql)]
        # The latest event instant, compared as instants (the state's text carries the offset
        # it was written with; the log's is UTC text).
        rows = db.execute(
            "SELECT i.id, i.last_event, json_extract(i.state, '$.last_event'), "
            "(SELECT max(at) FROM events WHERE incident_id = i.id), "
            "(SELECT count(*) FROM events WHERE incident_id = i.id) FROM incidents i"
        )
        for incident_id, column, in_state, latest, count in rows:
            instants = {datetime.fromisoformat(t) for t in (column, in_state, latest) if t is not None}
            if len(instants) != 1 or latest is None:
                problems.append(f"incident {incident_id}: last_event {column}, in state {in_state}, events' {latest}")
            if count == 0:
                problems.append(f"incident {incident_id}: no events")
    finally:
        db.close()
    problems += replay_problems(db_path)
    return problems


def replay_problems(db_path: Path) -> list[str]:
    """Incidents whose stored state is not the replay of their stored events."""
    from slacli.cli._state import holiday_cache
    from slacli.incidents import replay
    from slacli.paths import policies_file
    from slacli.policy import load_policies
    from slacli.storage.codec import state_of
    from slacli.storage.sqlite import open_sqlite
    from slacli.tracker import Tracker

    store = open_sqlite(db_path)
    try:
        tracker = Tracker(store, load_policies(policies_file(None), holiday_cache()))
        problems = []
        for incident_id, text in store.db.execute("SELECT id, state FROM incidents ORDER BY id").fetchall():
            stored = state_of(text)
            replayed = replay(tracker.history(incident_id))
            if replayed != stored:
                fields = [f for f in stored._fields if getattr(stored, f) != getattr(replayed, f)]
                problems.append(f"incident {incident_id}: stored state differs from its events' replay in {fields}")
        return problems
    finally:
        store.close()


def record_figures(proof: str, figures: dict[str, Any]) -> None:
    """Merge one proof's figures into the JSON file named by $SLACLI_RELIABILITY_REPORT
    (when set), from which docs/reliability.md's table is regenerated."""
    target = os.environ.get("SLACLI_RELIABILITY_REPORT")
    if not target:
        return
    path = Path(target)
    report = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
    report[proof] = {**figures, "recorded": datetime.now(UTC).isoformat(timespec="seconds")}
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")


BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"


def figures_table(report: dict[str, Any]) -> str:
    """docs/reliability.md's table of figures, from a $SLACLI_RELIABILITY_REPORT file."""
    blank = "-"
    c, k, f = report.get("concurrency", {}), report.get("kill", {}), report.get("fuzz", {})
    rows = [
        ("proof", "operations run", "successes", "refusals", "kills", "fuzz examples", "wall time", "recorded"),
        ("---",) * 8,
        (
            "1 concurrency",
            f"{c['operations']} ({c['workers']} processes; {c['writes']} writes)" if c else blank,
            f"{c['successes']} ({c['write_successes']} writes)" if c else blank,
            str(c.get("refusals", blank)),
            blank,
            blank,
            f"{c['wall_seconds']} s" if c else blank,
            c.get("recorded", blank),
        ),
        (
            "2 kill -9",
            f"{k['events']} events, {k['incidents']} incidents, {k['windows']} windows written" if k else blank,
            blank,
            blank,
            f"{k['kills']} ({k['kills_amid_a_commit']} amid a commit)" if k else blank,
            blank,
            f"{k['wall_seconds']} s" if k else blank,
            k.get("recorded", blank),
        ),
        (
            "3 fuzz",
            blank,
            f"exit 0: {f['exit_statuses'].get('0', 0)}, exit 1: {f['exit_statuses'].get('1', 0)}" if f else blank,
            f"exit 2: {f['exit_statuses'].get('2', 0)}" if f else blank,
            blank,
            f"{f['examples']} ({f['examples_with_a_problem']} with a problem)" if f else blank,
            f"{f['wall_seconds']} s" if f else blank,
            f.get("recorded", blank),
        ),
    ]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def write_figures(report_path: Path, doc_path: Path) -> None:
    """Replace the table between the figures markers of ``doc_path``."""
    doc = doc_path.read_text()
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    table = figures_table(json.loads(report_path.read_text()))
    doc_path.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="role", required=True)
    worker = sub.add_parser("concurrency")
    for name in ("--db", "--ready", "--go", "--out"):
        worker.add_argument(name, required=True)
    worker.add_argument("--worker", type=int, required=True)
    worker.add_argument("--ops", type=int, required=True)
    worker.add_argument("--seed", type=int, required=True)
    worker.add_argument("--epoch", type=float, required=True)
    killed = sub.add_parser("writer")
    killed.add_argument("--db", required=True)
    killed.add_argument("--run", type=int, required=True)
    killed.add_argument("--seed", type=int, required=True)
    figures = sub.add_parser("figures", help="rewrite docs/reliability.md's table from a report file")
    figures.add_argument("report", type=Path)
    figures.add_argument("doc", type=Path, nargs="?", default=Path(__file__).parents[1] / "docs" / "reliability.md")
    options = parser.parse_args(argv)
    if options.role == "figures":
        write_figures(options.report, options.doc)
        return
    {"concurrency": concurrency_worker, "writer": writer}[options.role](options)


if __name__ == "__main__":
    main(sys.argv[1:])
