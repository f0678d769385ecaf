"""--quiet on every command that records something: it prints only what a script needs (the
new id for open and maintenance add, nothing for a change), the change is recorded all the
same, and an error still goes to stderr with exit 2."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import user_error

from slacli.cli import app

OPENED = ["open", "Checkout 502s", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T09:00"]

# name: (commands run first, the command run with --quiet, what `show 1 -f json` then says)
INCIDENT_WRITERS: dict[str, tuple[list[list[str]], list[str], Any]] = {
    "ack": ([], ["ack", "1", "--at", "2026-11-23T09:10"], lambda i: i["acked"] == "2026-11-23T09:10:00-05:00"),
    "update": ([], ["update", "1", "failing over"], lambda i: i["timeline"][-1]["event"] == "update"),
    "pause": ([], ["pause", "1", "--reason", "waiting on the customer"], lambda i: i["status"] == "paused"),
    "resume": ([["pause", "1", "--reason", "logs"]], ["resume", "1"], lambda i: i["status"] == "open"),
    "severity": ([], ["severity", "1", "significant"], lambda i: i["severity"] == "2"),
    "resolve": ([], ["resolve", "1"], lambda i: i["status"] == "resolved"),
    "reopen": ([["resolve", "1"]], ["reopen", "1"], lambda i: i["resolved"] is None),
    "exclude": ([], ["exclude", "1", "customer ISP"], lambda i: i["excluded"] == "customer ISP"),
    "postmortem": ([], ["postmortem", "1", "--link", "https://pm/1"], lambda i: i["postmortem"] == "https://pm/1"),
    "correct": (
        [["ack", "1", "--at", "2026-11-23T09:10"]],
        ["correct", "1", "2", "--at", "2026-11-23T09:05", "--reason", "typo"],
        lambda i: i["acked"] == "2026-11-23T09:05:00-05:00",
    ),
    "recompute": ([], ["recompute", "1"], lambda i: i["timeline"][-1]["event"] == "recomputed"),
    "field": ([], ["field", "1", "reported_by=ann"], lambda i: i["fields"] == {"reported_by": "ann"}),
    "recovery": (
        [],
        ["recovery", "1", "--snapshot", "2026-11-23T02:00", "--at", "2026-11-23T10:00"],
        lambda i: [r["snapshot"] for r in i["recoveries"]] == ["2026-11-23T02:00:00-05:00"],
    ),
    "worklog": ([], ["worklog", "1", "30m"], lambda i: i["billable_minutes"] + i["included_minutes"] == 30),
    "workaround": ([], ["workaround", "1"], lambda i: i["workaround"] is not None),
    "exception": (
        [],
        ["exception", "1", "--reason", "vendor", "--plan", "re-sync"],
        lambda i: i["exception"] == "vendor",
    ),
    "escalate": ([], ["escalate", "1", "--to", "VP"], lambda i: [e["to"] for e in i["escalations"]] == ["VP"]),
}
WINDOW = ["maintenance", "add", "-p", "optimy", "--start", "2026-12-02T01:00", "--end", "2026-12-02T03:00"]
ANNOUNCED = ["--announced", "2026-11-20T09:00"]
# name: (commands run first, the command run with --quiet, the window's status after it)
WINDOW_WRITERS = {
    "start": ([[*WINDOW, *ANNOUNCED]], ["maintenance", "start", "1"], "in progress"),
    "complete": ([[*WINDOW, *ANNOUNCED], ["maintenance", "start", "1"]], ["maintenance", "complete", "1"], "completed"),
    "cancel": ([[*WINDOW, *ANNOUNCED]], ["maintenance", "cancel", "1"], "cancelled"),
}


@pytest.mark.parametrize("name", INCIDENT_WRITERS)
def test_a_change_to_an_incident_prints_nothing_and_is_recorded(cli, database, name):
    first, command, recorded = INCIDENT_WRITERS[name]
    for args in [OPENED, *first]:
        cli(*args)
    before = json.loads(cli("show", "1", "-f", "json").stdout)
    done = cli(*command, "--quiet")
    assert (done.stdout, done.stderr) == ("", "")
    after = json.loads(cli("show", "1", "-f", "json").stdout)
    assert len(after["timeline"]) == len(before["timeline"]) + 1
    assert recorded(after), after
    assert cli(*command[:1], "--help").stdout.count("--quiet") == 1


@pytest.mark.parametrize("name", [*INCIDENT_WRITERS, "start", "complete", "cancel"])
def test_an_error_still_says_so_on_stderr_with_exit_2(cli, database, name):
    first, command, _ = INCIDENT_WRITERS.get(name) or WINDOW_WRITERS[name]
    for args in [OPENED, [*WINDOW, *ANNOUNCED], *first]:
        cli(*args, "--quiet")
    at = 2 if command[0] == "maintenance" else 1  # the id
    wrong = [*command[:at], "99", *command[at + 1 :]]
    line = user_error(cli(*wrong, "-q", code=2))
    assert " 99 " in line


def test_open_prints_the_id_alone(cli, database):
    assert cli(*OPENED, "--quiet").stdout == "1\n"
    assert cli(*OPENED, "-q", "--format", "json").stdout == "2\n"  # whatever the format
    assert [row["id"] for row in json.loads(cli("list", "-f", "json").stdout)] == [1, 2]
    line = user_error(cli(*OPENED[:-4], "-s", "sev9", "-q", code=2))
    assert "unknown severity 'sev9'" in line
    assert len(json.loads(cli("list", "-f", "json").stdout)) == 2


def test_maintenance_add_prints_the_ids_alone(cli, database):
    assert cli(*WINDOW, *ANNOUNCED, "--quiet").stdout == "1\n"
    series = cli(*WINDOW, *ANNOUNCED, "--repeat", "daily", "--count", "3", "-q")
    assert series.stdout == "2\n3\n4\n"
    assert [w["id"] for w in json.loads(cli("maintenance", "list", "-f", "json").stdout)] == [1, 2, 3, 4]
    user_error(cli(*WINDOW[:-2], "--end", "2026-12-02T00:00", "-q", code=2))  # ends before it starts


@pytest.mark.parametrize("name", WINDOW_WRITERS)
def test_a_maintenance_action_prints_nothing_and_is_recorded(cli, database, name):
    first, command, status = WINDOW_WRITERS[name]
    for args in first:
        cli(*args)
    done = cli(*command, "--quiet")
    assert (done.stdout, done.stderr) == ("", "")
    assert [w["status"] for w in json.loads(cli("maintenance", "list", "-f", "json").stdout)] == [status]


def test_backup_prints_nothing_and_copies(cli, database, tmp_path):
    cli(*OPENED)
    copy = tmp_path / "copy.db"
    done = cli("backup", str(copy), "--quiet")
    assert (done.stdout, done.stderr) == ("", "")
    assert json.loads(cli("--db", str(copy), "show", "1", "-f", "json").stdout)["title"] == "Checkout 502s"
    assert "exists" in user_error(cli("backup", str(copy), "-q", code=2))  # still refused, still said


def test_every_writer_shares_one_quiet_option():
    from typer.main import get_command

    root = get_command(app)
    writers = [[name] for name in (*INCIDENT_WRITERS, "open", "backup")]
    writers += [["maintenance", name] for name in ("add", *WINDOW_WRITERS)]
    helps = set()
    for path in writers:
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        (quiet,) = [p for p in command.params if "--quiet" in p.opts]
        assert quiet.opts == ["--quiet", "-q"] and quiet.is_flag, path
        helps.add(quiet.help)
    assert len(helps) == 1  # one definition, in _options.py
