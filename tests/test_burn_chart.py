"""The budget burn of ``uptime --month``: the daily figures of the read layer against a
minute-by-minute brute force, and the chart drawn on a terminal within 80 columns (and
left out when piped)."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from slacli.holidaydata import HolidayCache
from slacli.output import Chart, Document, Format, Note, chart_lines, render
from slacli.paths import SHIPPED_POLICIES
from slacli.periods import month
from slacli.policy import load_policies
from slacli.uptime import Weighted
from slacli.views.availability import Inputs, daily_burn

OPTIMY = load_policies(Path(SHIPPED_POLICIES), HolidayCache(None)).get("optimy")  # target 99.9, Toronto
ZONE = OPTIMY.calendar.zone


def random_inputs(rng: random.Random, lo: int, hi: int) -> Inputs:
    """Outages (weighted, overlapping) and maintenance windows on whole minutes of [lo, hi)
    (UTC timestamps), some reaching outside it."""
    stretches = []
    for _ in range(rng.randrange(0, 12)):
        start = lo + 60 * rng.randrange(-600, (hi - lo) // 60)
        stretches.append((None, Weighted(start, start + 60 * rng.randrange(1, 900), rng.choice([1.0, 0.3, 0.5]))))
    maintenance = []
    for _ in range(rng.randrange(0, 6)):
        start = lo + 60 * rng.randrange(0, (hi - lo) // 60)
        maintenance.append((float(start), float(start + 60 * rng.randrange(1, 600))))
    return Inputs(stretches, [], [], maintenance, [])  # type: ignore[arg-type]  # no incident records needed


def brute_force(inputs: Inputs, lo: int, hi: int, as_of: int) -> list[tuple[str, float, float, float]]:
    """(date, that day's downtime, cumulative downtime, % of the month's budget), minute by minute."""
    weights, counted = {}, 0
    days: dict[str, float] = {}
    for minute in range(lo, hi, 60):
        in_maintenance = any(a <= minute < b for a, b in inputs.maintenance)
        weight = max([s.weight for _, s in inputs.stretches if s.start <= minute < s.end], default=0.0)
        counted += not in_maintenance
        if minute < as_of:
            day = datetime.fromtimestamp(minute, ZONE).date().isoformat()
            days[day] = days.get(day, 0.0) + (0.0 if in_maintenance else weight)
        weights[minute] = weight
    budget = (1 - OPTIMY.availability.target_pct / 100) * counted
    found, total = [], 0.0
    for day, down in days.items():
        total += down
        found.append((day, down, total, total / budget * 100))
    return found


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("as_of_day", [None, 1, 15])  # a finished month, and one in progress
def test_daily_burn_is_the_minute_count_day_by_day(seed: int, as_of_day: int | None) -> None:
    rng = random.Random(seed)
    start, end = month(2026, 11, ZONE)  # 1 November: the clocks fall back, a day of 25 hours
    lo, hi = int(start.timestamp()), int(end.timestamp())
    inputs = random_inputs(rng, lo, hi)
    as_of = end + timedelta(days=3) if as_of_day is None else start + timedelta(days=as_of_day, minutes=737)
    as_of_ts = min(hi, int(as_of.timestamp()))
    days = daily_burn(inputs, OPTIMY, start, end, as_of)
    expected = brute_force(inputs, lo, hi, as_of_ts)
    assert [d["date"] for d in days] == [e[0] for e in expected]
    assert len(days) == (30 if as_of_day is None else as_of_day + 1)  # today, begun, counts so far
    for day, (_, down, total, pct) in zip(days, expected, strict=True):
        assert day["downtime_minutes"] == pytest.approx(down, abs=0.006)
        assert day["cumulative_downtime_minutes"] == pytest.approx(total, abs=0.006)
        assert day["budget_used_pct"] == pytest.approx(pct, rel=1e-9, abs=1e-9)


def test_no_target_no_share() -> None:
    policy = load_policies(Path(SHIPPED_POLICIES), HolidayCache(None)).get("protecto")  # no availability target
    start, end = month(2026, 11, policy.calendar.zone)
    outage = Weighted(start.timestamp() + 3600, start.timestamp() + 7200, 1.0)
    days = daily_burn(Inputs([(None, outage)], [], [], [], []), policy, start, end, end)  # type: ignore[list-item]
    assert days[0]["downtime_minutes"] == 60 and days[0]["budget_used_pct"] is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def drawn(chart: Chart, fmt: Format = Format.table, out: io.StringIO | None = None) -> str:
    out = out if out is not None else Terminal()
    render(Document([Note("before"), chart], {}), fmt, out)
    return re.sub("\x1b\\[[0-9;]*m", "", out.getvalue())  # styles are Rich's business


def heights(lines: list[str], columns: int) -> tuple[list[float], float]:
    """Each column's height read back from the drawn bars (in rows), and the step of a row."""
    eighths = " ▁▂▃▄▅▆▇█"
    rows = [line for line in lines if line[5] == "│"]
    top = lines[0][:5].strip().rstrip("+").rstrip("%")  # the first line, bars or the budget line, is the top
    step = float(top) / len(rows)
    found = [sum(eighths.index(row[6 + 2 * i]) / 8 for row in rows) for i in range(columns)]
    return found, step


