"""Reliability proof 2 (issue 9): ``kill -9`` a writer at 10 random moments.

A writer process (``reliability_workers.py writer``) opens incidents, takes them through
ack, update, pause, resume and resolve, and adds and starts maintenance windows, as fast
as it can (through the library's Tracker, every fifth write through the CLI in-process),
until it is killed with SIGKILL at a random moment 5-300 ms after it began its burst
(seeded: the same moments every run). After each kill, on the same file:

- the file opens: sqlite3 alone, and ``slacli list --all --format json``, whose
  incidents are the file's;
- ``PRAGMA integrity_check`` is ok, and ``PRAGMA foreign_key_check`` finds nothing;
- no half-written incident or window: every incident has events, the first ``opened``;
  its ``last_event`` column and its stored state's agree with its latest event; its
  stored state is the replay of its events; every event's incident (and window) exists;
- the next writer writes on: the file keeps growing, run after run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import time
from pathlib import Path

from conftest import working_tree_env
from reliability_workers import consistency_problems, record_figures

KILLS = 10
SEED = 9
SCRIPT = Path(__file__).with_name("reliability_workers.py")


def counts(database: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = ("incidents", "events", "maintenance", "maintenance_events")
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        db.close()


def wal_frames(wal: Path) -> tuple[int, int]:
    """(frames of committed transactions, frames after the last commit) in a WAL file as
    the killed writer left it, before anyone opens the database and recovers it. A frame
    belongs to the WAL's current generation when its salts are the header's; a commit
    frame carries the database size. Frames after the last commit are a transaction the
    kill cut short while SQLite was writing it: what recovery must ignore."""
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < 32:
        return 0, 0
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    frames = last_commit = 0
    offset = 32
    while offset + 24 + page_size <= len(data) and data[offset + 8 : offset + 16] == salts:
        frames += 1
        if struct.unpack(">I", data[offset + 4 : offset + 8])[0]:
            last_commit = frames
        offset += 24 + page_size
    return last_commit, frames - last_commit


def test_a_writer_killed_at_random_moments_never_leaves_a_broken_or_half_written_file(tmp_path, cli):
    from slacli.cli._state import holiday_cache
    from slacli.paths import policies_file
    from slacli.policy import load_policies

    load_policies(policies_file(None), holiday_cache())  # the holiday tables are built before the first writer
    database = tmp_path / "killed.db"
    delays = random.Random(SEED)
    began = time.perf_counter()
    runs = []
    before = {"incidents": 0, "events": 0, "maintenance": 0, "maintenance_events": 0}
    for run in range(KILLS):
        writer = subprocess.Popen(
            [sys.executable, str(SCRIPT), "writer", "--db", str(database), "--run", str(run), "--seed", str(run)],
            env=working_tree_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n", writer.communicate()[1]
        delay = delays.uniform(0.005, 0.3)
        time.sleep(delay)
        wal = Path(f"{database}-wal")
        os.kill(writer.pid, signal.SIGKILL)
        _, err = writer.communicate(timeout=30)
        assert writer.returncode == -signal.SIGKILL, err
        assert "refused" not in err and "Traceback" not in err, err
        committed, torn = wal_frames(wal)  # what the next opener must recover from

        assert consistency_problems(database) == []
        listed = json.loads(cli("--db", str(database), "list", "--all", "--format", "json").stdout)
        after = counts(database)
        assert len(listed) == after["incidents"]
        assert all(after[t] >= before[t] for t in after)
        runs.append(
            {
                "delay_ms": round(delay * 1000, 1),
                "wal_committed_frames": committed,
                "wal_frames_after_last_commit": torn,
                **{f"new_{t}": after[t] - before[t] for t in after},
            }
        )
        before = after
    wall = time.perf_counter() - began
    assert before["events"] > 0
    assert sum(1 for r in runs if r["new_events"] > 0) >= KILLS // 2, runs  # the kills landed amid writes
    record_figures(
        "kill",
        {
            "kills": KILLS,
            "kills_amid_a_commit": sum(1 for r in runs if r["wal_frames_after_last_commit"]),
            "runs": runs,
            "incidents": before["incidents"],
            "events": before["events"],
            "windows": before["maintenance"],
            "window_events": before["maintenance_events"],
            "wall_seconds": round(wall, 2),
        },
    )
