"""The policy loader's holiday options (README "Calendars": country, subdiv, categories, extra, removed).

A calendar's business days are checked on dates where the options make a difference: which dates a
subdivision or a category adds is read from the ``holidays`` package itself (the reference SPEC 3 names),
then asserted on the loaded calendar and on a deadline computed over that date. Calendars that differ
only by subdivision or category sit in one file, so holiday tables must not be shared between them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from slacli.policy import load_policies, policies_from_document

TORONTO = ZoneInfo("America/Toronto")
NY = ZoneInfo("America/New_York")
FAMILY_DAY = date(2026, 2, 16)  # Monday, Ontario (public)
CIVIC_HOLIDAY = date(2026, 8, 3)  # Monday, Ontario (optional category)
THANKSGIVING_US = date(2026, 11, 26)  # Thursday


def document(calendars: dict[str, dict]) -> dict:
    policies = {
        name: {"calendar": name, "severities": {"s": {"resolution": "end of 1st business day"}}} for name in calendars
    }
    return {"calendars": calendars, "policies": policies}


def toronto(holiday_table: dict) -> dict:
    return {"timezone": "America/Toronto", "hours": {"mon-fri": "09:00-17:30"}, "holidays": holiday_table}


def new_york(holiday_table: dict) -> dict:
    return {"timezone": "America/New_York", "hours": {"mon-fri": "09:00-17:00"}, "holidays": holiday_table}


@pytest.fixture(scope="module")
def canada():
    calendars = {
        "ca": toronto({"country": "CA"}),
        "on": toronto({"country": "CA", "subdiv": "ON"}),
        "on-optional": toronto({"country": "CA", "subdiv": "ON", "categories": ["public", "optional"]}),
    }
    return policies_from_document(document(calendars), Path("canada.toml"))


def resolution_due(policy, opened: datetime) -> str:
    _, resolution = policy.deadlines(policy.severity("s"), opened)
    return resolution.at.isoformat()


def test_the_reference_tables_differ_where_the_tests_expect():
    national = holidays.country_holidays("CA", years=2026)
    ontario = holidays.country_holidays("CA", subdiv="ON", years=2026)
    optional = holidays.country_holidays("CA", subdiv="ON", years=2026, categories=("public", "optional"))
    assert FAMILY_DAY in ontario and FAMILY_DAY not in national
    assert CIVIC_HOLIDAY in optional and CIVIC_HOLIDAY not in ontario


def test_subdivision_adds_its_holidays_to_the_calendar(canada):
    national = holidays.country_holidays("CA", years=2026)
    ontario = holidays.country_holidays("CA", subdiv="ON", years=2026)
    only_ontario = sorted(d for d in set(ontario) - set(national) if d.weekday() < 5)
    assert FAMILY_DAY in only_ontario and len(only_ontario) >= 3
    for day in only_ontario:
        assert not canada.get("on").calendar.is_business_day(day), day
        assert canada.get("ca").calendar.is_business_day(day), day
    for day in (d for d in national if d.weekday() < 5):  # the national ones stay closed in Ontario
        assert not canada.get("on").calendar.is_business_day(day), day


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ca", "2026-02-16T17:30:00-05:00"),  # Family Day is a business day without the subdivision
        ("on", "2026-02-17T17:30:00-05:00"),
        ("on-optional", "2026-02-17T17:30:00-05:00"),
    ],
)
def test_family_day_moves_the_end_of_the_next_business_day(canada, name, expected):
    friday = datetime(2026, 2, 13, 10, 0, tzinfo=TORONTO)
    assert resolution_due(canada.get(name), friday) == expected


def test_categories_add_the_civic_holiday(canada):
    assert canada.get("on").calendar.is_business_day(CIVIC_HOLIDAY)
    assert not canada.get("on-optional").calendar.is_business_day(CIVIC_HOLIDAY)
    friday = datetime(2026, 7, 31, 10, 0, tzinfo=TORONTO)
    assert resolution_due(canada.get("on"), friday) == "2026-08-03T17:30:00-04:00"
    assert resolution_due(canada.get("on-optional"), friday) == "2026-08-04T17:30:00-04:00"


@pytest.fixture(scope="module")
def united_states():
    calendars = {
        "plain": new_york({"country": "US"}),
        "removed": new_york({"country": "US", "removed": ["2026-11-26", "2026-07-04"]}),
        "removed-observed": new_york({"country": "US", "removed": ["2026-07-03"]}),
        "extra": new_york({"country": "US", "extra": {"2026-11-27": "Day after Thanksgiving"}}),
        "extra-only": new_york({"extra": ["2026-11-24"]}),
    }
    return policies_from_document(document(calendars), Path("us.toml"))


@pytest.mark.parametrize(
    ("name", "day", "business"),
    [
        ("plain", THANKSGIVING_US, False),
        ("removed", THANKSGIVING_US, True),  # a removed holiday is a business day again
        ("removed", date(2026, 11, 25), True),
        ("removed", date(2026, 7, 4), False),  # removing a Saturday opens nothing: no hours that day
        ("removed", date(2026, 7, 3), False),  # the observed Friday was not removed
        ("removed-observed", date(2026, 7, 3), True),
        ("removed", date(2026, 12, 25), False),  # other holidays stay
        ("extra", date(2026, 11, 27), False),
        ("extra", THANKSGIVING_US, False),  # extra dates add to the country's holidays
        ("extra-only", date(2026, 11, 24), False),  # extra without a country
        ("extra-only", THANKSGIVING_US, True),
    ],
)
def test_removed_and_extra_dates(united_states, name, day, business):
    assert united_states.get(name).calendar.is_business_day(day) is business


def test_extra_dates_keep_their_names_and_removed_ones_have_none(united_states):
    assert united_states.get("extra").calendar.holiday(date(2026, 11, 27)) == "Day after Thanksgiving"
    assert united_states.get("plain").calendar.holiday(THANKSGIVING_US) == "Thanksgiving Day"
    assert united_states.get("removed").calendar.holiday(THANKSGIVING_US) is None


@pytest.mark.parametrize(
    ("name", "opened", "expected"),
    [
        ("plain", "2026-11-25T10:00", "2026-11-27T17:00:00-05:00"),  # Wednesday: Thursday is Thanksgiving
        ("removed", "2026-11-25T10:00", "2026-11-26T17:00:00-05:00"),
        ("extra", "2026-11-25T10:00", "2026-11-30T17:00:00-05:00"),
        ("extra-only", "2026-11-23T10:00", "2026-11-25T17:00:00-05:00"),  # Monday: Tuesday is the extra date
    ],
)
def test_removed_and_extra_dates_move_deadlines(united_states, name, opened, expected):
    anchor = datetime.fromisoformat(opened).replace(tzinfo=NY)
    assert resolution_due(united_states.get(name), anchor) == expected


TOML = """
[calendars.office]
timezone = "America/New_York"
hours = { mon-fri = "09:00-17:00" }
holidays = { country = "US", extra = [2026-11-27, "2026-12-24"], removed = [2026-11-26] }

