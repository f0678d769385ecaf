"""Premium Support first (openmethods: "tickets for clients with Premium Support are
prioritized for remediation work"): `open --premium`, and the due board's order.

openmethods severity 2 responds in 2 business hours and severity 3 in 6, on Mon-Fri
06:00-16:00 New York; Monday 23 November 2026 is a business day (EST, UTC-5).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.storage.sqlite import open_sqlite
from slacli.tracker import Tracker
from slacli.views.board import SOON_SECONDS, due_board

NY = ZoneInfo("America/New_York")
# title, severity, opened (Mon 23 Nov), premium: response due 10:00, 11:00, 11:30, 16:00.
SHIFT = [
    ("Emails misrouted", "2", "08:00", False),
    ("Chats not routing for 12% of agents", "2", "09:00", False),
    ("Screen pops missing for one team", "2", "09:30", True),
    ("Media bar display glitch", "3", "10:00", True),
]
BOARD = ("due", "--policy", "openmethods", "--at", "2026-11-23T10:45")


@pytest.fixture
def shift(cli, database):
    for title, severity, opened, premium in SHIFT:
        flags = ["--premium"] if premium else []
        cli("open", title, "--policy", "openmethods", "--severity", severity, "--at", f"2026-11-23T{opened}", *flags)


def test_premium_goes_first_among_clocks_as_urgent_and_no_further(cli, shift):
    rows = json.loads(cli(*BOARD, "--format", "json").stdout)
    # Overdue first (10:00, standard); then within the hour: premium 11:30 before standard
    # 11:00; then later: the premium 16:00 stays after both.
    assert [(r["id"], r["due"][11:16], r["premium"]) for r in rows] == [
        (1, "10:00", False),
        (3, "11:30", True),
        (2, "11:00", False),
        (4, "16:00", True),
    ]


def test_the_board_marks_premium_for_people_and_csv(cli, shift):
    table = cli(*BOARD).stdout.splitlines()
    assert table[1].split() == ["id", "policy", "severity", "title", "clock", "due", "left", "status", "premium"]
    assert table[3].startswith("3 ") and table[3].endswith(" yes")
    assert table[4].endswith(" no")
    rows = list(csv.DictReader(io.StringIO(cli(*BOARD, "--format", "csv").stdout)))
    assert [r["premium"] for r in rows] == ["false", "true", "false", "true"]


def test_without_premium_incidents_the_board_has_no_premium_column(cli, database):
    cli("open", "Emails misrouted", "--policy", "openmethods", "--severity", "2", "--at", "2026-11-23T08:00")
    assert "premium" not in cli(*BOARD).stdout
    assert "premium" in cli(*BOARD, "--format", "csv").stdout  # CSV keeps its columns


def test_show_and_list_say_premium_and_a_correction_keeps_it(cli, shift):
    assert json.loads(cli("show", "3", "--format", "json").stdout)["premium"] is True
    assert [r["premium"] for r in json.loads(cli("list", "--format", "json").stdout)] == [False, False, True, True]
    cli("correct", "3", "1", "--at", "2026-11-23T09:20", "--reason", "opened at 09:20")
    assert json.loads(cli("show", "3", "--format", "json").stdout)["premium"] is True
    assert "premium" not in cli("show", "1").stdout.split("Timeline")[1]  # the record says it, not each event


# -- the rule: the board sorts by urgency band, then premium first, then due -------------------

POLICIES = load_policies(Path(SHIPPED_POLICIES), HolidayCache(None))
MONDAY = datetime(2026, 11, 23, 6, 0, tzinfo=NY)


@pytest.fixture(scope="module")
def busy(tmp_path_factory) -> Tracker:
    """Twelve openmethods incidents opened through Monday, every other one premium."""
    now = MONDAY + timedelta(days=2)
    tracker = Tracker(open_sqlite(tmp_path_factory.mktemp("db") / "x.db"), POLICIES, clock=lambda: now)
    for n in range(12):
        opened = MONDAY + timedelta(minutes=47 * n)
        tracker.open(f"t{n}", "openmethods", "1234"[n % 4], at=opened, author="ann", premium=n % 2 == 0)
    return tracker


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 36 * 60))
def test_every_board_is_sorted_by_urgency_then_premium_then_due(busy, minutes):
    as_of = MONDAY + timedelta(minutes=9 * 47, seconds=minutes * 60)
    rows = due_board(busy, as_of, None, None)
    band = [0 if r["due"] < as_of else 1 if (r["due"] - as_of).total_seconds() < SOON_SECONDS else 2 for r in rows]
    keys = [(b, not r["premium"], r["due"]) for b, r in zip(band, rows, strict=True)]
    assert keys == sorted(keys)
