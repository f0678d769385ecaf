"""Workarounds (openweb), exceptions, the escalation matrix and the quarterly audit (protecto),
through the CLI (issue 10).

openweb severity 1 opened Mon 23 Nov 2026 10:00 New York: response due 12:00, resolution
due at the close of the next business day, Tue 24 Nov 17:00, met by a workaround too.
protecto critical opened at 10:00: response due 11:00, resolution due Tue 24 Nov 10:00.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import OFFICE_CALENDARS, user_error

pytestmark = pytest.mark.usefixtures("database")


def as_json(cli, *args: str, code: int = 0):
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def clock_status(cli, incident: str, at: str) -> dict[str, str]:
    return {c["clock"]: c["status"] for c in as_json(cli, "show", incident, "--at", at)["clocks"]}


def opened(cli, policy: str, severity: str, at: str = "2026-11-23T10:00") -> str:
    return cli("open", "Checkout down", "-p", policy, "-s", severity, "--at", at, "-q").stdout.strip()


# -- workarounds ---------------------------------------------------------------------------


def test_a_workaround_within_the_timeframe_meets_the_resolution_and_the_incident_stays_open(cli):
    one = opened(cli, "openweb", "1")
    cli("ack", one, "--at", "2026-11-23T10:20")
    record = as_json(cli, "workaround", one, "--note", "traffic on the standby", "--at", "2026-11-24T15:00")
    assert (record["status"], record["resolution_met"], record["resolved"]) == ("acknowledged", True, None)
    shown = as_json(cli, "show", one)
    assert (shown["resolution_met_by"], shown["workaround"]) == ("workaround", "2026-11-24T15:00:00-05:00")
    assert clock_status(cli, one, "2026-11-25T12:00") == {"response": "met", "resolution": "met by workaround"}
    assert cli("breaches", "--policy", "openweb").stdout.endswith(": no breaches\n")
    assert "update" not in [e["event"] for e in shown["timeline"]]
    cli("resolve", one, "--at", "2026-11-26T10:00")  # after the due: the workaround met it already
    # Exit 1 all the same: the outage ran until the resolution, under the availability target.
    [row] = as_json(cli, "report", "--month", "2026-11", "-p", "openweb", code=1)["incidents"]
    assert (row["resolution_met"], row["resolution_met_by"]) == (True, "workaround")
    table = cli("report", "--month", "2026-11", "-p", "openweb", code=1).stdout
    assert "resolution_met_by" in table.splitlines()[1] and " workaround " in table.splitlines()[2]


def test_a_late_workaround_meets_it_late_and_ends_the_breach(cli):
    one = opened(cli, "openweb", "1")
    cli("workaround", one, "--at", "2026-11-25T09:00")
    # Open now: the response alone (a workaround acknowledges nothing); the resolution met late.
    assert [r["target"] for r in as_json(cli, "breaches", "-p", "openweb", code=1)] == ["response"]
    rows = as_json(cli, "breaches", "-p", "openweb", "--since", "2026-11-23", code=1)
    [late] = [r for r in rows if r["target"] == "resolution"]
    # Due at Tuesday's close (17:00), met at Wednesday's opening (09:00): late by no business
    # time, so by the 16 real hours, all outside business hours.
    assert (late["status"], late["done"], late["late_by"]) == (
        "met late",
        "2026-11-25T09:00:00-05:00",
        "16h wall, after hours",
    )
    assert (late["late_minutes"], late["late_business_minutes"]) == (16 * 60, 0)
    assert late["resolution_met_by"] == "workaround"
    assert clock_status(cli, one, "2026-11-25T10:00")["resolution"] == "met late by workaround"


def test_a_workaround_does_not_meet_a_resolution_whose_severity_does_not_list_it(cli):
    one = opened(cli, "protecto", "critical")
    cli("workaround", one, "--at", "2026-11-23T12:00")
    assert clock_status(cli, one, "2026-11-23T13:00")["resolution"] == "pending"
    assert clock_status(cli, one, "2026-11-24T11:00")["resolution"] == "breached"


def test_a_workaround_is_as_of_its_instant_and_can_be_voided(cli):
    one = opened(cli, "openweb", "2")  # resolution due at the close of the 3rd business day: Thu 26 Nov 17:00
    cli("workaround", one, "--at", "2026-11-24T09:00")
    assert clock_status(cli, one, "2026-11-23T12:00")["resolution"] == "pending"  # before the workaround
    cli("correct", one, "2", "--void", "--reason", "the standby never took traffic")
    assert clock_status(cli, one, "2026-11-30T06:00")["resolution"] == "breached"


def test_a_workaround_for_a_resolved_incident_is_refused(cli):
    one = opened(cli, "openweb", "1")
    cli("resolve", one, "--at", "2026-11-23T11:00")
    message = user_error(cli("workaround", one, "--at", "2026-11-23T12:00", code=2))
    assert message == "slacli: error: cannot record a workaround for a resolved incident (reopen it first)"


# -- exceptions ----------------------------------------------------------------------------


def test_an_excepted_breach_stays_a_breach_shown_with_its_reason(cli):
    one = opened(cli, "protecto", "critical")
    cli("ack", one, "--at", "2026-11-23T10:30")
    cli("exception", one, "--reason", "vendor patch due Friday", "--plan", "hourly re-sync", "--at", "2026-11-24T09:00")
    [row] = as_json(cli, "breaches", "-p", "protecto", "--at", "2026-11-24T12:00", code=1)
    assert (row["target"], row["status"], row["excepted"]) == ("resolution", "breached", True)
    assert (row["exception"], row["exception_plan"]) == ("vendor patch due Friday", "hourly re-sync")
    table = cli("breaches", "-p", "protecto", "--at", "2026-11-24T12:00", code=1).stdout
    assert "exception" in table.splitlines()[1] and "vendor patch due Friday" in table
    assert clock_status(cli, one, "2026-11-24T12:00")["resolution"] == "breached, excepted"
    assert re.search(r"^exception_plan +hourly re-sync$", cli("show", one, "--at", "2026-11-24T12:00").stdout, re.M)
    [incident] = as_json(cli, "report", "--month", "2026-11", "-p", "protecto", code=1)["incidents"]
    assert (incident["resolution_met"], incident["excepted"]) == (False, True)


def test_an_exception_before_the_due_excepts_nothing_when_the_resolution_is_on_time(cli):
    one = opened(cli, "protecto", "critical")
    cli("exception", one, "--reason", "may be late", "--plan", "watch it", "--at", "2026-11-23T11:00")
    cli("resolve", one, "--at", "2026-11-24T09:00")
    shown = as_json(cli, "show", one)
    assert (shown["resolution_met"], shown["excepted"], shown["exception"]) == (True, False, None)


def test_an_exception_needs_a_reason_and_a_plan(cli):
    one = opened(cli, "protecto", "critical")
    assert (
        user_error(cli("exception", one, "--reason", " ", "--plan", "p", code=2)) == "slacli: error: --reason is empty"
    )
    assert "Missing option '--plan'" in cli("exception", one, "--reason", "r", code=2).stderr


# -- the escalation matrix ----------------------------------------------------------------

MATRIX = """
[calendars.office]
timezone = "America/New_York"
hours = { mon-fri = "09:00-17:00" }

