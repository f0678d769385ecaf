"""Case work through the CLI: required case fields (optimy 4.2, openweb's case
prerequisites), recovery from backup against the recovery point (optimy 2.3, opencraft's
daily backups), billable time (opencraft) and Tier 3 support (opencraft)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import user_error

from slacli.errors import PolicyError
from slacli.policy import policies_from_document

OPTIMY = ("--policy", "optimy", "--severity", "high")
ALL_OPTIMY_FIELDS = (
    "project=P-1",
    "owner=ana@example.org",
    "form=Grant",
    "dates=23 Nov",
    "screenshots=url",
    "impact=x",
)


def opened(cli, *args: str) -> str:
    return cli("open", *args, "--quiet").stdout.strip()


def data(cli, *args: str, code: int = 0):
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def events(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


# -- required case fields ----------------------------------------------------------------


def test_an_incident_without_the_required_fields_is_opened_incomplete_and_completed_by_field(cli, database):
    number = opened(cli, "Form loses answers", *OPTIMY, "--at", "2026-11-23T10:00", "--field", "Project=P-1042")
    shown = data(cli, "show", number)
    assert shown["incomplete"] is True
    assert shown["missing_fields"] == ["owner", "form", "dates", "screenshots", "impact"]
    assert shown["fields"] == {"project": "P-1042"}  # names are case-insensitive, stored in lower case
    for assignment in ALL_OPTIMY_FIELDS[1:]:
        cli("field", number, assignment, "--at", "2026-11-23T11:00")
    done = data(cli, "show", number)
    assert done["incomplete"] is False and done["missing_fields"] == []
    # As of before the fields were given, it was incomplete (SPEC 2.14).
    assert data(cli, "show", number, "--at", "2026-11-23T10:30")["missing_fields"][0] == "owner"


def test_a_later_field_replaces_an_earlier_one_and_extra_fields_are_kept(cli, database):
    number = opened(cli, "Form loses answers", *OPTIMY, "--at", "2026-11-23T10:00", *_fields(ALL_OPTIMY_FIELDS))
    cli("field", number, "project=P-2", "--at", "2026-11-23T10:10")
    out = data(cli, "field", number, "browser=Firefox 140 = latest", "--at", "2026-11-23T10:20")
    values = {row["field"]: (row["value"], row["required"]) for row in out["fields"]}
    assert values["project"] == ("P-2", True) and values["browser"] == ("Firefox 140 = latest", False)
    assert out["incomplete"] is False


def test_incomplete_is_marked_in_list_and_report_and_the_clock_still_runs(cli, database):
    number = opened(cli, "Checkout 502s", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00")
    listed = cli("list", "--policy", "openweb", "--at", "2026-11-23T11:00").stdout
    assert "missing_fields" in listed and "internal_efforts; reported_by; remote_access" in listed
    row = data(cli, "list", "--policy", "openweb", "--at", "2026-11-23T11:00")[0]
    assert row["incomplete"] is True
    assert row["response_due"] == "2026-11-23T12:00:00-05:00"  # 2h in hours: the clock runs all the same
    report = data(cli, "report", "--month", "2026-11", "--policy", "openweb", code=1)  # the response breached
    assert report["incidents"][0]["missing_fields"] == ["internal_efforts", "reported_by", "remote_access"]
    assert report["policies"][0]["incomplete"] == 1
    for assignment in ("internal_efforts=restarted the pods", "reported_by=Dana", "remote_access=session 7"):
        cli("field", number, assignment)
    assert data(cli, "report", "--month", "2026-11", "--policy", "openweb", code=1)["policies"][0]["incomplete"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--field", "project"), "expected KEY=VALUE, got 'project'"),
        (("--field", "project= "), "field project: the value is empty"),
        (("--field", "pro ject=1"), "field name 'pro ject'"),
        (("--field", "project=1", "--field", "PROJECT=2"), "field project is given twice"),
        (("--field", "project=a\x1bb"), "the field's value"),
    ],
)
def test_a_bad_field_at_the_opening_is_refused_and_nothing_is_written(cli, database, args, message):
    result = cli("open", "Form", *OPTIMY, "--at", "2026-11-23T10:00", *args, code=2)
    assert message in user_error(result)
    assert not database.exists()


def test_a_bad_field_command_is_refused_and_nothing_is_written(cli, database):
    number = opened(cli, "Form", *OPTIMY, "--at", "2026-11-23T10:00")
    assert "expected KEY=VALUE" in user_error(cli("field", number, "project", code=2))
    assert "the value is empty" in user_error(cli("field", number, "project=", code=2))
    assert events(database) == 1


def test_required_fields_are_validated_in_the_policy_file(tmp_path):
    def load(fields):
        document = {
            "calendars": {},
            "policies": {"p": {"calendar": "24x7", "required_fields": fields, "severities": {"1": {}}}},
        }
        return policies_from_document(document, tmp_path / "p.toml")

    assert load(["Project", "owner"]).get("p").required_fields == ("project", "owner")
    for bad, message in (("project", "expected a list"), (["a", "A"], "named twice"), (["a b"], "field name")):
        with pytest.raises(PolicyError, match=message) as caught:
            load(bad)
        assert "policies.p.required_fields" in str(caught.value)


# -- recovery from backup ----------------------------------------------------------------


def test_a_recovery_within_the_recovery_point_is_met_at_exactly_24h(cli, database):
    number = opened(cli, "DB corrupted", *OPTIMY, "--at", "2026-11-23T10:00", "--started", "2026-11-23T09:00")
    rows = data(cli, "recovery", number, "--snapshot", "2026-11-22T09:00", "--at", "2026-11-23T12:00")
    assert rows[0]["data_lost"] == "1d" and rows[0]["recovery_point_met"] is True  # "shall not exceed"
    assert cli("breaches", "--policy", "optimy", "--since", "2026-11-01").stdout.count("recovery_point") == 0


def test_a_recovery_beyond_the_recovery_point_is_flagged_in_show_breaches_and_report(cli, database):
    number = opened(cli, "DB corrupted", *OPTIMY, "--at", "2026-11-23T10:00", "--started", "2026-11-23T09:40")
    result = cli(
        "recovery", number, "--snapshot", "2026-11-22T03:00", "--at", "2026-11-23T13:00",
        "--customer-notified", "2026-11-23T14:00", "--format", "json",
    )  # fmt: skip
    assert "recovery lost 1d 6h 40m of data, more than policy optimy's recovery point of 1d" in result.stderr
    [row] = json.loads(result.stdout)
    assert row["data_lost_minutes"] == 1840 and row["recovery_point_met"] is False
    assert row["failure"] == "2026-11-23T09:40:00-05:00"  # the impact start
    assert row["customer_notified"] == "2026-11-23T14:00:00-05:00"
    shown = data(cli, "show", number)
    assert shown["recoveries"] == [row]
    assert "Recoveries" in cli("show", number).stdout
    # Before the notification it had not happened yet (SPEC 2.14).
    assert data(cli, "show", number, "--at", "2026-11-23T13:30")["recoveries"][0]["customer_notified"] is None
    [breach] = data(cli, "breaches", "--policy", "optimy", code=1)
    assert breach["target"] == "recovery_point"
    assert breach["due"] == "2026-11-22T09:40:00-05:00"  # the oldest snapshot the recovery point allows
    assert breach["done"] == "2026-11-22T03:00:00-05:00" and breach["late_by"] == "6h 40m wall"
    assert data(cli, "breaches", "--policy", "optimy", "--at", "2026-11-23T12:59") == []  # not recovered yet
    report = data(cli, "report", "--month", "2026-11", "--policy", "optimy", code=1)
    assert report["incidents"][0]["recovery_point_met"] is False
    assert report["incidents"][0]["data_lost_minutes"] == 1840
    assert report["policies"][0]["breaches"] == 1


def test_a_voided_recovery_is_no_longer_a_breach(cli, database):
    number = opened(cli, "DB corrupted", *OPTIMY, "--at", "2026-11-23T10:00")
    cli("recovery", number, "--snapshot", "2026-11-20T00:00", "--at", "2026-11-23T12:00")
    cli("breaches", "--policy", "optimy", code=1)
    cli("correct", number, "2", "--void", "--reason", "the restore was of staging")
    assert data(cli, "show", number)["recoveries"] == []
    cli("breaches", "--policy", "optimy", code=0)


def test_a_snapshot_after_the_failure_loses_nothing(cli, database):
    number = opened(cli, "Slow", *OPTIMY, "--at", "2026-11-23T10:00", "--started", "2026-11-23T08:00")
    [row] = data(cli, "recovery", number, "--snapshot", "2026-11-23T09:00", "--at", "2026-11-23T12:00")
    assert row["data_lost_minutes"] == 0 and row["recovery_point_met"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--snapshot", "2026-11-23T12:30", "--at", "2026-11-23T12:00"), "the snapshot is after the recovery"),
        (("--snapshot", "2026-11-23T09:00", "--customer-notified", "2027-01-01T00:00"), "is after now"),
        (("--snapshot", "yesterday"), "--snapshot"),
    ],
)
def test_an_impossible_recovery_is_refused_and_nothing_is_written(cli, database, args, message):
    number = opened(cli, "DB corrupted", *OPTIMY, "--at", "2026-11-23T10:00")
    assert message in user_error(cli("recovery", number, *args, code=2))
    assert events(database) == 1


def test_a_policy_without_a_recovery_point_judges_no_recovery(cli, database):
    number = opened(cli, "Lost data", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00")
    [row] = data(cli, "recovery", number, "--snapshot", "2026-11-01T00:00", "--at", "2026-11-23T11:00")
    assert row["recovery_point_met"] is None and row["recovery_point"] is None
    assert all(b["target"] != "recovery_point" for b in data(cli, "breaches", "--policy", "protecto", code=1))


# -- billable time -----------------------------------------------------------------------


def test_work_is_billable_by_the_severity_in_force_when_it_was_done(cli, database):
    number = opened(cli, "Theme broken", "--policy", "opencraft", "--severity", "minor", "--at", "2026-11-24T10:00")
    first = data(cli, "worklog", number, "1h30m", "--note", "patched the theme", "--at", "2026-11-24T15:00")
    assert first["billable"] is True and first["billable_minutes"] == 90 and first["included_minutes"] == 0
    cli("severity", number, "major", "--at", "2026-11-24T16:00")
    second = data(cli, "worklog", number, "45m", "--at", "2026-11-24T16:30")
    assert second["severity"] == "major" and second["billable"] is False
    assert (second["billable_minutes"], second["included_minutes"]) == (90, 45)
    cli("resolve", number, "--at", "2026-11-24T17:00")
    cli("worklog", number, "15m", "--note", "wrote it up")  # after the resolution: still the last severity's
    shown = data(cli, "show", number)
    assert (shown["billable_minutes"], shown["included_minutes"]) == (90, 60)
    assert "minutes=90, note=patched the theme" in cli("show", number).stdout


def test_the_report_sums_billable_and_included_time_per_policy(cli, database):
    minor = opened(cli, "Bug", "--policy", "opencraft", "--severity", "minor", "--at", "2026-11-02T10:00")
    critical = opened(cli, "Down", "--policy", "opencraft", "--severity", "critical", "--at", "2026-11-03T10:00")
    october = opened(cli, "Old bug", "--policy", "opencraft", "--severity", "minor", "--at", "2026-10-30T10:00")
    cli("worklog", minor, "2h", "--at", "2026-11-02T12:00")
    cli("worklog", minor, "30m", "--at", "2026-11-02T13:00")
    cli("worklog", critical, "3h", "--at", "2026-11-03T14:00")
    cli("worklog", october, "1h", "--at", "2026-11-04T10:00")  # counted with October, when it was opened
    report = data(cli, "report", "--month", "2026-11", "--policy", "opencraft", code=1)
    [summary] = report["policies"]
    assert (summary["billable_minutes"], summary["included_minutes"]) == (150, 180)
    by_id = {row["id"]: row for row in report["incidents"]}
    assert by_id[int(october)]["billable_minutes"] == 60  # its row says so, the sum leaves it to October
    october_summary = data(cli, "report", "--month", "2026-10", "--policy", "opencraft", code=1)["policies"][0]
    assert october_summary["billable_minutes"] == 60
    terminal = cli("report", "--month", "2026-11", "--policy", "opencraft", code=1).stdout
    assert re.search(r"\bbillable_time +included\b", terminal)  # time worked, said in hours and minutes


@pytest.mark.parametrize(
    ("duration", "message"), [("2d", "days are ambiguous"), ("0m", "longer than zero"), ("soon", "DURATION")]
)
def test_a_bad_worklog_is_refused_and_nothing_is_written(cli, database, duration, message):
    number = opened(cli, "Bug", "--policy", "opencraft", "--severity", "minor", "--at", "2026-11-02T10:00")
    assert message in user_error(cli("worklog", number, duration, code=2))
    assert events(database) == 1


# -- Tier 3 support ----------------------------------------------------------------------


def test_tier_3_support_is_answered_within_one_business_day(cli, database):
    number = opened(cli, "Question on SSO", "--policy", "opencraft", "--severity", "tier 3", "--at", "2026-11-25T15:00")
    shown = data(cli, "show", number)
    # Wednesday 15:00 + 8 business hours: Thanksgiving (Thursday) is a holiday, so Friday 15:00.
    assert shown["severity"] == "support" and shown["response_due"] == "2026-11-27T15:00:00-05:00"
    assert shown["resolution_due"] is None
    first = data(cli, "worklog", number, "20m", "--at", "2026-11-25T16:00")
    assert first["billable"] is False  # part of the maintenance plan


def _fields(assignments: tuple[str, ...]) -> list[str]:
    return [arg for assignment in assignments for arg in ("--field", assignment)]
