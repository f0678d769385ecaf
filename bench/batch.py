"""Batch deadlines: ``slacli deadline --input FILE --format csv`` on a generated 100,000-row CSV,
against bench/workclock_batch.py doing the same job with workclock, in the same run.

Run with the bench venv (see README.md): ``bench/.venv/bin/python bench/batch.py``.
The slacli timed is the console script beside the running interpreter. First both outputs
are compared (they must be the same bytes); then each round runs both, the order flipping
every round, and records wall time and the child's CPU time (user + system, from wait4).
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


PEER = Path(__file__).with_name("workclock_batch.py")
TARGET = 1.0  # slacli's time at most this times the peer's (issue 11)


def timed(command: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``command``, stdout to /dev/null."""
    with open(os.devnull, "w") as devnull:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=devnull, cwd=cwd, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{command[0]} exited {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def compare(ours: str, theirs: str) -> None:
    if ours == theirs:
        print(f"outputs: the same {len(ours):,} bytes")
        return
    pairs = list(zip(ours.splitlines(), theirs.splitlines(), strict=False))
    differ = [(i, a, b) for i, (a, b) in enumerate(pairs) if a != b]
    print(
        f"outputs DIFFER: {len(differ):,} lines of {len(pairs):,} (line counts {len(ours.splitlines())}, "
        f"{len(theirs.splitlines())})"
    )
    for i, a, b in differ[:5]:
        print(f"  line {i + 1}:\n    slacli    {a}\n    workclock {b}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7, help="rounds, each running both")
    args = parser.parse_args()

    slacli = Path(sys.executable).with_name("slacli")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp, "incidents.csv")
        write_csv(csv, args.rows)
        # cwd=tmp: no ./policies.toml there, so the shipped presets are used; own holiday cache.
        env = {**os.environ, "SLACLI_CACHE_DIR": str(Path(tmp, "cache"))}
        commands = {
            "slacli": [str(slacli), "deadline", "--input", str(csv), "--format", "csv"],
            "workclock": [sys.executable, str(PEER), str(csv)],
        }
        wall, _ = timed(commands["slacli"], tmp, env)
        print(f"slacli with the holiday cache cold: {wall:.2f} s", flush=True)
        out = {
            name: subprocess.run(c, capture_output=True, text=True, cwd=tmp, env=env, check=True).stdout
            for name, c in commands.items()
        }
        print(f"{slacli}: {args.rows:,} rows in, {len(out['slacli'].splitlines()) - 1:,} rows out")
        compare(out["slacli"], out["workclock"])

        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        loads = [os.getloadavg()[0]]
        for i in range(args.repeats):
            for name in list(commands)[:: 1 if i % 2 == 0 else -1]:
                runs[name].append(timed(commands[name], tmp, env))
            loads.append(os.getloadavg()[0])
            print(
                f"round {i + 1}: " + ", ".join(f"{n} {r[-1][0]:.2f} s ({r[-1][1]:.2f} CPU)" for n, r in runs.items()),
                flush=True,
            )

    print(f"\n{args.repeats} rounds, load average {min(loads):.2f}-{max(loads):.2f} on {os.cpu_count()} cores")
    print("| command | median wall s | median CPU s | best wall s |\n|---|---:|---:|---:|")
    for name, r in runs.items():
        walls, cpus = [w for w, _ in r], [c for _, c in r]
        print(f"| {name} | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} | {min(walls):.2f} |")
    for kind, k in (("wall", 0), ("CPU", 1)):
        per_round = [a[k] / b[k] for a, b in zip(runs["slacli"], runs["workclock"], strict=True)]
        medians = statistics.median(a[k] for a in runs["slacli"]) / statistics.median(b[k] for b in runs["workclock"])
        print(
            f"slacli / workclock, {kind}: median of per-round ratios {statistics.median(per_round):.2f} "
            f"(range {min(per_round):.2f}-{max(per_round):.2f}), ratio of medians {medians:.2f} (target <= {TARGET})"
        )


if __name__ == "__main__":
    main()
