"""Reliability proof 1 (issue 9): 8 processes x 100 mixed operations on one SQLite file.

Eight worker processes (``reliability_workers.py concurrency``) start at once on a file
none of them has created yet, and each runs 100 random operations through the CLI entry
point in-process: open, ack, update, pause, resume, resolve, reopen, maintenance add,
start and complete, and the reads list, due, show, breaches and maintenance list. They
act on their own incidents and on each other's. Each records every exit status.

Afterwards the file must hold exactly what succeeded: per incident, the count of each
event kind equals the successes of that kind (and per window the same), with no event
left over from a refused or failed operation; ``PRAGMA integrity_check`` is ok; every
incident's stored state is the replay of its events; and no worker ever saw the file
locked or busy: every write ended 0 or 2 (a refused transition), every read 0 (breaches:
0 or 1), stderr never mentions "locked" or "busy", and each worker's ``list`` showed all
the incidents it had opened before.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import working_tree_env
from reliability_workers import INCIDENT_EVENTS, READS, WINDOW_EVENTS, consistency_problems, record_figures

WORKERS, OPERATIONS = 8, 100
SCRIPT = Path(__file__).with_name("reliability_workers.py")
LOCKED = re.compile(r"locked|busy", re.IGNORECASE)
# The refusals a worker can meet: illegal transitions and events out of order.
REFUSALS = re.compile(
    r"already acknowledged|already paused|not paused|a resolved incident|only a resolved incident can be reopened"
    r"|before the incident's previous event|cannot (start|complete) maintenance"
    r"|before the previous|before the announcement"
)


def test_eight_processes_write_one_file_and_it_holds_exactly_what_succeeded(tmp_path):
    from slacli.cli._state import holiday_cache
    from slacli.paths import policies_file
    from slacli.policy import load_policies

    load_policies(policies_file(None), holiday_cache())  # the holiday tables are built once, before the race
    database = tmp_path / "shared.db"  # not created yet: the workers' first runs race to create it
    go = tmp_path / "go"
    began, epoch = time.perf_counter(), time.time()  # one clock for all: see concurrency_worker
    workers = []
    for number in range(WORKERS):
        args = ["--db", str(database), "--worker", str(number), "--ops", str(OPERATIONS), "--seed", str(9000 + number)]
        args += ["--ready", str(tmp_path / f"ready-{number}"), "--go", str(go)]
        args += ["--out", str(tmp_path / f"worker-{number}.json"), "--epoch", str(epoch)]
        workers.append(
            subprocess.Popen(
                [sys.executable, str(SCRIPT), "concurrency", *args],
                env=working_tree_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{n}").exists() for n in range(WORKERS)):
        assert time.monotonic() < deadline, "workers never got ready"
        assert all(w.poll() is None for w in workers), [w.communicate() for w in workers if w.poll() is not None]
        time.sleep(0.01)
    go.touch()  # all at once
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    wall = time.perf_counter() - began

    logs = [json.loads((tmp_path / f"worker-{n}.json").read_text()) for n in range(WORKERS)]
    entries = [entry for log in logs for entry in log["log"]]
    assert len(entries) == WORKERS * OPERATIONS

    # A read that runs before any worker's first `open` has set the file up finds none, or
    # finds it still empty (exit 2).
    early = [
        e
        for e in entries
        if e["op"] in (*READS, "breaches") and re.search("no incident database at|an empty file", e["stderr"])
    ]
    unexpected = [
        e
        for e in entries
        if e["code"] not in ((0, 1) if e["op"] == "breaches" else (0,) if e["op"] in READS else (0, 2))
        and e not in early
    ]
    assert not unexpected, unexpected[:5]
    assert not [e for e in entries if LOCKED.search(e["stderr"])]
    refused = [e for e in entries if e["code"] == 2 and e not in early]
    assert not [e for e in refused if not REFUSALS.search(e["stderr"])], [e["stderr"] for e in refused][:10]
    assert not [e for e in entries if e.get("missing_own")], "a list did not show an incident its worker had opened"

    incident_successes = Counter(
        (e["target"], INCIDENT_EVENTS[e["op"]]) for e in entries if e["code"] == 0 and e["op"] in INCIDENT_EVENTS
    )
    window_successes = Counter(
        (e["target"], WINDOW_EVENTS[e["op"]]) for e in entries if e["code"] == 0 and e["op"] in WINDOW_EVENTS
    )
    db = sqlite3.connect(database)
    try:
        logged = Counter(db.execute("SELECT incident_id, kind FROM events").fetchall())
        window_logged = Counter(db.execute("SELECT window_id, kind FROM maintenance_events").fetchall())
        incidents = db.execute("SELECT count(*) FROM incidents").fetchone()[0]
        windows = db.execute("SELECT count(*) FROM maintenance").fetchone()[0]
    finally:
        db.close()
    assert logged == incident_successes
    assert window_logged == window_successes
    assert incidents == sum(1 for e in entries if e["op"] == "open" and e["code"] == 0)
    assert windows == sum(1 for e in entries if e["op"] == "maintenance add" and e["code"] == 0)
    assert consistency_problems(database) == []

    writes = [e for e in entries if e["op"] not in READS]
    reasons = Counter(re.sub(r"\d[\d:.T+-]*", "N", e["stderr"].strip()) for e in refused)
    record_figures(
        "concurrency",
        {
            "workers": WORKERS,
            "operations": len(entries),
            "writes": len(writes),
            "reads": len(entries) - len(writes),
            "successes": sum(1 for e in entries if e["code"] == 0),
            "write_successes": sum(1 for e in writes if e["code"] == 0),
            "refusals": len(refused),
            "refusal_reasons": dict(reasons.most_common()),
            "events_logged": sum(logged.values()),
            "window_events_logged": sum(window_logged.values()),
            "slowest_operation_seconds": max(e["seconds"] for e in entries),
            "worker_seconds": [log["seconds"] for log in logs],
            "wall_seconds": round(wall, 2),
        },
    )
