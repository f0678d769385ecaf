"""The incident lifecycle through the CLI, with --at (SPEC 2.8-2.12)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import user_error, working_tree_env


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    path = tmp_path / "data" / "incidents.db"
    monkeypatch.setenv("SLACLI_DB", str(path))
    return path


def opened(cli, *args: str) -> int:
    return int(cli("open", *args, "--quiet").stdout)


def record(cli, *args: str) -> dict:
    return json.loads(cli(*args, "--format", "json").stdout)


def event_count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_openweb_lifecycle(cli):
    number = opened(cli, "Widget down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-21T12:00")
    shown = record(cli, "show", str(number))
    assert shown["response_due"] == "2026-11-21T16:00:00-05:00"  # out of hours: 4h wall
    assert shown["resolution_due"] == "2026-11-23T17:00:00-05:00"
    assert shown["response_met"] is False and shown["status"] == "open"  # as of now: long overdue
    acked = record(cli, "ack", str(number), "--at", "2026-11-21T15:59")
    assert acked["response_met"] is True and acked["status"] == "acknowledged"
    resolved = record(cli, "resolve", str(number), "--at", "2026-11-23T17:01")
    assert resolved["resolution_met"] is False and resolved["status"] == "resolved"
    for key in ("id", "title", "policy", "severity", "status", "opened", "acked", "resolved", "started",
                "response_due", "resolution_due", "response_met", "resolution_met", "next_update_due",
                "paused_minutes", "excluded", "provisional"):  # fmt: skip
        assert key in resolved


def test_opencraft_provisional_resolution_becomes_actual_on_ack(cli):
    number = opened(cli, "LMS 502", "--policy", "opencraft", "--severity", "critical", "--at", "2026-11-21T12:00")
    before = record(cli, "show", str(number), "--at", "2026-11-22T12:00")
    assert before["provisional"] is True
    assert before["resolution_due"] == "2026-11-23T17:00:00-05:00"
    # SPEC 2.9: once the response due (Mon 09:00) has passed unacknowledged, it is fixed.
    for at in ("2026-11-23T09:00", "2026-11-23T09:01"):
        fixed = record(cli, "show", str(number), "--at", at)
        assert (fixed["provisional"], fixed["resolution_due"]) == (False, "2026-11-23T17:00:00-05:00")
    after = record(cli, "ack", str(number), "--at", "2026-11-23T17:30")
    assert after["provisional"] is False
    assert after["response_met"] is False  # due Mon 09:00
    # SPEC 2.9: acknowledged late, so counted from the response due (Mon 09:00), not from
    # the acknowledgement: end of that business day, as it was while provisional.
    assert after["resolution_due"] == "2026-11-23T17:00:00-05:00"


@pytest.mark.parametrize(
    ("acked", "due"),
    [
        ("2026-11-23T15:00", "2026-11-23T17:00:00-05:00"),  # in time: end of the day it was acked
        ("2026-11-24T09:00", "2026-11-24T17:00:00-05:00"),  # exactly at the response due: the same
        ("2026-11-25T15:00", "2026-11-24T17:00:00-05:00"),  # a day late: still Tuesday's close
    ],
)
def test_a_late_acknowledgement_does_not_extend_the_restoration(cli, acked, due):
    # opencraft critical opened Monday 10:00: response due Tuesday 09:00 (next business day).
    number = opened(cli, "LMS down", "--policy", "opencraft", "--severity", "critical", "--at", "2026-11-23T10:00")
    assert record(cli, "show", str(number), "--at", "2026-11-23T10:00")["response_due"] == "2026-11-24T09:00:00-05:00"
    after = record(cli, "ack", str(number), "--at", acked)
    assert (after["resolution_due"], after["provisional"]) == (due, False)


def test_pause_moves_business_and_wall_clocks(cli):
    number = opened(cli, "Export fails", "--policy", "protecto", "--severity", "medium", "--at", "2026-11-23T10:00")
    start = record(cli, "show", str(number))
    assert start["response_due"] == "2026-11-24T10:00:00-05:00"  # 24h wall
    assert start["resolution_due"] == "2026-12-08T10:00:00-05:00"  # 10 business days, Thanksgiving skipped
    cli("pause", str(number), "--reason", "waiting on the customer", "--at", "2026-11-23T11:00")
    resumed = record(cli, "resume", str(number), "--at", "2026-11-23T13:30")
    assert resumed["paused_minutes"] == 150
    assert resumed["response_due"] == "2026-11-24T12:30:00-05:00"  # +2h30 real time
    assert resumed["resolution_due"] == "2026-12-08T12:30:00-05:00"  # +2h30 business time
    cli("pause", str(number), "--reason", "again", "--at", "2026-11-23T16:00")
    overnight = record(cli, "resume", str(number), "--at", "2026-11-24T10:00")
    # 16:00-17:00 and 09:00-10:00 are business time: 2h; the night is 18h of real time.
    assert overnight["resolution_due"] == "2026-12-08T14:30:00-05:00"
    assert overnight["response_due"] == "2026-11-25T06:30:00-05:00"


def test_due_board_while_paused_counts_the_pause_so_far(cli):
    number = opened(cli, "Slow", "--policy", "openmethods", "--severity", "2", "--at", "2026-11-23T10:00")
    cli("pause", str(number), "--reason", "customer", "--at", "2026-11-23T10:30")
    rows = json.loads(cli("due", "--policy", "openmethods", "--at", "2026-11-23T11:00", "-f", "json").stdout)
    assert [(r["clock"], r["due"], r["status"]) for r in rows] == [("response", "2026-11-23T12:30:00-05:00", "paused")]
    assert rows[0]["left_minutes"] == 90


def test_severity_up_and_down_recomputes_from_the_original_anchor(cli):
    number = opened(cli, "Agents", "--policy", "openmethods", "--severity", "3", "--at", "2026-11-23T10:00")
    assert record(cli, "show", str(number))["response_due"] == "2026-11-23T16:00:00-05:00"
    up = record(cli, "severity", str(number), "1", "--at", "2026-11-23T10:10")
    # The hourly cadence came with severity 1 at 10:10 (SPEC 2.12): the first update is due 11:10.
    assert up["response_due"] == "2026-11-23T10:30:00-05:00" and up["next_update_due"] == "2026-11-23T11:10:00-05:00"
    record(cli, "ack", str(number), "--at", "2026-11-23T10:25")
    down = record(cli, "severity", str(number), "4", "--at", "2026-11-23T10:40")
    # Met stays met, judged against the due instant in force when it was met.
    assert down["response_met"] is True and down["response_due"] == "2026-11-23T10:30:00-05:00"
    assert down["next_update_due"] is None


def test_severity_change_before_the_ack_moves_the_response(cli):
    number = opened(cli, "Agents", "--policy", "openmethods", "--severity", "3", "--at", "2026-11-23T10:00")
    # 24 business hours on 06:00-16:00 from Monday 10:00: 6h + 10h + 8h = Wednesday 14:00.
    assert record(cli, "severity", str(number), "4", "--at", "2026-11-23T10:40")["response_due"] == (
        "2026-11-25T14:00:00-05:00"
    )


def test_events_while_paused_are_judged_against_the_paused_clock(cli):
    number = str(opened(cli, "A", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00"))
    cli("pause", number, "--reason", "r", "--at", "2026-11-23T10:30")
    assert record(cli, "ack", number, "--at", "2026-11-23T11:15")["response_met"] is True  # 30m were left
    cli("resume", number, "--at", "2026-11-23T12:00")
    assert cli("breaches", "--at", "2026-11-23T12:05-05:00").exit_code == 0
    cli("pause", number, "--reason", "r", "--at", "2026-11-24T09:00")
    resolved = record(cli, "resolve", number, "--at", "2026-11-24T11:00")  # due 11:30 + the pause
    assert resolved["resolution_met"] is True


def test_resolving_without_an_ack_answers_the_response_and_ends_the_cadence(cli):
    number = str(opened(cli, "A", "--policy", "openmethods", "--severity", "1", "--at", "2026-11-23T10:00"))
    resolved = record(cli, "resolve", number, "--at", "2026-11-23T10:20")
    assert resolved["response_met"] is True
    late = str(opened(cli, "B", "--policy", "openmethods", "--severity", "1", "--at", "2026-11-23T10:00"))
    cli("ack", late, "--at", "2026-11-23T10:05")
    cli("resolve", late, "--at", "2026-11-23T13:00")  # no update since 10:00: the 11:00 update was missed
    # Nothing open needs action; since the opening, the update posted late (none by 11:00,
    # the resolution at 13:00 ended the cadence two hours late).
    assert cli("breaches", "--at", "2026-12-23T10:00-05:00").exit_code == 0
    since = ("--since", "2026-11-23T00:00")
    rows = json.loads(cli("breaches", *since, "--at", "2026-12-23T10:00-05:00", "-f", "json", code=1).stdout)
    assert [(r["id"], r["target"], r["late_minutes"]) for r in rows] == [(2, "update", 120)]


def test_reopening_restarts_the_update_cadence(cli):
    number = str(opened(cli, "A", "--policy", "openmethods", "--severity", "1", "--at", "2026-11-23T10:00"))
    cli("ack", number, "--at", "2026-11-23T10:05")
    cli("update", number, "u1", "--at", "2026-11-23T10:50")
    cli("resolve", number, "--at", "2026-11-23T11:00")
    assert record(cli, "reopen", number, "--at", "2026-11-23T15:00")["next_update_due"] == "2026-11-23T16:00:00-05:00"
    assert record(cli, "update", number, "u2", "--at", "2026-11-23T15:10")["late_updates"] == 0


def test_since_and_until_compare_instants_not_text(cli):
    opened(cli, "A", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00")
    assert record(cli, "list", "--all", "-p", "protecto", "--since", "2026-11-23T11:00") == []
    assert len(record(cli, "list", "--all", "-p", "protecto", "--until", "2026-11-23T10:30")) == 1


def test_openmethods_update_cadence(cli):
    number = opened(cli, "Outage", "--policy", "openmethods", "--severity", "1", "--at", "2026-11-22T03:00")
    assert record(cli, "show", str(number))["next_update_due"] == "2026-11-22T04:00:00-05:00"
    cli("ack", str(number), "--at", "2026-11-22T03:10")
    on_time = record(cli, "update", str(number), "Investigating", "--at", "2026-11-22T03:55")
    assert on_time["next_update_due"] == "2026-11-22T04:55:00-05:00" and on_time["late_updates"] == 0
    late = record(cli, "update", str(number), "Identified", "--at", "2026-11-22T05:10")
    assert late["late_updates"] == 1
    # The late update is posted and the next one not due (06:10): nothing needs action now.
    assert cli("breaches", "--at", "2026-11-22T05:15-05:00").exit_code == 0
    out = cli("breaches", "--since", "2026-11-22", "--at", "2026-11-22T05:15-05:00", "-f", "json", code=1).stdout
    assert [(b["target"], b["status"], b["late_by"]) for b in json.loads(out)] == [("update", "met late", "15m wall")]


def test_breaches_exit_codes(cli):
    assert "no incident database" in user_error(cli("breaches", "--at", "2026-11-23T12:00-05:00", code=2))
    opened(cli, "Down", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00")
    assert cli("breaches", "--at", "2026-11-23T10:59-05:00").exit_code == 0
    rows = json.loads(cli("breaches", "--at", "2026-11-23T11:30-05:00", "-f", "json", code=1).stdout)
    assert [(r["target"], r["status"], r["late_by"]) for r in rows] == [("response", "breached", "30m wall")]
    assert cli("breaches", "--policy", "openweb", "--at", "2026-11-23T11:30").exit_code == 0


def test_optimy_reporting_window(cli):
    result = cli("open", "Old outage", "--policy", "optimy", "--severity", "high", "--at", "2026-11-23T10:00",
                 "--started", "2026-10-20T10:00", "--quiet")  # fmt: skip
    assert "reported late" in result.stderr
    assert record(cli, "show", result.stdout.strip())["late_report"] is True


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ([["resolve", "1", "--at", "2026-11-23T11:00"]], ["ack", "1", "--at", "2026-11-23T12:00"], "resolved"),
        ([["resolve", "1", "--at", "2026-11-23T11:00"]], ["pause", "1", "--reason", "x"], "resolved"),
        ([], ["ack", "1", "--at", "2026-11-23T09:00"], "before the incident's previous event"),
        ([["ack", "1", "--at", "2026-11-23T10:30"]], ["ack", "1", "--at", "2026-11-23T10:40"], "already"),
        ([], ["resume", "1", "--at", "2026-11-23T10:40"], "not paused"),
        ([], ["ack", "9", "--at", "2026-11-23T10:40"], "no incident 9"),
        ([], ["severity", "1", "7", "--at", "2026-11-23T10:40"], "unknown severity '7'"),
        ([], ["reopen", "1", "--at", "2026-11-23T10:40"], "only a resolved incident"),
        ([], ["ack", "1", "--at", "2026-11-23T25:00"], "malformed --at"),
    ],
)
def test_illegal_transitions_write_nothing(cli, database, setup, args, message):
    opened(cli, "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00")
    for step in setup:
        cli(*step)
    before = event_count(database)
    line = user_error(cli(*args, code=2))
    assert message in line
    assert event_count(database) == before


def test_open_refuses_unknown_policy_and_writes_nothing(cli, database):
    user_error(cli("open", "x", "--policy", "nope", "--severity", "1", code=2))
    assert not database.exists() or event_count(database) == 0


def test_stored_deadlines_survive_a_policy_edit_until_recompute(cli, tmp_path, monkeypatch):
    from slacli.paths import SHIPPED_POLICIES

    policies = tmp_path / "policies.toml"
    policies.write_text(SHIPPED_POLICIES.read_text())
    number = opened(cli, "Down", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00")
    policies.write_text(SHIPPED_POLICIES.read_text().replace('response = "1h"', 'response = "2h"'))
    assert record(cli, "show", str(number))["response_due"] == "2026-11-23T11:00:00-05:00"
    out = cli("recompute", str(number), "--at", "2026-11-23T10:05").stdout
    assert "response 2026-11-23T11:00:00-05:00 -> 2026-11-23T12:00:00-05:00" in out
    assert record(cli, "show", str(number))["response_due"] == "2026-11-23T12:00:00-05:00"


def test_list_filters_and_formats(cli):
    opened(cli, "=cmd()", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00", "--service", "web")
    second = opened(cli, "B", "--policy", "protecto", "--severity", "low", "--at", "2026-11-23T11:00")
    cli("resolve", str(second), "--at", "2026-11-23T12:00")
    assert [r["title"] for r in record(cli, "list")] == ["=cmd()"]
    assert [r["title"] for r in record(cli, "list", "--all")] == ["=cmd()", "B"]
    assert [r["title"] for r in record(cli, "list", "--resolved")] == ["B"]
    assert record(cli, "list", "--all", "--policy", "protecto", "--severity", "sev4")[0]["title"] == "B"
    assert record(cli, "list", "--service", "web")[0]["service"] == "web"
    csv_out = cli("list", "--format", "csv").stdout
    assert "'=cmd()" in csv_out


def test_database_file_is_private_and_migrated(cli, database):
    opened(cli, "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00")
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_from_an_empty_file(cli, database):
    database.parent.mkdir(parents=True)
    database.touch()
    number = opened(cli, "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00")
    assert number == 1


def test_two_processes_writing_at_once(database, tmp_path):
    script = (
        "import sys\nfrom slacli.cli import main\n"
        "sys.argv = ['slacli', 'open', 'load ' + sys.argv[1], '--policy', 'openweb', '--severity', '2', '-q']\n"
        "for _ in range(15):\n"
        "    try:\n        main()\n    except SystemExit as e:\n        assert not e.code, e.code\n"
    )
    env = working_tree_env(SLACLI_DB=str(database))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(n)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for n in range(2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM incidents").fetchone()[0] == 30
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 30


def test_exclude_postmortem_reopen_and_the_timeline(cli):
    number = str(opened(cli, "ISP down", "--policy", "optimy", "--severity", "high", "--at", "2026-11-23T10:00"))
    assert record(cli, "exclude", number, "customer's ISP", "--at", "2026-11-23T10:05")["excluded"] == "customer's ISP"
    assert record(cli, "exclude", number, "--clear", "--at", "2026-11-23T10:06")["excluded"] is None
    user_error(cli("exclude", number, code=2))
    cli("resolve", number, "--at", "2026-11-23T11:00")
    assert record(cli, "reopen", number, "--at", "2026-11-23T12:00")["status"] == "open"
    link = record(cli, "postmortem", number, "--link", "https://wiki/pm/1", "--at", "2026-11-23T12:30")
    assert link["postmortem"] == "https://wiki/pm/1"
    shown = record(cli, "show", number, "--at", "2026-11-23T13:00")
    assert [e["event"] for e in shown["timeline"]] == [
        "opened", "excluded", "excluded", "resolved", "reopened", "postmortem"
    ]  # fmt: skip


def test_due_within_and_recompute_all(cli):
    opened(cli, "A", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00")
    opened(cli, "B", "--policy", "protecto", "--severity", "low", "--at", "2026-11-23T10:00")
    soon = json.loads(cli("due", "--within", "2h", "--at", "2026-11-23T10:30-05:00", "-f", "json").stdout)
    assert [(r["title"], r["clock"]) for r in soon] == [("A", "response")]
    assert cli("recompute", "--all", "--at", "2026-11-23T10:40").stdout.splitlines() == ["1: no change", "2: no change"]


def test_at_means_as_of_then(cli):
    number = str(opened(cli, "A", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00"))
    cli("ack", number, "--at", "2026-11-23T12:00")  # late
    cli("resolve", number, "--at", "2026-11-23T13:00")
    assert cli("breaches", "--at", "2026-11-23T10:30-05:00").exit_code == 0  # nothing late yet then
    board = json.loads(cli("due", "--at", "2026-11-23T10:30-05:00", "-f", "json").stdout)
    assert [(r["clock"], r["status"]) for r in board] == [("response", "pending"), ("resolution", "pending")]
    then = record(cli, "show", number, "--at", "2026-11-23T10:30")
    assert then["status"] == "open" and [e["event"] for e in then["timeline"]] == ["opened"]
    assert cli("breaches", "--at", "2026-11-23T14:00-05:00").exit_code == 0  # met late and resolved since
    assert cli("breaches", "--since", "2026-11-23", "--at", "2026-11-23T14:00-05:00", "-f", "csv", code=1)


def test_recompute_refuses_a_resolved_incident(cli, database):
    number = str(opened(cli, "A", "--policy", "protecto", "--severity", "critical", "--at", "2026-11-23T10:00"))
    cli("resolve", number, "--at", "2026-11-23T10:30")
    before = event_count(database)
    assert "resolved" in user_error(cli("recompute", number, code=2))
    assert event_count(database) == before


def test_pauses_count_only_while_the_clock_runs(cli):
    # opencraft critical: resolution counts from the acknowledgement (end of business day).
    number = str(opened(cli, "LMS", "--policy", "opencraft", "--severity", "critical", "--at", "2026-11-23T10:00"))
    cli("pause", number, "--reason", "r", "--at", "2026-11-23T11:00")
    provisional = record(cli, "resume", number, "--at", "2026-11-23T13:00")
    # Response due Tue 09:00 moves by the 2 business hours paused: Tue 11:00; counted from
    # there, the provisional end of business day is Tue 17:00.
    assert provisional["response_due"] == "2026-11-24T11:00:00-05:00"
    assert provisional["resolution_due"] == "2026-11-24T17:00:00-05:00" and provisional["provisional"]
    acked = record(cli, "ack", number, "--at", "2026-11-24T10:00")
    assert acked["resolution_due"] == "2026-11-24T17:00:00-05:00"  # the earlier pause is not its business
    other = str(opened(cli, "LMS 2", "--policy", "opencraft", "--severity", "critical", "--at", "2026-11-23T10:00"))
    cli("pause", other, "--reason", "r", "--at", "2026-11-23T11:00")
    cli("ack", other, "--at", "2026-11-23T12:00")
    # Acked during the pause: only the 12:00-14:00 part stops the resolution (Mon 17:00 + 2h).
    assert record(cli, "resume", other, "--at", "2026-11-23T14:00")["resolution_due"] == "2026-11-24T11:00:00-05:00"


def test_commands_on_a_missing_database_do_not_create_it(cli, database):
    hint = "(slacli open creates one; --db or $SLACLI_DB choose another)"
    assert user_error(cli("ack", "5", code=2)) == f"slacli: error: no incident database at {database} {hint}"
    assert not database.exists()


@pytest.mark.parametrize(
    "args", [["update", "1", " "], ["pause", "1", "--reason", ""], ["postmortem", "1", "--link", ""]]
)
def test_empty_texts_are_refused(cli, args):
    opened(cli, "A", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00")
    assert "is empty" in user_error(cli(*args, code=2))


@pytest.mark.parametrize(
    ("opened_at", "late"),
    [
        ("2026-11-14T10:00:00-05:00", False),  # 30 calendar days after, to the minute: 721 real hours
        ("2026-11-14T10:00:01-05:00", True),  # a second more
        ("2026-11-14T09:30:00-05:00", False),  # 720.5 real hours: late by real time, not by the calendar
    ],
)
def test_optimy_counts_its_30_days_on_the_local_calendar_across_dst(cli, opened_at, late):
    # Impact began Thu 15 Oct 10:00 EDT; Toronto falls back on 1 Nov: the 30th day ends
    # Sat 14 Nov 10:00 EST (SPEC 3), an hour later in real time than 720 hours.
    args = ("open", "Form builder down", "--policy", "optimy", "--severity", "high", "--at", opened_at)
    result = cli(*args, "--started", "2026-10-15T10:00", "-q")
    assert record(cli, "show", result.stdout.strip())["late_report"] is late


def test_a_cadence_counts_from_the_severity_change_that_brought_it(cli):
    # openmethods: opened as 2 at 09:00 (no cadence), raised to 1 at 12:00 (hourly updates).
    number = str(opened(cli, "Agents", "--policy", "openmethods", "--severity", "2", "--at", "2026-11-23T09:00"))
    cli("ack", number, "--at", "2026-11-23T09:05")
    assert record(cli, "severity", number, "1", "--at", "2026-11-23T12:00")["next_update_due"] == (
        "2026-11-23T13:00:00-05:00"
    )
    cli("breaches", "--policy", "openmethods", "--at", "2026-11-23T12:30")  # exit 0: nothing due yet
    cli("update", number, "on it", "--at", "2026-11-23T12:40")
    # Lowered at 13:00: the cadence ends; raised back at 15:00: it starts afresh, due 16:00
    # (not 13:40 from the last update).
    assert record(cli, "severity", number, "2", "--at", "2026-11-23T13:00")["next_update_due"] is None
    assert record(cli, "severity", number, "1", "--at", "2026-11-23T15:00")["next_update_due"] == (
        "2026-11-23T16:00:00-05:00"
    )
    cli("breaches", "--policy", "openmethods", "--at", "2026-11-23T15:30")
    assert cli("breaches", "--policy", "openmethods", "--at", "2026-11-23T16:01", code=1).stdout


def test_a_cadence_that_begins_during_a_pause_is_frozen_only_from_then(cli):
    # Paused at 10:00, raised to 1 (hourly) at 11:00 while still paused: the update clock starts at
    # 11:00 and stands still until the resume, so at 11:30 it is due 12:30 (now plus the full hour), not
    # 13:30 (as if it had been frozen since 10:00); resumed at 12:00, it is due 13:00.
    number = str(opened(cli, "Agents", "--policy", "openmethods", "--severity", "2", "--at", "2026-11-09T09:00"))
    cli("pause", number, "--reason", "customer", "--at", "2026-11-09T10:00")
    cli("severity", number, "1", "--at", "2026-11-09T11:00")
    shown = json.loads(cli("show", number, "--at", "2026-11-09T11:30", "-f", "json").stdout)
    assert shown["next_update_due"] == "2026-11-09T12:30:00-05:00"
    cli("resume", number, "--at", "2026-11-09T12:00")
    shown = json.loads(cli("show", number, "--at", "2026-11-09T12:05", "-f", "json").stdout)
    assert shown["next_update_due"] == "2026-11-09T13:00:00-05:00"


@pytest.mark.parametrize("command", ["list", "breaches"])
@pytest.mark.parametrize(("since", "until"), [("2026-11-20", "2026-11-10"), ("2026-11-20T09:00", "2026-11-20T09:00")])
def test_a_range_that_ends_before_or_where_it_starts_is_refused(cli, command, since, until):
    opened(cli, "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-15T10:00")
    line = user_error(cli(command, "--since", since, "--until", until, code=2))
    assert line == f"slacli: error: --until ({until}) is not after --since ({since})"
    found = cli(command, "--since", "2026-11-01", "--until", "2026-11-30", code=1 if command == "breaches" else 0)
    assert "Down" in found.stdout  # a range the right way round still reads
