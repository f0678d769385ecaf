"""Loading policies.toml: the lookup order and one clear error per mistake."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import user_error

from slacli.paths import SHIPPED_POLICIES

GOOD = """
[calendars.office]
timezone = "Europe/London"
hours = { mon-thu = "09:00-12:00, 13:00-17:30", fri = ["09:00-12:00"] }
holidays = { country = "GB", subdiv = "ENG", extra = ["2026-12-24"], removed = ["2026-12-28"] }

[policies.acme]
calendar = "office"

[policies.acme.severities.p1]
aliases = ["urgent"]
response = "2 business hours"
resolution = { rule = "end of business day", anchor = "acked" }
downtime = 0.3
"""


ACME = "[policies.acme]\n"
TIERS = "{ below = 99.9, credit = 10 }, { below = 99.0, credit = 25 }"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_custom_policy_with_lunch_break_and_subdivision(cli, tmp_path):
    path = write(tmp_path, GOOD)
    out = cli("--policies", str(path), "deadline", "acme", "URGENT", "--opened", "2026-12-23T11:00", "-f", "json")
    data = json.loads(out.stdout)
    # 11:00-12:00, lunch, 13:00-14:00; the 24th is an extra holiday.
    assert data["response_due"] == "2026-12-23T14:00:00+00:00"
    assert data["resolution_due"] == "2026-12-23T17:30:00+00:00"
    assert data["resolution_provisional"] is True


def test_lookup_order(cli, tmp_path, monkeypatch):
    listing = cli("policies", "list", "-f", "json")
    assert {p["name"] for p in json.loads(listing.stdout)} == {
        "opencraft",
        "openweb",
        "protecto",
        "openmethods",
        "optimy",
    }
    (tmp_path / "config" / "slacli").mkdir(parents=True)
    write(tmp_path, GOOD).rename(tmp_path / "config" / "slacli" / "policies.toml")
    assert [p["name"] for p in json.loads(cli("policies", "list", "-f", "json").stdout)] == ["acme"]
    (tmp_path / "policies.toml").write_text(SHIPPED_POLICIES.read_text())
    assert len(json.loads(cli("policies", "list", "-f", "json").stdout)) == 5
    monkeypatch.setenv("SLACLI_POLICIES", str(tmp_path / "config" / "slacli" / "policies.toml"))
    assert [p["name"] for p in json.loads(cli("policies", "list", "-f", "json").stdout)] == ["acme"]
    override = cli("--policies", str(SHIPPED_POLICIES), "policies", "list", "-f", "json")
    assert len(json.loads(override.stdout)) == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("09:00-12:00, 13:00-17:30", "17:00-09:00"), "calendars.office.hours.mon-thu: close before open"),
        (('"Europe/London"', '"Mars/Olympus"'), "calendars.office.timezone: unknown time zone 'Mars/Olympus'"),
        (('"2 business hours"', '"2 buisness hours"'), "policies.acme.severities.p1.response: unknown target"),
        (('anchor = "acked"', 'anchor = "closed"'), "policies.acme.severities.p1.resolution.anchor: expected one of"),
        (("downtime = 0.3", "downtime = 3"), "policies.acme.severities.p1.downtime: expected a weight"),
        (('calendar = "office"', 'calendar = "shop"'), "policies.acme.calendar: unknown calendar 'shop'"),
        (("[policies.acme]", "[policies.acme]\ncolour = 1"), "policies.acme.colour: unknown key"),
        (('aliases = ["urgent"]', 'aliases = ["urgent"]\nnope = 1'), "policies.acme.severities.p1.nope: unknown key"),
        (("fri = ", "mon = "), "calendars.office.hours.mon: mon is given twice"),
        (("timezone =", "timezone = = "), "malformed TOML"),
        (('country = "GB", ', ""), "calendars.office.holidays: subdiv and categories need a country"),
        (("downtime = 0.3", 'downtime = 0.3\nupdate_every = "0m"'), "update_every: expected a duration longer"),
        ((ACME, f"{ACME}availability = {{ credits = [{{ below = 99.9 }}] }}\n"), "credits[0]: a tier needs both"),
        ((ACME, f"{ACME}availability = {{ credits = [{{ below = 199, credit = 5 }}] }}\n"), "below: expected a perc"),
        ((ACME, f"{ACME}availability = {{ credits = {{ below = 99, credit = 5 }} }}\n"), "credits: expected a list"),
        (
            (ACME, f"{ACME}availability = {{ credits = [{TIERS.replace('25', '5')}] }}\n"),
            "credits: each lower threshold needs its own, larger credit",
        ),
    ],
)
def test_errors_name_file_key_and_problem(cli, tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    line = user_error(cli("--policies", str(path), "policies", "check", code=2))
    assert line.startswith(f"slacli: error: {path}")
    assert message in line


def test_unknown_holiday_country_is_an_input_error(cli, tmp_path):
    path = write(tmp_path, GOOD.replace('country = "GB"', 'country = "XX"'))
    line = user_error(cli("policies", "check", str(path), code=2))
    assert "calendars.office.holidays: holidays: Country XX not available" in line


def test_missing_file(cli, tmp_path):
    line = user_error(cli("--policies", str(tmp_path / "nope.toml"), "policies", "list", code=2))
    assert "nope.toml: cannot read policy file" in line


def test_check_passes_on_the_shipped_presets(cli):
    assert "ok (5 policies, 3 calendars)" in cli("policies", "check").stdout


def test_show_lists_targets_and_next_holidays(cli):
    data = json.loads(cli("policies", "show", "openweb", "-f", "json").stdout)
    assert data["timezone"] == "America/New_York"
    assert data["hours"] == "Mon-Fri 09:00-17:00"
    assert data["severities"] == "1, 2, 3, 4"
    assert [s["key"] for s in data["severity_targets"]] == ["1", "2", "3", "4"]
    assert data["severity_targets"][1]["response"] == "4h in hours, 4 business hours out of hours"
    assert len(data["upcoming_holidays"]) >= 10
