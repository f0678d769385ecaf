"""A year of availability: ``slacli uptime`` on a file of 100,000 incidents and 5,000
maintenance windows (target: the 12-month trend in under 1 s).

The file holds the harshest case: every incident and window belongs to the policy
measured, optimy (target 99.9%, all maintenance kinds excluded, emergency by notice).
Incidents are opened evenly over the 12 months before now: 10 % high (downtime, resolved
5 minutes to 4 hours later), 30 % medium and 60 % low (resolved 30 minutes to 3 days
later); 90 % acknowledged; 3 % reported late (impact began up to 10 hours before the
opening); 5 % change severity on the way (medium <-> high); 1 % excluded; 1 % reopened
and resolved again; the newest 0.5 % still open. Maintenance windows (30 minutes to
4 hours, mostly at night) are spread over the same year, announced 1 to 15 days ahead,
so some are emergency. Incidents are written through the library (see incidents.py),
windows through ``Tracker.add_window``. The file is kept in ``--data`` and reused.

Timed, one process per run, rotating (stdout to /dev/null):
- ``uptime --months 12 --format csv``: the 12-month trend (the target),
- ``uptime --from <a year ago> --to <now>``: the year as one period,
- ``uptime --month <last month>``: one month,
- ``report --month <last month> --format csv``: that month's ~8,300 incidents, one row each,
and ``uptime --month`` on an empty file: the cost of starting the program.

Run with the bench venv (see README.md): ``bench/.venv/bin/python bench/uptime.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from incidents import AUTHOR, MINUTE, cached_file, populate, profile, rounds

from slacli import __version__
from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.storage.sqlite import open_sqlite
from slacli.tracker import Tracker

POLICY = "optimy"
YEAR = timedelta(days=365)
TARGET_SECONDS = 1.0


def year_of_incidents(rng: random.Random, kind: str, index: int, count: int, now: datetime) -> tuple[Any, ...]:
    """One optimy incident of the year (see the module's docstring), as incidents.lifecycle makes them."""
    opened = now - YEAR + YEAR * (index / count) + MINUTE * rng.randrange(60)
    draw = rng.random()
    severity = opening = "high" if draw < 0.1 else "medium" if draw < 0.4 else "low"
    started = opened - MINUTE * rng.randrange(10, 600) if rng.random() < 0.03 else None
    steps: list[tuple[str, datetime, dict[str, Any]]] = []
    t = opened
    if rng.random() < 0.9:
        t += MINUTE * rng.randrange(1, 120)
        steps.append(("acknowledged", t, {}))
    if severity != "low" and rng.random() < 0.05:
        t += MINUTE * rng.randrange(5, 120)
        steps.append(("severity_changed", t, {"severity": "medium" if severity == "high" else "high"}))
        severity = steps[-1][2]["severity"]
    if rng.random() < 0.01:
        steps.append(("excluded", t, {"reason": "third party"}))
    lasting = MINUTE * (rng.randrange(5, 240) if severity == "high" else rng.randrange(30, 3 * 1440))
    steps.append(("resolved", t + lasting, {}))
    if rng.random() < 0.01:
        t += lasting + MINUTE * rng.randrange(10, 600)
        steps += [("reopened", t, {}), ("resolved", t + MINUTE * rng.randrange(5, 240), {})]
    if index >= count * 0.995 or steps[-1][1] >= now:  # the newest stay open
        steps = [step for step in steps if step[0] not in ("resolved", "reopened") and step[1] < now]
    title = f"Optimy errors above threshold (#{index})"
    return title, POLICY, opening, None, opened, steps, started


def add_windows(path: Path, count: int, seed: int, cache: Path, now: datetime) -> None:
    """``count`` maintenance windows over the year, through Tracker.add_window."""
    rng = random.Random(f"{seed}-windows")
    store = open_sqlite(path)
    tracker = Tracker(store, load_policies(SHIPPED_POLICIES, HolidayCache(cache)), HolidayCache(cache))
    for index in range(count):
        day = (now - YEAR + YEAR * (index / count)).replace(hour=0, minute=0, second=0, microsecond=0)
        start = day + timedelta(hours=rng.choice([1, 2, 3, 4, 22, 23, 14])) + MINUTE * rng.randrange(0, 60, 15)
        end = start + MINUTE * rng.randrange(30, 240, 15)
        announced = start - timedelta(days=rng.randrange(1, 15))
        kind = "regular" if rng.random() < 0.3 else None  # else classified by the notice rule
        tracker.add_window(
            POLICY, start, end, author=AUTHOR, kind=kind, announced=announced, title=f"Upgrade #{index}", service=None
        )
    store.close()


def year_file(data: Path, incidents: int, windows: int, seed: int, cache: Path, regenerate: bool) -> Path:
    """The cached file of a year's incidents and maintenance windows."""

    def write(path: Path, now: datetime) -> None:
        populate(path, [("year", incidents)], seed, cache, os.cpu_count() or 1, year_of_incidents)
        add_windows(path, windows, seed, cache, now)

    stem = f"uptime-{incidents}i-{windows}w-seed{seed}"
    return cached_file(data, stem, f"{incidents:,} incidents, {windows:,} windows", write, regenerate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--windows", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir(), "slacli-bench-uptime"))
    parser.add_argument("--regenerate", action="store_true", help="write the file again")
    parser.add_argument("--profile", action="store_true", help="profile the trend even when on target")
    args = parser.parse_args()

    slacli = str(Path(sys.executable).with_name("slacli"))
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp, "cache")
        env = {**os.environ, "SLACLI_CACHE_DIR": str(cache), "SLACLI_POLICIES": str(SHIPPED_POLICIES)}
        env.pop("SLACLI_DB", None)
        cached = year_file(args.data, args.incidents, args.windows, args.seed, cache, args.regenerate)
        info = json.loads(cached.with_suffix(".json").read_text(encoding="utf-8"))
        print(f"file: {cached} ({info['bytes'] / 2**20:.0f} MiB), written {info['written']} in {info['seconds']:.0f} s")
        big, empty = Path(tmp, "year.db"), Path(tmp, "empty.db")
        shutil.copyfile(cached, big)
        open_sqlite(empty).close()

        written = datetime.fromisoformat(info["written"])
        last_month = (written.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        year = ["--from", (written - YEAR).isoformat(timespec="seconds"), "--to", written.isoformat(timespec="seconds")]
        base = [slacli, "--db", str(big), "uptime", "--policy", POLICY]
        commands = {
            "--months 12 (trend)": [*base, "--months", "12", "--format", "csv"],
            "--from/--to a year": [*base, *year, "--format", "json"],
            f"--month {last_month}": [*base, "--month", last_month, "--format", "json"],
            f"report --month {last_month} (csv)": [
                slacli,
                "--db",
                str(big),
                "report",
                "--policy",
                POLICY,
                "--month",
                last_month,
                "--format",
                "csv",
            ],
            "empty file, --month": [slacli, "--db", str(empty), "uptime", "--policy", POLICY, "--month", last_month],
        }
        for name, command in commands.items():  # warm-up, and what each answers
            out = subprocess.run(command, capture_output=True, text=True, cwd=tmp, env=env)
            print(f"{name}: exit {out.returncode}, {len(out.stdout.splitlines())} lines")
        load = [os.getloadavg()[0]]
        times = rounds(commands, args.runs, tmp, env, check=False)
        load.append(os.getloadavg()[0])
        print(f"\nslacli {__version__}, {os.cpu_count()} cores, load average {min(load):.2f}-{max(load):.2f}")
        print(f"`slacli ... --policy {POLICY} ...`, {args.runs} runs each\n")
        print("| command | median ms | min ms |\n|---|---:|---:|")
        for name, runs in times.items():
            print(f"| {name} | {statistics.median(runs) * 1000:.0f} | {min(runs) * 1000:.0f} |")
        trend = statistics.median(times["--months 12 (trend)"])
        print(
            f"\n12-month trend: {trend:.2f} s (target < {TARGET_SECONDS} s): "
            + ("met" if trend < TARGET_SECONDS else "MISSED")
        )
        if trend >= TARGET_SECONDS or args.profile:
            profile(commands["--months 12 (trend)"], tmp, env, check=False)


if __name__ == "__main__":
    main()
