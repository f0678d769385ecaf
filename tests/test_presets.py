"""Worked examples for the five seed presets (SPEC section 3), through the CLI.

Every expected instant was worked out by hand from the seed text and the calendar of
2026: Thanksgiving is Thu 26 Nov, Independence Day is observed Fri 3 July, US DST
starts Sun 8 March and ends Sun 1 November, Good Friday (CA) is 3 April.
"""

from __future__ import annotations

import json

import pytest

CASES = [
    # policy, severity, opened, acked, response_due, resolution_due, provisional
    # opencraft: next business day 09:00/12:00; resolution from acked.
    ("opencraft", "critical", "2026-11-21T12:00", None, "2026-11-23T09:00:00-05:00", "2026-11-23T17:00:00-05:00", True),
    (
        "opencraft",
        "critical",
        "2026-11-25T15:00",
        "2026-11-25T15:30",
        "2026-11-27T09:00:00-05:00",
        "2026-11-25T17:00:00-05:00",
        False,
    ),
    (
        "opencraft",
        "critical",
        "2026-11-25T18:00",
        "2026-11-25T18:10",
        "2026-11-27T09:00:00-05:00",
        "2026-11-27T17:00:00-05:00",
        False,
    ),
    (
        "opencraft",
        "sev1",
        "2026-11-23T08:00",
        "2026-11-23T17:00",
        "2026-11-24T09:00:00-05:00",
        "2026-11-24T17:00:00-05:00",
        False,
    ),
    (
        "opencraft",
        "major",
        "2026-07-02T10:00",
        "2026-07-02T10:30",
        "2026-07-06T12:00:00-04:00",
        "2026-07-06T17:00:00-04:00",
        False,
    ),
    ("opencraft", "major", "2026-11-24T10:00", None, "2026-11-25T12:00:00-05:00", "2026-11-27T17:00:00-05:00", True),
    ("opencraft", "minor", "2026-12-24T16:00", None, "2026-12-28T12:00:00-05:00", None, False),
    # openweb: wall hours in and out of hours for 1, business hours out of hours for 2.
    ("openweb", "1", "2026-11-23T16:30", None, "2026-11-23T18:30:00-05:00", "2026-11-24T17:00:00-05:00", False),
    ("openweb", "1", "2026-11-23T17:00", None, "2026-11-23T21:00:00-05:00", "2026-11-24T17:00:00-05:00", False),
    ("openweb", "1", "2026-11-23T09:00", None, "2026-11-23T11:00:00-05:00", "2026-11-24T17:00:00-05:00", False),
    ("openweb", "critical", "2026-03-07T23:30", None, "2026-03-08T04:30:00-04:00", "2026-03-09T17:00:00-04:00", False),
    ("openweb", "2", "2026-11-21T12:00", None, "2026-11-23T13:00:00-05:00", "2026-11-25T17:00:00-05:00", False),
    ("openweb", "2", "2026-11-25T15:00", None, "2026-11-25T19:00:00-05:00", "2026-12-01T17:00:00-05:00", False),
    ("openweb", "S2", "2026-11-25T18:00", None, "2026-11-27T13:00:00-05:00", "2026-12-01T17:00:00-05:00", False),
    ("openweb", "3", "2026-07-02T15:00", None, "2026-07-07T15:00:00-04:00", None, False),
    ("openweb", "normal", "2026-11-23T09:00", None, "2026-11-24T17:00:00-05:00", None, False),
    ("openweb", "4", "2026-11-25T11:00", None, "2026-12-01T11:00:00-05:00", None, False),
    # protecto: wall hours; business days from the next opening.
    (
        "protecto",
        "critical",
        "2026-11-01T01:30-04:00",
        None,
        "2026-11-01T01:30:00-05:00",
        "2026-11-02T00:30:00-05:00",
        False,
    ),
    ("protecto", "high", "2026-03-06T20:00", None, "2026-03-07T02:00:00-05:00", "2026-03-09T21:00:00-04:00", False),
    ("protecto", "medium", "2026-11-21T12:00", None, "2026-11-22T12:00:00-05:00", "2026-12-07T17:00:00-05:00", False),
    ("protecto", "low", "2026-11-21T12:00", None, "2026-11-23T12:00:00-05:00", "2027-04-02T17:00:00-04:00", False),
    # openmethods: 24x7 severity 1, business hours on 06:00-16:00 for the rest.
    ("openmethods", "1", "2026-11-22T03:00", None, "2026-11-22T03:30:00-05:00", None, False),
    ("openmethods", "2", "2026-11-20T15:00", None, "2026-11-23T07:00:00-05:00", None, False),
    ("openmethods", "3", "2026-11-25T12:00", None, "2026-11-27T08:00:00-05:00", None, False),
    ("openmethods", "4", "2026-11-23T06:00", None, "2026-11-25T10:00:00-05:00", None, False),
    ("openmethods", "2", "2026-03-08T01:00", None, "2026-03-09T08:00:00-04:00", None, False),
    # optimy: the seed's response table is missing, so there are no targets at all.
    ("optimy", "high", "2026-04-03T10:00", None, None, None, False),
    ("optimy", "low", "2026-11-23T10:00", None, None, None, False),
]


@pytest.mark.parametrize(("policy", "severity", "opened", "acked", "response", "resolution", "provisional"), CASES)
def test_preset_deadline(cli, policy, severity, opened, acked, response, resolution, provisional):
    args = ["deadline", policy, severity, "--opened", opened, "--format", "json"]
    if acked:
        args += ["--acked", acked]
    data = json.loads(cli(*args).stdout)
    assert data["policy"] == policy
    assert (data["response_due"], data["resolution_due"]) == (response, resolution)
    assert data["resolution_provisional"] is provisional


def test_in_hours_anchor_is_reported(cli):
    data = json.loads(cli("deadline", "openweb", "1", "--opened", "2026-11-26T10:00", "--format", "json").stdout)
    assert data["opened_in_hours"] is False  # Thanksgiving
    assert data["response_due"] == "2026-11-26T14:00:00-05:00"  # the out-of-hours 4h


def test_explanation_walks_through_the_rule(cli):
    out = cli("deadline", "openweb", "2", "--opened", "2026-11-21T12:00").stdout
    assert "opened Sat 21 Nov 12:00 EST, out of hours; next opening Mon 23 Nov 09:00 EST" in out
    assert "+4 business hours = Mon 23 Nov 13:00 EST" in out


def test_openmethods_severity_1_runs_on_24x7(cli):
    data = json.loads(
        cli("deadline", "openmethods", "outage", "--opened", "2026-11-22T03:00", "--format", "json").stdout
    )
    assert data["opened_in_hours"] is True


def test_offsets_are_shown_in_the_policy_zone(cli):
    data = json.loads(cli("deadline", "openweb", "1", "--opened", "2026-11-23T15:00Z", "--format", "json").stdout)
    assert data["opened"] == "2026-11-23T10:00:00-05:00"
    assert data["response_due"] == "2026-11-23T12:00:00-05:00"


def test_optimy_toronto_good_friday_is_closed(cli):
    data = json.loads(
        cli("calendar", "between", "2026-04-02T17:00", "2026-04-06T10:00", "--policy", "optimy", "-f", "json").stdout
    )
    assert data["business_minutes"] == 90  # Thu 17:00-17:30, Good Friday closed, Mon 09:00-10:00
