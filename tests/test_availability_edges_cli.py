"""Availability at its edges (SPEC 4), through ``slacli uptime``.

Months are taken in the policy's zone: incidents and maintenance windows that start or end exactly at a
month boundary, or cross it, are split there (clipped M and D on both sides, T - M counted per month).
A equal to the target is met (>=), a second more downtime misses it; A equal to a credit tier's
``below`` earns nothing from that tier (strictly below), a hair under earns it. Expected minutes are
worked out by hand: October 2026 has 44,640 minutes in New York and Toronto, November 43,260 (the
clocks fall back on 1 November at 02:00).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slacli.policy import policies_from_document


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))


def uptime(cli, *args: str, code: int = 0) -> dict:
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def outage(cli, policy: str, severity: str, start: str, end: str, *pre: str) -> None:
    number = cli(*pre, "open", "Outage", "--policy", policy, "--severity", severity, "--at", start, "-q").stdout
    cli(*pre, "resolve", number.strip(), "--at", end)


@pytest.mark.parametrize(
    ("start", "end", "october", "november"),
    [
        ("2026-10-31T23:40", "2026-11-01T00:20", 20, 20),  # across the boundary: split at local midnight
        ("2026-11-01T00:00", "2026-11-01T00:30", 0, 30),  # starts exactly at November
        ("2026-10-31T23:30", "2026-11-01T00:00", 30, 0),  # ends exactly at November
        ("2026-10-31T20:00", "2026-10-31T20:30", 30, 0),  # 1 November 00:00-00:30 UTC: still October here
    ],
)
def test_incidents_at_a_month_boundary_in_the_policy_zone(cli, start, end, october, november):
    outage(cli, "openweb", "1", start, end)
    oct_ = uptime(cli, "uptime", "--policy", "openweb", "--month", "2026-10")
    nov = uptime(cli, "uptime", "--policy", "openweb", "--month", "2026-11")
    assert (oct_["total_minutes"], oct_["downtime_minutes"]) == (44_640, october)
    assert (nov["total_minutes"], nov["downtime_minutes"]) == (43_260, november)


def test_the_repeated_hour_counts_in_real_minutes(cli):
    outage(cli, "openweb", "1", "2026-11-01T01:30-04:00", "2026-11-01T01:30-05:00")  # 01:30 EDT to 01:30 EST
    nov = uptime(cli, "uptime", "--policy", "openweb", "--month", "2026-11", code=1)
    assert (nov["downtime_minutes"], nov["met"]) == (60, False)


def test_maintenance_crossing_month_boundaries_is_clipped_to_each_month(cli):
    # optimy (Toronto) excludes every kind. Window 1: Sat 31 Oct 22:00 EDT to Sun 1 Nov 03:00 EST: 2 hours in
    # October, 4 real hours in November. Window 2 starts exactly at 1 October 00:00 (1 hour), window 3 ends
    # exactly at 1 October 00:00 (1 hour in September). An outage from 21:30 EDT to 03:30 EST is inside
    # window 1 except 30 minutes on each side.
    for start, end in [
        ("2026-10-31T22:00", "2026-11-01T03:00-05:00"),
        ("2026-10-01T00:00", "2026-10-01T01:00"),
        ("2026-09-30T23:00", "2026-10-01T00:00"),
    ]:
        cli("maintenance", "add", "--policy", "optimy", "--start", start, "--end", end, "--kind", "scheduled",
            "--announced", "2026-09-01T09:00", "-q")  # fmt: skip
    outage(cli, "optimy", "high", "2026-10-31T21:30", "2026-11-01T03:30-05:00")
    sep = uptime(cli, "uptime", "--policy", "optimy", "--month", "2026-09")
    oct_ = uptime(cli, "uptime", "--policy", "optimy", "--month", "2026-10")
    nov = uptime(cli, "uptime", "--policy", "optimy", "--month", "2026-11")
    assert (sep["total_minutes"], sep["maintenance_minutes"], sep["downtime_minutes"]) == (43_200, 60, 0)
    assert (oct_["total_minutes"], oct_["maintenance_minutes"], oct_["downtime_minutes"]) == (44_640, 180, 30)
    assert (nov["total_minutes"], nov["maintenance_minutes"], nov["downtime_minutes"]) == (43_260, 240, 30)
    assert oct_["availability_pct"] == pytest.approx((44_640 - 180 - 30) / (44_640 - 180) * 100)
    assert nov["availability_pct"] == pytest.approx((43_260 - 240 - 30) / (43_260 - 240) * 100)
    assert (oct_["allowed_downtime_minutes"], oct_["remaining_downtime_minutes"]) == (44.46, 14.46)
    assert (nov["allowed_downtime_minutes"], nov["remaining_downtime_minutes"]) == (43.02, 13.02)
    assert oct_["met"] is True and nov["met"] is True


def test_a_cancelled_window_across_the_boundary_is_not_maintenance(cli):
    span = ("--start", "2026-10-31T22:00", "--end", "2026-11-01T03:00-05:00")
    told = ("--announced", "2026-10-01T09:00")
    number = cli("maintenance", "add", "--policy", "optimy", *span, *told, "--kind", "scheduled", "-q").stdout
    cli("maintenance", "cancel", number.strip())
    for month in ("2026-10", "2026-11"):
        assert uptime(cli, "uptime", "--policy", "optimy", "--month", month)["maintenance_minutes"] == 0


def test_an_emergency_window_on_openweb_is_downtime(cli):
    cli("maintenance", "add", "--policy", "openweb", "--start", "2026-10-31T23:00", "--end", "2026-11-01T00:30",
        "--kind", "emergency", "--announced", "2026-10-31T22:00", "-q")  # fmt: skip
    oct_ = uptime(cli, "uptime", "--policy", "openweb", "--month", "2026-10", code=1)
    assert (oct_["maintenance_minutes"], oct_["downtime_minutes"]) == (0, 60)
    nov = uptime(cli, "uptime", "--policy", "openweb", "--month", "2026-11")
    assert (nov["maintenance_minutes"], nov["downtime_minutes"]) == (0, 30)


# -- exactly at the target and at a credit threshold ----------------------------------------------------

# 96.875% is 31/32: exact in binary, so A = (T - D) / T x 100 can equal it exactly. October in New York is
# 44,640 minutes, and 1/32 of it is 1,395 minutes (23h15m) of downtime.
EDGE_POLICY = """
[calendars.ny]
timezone = "America/New_York"
hours = { mon-fri = "09:00-17:00" }