[policies.p]
calendar = "office"

[policies.p.severities.s]
resolution = "end of 1st business day"
"""


def test_toml_dates_and_strings_both_work_in_a_policy_file(tmp_path):
    path = tmp_path / "policies.toml"
    path.write_text(TOML)
    calendar = load_policies(path).get("p").calendar
    assert calendar.is_business_day(THANKSGIVING_US)
    assert not calendar.is_business_day(date(2026, 11, 27))
    assert not calendar.is_business_day(date(2026, 12, 24))
    assert calendar.is_business_day(date(2026, 12, 23))


CLI_TOML = """
[calendars.on]
timezone = "America/Toronto"
hours = { mon-fri = "09:00-17:30" }
holidays = { country = "CA", subdiv = "ON", removed = ["2026-05-18"] }

[calendars.ca]
timezone = "America/Toronto"
hours = { mon-fri = "09:00-17:30" }
holidays = { country = "CA" }

[policies.on]
calendar = "on"
[policies.on.severities.s]

[policies.ca]
calendar = "ca"
[policies.ca.severities.s]
"""


@pytest.mark.parametrize(
    ("policy", "start", "expected"),
    [
        ("on", "2026-02-13T10:00", "2026-02-17T17:30:00-05:00"),  # Family Day closed in Ontario
        ("ca", "2026-02-13T10:00", "2026-02-16T17:30:00-05:00"),
        ("on", "2026-05-15T10:00", "2026-05-18T17:30:00-04:00"),  # Victoria Day removed
        ("on", "2026-10-09T10:00", "2026-10-13T17:30:00-04:00"),  # Thanksgiving closed in Ontario
        ("ca", "2026-10-09T10:00", "2026-10-12T17:30:00-04:00"),
    ],
)
def test_the_cli_loader_honours_subdiv_and_removed(cli, tmp_path, policy, start, expected):
    path = tmp_path / "canada.toml"
    path.write_text(CLI_TOML)
    args = ("--policies", str(path), "calendar", "add", start, "end of 1st business day", "--policy", policy)
    assert json.loads(cli(*args, "--format", "json").stdout)["result"] == expected
