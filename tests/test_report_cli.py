"""`slacli report`: a month's or an ISO week's incidents, per-policy figures and selections."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import user_error

from slacli.views.report import REPORT_COLUMNS, SUMMARY_COLUMNS


@pytest.fixture(autouse=True)
def october(monkeypatch, tmp_path, cli):
    """Protecto incidents around October 2026 (New York, 44,640 minutes)."""
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))
    steps = [
        ("open", "Checkout down", "-p", "protecto", "-s", "critical", "--at", "2026-10-06T10:00"),  # 1
        ("ack", "1", "--at", "2026-10-06T10:20"),
        ("resolve", "1", "--at", "2026-10-06T13:00"),  # no post-mortem: missing
        ("open", "Search slow", "-p", "protecto", "-s", "high", "--at", "2026-10-28T09:00"),  # 2
        ("ack", "2", "--at", "2026-10-28T10:00"),
        ("resolve", "2", "--at", "2026-11-02T09:00"),  # after the month, 72 h ran out on 31 October
        ("open", "=HYPERLINK(1)", "-p", "protecto", "-s", "low", "--at", "2026-09-28T09:00"),  # 3
        ("ack", "3", "--at", "2026-09-28T10:00"),
        ("resolve", "3", "--at", "2026-10-02T09:00"),  # opened before October, active in it
        ("open", "Old", "-p", "protecto", "-s", "medium", "--at", "2026-09-01T09:00"),  # 4
        ("resolve", "4", "--at", "2026-09-02T09:00"),  # over before October: not listed
        ("open", "Login down", "-p", "protecto", "-s", "critical", "--at", "2026-10-20T08:00"),  # 5
        ("ack", "5", "--at", "2026-10-20T08:30"),
        ("resolve", "5", "--at", "2026-10-20T09:00"),
        ("postmortem", "5", "--link", "https://wiki.example/pm/5"),  # linked today
        ("open", "API errors", "-p", "protecto", "-s", "high", "--at", "2026-10-30T09:00"),  # 6: never resolved
    ]
    for step in steps:
        cli(*step, "-q") if step[0] == "open" else cli(*step)


def report(cli, *args: str, code: int = 1) -> dict:
    return json.loads(cli("report", *args, "--format", "json", code=code).stdout)


def test_month_rows_as_they_stand_now(cli):
    data = report(cli, "--month", "2026-10", "--policy", "protecto")
    rows = {row["id"]: row for row in data["incidents"]}
    assert sorted(rows) == [1, 2, 3, 5, 6]
    assert (rows[1]["minutes_to_ack"], rows[1]["minutes_to_resolve"], rows[1]["postmortem"]) == (20, 180, "missing")
    assert rows[2]["resolved"] == "2026-11-02T09:00:00-05:00" and rows[2]["minutes_to_resolve"] == 5 * 1440 + 60
    assert (rows[2]["response_met"], rows[2]["resolution_met"]) == (True, False)  # met late
    assert rows[5]["postmortem"] == "https://wiki.example/pm/5"
    assert rows[3]["postmortem"] is None  # low: none required
    assert rows[1]["opened"] == "2026-10-06T10:00:00-04:00"


def test_month_summary_escalations_and_missing_postmortems(cli):
    data = report(cli, "--month", "2026-10", "--policy", "protecto")
    [summary] = data["policies"]
    assert (summary["incidents"], summary["opened"], summary["resolved"], summary["still_open"]) == (5, 4, 4, 1)
    assert summary["by_severity"] == "critical=2, high=2, low=1"
    # MTTA over 1, 2 and 5 (20, 60, 30 min); MTTR over 1, 2 and 5 (180, 7260, 60); 3 was opened in September.
    assert (summary["mtta_minutes"], summary["median_tta_minutes"]) == (pytest.approx(36.67), 30)
    assert (summary["mttr_minutes"], summary["median_ttr_minutes"]) == (2500, 180)
    assert summary["downtime_minutes"] == 240  # critical counts as downtime: 180 + 60
    assert summary["availability_pct"] == pytest.approx((44_640 - 240) / 44_640 * 100)
    assert (summary["target_pct"], summary["availability_met"], summary["credit_pct"]) == (None, None, None)
    assert (summary["breaches"], summary["escalations"], summary["missing_postmortems"]) == (2, 1, 2)
    assert [r["id"] for r in data["escalations"]] == [6]
    assert [r["id"] for r in data["missing_postmortems"]] == [1, 2]  # critical and high need one
    assert [r["id"] for r in data["status_reports"]] == [3]  # monthly: medium and low


def test_week_selects_the_weekly_severities_in_an_iso_week_across_dst(cli):
    data = report(cli, "--week", "2026-W44", "--policy", "protecto")
    [summary] = data["policies"]
    assert (summary["from"], summary["to"]) == ("2026-10-26T00:00:00-04:00", "2026-11-02T00:00:00-05:00")
    assert [r["id"] for r in data["incidents"]] == [2, 6]
    assert [r["id"] for r in data["status_reports"]] == [2, 6]  # weekly: critical and high
    assert [r["id"] for r in data["escalations"]] == [6]


def test_csv_is_one_table_and_summary_the_other(cli):
    rows = list(csv.reader(io.StringIO(cli("report", "--month", "2026-10", "-f", "csv", code=1).stdout)))
    assert rows[0] == list(REPORT_COLUMNS) and len(rows) == 6
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles["3"] == "'=HYPERLINK(1)"  # a formula defused
    assert [row[REPORT_COLUMNS.index("minutes_to_resolve")] for row in rows[1:]][:2] == ["5760", "180"]
    summary = list(
        csv.DictReader(io.StringIO(cli("report", "--month", "2026-10", "--summary", "-f", "csv", code=1).stdout))
    )
    assert list(summary[0]) == list(SUMMARY_COLUMNS)
    assert [s["policy"] for s in summary] == ["opencraft", "openweb", "protecto", "openmethods", "optimy"]
    assert {s["policy"]: s["incidents"] for s in summary}["protecto"] == "5"


def test_table_and_markdown(cli):
    table = cli("report", "--month", "2026-10", code=1).stdout
    assert "Escalations (unresolved, past a target)" in table and "99.462%" in table
    markdown = cli("report", "--month", "2026-10", "-p", "protecto", "-f", "markdown", code=1).stdout
    assert "### Per policy, 2026-10" in markdown and "| id | policy | severity |" in markdown
    assert "| 6 | protecto | high | open | API errors |" in markdown


def test_a_quiet_period_exits_0(cli):
    data = report(cli, "--month", "2026-10", "--policy", "optimy", code=0)
    assert data["incidents"] == [] and data["policies"][0]["availability_pct"] == 100
    assert data["policies"][0]["availability_met"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2026-13"), "malformed --month '2026-13'"),
        (("--week", "2026-W54"), "malformed --week '2026-W54'"),
        (("--week", "2026-47"), "malformed --week"),
        (("--week", "9999-W52"), "--week '9999-W52' is out of the supported years (2-9998)"),
        (("--month", "\uff12\uff10\uff12\uff16-11"), "malformed --month"),  # full-width digits
        (("--month", "2026-10", "--week", "2026-W44"), "give --month YYYY-MM, --week YYYY-Www or --quarter YYYY-Qn"),
        (("--quarter", "2026-Q5"), "malformed --quarter '2026-Q5' (expected YYYY-Qn)"),
        (("--quarter", "2026-4"), "malformed --quarter"),
        ((), "give --month"),
        (("--month", "2026-10", "--policy", "nope"), "unknown policy"),
    ],
)
def test_bad_input(cli, args, message):
    assert message in user_error(cli("report", *args, code=2))


def test_an_incident_resolved_all_through_a_month_is_not_in_it(cli):
    cli("open", "Flapping", "-p", "protecto", "-s", "high", "--at", "2026-08-03T10:00", "-q")  # 7
    cli("ack", "7", "--at", "2026-08-03T10:10")
    cli("resolve", "7", "--at", "2026-08-03T12:00")
    cli("reopen", "7", "--at", "2026-10-10T10:00")
    assert 7 not in [r["id"] for r in report(cli, "--month", "2026-09", "-p", "protecto", code=0)["incidents"]]
    assert 7 in [r["id"] for r in report(cli, "--month", "2026-08", "-p", "protecto")["incidents"]]
    october = report(cli, "--month", "2026-10", "-p", "protecto")
    assert 7 in [r["id"] for r in october["incidents"]] and 7 in [r["id"] for r in october["escalations"]]


def test_a_late_status_update_is_a_breach(cli):
    cli("open", "Outage", "-p", "openmethods", "-s", "1", "--at", "2026-10-05T10:00", "-q")  # 7: updates every 60m
    cli("ack", "7", "--at", "2026-10-05T10:10")
    cli("update", "7", "Still failing over", "--at", "2026-10-05T11:30")  # due at 11:00
    cli("resolve", "7", "--at", "2026-10-05T11:40")
    [summary] = report(cli, "--month", "2026-10", "-p", "openmethods")["policies"]
    assert summary["breaches"] == 1


def test_a_status_update_overdue_now_is_a_breach(cli):
    opened = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)  # 60m cadence: an update is overdue
    cli("open", "Outage", "-p", "openmethods", "-s", "1", "--at", opened.isoformat(), "-q")  # 7
    cli("ack", "7", "--at", (opened + timedelta(minutes=10)).isoformat())  # response met
    label = f"{opened.astimezone(ZoneInfo('America/New_York')):%Y-%m}"
    data = report(cli, "--month", label, "-p", "openmethods")
    assert [r["update_met"] for r in data["incidents"]] == [False]
    assert data["policies"][0]["breaches"] == 1


def test_rows_are_in_opening_order_across_policies_ties_by_id(cli):
    # Opened later with --at in the past, and in other policies (read policy by policy): 7 openweb 10
    # October, 8 opencraft 1 October, 9 openweb at the same instant as 5 (20 October 08:00): after it.
    for title, policy, severity, at in [
        ("Feed late", "openweb", "2", "2026-10-10T10:00"),
        ("Theme broken", "opencraft", "minor", "2026-10-01T10:00"),
        ("Login slow", "openweb", "3", "2026-10-20T08:00"),
    ]:
        cli("open", title, "-p", policy, "-s", severity, "--at", at, "-q")
    expected = [3, 8, 1, 7, 5, 9, 2, 6]  # 28 Sep, 1 Oct, 6 Oct, 10 Oct, 20 Oct 08:00 twice, 28 Oct, 30 Oct
    rows = list(csv.DictReader(io.StringIO(cli("report", "--month", "2026-10", "-f", "csv", code=1).stdout)))
    assert [int(r["id"]) for r in rows] == expected
    data = json.loads(cli("report", "--month", "2026-10", "-f", "json", code=1).stdout)
    assert [r["id"] for r in data["incidents"]] == expected
    opened = [datetime.fromisoformat(r["opened"]) for r in data["incidents"]]
    assert opened == sorted(opened)