[policies.edge]
calendar = "ny"

[policies.edge.availability]
target = 96.875
credits = [{ below = 96.875, credit = 10 }, { below = 50, credit = 25 }]

[policies.edge.severities.down]
name = "Down"
downtime = 1
"""


@pytest.fixture
def edge(tmp_path) -> tuple[str, str]:
    path = tmp_path / "edge.toml"
    path.write_text(EDGE_POLICY)
    return ("--policies", str(path))


@pytest.mark.parametrize(
    ("end", "met", "credit", "code"),
    [
        ("2026-10-05T23:15:00", True, 0, 0),  # A = 96.875 exactly: met, and not below the tier
        ("2026-10-05T23:15:01", False, 10, 1),  # one second more: missed, and the 10% tier
        ("2026-10-05T23:14:59", True, 0, 0),
    ],
)
def test_availability_exactly_at_the_target_and_the_credit_threshold(cli, edge, end, met, credit, code):
    outage(cli, "edge", "down", "2026-10-05T00:00", end, *edge)
    data = uptime(cli, *edge, "uptime", "--policy", "edge", "--month", "2026-10", code=code)
    assert data["total_minutes"] == 44_640 and data["target_pct"] == 96.875
    if end.endswith(":00"):
        assert data["availability_pct"] == 96.875
        assert (data["allowed_downtime_minutes"], data["remaining_downtime_minutes"]) == (1395, 0)
    assert (data["met"], data["credit_pct"]) == (met, credit)


def policy_with_tiers(tiers: str):
    document = {
        "calendars": {"ny": {"timezone": "America/New_York", "hours": {"mon-fri": "09:00-17:00"}}},
        "policies": {"p": {"calendar": "ny", "availability": {"target": 99.9}, "severities": {"s": {}}}},
    }
    document["policies"]["p"]["availability"]["credits"] = json.loads(tiers)
    return policies_from_document(document, Path("tiers.toml")).get("p")


@pytest.mark.parametrize(
    ("pct", "credit"),
    [
        (100.0, 0),
        (99.95, 0),
        (99.9, 0),  # equal to the 99.9 threshold: not below it
        (99.89999, 10),
        (99.0, 10),  # equal to the 99.0 threshold: still only the 99.9 tier
        (98.99999, 25),
        (95.0, 25),  # equal to the 95.0 threshold: the 99.0 tier
        (94.99, 50),
        (None, 0),  # all maintenance: no availability, no credit
    ],
)
def test_credit_tiers_are_strictly_below_and_do_not_add_up(pct, credit):
    tiers = '[{"below": 99.0, "credit": 25}, {"below": 99.9, "credit": 10}, {"below": 95.0, "credit": 50}]'
    policy = policy_with_tiers(tiers)
    assert policy.availability.credit_pct(pct) == credit


def test_maintenance_counts_as_it_ran_so_an_outage_after_an_early_completion_is_downtime(cli, database):
    # optimy, planned Sat 22:00 - Sun 01:00, done at 23:00; the forms are down 23:30-00:30.
    window = ("maintenance", "add", "-p", "optimy", "--start", "2026-11-28T22:00", "--end", "2026-11-29T01:00")
    cli(*window, "--announced", "2026-11-10T09:00", "-q")
    cli("maintenance", "start", "1", "--at", "2026-11-28T22:00")
    cli("maintenance", "complete", "1", "--at", "2026-11-28T23:00")
    cli("open", "Forms down", "-p", "optimy", "-s", "high", "--at", "2026-11-28T23:30", "-q")
    cli("resolve", "1", "--at", "2026-11-29T00:30")
    result = json.loads(cli("uptime", "-p", "optimy", "--month", "2026-11", "-f", "json", code=1).stdout)
    assert (result["maintenance_minutes"], result["downtime_minutes"], result["met"]) == (60, 60, False)
