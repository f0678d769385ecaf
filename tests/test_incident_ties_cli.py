"""Incident clocks at their exact due instants and in the evening local time, through the CLI.

SPEC 2.8: a target is met when the event happens at or before the due instant, breached once now is
past it; one second later is missed. SPEC 2.12: an update exactly at the cadence is on time. SPEC 2.5,
2.6: an incident opened at 20:30 in New York (already the next day in UTC) counts from its local date.
Reports by ISO week (README "A month or an ISO week ... is taken in each policy's own zone") put a
Sunday 21:00 New York incident in that week. Expected instants are worked out by hand from the presets.
"""

from __future__ import annotations

import json

import pytest


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))


def opened(cli, *args: str) -> str:
    return cli("open", *args, "--quiet").stdout.strip()


def record(cli, *args: str, code: int = 0) -> dict:
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


# openweb 1, opened Monday 16 November 10:00 (in hours): response 2h wall = 12:00, resolution the end of
# the 1st business day after = Tuesday 17:00.
OPENWEB = ("Checkout down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-16T10:00")


@pytest.mark.parametrize(("acked", "met"), [("2026-11-16T12:00:00", True), ("2026-11-16T12:00:01", False)])
def test_ack_at_the_response_due_instant_is_met(cli, acked, met):
    number = opened(cli, *OPENWEB)
    shown = record(cli, "ack", number, "--at", acked)
    assert shown["response_due"] == "2026-11-16T12:00:00-05:00"
    assert shown["response_met"] is met


@pytest.mark.parametrize(("resolved", "met"), [("2026-11-17T17:00:00", True), ("2026-11-17T17:00:01", False)])
def test_resolution_at_the_due_instant_is_met(cli, resolved, met):
    number = opened(cli, *OPENWEB)
    cli("ack", number, "--at", "2026-11-16T10:30")
    shown = record(cli, "resolve", number, "--at", resolved)
    assert shown["resolution_due"] == "2026-11-17T17:00:00-05:00"
    assert shown["resolution_met"] is met


@pytest.mark.parametrize(("resolved", "met"), [("2026-11-16T12:00:00", True), ("2026-11-16T12:00:01", False)])
def test_resolving_unacknowledged_at_the_response_due_answers_it(cli, resolved, met):
    number = opened(cli, *OPENWEB)
    shown = record(cli, "resolve", number, "--at", resolved)
    assert (shown["response_met"], shown["resolution_met"]) == (met, True)


def test_breached_only_once_now_is_past_the_due_instant(cli):
    number = opened(cli, *OPENWEB)
    assert record(cli, "show", number, "--at", "2026-11-16T12:00:00")["response_met"] is None
    assert record(cli, "show", number, "--at", "2026-11-16T12:00:01")["response_met"] is False
    none = cli("breaches", "--at", "2026-11-16T12:00:00-05:00", "--format", "csv")
    assert none.stdout.strip().splitlines()[1:] == []
    late = cli("breaches", "--at", "2026-11-16T12:00:01-05:00", "--format", "csv", code=1).stdout
    rows = late.strip().splitlines()[1:]
    assert len(rows) == 1 and ",response,2026-11-16T12:00:00-05:00," in rows[0] and ",breached," in rows[0]


@pytest.mark.parametrize(("update_at", "late"), [("2026-11-16T10:10:00", 0), ("2026-11-16T10:10:01", 1)])
def test_an_update_at_the_cadence_instant_is_on_time(cli, update_at, late):
    # openmethods 1: an update every 60 minutes from the opening at 09:10.
    number = opened(cli, "Agents offline", "--policy", "openmethods", "--severity", "1", "--at", "2026-11-16T09:10")
    assert record(cli, "show", number, "--at", "2026-11-16T10:00")["next_update_due"] == "2026-11-16T10:10:00-05:00"
    shown = record(cli, "update", number, "Failing over", "--at", update_at)
    assert shown["late_updates"] == late
    assert shown["next_update_due"] == ("2026-11-16T11:10:00-05:00" if late == 0 else "2026-11-16T11:10:01-05:00")


