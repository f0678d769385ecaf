"""Maintenance the policy does not exclude is downtime at its impact, and so is the part of an
excluded window that ran outside its planned span (SPEC 4). Checked minute by minute against a
brute-force reference, and through ``slacli maintenance add --impact`` and ``slacli uptime``.

openweb (New York) excludes scheduled and regular maintenance, not emergency; its partial weight
is the default 0.3. November 2026 in New York is 43,260 minutes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from slacli.errors import PolicyError
from slacli.maintenance import Window, downtime, excluded
from slacli.policy import policies_from_document
from slacli.recorded import MaintenanceImpact, WindowAction, WindowStatus
from slacli.uptime import measure
from slacli.vocabulary import MaintenanceKind

BASE = datetime(2026, 11, 2, tzinfo=UTC)
HOURS = 12  # the reference period: [BASE, BASE + 12h), in whole minutes
EXCLUDED = (MaintenanceKind.SCHEDULED, MaintenanceKind.REGULAR)
PARTIAL = 0.3
WEIGHTS = {MaintenanceImpact.FULL: 1.0, MaintenanceImpact.PARTIAL: PARTIAL, MaintenanceImpact.NONE: 0.0}


def minute(n: int) -> datetime:
    return BASE + timedelta(minutes=n)


@st.composite
def windows(draw: st.DrawFn) -> Window:
    start = draw(st.integers(0, HOURS * 60 - 1))
    end = draw(st.integers(start + 1, HOURS * 60 + 60))
    window = Window(
        "p", draw(st.sampled_from(list(MaintenanceKind))), WindowStatus.SCHEDULED, minute(start), minute(end),
        impact=draw(st.sampled_from(list(MaintenanceImpact))),
    )  # fmt: skip
    ending = draw(st.sampled_from(["none", "complete", "cancel"]))
    if ending == "cancel":
        return window._replace(status=WindowStatus.CANCELLED, changes=((minute(0), WindowAction.CANCEL),))
    changes: list[tuple[datetime, WindowAction]] = []
    began = start
    if draw(st.booleans()):
        began = max(0, start + draw(st.integers(-90, 90)))
        changes.append((minute(began), WindowAction.START))
    if ending == "complete":
        changes.append((minute(draw(st.integers(began, HOURS * 60 + 90))), WindowAction.COMPLETE))
    return window._replace(changes=tuple(changes))


def reference(found: list[Window]) -> tuple[int, float]:
    """M and D in minutes, one minute at a time, straight from the rule's words."""
    maintenance, down = 0, 0.0
    for n in range(HOURS * 60):
        at = minute(n)
        in_m, weight = False, 0.0
        for w in found:
            if w.status == WindowStatus.CANCELLED:
                continue
            started = next((t for t, a in w.changes if a == WindowAction.START), w.start)
            completed = next((t for t, a in w.changes if a == WindowAction.COMPLETE), w.end)
            running = started <= at < max(completed, started)
            planned = w.start <= at < w.end
            if running and planned and w.kind in EXCLUDED:
                in_m = True
            elif running:
                weight = max(weight, WEIGHTS[w.impact])
        maintenance += in_m
        down += 0 if in_m else weight
    return maintenance, down


@settings(max_examples=300, deadline=None)
@given(st.lists(windows(), max_size=5))
def test_maintenance_and_window_downtime_match_a_minute_by_minute_reference(found):
    stretches = [s for w in found for s in downtime(w, EXCLUDED, PARTIAL)]
    result = measure(stretches, excluded(found, EXCLUDED), BASE.timestamp(), minute(HOURS * 60).timestamp())
    expected_m, expected_d = reference(found)
    assert result.maintenance_seconds / 60 == expected_m
    assert result.downtime_seconds / 60 == pytest.approx(expected_d)


# -- through the CLI -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen(database):
    return database


def uptime(cli, *args: str, code: int = 0) -> dict:
    return json.loads(cli("uptime", "--policy", "openweb", *args, "--format", "json", code=code).stdout)


def window(cli, start: str, end: str, *options: str) -> str:
    args = ("maintenance", "add", "--policy", "openweb", "--start", start, "--end", end, "-q")
    return cli(*args, "--announced", "2026-11-01T09:00", *options).stdout.strip()


@pytest.mark.parametrize(("impact", "minutes"), [("full", 120), ("partial", 36), ("none", 0)])
def test_an_emergency_window_is_downtime_at_its_impact(cli, impact, minutes):
    window(cli, "2026-11-10T01:00", "2026-11-10T03:00", "--kind", "emergency", "--impact", impact)
    found = uptime(cli, "--month", "2026-11", code=1 if minutes > 43.26 else 0)
    assert (found["maintenance_minutes"], found["downtime_minutes"]) == (0, minutes)


def test_the_default_impact_is_full_and_shown(cli):
    args = ("--policy", "openweb", "--start", "2026-11-10T01:00", "--end", "2026-11-10T02:00", "--kind", "emergency")
    added = json.loads(cli("maintenance", "add", *args, "--announced", "2026-11-01T09:00", "--format", "json").stdout)
    assert added["impact"] == "full"
    listed = json.loads(cli("maintenance", "list", "--format", "json").stdout)
    assert [w["impact"] for w in listed] == ["full"]


