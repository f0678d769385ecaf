"""``slacli breaches`` for cron: what it lists by default and with --since, and its exit
status case by case (1 exactly when it lists something), --quiet (issue 11).

protecto critical: response 1 wall hour, resolution 24 wall hours from the acknowledgement
or the response due, whichever is earlier; openweb 1: response 2 wall hours in hours.
Incidents open on Monday 23 November 2026 at 10:00 EST, so the response is due at 11:00 and
the resolution on Tuesday at 11:00 at the latest. Without --policy an instant without an
offset is read in local time: as-of instants here carry theirs.
"""

from __future__ import annotations

import json

import pytest
from conftest import user_error

from slacli.views.board import BREACH_KEYS

pytestmark = pytest.mark.usefixtures("database")  # now: Mon 30 Nov 2026 07:00 EST

OPENED = "2026-11-23T10:00"
MONDAY = "2026-11-23T00:00-05:00"  # before every due instant here
LATER = "2026-11-24T00:00-05:00"  # after the responses' due, before the resolutions'


def opened(cli, policy: str = "protecto", severity: str = "critical", at: str = OPENED) -> str:
    return cli("open", "Exports fail", "-p", policy, "-s", severity, "--at", at, "-q").stdout.strip()


def listed(cli, *args: str, at: str, code: int) -> list[tuple[int, str, str]]:
    rows = json.loads(cli("breaches", *args, "--at", at, "-f", "json", code=code).stdout)
    return [(r["id"], r["target"], r["status"]) for r in rows]


def test_nothing_open_exits_0_and_says_so(cli):
    opened(cli)
    result = cli("breaches", "--at", "2026-11-23T10:59-05:00")  # the response is due at 11:00
    assert result.stdout.endswith(": no breaches\n") and result.stdout.count("\n") == 1
    csv = cli("breaches", "--at", "2026-11-23T10:59-05:00", "-f", "csv").stdout
    assert csv.splitlines() == [",".join(BREACH_KEYS)]  # CSV keeps its header
    assert listed(cli, "--since", MONDAY, at="2026-11-23T11:00-05:00", code=0) == []  # due this very instant: not past


def test_an_open_breach_exits_1(cli):
    one = int(opened(cli))
    assert listed(cli, at="2026-11-23T11:30-05:00", code=1) == [(one, "response", "breached")]
    table = cli("breaches", "--at", "2026-11-23T11:30-05:00", code=1).stdout
    assert "30m wall  breached" in table


def test_met_late_is_listed_only_with_since(cli):
    one = opened(cli)
    cli("ack", one, "--at", "2026-11-23T11:20-05:00")  # 20 minutes late
    cli("resolve", one, "--at", "2026-11-23T12:00")  # within the 24 hours
    at = "2026-11-23T13:00-05:00"
    assert listed(cli, at=at, code=0) == []  # nothing needs action now
    assert listed(cli, "--since", MONDAY, at=at, code=1) == [(int(one), "response", "met late")]
    assert listed(cli, "--since", LATER, at=at, code=0) == []  # missed before --since
    assert (
        listed(cli, "--since", MONDAY, "--until", "2026-11-23T11:00-05:00", at=at, code=0) == []
    )  # due at --until: out


def test_a_breach_then_resolved_leaves_the_default_list_and_stays_in_the_range(cli):
    one = int(opened(cli))
    assert listed(cli, at="2026-11-24T11:00-05:00", code=1) == [
        (one, "response", "breached"),
        (one, "resolution", "breached"),
    ]
    cli("resolve", str(one), "--at", "2026-11-24T12:00")  # answers the response, late; the resolution an hour late
    at = "2026-11-24T13:00-05:00"
    assert listed(cli, at=at, code=0) == []
    assert listed(cli, "--since", MONDAY, at=at, code=1) == [
        (one, "response", "met late"),
        (one, "resolution", "met late"),
    ]
    assert listed(cli, "--since", LATER, at=at, code=1) == [(one, "resolution", "met late")]  # due Tue 11:00
    assert listed(cli, "--since", "2026-11-24T11:01-05:00", at=at, code=0) == []
    # As of before the resolution, the same list reads as it stood then.
    assert listed(cli, at="2026-11-24T11:59-05:00", code=1) == [
        (one, "response", "breached"),
        (one, "resolution", "breached"),
    ]


def test_a_paused_clock_is_not_a_breach_but_one_breached_before_the_pause_stays_open(cli):
    waiting = int(opened(cli))
    cli("pause", str(waiting), "--reason", "waiting on the customer", "--at", "2026-11-23T10:30-05:00")
    assert listed(cli, at="2026-11-25T10:00-05:00", code=0) == []  # both clocks stand still
    late = int(opened(cli))
    cli("pause", str(late), "--reason", "waiting on the customer", "--at", "2026-11-23T11:30-05:00")  # 30m past due
    assert listed(cli, at="2026-11-25T10:00-05:00", code=1) == [(late, "response", "breached")]


def test_an_excluded_incident_still_breaches(cli):
    # An exclusion takes the incident's downtime out of availability; its clocks still run.
    one = int(opened(cli))
    cli("exclude", str(one), "customer's ISP", "--at", "2026-11-23T10:10-05:00")
    assert listed(cli, at="2026-11-23T11:30-05:00", code=1) == [(one, "response", "breached")]


def test_policy_selects(cli):
    opened(cli)
    web = int(opened(cli, "openweb", "1"))  # response due 12:00
    assert listed(cli, "--policy", "openweb", at="2026-11-23T11:30-05:00", code=0) == []
    assert listed(cli, "--policy", "openweb", at="2026-11-23T12:30-05:00", code=1) == [(web, "response", "breached")]
    assert [i for i, *_ in listed(cli, at="2026-11-23T12:30-05:00", code=1)] == [1, web]


def test_quiet_prints_nothing_and_keeps_the_status(cli):
    opened(cli)
    for at, code in (("2026-11-23T10:30-05:00", 0), ("2026-11-23T11:30-05:00", 1)):
        result = cli("breaches", "--quiet", "--at", at, code=code)
        assert (result.stdout, result.stderr) == ("", "")
    assert "unknown policy" in user_error(cli("breaches", "-q", "--policy", "nosuch", code=2))  # errors still say so
