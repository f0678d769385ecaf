"""A period still in progress is measured up to now and says so; its projection is apart and labelled;
met waits for the end unless the budget is already spent (SPEC 4). A finished period reads the same
whenever it is asked.

openweb: New York, 99.9% a month, severity 1 is downtime. November 2026 is 43,260 minutes (the clocks
fall back on the 1st), so its whole budget is 43.26 minutes.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slacli.cli import app

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=NEW_YORK)  # a Friday, mid-month
START, END = datetime(2026, 11, 1, tzinfo=NEW_YORK), datetime(2026, 12, 1, tzinfo=NEW_YORK)
MONTH = ("uptime", "--policy", "openweb", "--month", "2026-11")


@pytest.fixture(autouse=True)
def frozen(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))
    with time_machine.travel(NOW, tick=False):
        yield


def minutes(a: datetime, b: datetime) -> float:
    # In UTC: Python subtracts two instants of one zone by their wall clocks, missing the DST hour.
    return (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 60


def read(cli, *args: str, code: int = 0) -> dict:
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def outage(cli, at: str) -> None:
    cli("open", "Down", "--policy", "openweb", "--severity", "1", "--at", at, "-q")


def test_a_month_in_progress_is_measured_so_far_with_the_projection_apart(cli):
    outage(cli, "2026-11-20T10:00")
    found = read(cli, *MONTH, code=1)  # 120 min so far: beyond the whole month's 43.26
    assert (found["complete"], found["as_of"], found["to"]) == (False, NOW.isoformat(), NOW.isoformat())
    elapsed = minutes(START, NOW)
    assert (found["total_minutes"], found["downtime_minutes"]) == (elapsed, 120)
    assert found["availability_pct"] == pytest.approx((elapsed - 120) / elapsed * 100)
    assert found["allowed_downtime_minutes"] == pytest.approx(elapsed * 0.001, abs=0.01)  # the time elapsed
    assert found["period_allowed_downtime_minutes"] == 43.26  # the whole month's
    assert found["period_remaining_downtime_minutes"] == pytest.approx(43.26 - 120)
    assert (found["met"], found["credit_pct"]) == (False, None)
    projected = minutes(datetime(2026, 11, 20, 10, tzinfo=NEW_YORK), END)
    assert found["projected_downtime_minutes"] == projected
    assert found["projected_availability_pct"] == pytest.approx((43_260 - projected) / 43_260 * 100)
    shown = cli(*MONTH, code=1).stdout
    assert shown.startswith("Availability of openweb, so far\n")
    assert "projected" not in shown.split("\n\n")[0]  # the figures are what is measured
    assert "2026-11 is in progress, measured up to Fri 20 Nov 12:00 EST. Projected to Tue 01 Dec 00:00 EST" in shown
    assert "the budget is already spent: missed." in shown


@pytest.mark.parametrize(
    ("at", "met", "code"),
    [
        ("2026-11-20T12:33:15", None, 0),  # 43.25 min so far: within the month's 43.26
        ("2026-11-20T12:33:16", False, 1),  # 43.27: spent, whatever the rest of the month brings
    ],
)
def test_met_waits_for_the_end_unless_the_budget_is_spent(cli, at, met, code):
    outage(cli, "2026-11-20T11:50")
    with time_machine.travel(datetime(2026, 11, 20, 13, tzinfo=NEW_YORK), tick=False):
        found = read(cli, *MONTH, "--at", at, code=code)
    assert (found["complete"], found["met"]) == (False, met)
    assert found["projected_availability_pct"] < 99.9  # the projection misses; met does not say so early


def test_the_trend_and_the_report_follow_the_same_rule(cli):
    outage(cli, "2026-11-20T11:50")  # 10 minutes so far
    trend = read(cli, "uptime", "--policy", "openweb", "--months", "2")
    october, november = trend["months"]
    assert (october["complete"], october["met"]) == (True, True)
    assert (november["complete"], november["met"], november["downtime_minutes"]) == (False, None, 10)
    assert november["period_remaining_downtime_minutes"] == pytest.approx(33.26)  # of the month's 43.26
    summary = read(cli, "report", "--month", "2026-11", "--policy", "openweb")["policies"][0]
    assert (summary["complete"], summary["availability_met"]) == (False, None)
    assert summary["availability_pct"] == november["availability_pct"] == read(cli, *MONTH)["availability_pct"]
    assert summary["projected_availability_pct"] == november["projected_availability_pct"]
    assert "2026-11 is in progress" in cli("uptime", "--policy", "openweb", "--months", "2").stdout


def test_a_month_not_begun_is_refused(cli):
    result = cli("uptime", "--policy", "openweb", "--month", "2026-12", code=2)
    assert "has not begun" in result.stderr


# The database persists across examples, on purpose: the same record, asked about at many instants.
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 400 * 24 * 60))
def test_a_finished_period_reads_the_same_whenever_it_is_asked(cli, later_minutes):
    # Down from 23:50 on the 29th, still open at the month's end; a scheduled window inside the month.
    def run(*args: str) -> dict:
        result = cli.runner.invoke(app, [*args, "--format", "json"])
        assert result.exit_code in (0, 1), result.stderr
        return json.loads(result.stdout)

    asked = END + timedelta(minutes=later_minutes)
    with time_machine.travel(asked.astimezone(UTC) + timedelta(days=1), tick=False):
        if not Path(os.environ["SLACLI_DB"]).exists():
            run("open", "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-29T23:50")
            run("maintenance", "add", "--policy", "openweb", "--start", "2026-11-10T01:00",
                "--end", "2026-11-10T03:00", "--kind", "scheduled", "--announced", "2026-11-01T09:00")  # fmt: skip
        at_end = run(*MONTH, "--at", END.isoformat())
        then = run(*MONTH, "--at", asked.isoformat())
    assert then == at_end
    down = minutes(datetime(2026, 11, 29, 23, 50, tzinfo=NEW_YORK), END)
    assert (then["complete"], then["downtime_minutes"], then["maintenance_minutes"]) == (True, down, 120)
