"""Batch deadlines: ``slacli deadline --input FILE --format csv`` on a generated 100,000-row CSV.

Run with the bench venv (see README.md): ``bench/.venv/bin/python bench/batch.py``.
The slacli timed is the console script beside the running interpreter.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SEVERITIES = {
    "opencraft": ["critical", "major", "minor"],
    "openweb": ["1", "2", "3", "4"],
    "protecto": ["critical", "high", "medium", "low"],
    "openmethods": ["1", "2", "3", "4"],
    "optimy": ["high", "medium", "low"],
}
# Wall times that do not exist (spring forward) or exist twice (fall back) in 2026.
SKIP = {(datetime(2026, 3, 8).date(), 2), (datetime(2026, 11, 1).date(), 1)}


def wall(rng: random.Random) -> datetime:
    t = datetime(2026, 1, 1) + timedelta(minutes=rng.randrange(365 * 1440))
    return t + timedelta(hours=3) if (t.date(), t.hour) in SKIP else t


def write_csv(path: Path, rows: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    lines = ["policy,severity,opened,acked"]
    for _ in range(rows):
        policy = rng.choice(list(SEVERITIES))
        opened = wall(rng)
        acked = ""
        if rng.random() < 0.6:
            t = opened + timedelta(minutes=rng.randrange(1, 600))
            acked = (t + timedelta(hours=3) if (t.date(), t.hour) in SKIP else t).strftime("%Y-%m-%dT%H:%M")
        lines.append(f"{policy},{rng.choice(SEVERITIES[policy])},{opened:%Y-%m-%dT%H:%M},{acked}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    slacli = Path(sys.executable).with_name("slacli")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp, "incidents.csv")
        write_csv(csv, args.rows)
        # cwd=tmp: no ./policies.toml there, so the shipped presets are used; own holiday cache.
        env = {**os.environ, "SLACLI_CACHE_DIR": str(Path(tmp, "cache"))}
        command = [str(slacli), "deadline", "--input", str(csv), "--format", "csv"]
        times = []
        for i in range(args.repeats + 1):  # the first run fills the holiday cache
            start = time.perf_counter()
            with open(os.devnull, "w") as devnull:
                subprocess.run(command, stdout=devnull, cwd=tmp, env=env, check=True)
            times.append(time.perf_counter() - start)
            print(f"run {i}{' (cold cache)' if i == 0 else ''}: {times[-1]:.2f} s", flush=True)
        out = subprocess.run(command, capture_output=True, text=True, cwd=tmp, env=env, check=True).stdout
    print(f"{slacli}: {args.rows:,} rows, {len(out.splitlines()) - 1:,} rows out")
    print(f"warm cache: best {min(times[1:]):.2f} s, median {statistics.median(times[1:]):.2f} s (target < 5 s)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
