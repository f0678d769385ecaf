"""The target syntax of policies.toml."""

from __future__ import annotations

from datetime import timedelta

import pytest

from slacli.rules import BusinessDays, BusinessDuration, EndOfBusinessDay, NextBusinessDayAt, WallDuration, parse_rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", WallDuration("4h", timedelta(hours=4))),
        ("4h30m", WallDuration("4h30m", timedelta(hours=4, minutes=30))),
        ("30 minutes", WallDuration("30 minutes", timedelta(minutes=30))),
        ("2d", WallDuration("2d", timedelta(days=2))),
        ("PT1H30M", WallDuration("PT1H30M", timedelta(hours=1, minutes=30))),
        ("4 business hours", BusinessDuration("4 business hours", timedelta(hours=4))),
        ("1.5 business hours", BusinessDuration("1.5 business hours", timedelta(minutes=90))),
        ("90 business minutes", BusinessDuration("90 business minutes", timedelta(minutes=90))),
        ("2 business days", BusinessDays("2 business days", 2)),
        ("2 Workdays", BusinessDays("2 Workdays", 2)),
        ("next business day 09:00", NextBusinessDayAt("next business day 09:00", 540)),
        ("Next business day at 12:00", NextBusinessDayAt("Next business day at 12:00", 720)),
        ("end of business day", EndOfBusinessDay("end of business day", 0)),
        ("end of next business day", EndOfBusinessDay("end of next business day", 1)),
        ("end of the 3rd business day after", EndOfBusinessDay("end of the 3rd business day after", 3)),
        ("end of 1st business day", EndOfBusinessDay("end of 1st business day", 1)),
    ],
)
def test_rule_syntax(text, expected):
    assert parse_rule(text) == expected


@pytest.mark.parametrize("text", ["none", "None", "no target", ""])
def test_no_target(text):
    assert parse_rule(text) is None


@pytest.mark.parametrize(
    "text",
    ["4 buisness hours", "-4h", "next business day 25:00", "end of 0th business day", "1.5 business days", "P1M"],
)
def test_bad_rules_name_the_problem(text):
    with pytest.raises(ValueError, match=r"\S"):
        parse_rule(text)
