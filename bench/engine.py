"""Business-time ``add`` throughput: slacli against four peer engines, in one run.

Every engine gets the same calendar (Mon-Fri 09:00-17:00 America/New_York, US holidays)
and the same 1,000 start instants spread over 2026 (about half of them out of hours), and
adds 4 business hours, 10 business days (80 h) and 90 business days (720 h). A sample of
results is checked against slacli first; disagreements are reported, never fatal.

Run with the bench venv (see README.md): ``bench/.venv/bin/python bench/engine.py``.
"""

from __future__ import annotations

import argparse
import gc
import operator
import os
import random
import statistics
import time as clock
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import holidays
import pandas as pd
import pytz
import timegrid
import workclock

import slacli
from slacli.holidaydata import HolidayCache
from slacli.policy import load_policies

NY = ZoneInfo("America/New_York")
POLICIES = Path(slacli.__file__).with_name("policies.toml")
SPANS = {"4h": 4, "10d (80h)": 80, "90d (720h)": 720}
N_STARTS = 1000


def start_instants(n: int = N_STARTS, seed: int = 2026) -> list[datetime]:
    """Quarter-hour instants in 2026: two thirds inside 09:00-17:00 wall time, the rest anywhere."""
    rng = random.Random(seed)
    first = datetime(2026, 1, 1, tzinfo=NY)
    out = []
    for _ in range(n):
        day = first + timedelta(days=rng.randrange(365))
        quarter = rng.randrange(36, 68) if rng.random() < 2 / 3 else rng.randrange(96)
        wall = day.replace(hour=quarter // 4, minute=quarter % 4 * 15)
        out.append(datetime.fromtimestamp(wall.timestamp(), NY))  # normalises the DST gap
    return out


def engines() -> dict[str, tuple]:
    """name -> (call, convert start, make span argument, result as aware datetime)."""
    us = holidays.US(years=range(2025, 2029))
    cal = load_policies(POLICIES, HolidayCache(None)).get("openweb").calendar

    pytz_ny = pytz.timezone("America/New_York")
    rule = btd.Rules(
        [btd.WorkDayRule(time(9), time(17), [0, 1, 2, 3, 4], tz=pytz_ny), btd.HolidayRule(holidays.US(), tz=pytz_ny)]
    )

    def cbh(h: int) -> pd.offsets.CustomBusinessHour:
        return pd.offsets.CustomBusinessHour(h, start="09:00", end="17:00", holidays=sorted(us))

    wc = workclock.Schedule([workclock.WorkDay(time(9), time(17)), workclock.Holidays(us)], time_zone=NY)

    tg = timegrid.TimeGridCalendar.weekdays(time(9), time(17))  # naive wall times: no time zone support
    for day in sorted(us):
        tg.add_holiday(day)

    same = lambda t: t  # noqa: E731
    naive_ts = lambda t: pd.Timestamp(t.replace(tzinfo=None))  # noqa: E731
    hours = lambda h: timedelta(hours=h)  # noqa: E731
    return {
        "slacli": (cal.add, same, hours, same),
        "businesstimedelta": (operator.add, same, lambda h: btd.BusinessTimeDelta(rule, hours=h), same),
        "pandas CBH": (operator.add, pd.Timestamp, cbh, lambda r: r.to_pydatetime()),
        "pandas CBH naive": (operator.add, naive_ts, cbh, lambda r: r.to_pydatetime().replace(tzinfo=NY)),
        "workclock": (wc.add, same, hours, same),
        "timegrid": (tg.add_work_duration, lambda t: t.replace(tzinfo=None), hours, lambda r: r.replace(tzinfo=NY)),
    }


def check(engs: dict[str, tuple], starts: list[datetime], every: int = 5) -> dict[str, dict[str, list]]:
    """Compare each engine with slacli on every ``every``-th start; returns the disagreements."""
    cal_add = engs["slacli"][0]
    cal = cal_add.__self__
    found: dict[str, dict[str, list]] = {}
    for name, (call, conv, span, back) in engs.items():
        for label, h in SPANS.items():
            arg, bad = span(h), []
            for t in starts[::every]:
                want, got = cal_add(t, timedelta(hours=h)), back(call(conv(t), arg))
                if got != want:
                    at_close = want.astimezone(NY).time() == time(17) and got == cal.next_open(want)
                    bad.append((t, want, got, "next opening instead of the close" if at_close else "other"))
            found.setdefault(name, {})[label] = bad
    return found


def timed(call, starts: list, arg, passes: int) -> float:
    """Seconds for ``passes`` passes over the starts, garbage collector off."""
    gc.disable()
    try:
        t0 = clock.perf_counter()
        for _ in range(passes):
            for t in starts:
                call(t, arg)
        return clock.perf_counter() - t0
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", nargs="*", help="engine names to time (default: all)")
    args = parser.parse_args()

    starts = start_instants()
    engs = engines()
    print(
        f"slacli {slacli.__version__} from {Path(slacli.__file__).parent}, pandas {pd.__version__}, "
        f"workclock {workclock.__version__}, timegrid {timegrid.__version__}"
    )
    out_of_hours = sum(not engs["slacli"][0].__self__.is_open(t) for t in starts)
    print(
        f"{len(starts)} starts, {out_of_hours} out of hours; check on every 5th; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n"
    )

    for name, spans in check(engs, starts).items():
        for label, bad in spans.items():
            if bad:
                kinds = {k: sum(b[3] == k for b in bad) for k in {b[3] for b in bad}}
                print(f"DISAGREE {name} {label}: {len(bad)}/{len(starts[::5])} {kinds}")
                for t, want, got, kind in bad[:2]:
                    print(
                        f"    start {t:%a %Y-%m-%d %H:%M}: slacli {want:%a %m-%d %H:%M}, {name} {got:%a %m-%d %H:%M}"
                        f" ({kind})"
                    )
    print()

    # One job per engine and span. Repeats go round all jobs in turn, so that a burst of
    # load from elsewhere on the machine hits every engine alike, not one of them.
    jobs = {}
    for name, (call, conv, span, _) in engs.items():
        if not args.only or name in args.only:
            native = [conv(t) for t in starts]
            for label, h in SPANS.items():
                took = timed(call, native, span(h), 1)  # warm-up, and calibration: a repeat lasts >= 0.2 s
                jobs[name, label] = (call, native, span(h), 1 + int(0.2 / took))
    rates: dict[tuple[str, str], list[float]] = {key: [] for key in jobs}
    for _ in range(args.repeats):
        for key, (call, native, arg, passes) in jobs.items():
            rates[key].append(passes * len(native) / timed(call, native, arg, passes))
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for (name, label), runs in rates.items():
        results.setdefault(name, {})[label] = (max(runs), statistics.median(runs))
        print(f"{name:18} {label:11} best {max(runs):>10,.0f}/s  median {statistics.median(runs):>10,.0f}/s")

    base = results.get("slacli")
    print("\n| engine | " + " | ".join(f"{label} calls/s (best)" for label in SPANS) + " | 90d cost / 4h cost |")
    print("|---|" + "---:|" * (len(SPANS) + 1))
    for name, spans in results.items():
        cells = []
        for label in SPANS:
            best = spans[label][0]
            ratio = f" ({base[label][0] / best:.2f}x)" if base and name != "slacli" else ""
            cells.append(f"{best:,.0f}{ratio}")
        cost = spans["4h"][0] / spans["90d (720h)"][0]
        print(f"| {name} | " + " | ".join(cells) + f" | {cost:.2f} |")
    print(f"load average now {os.getloadavg()[0]:.2f}")
    print("\n(Nx) = slacli calls/s divided by the engine's: above 1, slacli is faster.")


if __name__ == "__main__":
    main()