EVENING = [
    # (policy, severity, response due, resolution due); opened Monday 16 November 20:30 New York
    # (01:30 UTC on Tuesday) and acknowledged at 21:00 the same evening.
    ("opencraft", "critical", "2026-11-17T09:00:00-05:00", "2026-11-17T17:00:00-05:00"),
    ("opencraft", "major", "2026-11-17T12:00:00-05:00", "2026-11-17T17:00:00-05:00"),
    ("openweb", "1", "2026-11-17T00:30:00-05:00", "2026-11-17T17:00:00-05:00"),
    ("openweb", "2", "2026-11-17T13:00:00-05:00", "2026-11-19T17:00:00-05:00"),
]


@pytest.mark.parametrize("given", ["2026-11-16T20:30", "2026-11-17T01:30:00+00:00"])
@pytest.mark.parametrize(("policy", "severity", "response", "resolution"), EVENING)
def test_evening_incidents_count_from_the_local_date(cli, given, policy, severity, response, resolution):
    number = opened(cli, "Evening", "--policy", policy, "--severity", severity, "--at", given)
    shown = record(cli, "ack", number, "--at", "2026-11-17T02:00:00+00:00")
    assert shown["opened"] == "2026-11-16T20:30:00-05:00"
    assert (shown["response_due"], shown["resolution_due"]) == (response, resolution)


def test_deadline_of_an_evening_anchor_given_in_utc(cli):
    data = record(cli, "deadline", "opencraft", "critical", "--opened", "2026-11-17T01:30:00+00:00")
    assert data["opened"] == "2026-11-16T20:30:00-05:00" and data["opened_in_hours"] is False
    assert data["response_due"] == "2026-11-17T09:00:00-05:00"
    assert data["resolution_due"] == "2026-11-17T17:00:00-05:00"  # provisional, from the response due


def report(cli, *args: str) -> dict:
    return json.loads(cli("report", *args, "--policy", "protecto", "--format", "json").stdout)


def test_iso_week_of_a_sunday_evening_incident_is_taken_in_the_policy_zone(cli):
    # Sunday 22 November 21:00-22:00 New York is Monday 02:00-03:00 UTC: ISO week 47 there, 48 in UTC.
    number = opened(cli, "Sunday night", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-22T21:00")
    cli("ack", number, "--at", "2026-11-22T21:10")
    cli("resolve", number, "--at", "2026-11-22T22:00")
    w47 = report(cli, "--week", "2026-W47")
    assert [row["id"] for row in w47["incidents"]] == [int(number)]
    summary = w47["policies"][0]
    assert (summary["from"], summary["to"]) == ("2026-11-16T00:00:00-05:00", "2026-11-23T00:00:00-05:00")
    assert (summary["opened"], summary["downtime_minutes"]) == (1, 60)
    w48 = report(cli, "--week", "2026-W48")
    assert w48["incidents"] == [] and w48["policies"][0]["downtime_minutes"] == 0


def test_month_of_an_evening_incident_on_the_last_day_is_taken_in_the_policy_zone(cli):
    # Saturday 31 October 21:00-22:00 EDT is 1 November 01:00-02:00 UTC.
    number = opened(cli, "Halloween", "--policy", "protecto", "--severity", "critical", "--at", "2026-10-31T21:00")
    cli("ack", number, "--at", "2026-10-31T21:10")
    cli("resolve", number, "--at", "2026-10-31T22:00")
    october = report(cli, "--month", "2026-10")
    assert [row["id"] for row in october["incidents"]] == [int(number)]
    assert october["policies"][0]["downtime_minutes"] == 60
    november = report(cli, "--month", "2026-11")
    assert november["incidents"] == [] and november["policies"][0]["downtime_minutes"] == 0


def test_an_incident_opened_exactly_at_the_week_start_belongs_to_that_week_only(cli):
    number = opened(cli, "Midnight", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T00:00")
    cli("ack", number, "--at", "2026-11-23T00:10")
    cli("resolve", number, "--at", "2026-11-23T00:30")
    assert report(cli, "--week", "2026-W47")["incidents"] == []
    w48 = report(cli, "--week", "2026-W48")
    assert [row["id"] for row in w48["incidents"]] == [int(number)]
    summary = w48["policies"][0]
    assert (summary["opened"], summary["mtta_minutes"], summary["mttr_minutes"]) == (1, 10, 30)
    assert summary["downtime_minutes"] == 30