@pytest.mark.parametrize("peak", [0, 3, 60, 100, 174, 399, 800, 2500])
def test_the_chart_shows_each_value_against_the_budget_within_80_columns(
    monkeypatch: pytest.MonkeyPatch, peak: float
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    rng = random.Random(peak)
    values: list[float | None] = sorted(rng.uniform(0, peak) for _ in range(25))
    values[-1] = peak
    values += [None] * 6  # days to come
    labels = [str(d + 1) if d % 7 == 0 else "" for d in range(31)]
    chart = Chart("Budget burn, 2026-12: downtime by each day's end, % of the 44.64 min allowed", labels, values, 24)
    text = drawn(chart)
    lines = text.splitlines()
    assert lines[0] == "before" and lines[1] == ""  # a blank line between the table and the chart
    assert all(len(line) <= 80 for line in lines), text
    plain = ["".join(s for s, _ in line) for line in chart_lines(chart)]
    assert [line.rstrip() for line in plain] == [line.rstrip() for line in lines[2:]]
    found, step = heights(plain[1:], 31)
    for value, height in zip(values, found, strict=True):
        shown = min(value or 0, 8 * step)  # the scale stops at 8 rows: 800% and beyond is the top
        assert height * step == pytest.approx(shown, abs=step / 16 + 1e-9) or (
            0 < shown < step / 16 and height == 1 / 8
        )
    line = next(row for row in plain if row.startswith(" 100%┼"))  # the budget, marked across
    assert len(line) == 6 + 62 and set(line[6:]) <= {"─", "█"}
    crossing = [line[6 + 2 * i] == "█" for i in range(31)]
    assert crossing == [v is not None and v > 100 for v in values]
    assert plain[-1] == " " * (6 + 2 * 24) + "▲ today"
    assert plain[-2].split() == ["1", "8", "15", "22", "29"]
    assert plain[1].startswith("800%+") if peak > 800 else "+" not in plain[1][:5]


def test_the_chart_is_for_a_terminal_only() -> None:
    chart = Chart("Budget burn", ["1", ""], [10.0, 20.0])
    for fmt in Format:
        assert "Budget burn" not in drawn(chart, fmt, io.StringIO())  # piped: plain text stays as it was
    assert "Budget burn" not in drawn(chart, Format.markdown)


def test_uptime_month_has_the_days_in_json_and_the_chart_on_a_terminal_only(cli, database) -> None:
    cli("open", "Platform unreachable", "--policy", "optimy", "--severity", "high", "--at", "2026-11-24T18:30")
    cli("resolve", "1", "--at", "2026-11-24T20:15")
    cli("open", "Slow", "--policy", "optimy", "--severity", "high", "--at", "2026-11-05T09:00")
    cli("resolve", "2", "--at", "2026-11-05T09:45")
    found = json.loads(cli("uptime", "--policy", "optimy", "--month", "2026-11", "-f", "json", code=1).stdout)
    days = {d["date"]: d for d in found["days"]}
    assert len(days) == 30 and days["2026-11-05"]["downtime_minutes"] == 45
    assert days["2026-11-24"]["downtime_minutes"] == 105 and days["2026-11-30"]["cumulative_downtime_minutes"] == 150
    assert found["downtime_minutes"] == 150
    budget = found["period_allowed_downtime_minutes"]
    assert days["2026-11-05"]["budget_used_pct"] == pytest.approx(45 / budget * 100, rel=1e-3)
    piped = cli("uptime", "--policy", "optimy", "--month", "2026-11", code=1).stdout
    assert "Budget burn" not in piped
    csv = cli("uptime", "--policy", "optimy", "--month", "2026-11", "-f", "csv", code=1).stdout
    assert "days" not in csv.splitlines()[0]