def test_an_overrun_of_scheduled_maintenance_is_downtime_and_the_planned_part_maintenance(cli):
    number = window(cli, "2026-11-10T01:00", "2026-11-10T03:00")
    cli("maintenance", "start", number, "--at", "2026-11-10T01:00")
    cli("maintenance", "complete", number, "--at", "2026-11-10T03:45")
    found = uptime(cli, "--month", "2026-11", code=1)
    assert (found["maintenance_minutes"], found["downtime_minutes"]) == (120, 45)
    rows = json.loads(
        cli("uptime", "--policy", "openweb", "--month", "2026-11", "--explain", "--format", "json", code=1).stdout
    )
    why = [r["why"] for r in rows["explain"] if r["source"] == f"maintenance {number}"]
    assert why == ["scheduled: excluded from T", "scheduled, impact full: downtime, outside its planned span; weight 1"]


def test_a_partial_weight_from_the_policy_file(cli, tmp_path):
    (tmp_path / "policies.toml").write_text(
        '[calendars.utc]\ntimezone = "UTC"\nhours = { mon-fri = "09:00-17:00" }\n'
        '[policies.p]\ncalendar = "utc"\n[policies.p.availability]\ntarget = 99\npartial_weight = 0.5\n'
        '[policies.p.severities.1]\nresponse = "1h"\ndowntime = 1\n'
    )
    cli("maintenance", "add", "--policy", "p", "--start", "2026-11-10T01:00", "--end", "2026-11-10T03:00",
        "--kind", "emergency", "--impact", "partial", "--announced", "2026-11-01T09:00", "-q")  # fmt: skip
    found = json.loads(cli("uptime", "--policy", "p", "--month", "2026-11", "--format", "json").stdout)
    assert found["downtime_minutes"] == 60


@pytest.mark.parametrize("weight", [0, -0.1, 1.5, True, "0.3"])
def test_a_partial_weight_that_is_no_fraction_is_refused(weight):
    policy = {"calendar": "24x7", "availability": {"partial_weight": weight}, "severities": {"1": {"response": "1h"}}}
    with pytest.raises(PolicyError, match=r"policies\.p\.availability\.partial_weight: expected a fraction"):
        policies_from_document({"policies": {"p": policy}}, Path("policies.toml"))


def test_an_unknown_impact_is_refused_and_nothing_written(cli, frozen):
    result = cli("maintenance", "add", "--policy", "openweb", "--start", "2026-11-10T01:00",
                 "--end", "2026-11-10T02:00", "--impact", "some", code=2)  # fmt: skip
    assert result.stderr == ("slacli: error: unknown maintenance impact 'some' (known: full, partial, none)\n")
    assert not frozen.exists()


def test_an_overrun_into_the_next_month_counts_there(cli):
    # Planned Mon 30 Nov 22:00-23:30, completed Tue 1 Dec 01:00: 30 min of overrun in November, 60 in
    # December, though the plan never touches December.
    number = window(cli, "2026-11-30T22:00", "2026-11-30T23:30")
    with time_machine.travel(datetime(2026, 12, 2, tzinfo=UTC), tick=False):
        cli("maintenance", "start", number, "--at", "2026-11-30T22:00")
        cli("maintenance", "complete", number, "--at", "2026-12-01T01:00")
        november = uptime(cli, "--month", "2026-11")
        december = uptime(cli, "--month", "2026-12", code=1)  # 60 min beyond December's 44.64 so far
        spanning = uptime(cli, "--from", "2026-11-30T23:45", "--to", "2026-12-01T02:00", code=1)
    assert (november["maintenance_minutes"], november["downtime_minutes"]) == (90, 30)
    assert (december["maintenance_minutes"], december["downtime_minutes"]) == (0, 60)
    assert (spanning["maintenance_minutes"], spanning["downtime_minutes"]) == (0, 75)


def test_an_early_start_counts_in_the_month_before_the_plan(cli):
    args = ("--start", "2026-11-01T00:30", "--end", "2026-11-01T03:00", "--kind", "emergency", "-q")
    number = cli("maintenance", "add", "--policy", "openweb", *args, "--announced", "2026-10-20T09:00").stdout.strip()
    cli("maintenance", "start", number, "--at", "2026-10-31T23:00")
    assert uptime(cli, "--month", "2026-10", code=1)["downtime_minutes"] == 60


def test_a_window_still_running_past_its_planned_end_is_downtime_to_now(cli):
    # Emergency, planned Mon 30 Nov 05:00-06:00, started on time and not completed: at 07:00 (now,
    # FROZEN_NOW) it has been down two hours, and the projection runs it to the month's end.
    number = window(cli, "2026-11-30T05:00", "2026-11-30T06:00", "--kind", "emergency")
    cli("maintenance", "start", number, "--at", "2026-11-30T05:00")
    found = uptime(cli, "--month", "2026-11", code=1)
    assert (found["complete"], found["downtime_minutes"]) == (False, 120)
    assert found["projected_downtime_minutes"] == 19 * 60