[policies.p]
calendar = "office"

[policies.p.escalation]
levels = [{ after = "0m", who = "duty manager" }, { after = "2h", who = "VP engineering" }]

[policies.p.severities.1]
response = "1h"
resolution = "4h"
escalate = true

[policies.p.severities.2]
response = "1h"
"""


@pytest.fixture
def matrix(tmp_path: Path) -> None:
    (tmp_path / "policies.toml").write_text(MATRIX)  # the working directory's file is the one in use


def escalation(cli, at: str, *since: str) -> list[tuple[int | None, str | None, str | None, bool]]:
    rows = as_json(cli, "breaches", "--at", at, *since, code=1)
    return [(r["escalation_level"], r["escalate_to"], r["escalated_to"], r["escalation_due"]) for r in rows]


def due_for_escalation(cli, at: str) -> list[int]:
    data = as_json(cli, "report", "--month", "2026-11", "--at", at, code=1)
    return [row["id"] for row in data["escalations"]]


@pytest.mark.usefixtures("matrix")
def test_an_unresolved_breach_climbs_the_matrix_until_escalated(cli):
    one = opened(cli, "p", "1")  # response due 11:00, resolution 14:00
    opened(cli, "p", "2")  # severity 2 does not escalate
    assert escalation(cli, "2026-11-23T11:30-05:00") == [
        (1, "duty manager", None, True),
        (None, None, None, False),
    ]
    assert due_for_escalation(cli, "2026-11-23T11:30-05:00") == [1]
    cli("escalate", one, "--to", "ann", "--at", "2026-11-23T11:40")
    assert escalation(cli, "2026-11-23T11:45-05:00")[0] == (1, "duty manager", "ann", False)
    assert due_for_escalation(cli, "2026-11-23T11:45-05:00") == []
    assert escalation(cli, "2026-11-23T13:05-05:00")[0] == (2, "VP engineering", "ann", True)  # 2h05m past due
    assert due_for_escalation(cli, "2026-11-23T13:05-05:00") == [1]
    table = cli("report", "--month", "2026-11", "--at", "2026-11-23T13:05-05:00", code=1).stdout
    assert "1   p       1         open    Checkout down  2                 VP engineering  ann" in table
    cli("resolve", one, "--at", "2026-11-23T13:10")
    assert due_for_escalation(cli, "2026-11-23T13:15-05:00") == []
    assert [r["id"] for r in as_json(cli, "breaches", "--at", "2026-11-23T13:15-05:00", code=1)] == [2]
    since = ("--since", "2026-11-23")  # and incident 1's response and resolution, met late
    assert escalation(cli, "2026-11-23T13:15-05:00", *since)[0] == (None, None, None, False)


@pytest.mark.usefixtures("matrix")
def test_escalating_a_resolved_incident_is_refused(cli):
    one = opened(cli, "p", "1")
    cli("resolve", one, "--at", "2026-11-23T10:30")
    assert "cannot escalate a resolved incident" in user_error(cli("escalate", one, "--to", "ann", code=2))


def test_the_protecto_matrix_escalates_critical_and_high_to_senior_management(cli):
    critical, medium = opened(cli, "protecto", "critical"), opened(cli, "protecto", "medium")
    rows = as_json(cli, "breaches", "-p", "protecto", "--at", "2026-11-25T12:00", code=1)
    levels = {(r["id"], r["target"]): (r["escalation_level"], r["escalate_to"]) for r in rows}
    assert levels == {
        (int(critical), "response"): (1, "senior management"),
        (int(critical), "resolution"): (1, "senior management"),
        (int(medium), "response"): (None, None),
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "levels = [{ after = '1h', who = 'a' }, { after = '1h', who = 'b' }]",
            "levels[1].after: each level must come",
        ),
        ("levels = [{ after = '1h' }]", "levels[0]: a level needs both after (how long past due) and who"),
        ("levels = [{ after = '1h', who = ' ' }]", "levels[0].who: expected a name or role"),
        ("levels = [{ after = 'soon', who = 'a' }]", "levels[0].after: malformed duration 'soon'"),
        ("levels = [{ after = '1h', who = 'a', when = 1 }]", "levels[0].when: unknown key"),
        ("steps = []", "escalation.steps: unknown key (allowed: levels)"),
    ],
)
def test_a_bad_matrix_is_refused_naming_the_key(cli, tmp_path, table, message):
    text = MATRIX.replace(
        'levels = [{ after = "0m", who = "duty manager" }, { after = "2h", who = "VP engineering" }]', table
    )
    (tmp_path / "policies.toml").write_text(text)
    assert message in user_error(cli("policies", "check", code=2))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["workaround"]', "'resolve' must be listed: a resolution always meets the target"),
        ('["resolve", "fix"]', "expected a list of 'workaround', 'resolve', each at most once"),
        ('["resolve", "resolve"]', "each at most once"),
        ('"workaround"', "expected a list of"),
    ],
)
def test_a_bad_resolution_met_by_is_refused_naming_the_key(cli, tmp_path, value, message):
    document = {"timezone": "America/New_York", "hours": {"mon-fri": "09:00-17:00"}}
    assert OFFICE_CALENDARS["office"] == document  # the calendar MATRIX defines
    (tmp_path / "policies.toml").write_text(
        MATRIX.replace('resolution = "4h"', f'resolution = "4h"\nresolution_met_by = {value}')
    )
    error = user_error(cli("policies", "check", code=2))
    assert "policies.p.severities.1.resolution_met_by" in error and message in error


# -- the quarterly audit -------------------------------------------------------------------


def test_the_quarter_report_counts_adherence_per_severity_and_target(cli):
    on_time, late, excepted = (
        opened(cli, "protecto", "critical", f"2026-11-{day}T10:00") for day in ("09", "16", "23")
    )
    cli("ack", on_time, "--at", "2026-11-09T10:30")
    cli("resolve", on_time, "--at", "2026-11-09T20:00")
    cli("ack", late, "--at", "2026-11-16T12:00")  # an hour late
    cli("resolve", late, "--at", "2026-11-18T10:00")  # a day late
    cli("ack", excepted, "--at", "2026-11-23T10:30")
    cli("exception", excepted, "--reason", "vendor", "--plan", "re-sync", "--at", "2026-11-24T09:00")
    opened(cli, "protecto", "high", "2026-09-30T10:00")  # the third quarter
    data = as_json(cli, "report", "--quarter", "2026-Q4", "-p", "protecto", code=1)
    assert (data["period"], data["kind"]) == ("2026-Q4", "quarter")
    assert data["policies"][0]["from"] == "2026-10-01T00:00:00-04:00"
    assert data["policies"][0]["to"] == "2027-01-01T00:00:00-05:00"
    assert data["status_reports"] == []
    counts = {
        (a["severity"], a["target"]): tuple(a[k] for k in ("judged", "met", "missed", "excepted"))
        for a in data["adherence"]
    }
    assert counts[("critical", "response")] == (3, 2, 1, 0)
    assert counts[("critical", "resolution")] == (3, 1, 2, 1)
    assert counts[("high", "response")] == (0, 0, 0, 0)  # opened in the third quarter
    [resolution] = [a for a in data["adherence"] if (a["severity"], a["target"]) == ("critical", "resolution")]
    assert (resolution["met_pct"], resolution["missed_pct"], resolution["excepted_pct"]) == (33.33, 66.67, 33.33)
    table = cli("report", "--quarter", "2026-Q4", "-p", "protecto", code=1).stdout
    assert "Adherence to targets, 2026-Q4" in table and "status reports" not in table
    month = cli("report", "--month", "2026-11", "-p", "protecto", code=1).stdout
    assert "Adherence" not in month and "Monthly status reports" in month


def test_a_quarter_selects_no_status_reports_even_of_severities_without_a_cadence(cli):
    # openweb's severities ask for no status reports (None): a quarter (no cadence) must not match them.
    number = opened(cli, "openweb", "2", "2026-11-09T10:00")
    cli("ack", number, "--at", "2026-11-09T10:30")
    cli("resolve", number, "--at", "2026-11-09T11:00")
    assert as_json(cli, "report", "--quarter", "2026-Q4", "-p", "openweb")["status_reports"] == []
    assert as_json(cli, "report", "--month", "2026-11", "-p", "openweb")["status_reports"] == []
