"""The read layer directly (slacli.views): the due board, breaches, the availability trend
and incident listings, each as of an explicit instant (SPEC 2.14).

Instants are in New York: EDT (UTC-4) until 1 November 2026, EST (UTC-5) after. openweb
severity 1 opened in hours: response 2 wall hours, resolution by the close (17:00) of the
next business day; severity 2: response 4 hours, resolution by the close of the 3rd
business day. openmethods severity 1 runs 24x7: response 30 minutes, an update every 60.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.recorded import ClockStatus, EventKind
from slacli.storage.sqlite import open_sqlite
from slacli.tracker import Tracker
from slacli.views.availability import trend
from slacli.views.board import breaches, due_board
from slacli.views.incidents import Which, listing
from slacli.vocabulary import TargetName

NY = ZoneInfo("America/New_York")
FIXED = datetime(2026, 11, 30, 12, 0, tzinfo=NY)
SECOND = timedelta(seconds=1)
K = EventKind
R, U, S = TargetName.RESPONSE, TargetName.RESOLUTION, TargetName.UPDATE


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    policies = load_policies(SHIPPED_POLICIES, HolidayCache(tmp_path / "h.json"))
    return Tracker(open_sqlite(tmp_path / "x.db"), policies, clock=lambda: FIXED)


def incident(tracker: Tracker, at: datetime, policy: str = "openweb", severity: str = "1", **events: datetime) -> int:
    """Open one, then apply ``events`` (acknowledged=..., resolved=..., update=...) in the order given."""
    found = tracker.open(f"{policy} {at:%d %H:%M}", policy, severity, at=at, author="ann").incident.id
    for kind, when in events.items():
        tracker.act(found, EventKind(kind), at=when, author="bob")
    return found


# -- the due board --------------------------------------------------------------------------


@pytest.fixture
def board(tracker: Tracker) -> dict[str, int]:
    return {
        # Mon 2 Nov 16:00, acked at once; resolution due Tue 3 Nov 17:00; resolved only at 12:00 on the 3rd.
        "F": incident(tracker, ny(11, 2, 16), acknowledged=ny(11, 2, 16, 30), resolved=ny(11, 3, 12)),
        # Severity 2, acked: only the resolution runs, due Fri 6 Nov 17:00.
        "C": incident(tracker, ny(11, 3, 10), severity="2", acknowledged=ny(11, 3, 10, 30)),
        # 24x7: response due 11:30, first update due 12:00; no resolution target.
        "A": incident(tracker, ny(11, 3, 11), policy="openmethods"),
        # Response due 13:30, resolution Wed 4 Nov 17:00.
        "B": incident(tracker, ny(11, 3, 11, 30)),
        "D": incident(tracker, ny(11, 3, 9), resolved=ny(11, 3, 11)),  # resolved before: no clock runs
        "E": incident(tracker, ny(11, 3, 12, 30)),  # opened after the board's instant
    }


BOARD_AT = ny(11, 3, 11, 50)


def test_the_due_board_lists_running_clocks_soonest_first(tracker: Tracker, board: dict[str, int]) -> None:
    rows = due_board(tracker, BOARD_AT, None, None)
    names = {v: k for k, v in board.items()}
    assert [(names[r["id"]], r["clock"]) for r in rows] == [
        ("A", R),  # 11:30, 20 minutes overdue
        ("A", S),  # 12:00
        ("B", R),  # 13:30
        ("F", U),  # Tue 17:00 (resolved after the board's instant: still running then)
        ("B", U),  # Wed 17:00
        ("C", U),  # Fri 17:00
    ]
    assert [r["due"] for r in rows] == [
        *(ny(11, 3, 11, 30), ny(11, 3, 12), ny(11, 3, 13, 30)),
        *(ny(11, 3, 17), ny(11, 4, 17), ny(11, 6, 17)),
    ]
    assert [r["_style"] for r in rows] == ["red", "yellow", "", "", "", ""]
    assert [r["status"] for r in rows][:2] == [ClockStatus.BREACHED, ClockStatus.PENDING]
    # Real minutes left; and business minutes for a clock that counts them, to a business-day
    # close: B's resolution 11:50-17:00 today (310) + Wed 09:00-17:00 (480) = 790, in real time 1750.
    assert [r["left_minutes"] for r in rows] == [-20, 10, 100, 310, 1750, 310 + 3 * 1440]
    assert [r["left_business_minutes"] for r in rows] == [None, None, None, 310, 790, 310 + 3 * 480]
    assert [r["left"] for r in rows][:2] == ["overdue by 20m wall", "10m wall"]


def test_the_due_board_horizon_and_policy(tracker: Tracker, board: dict[str, int]) -> None:
    # A's update is due in exactly 600 s: inside a 600 s horizon, outside 599 s; overdue ones always show.
    assert [(r["id"], r["clock"]) for r in due_board(tracker, BOARD_AT, 600, None)] == [
        (board["A"], R),
        (board["A"], S),
    ]
    assert [(r["id"], r["clock"]) for r in due_board(tracker, BOARD_AT, 599, None)] == [(board["A"], R)]
    assert {r["id"] for r in due_board(tracker, BOARD_AT, None, "openmethods")} == {board["A"]}
    # At 12:01 nothing new has happened: A's update is overdue too, and a zero horizon keeps only overdue clocks.
    later = due_board(tracker, ny(11, 3, 12, 1), 0, None)
    assert [(r["id"], r["clock"], r["_style"]) for r in later] == [(board["A"], R, "red"), (board["A"], S, "red")]


# -- breaches ----------------------------------------------------------------------------------


@pytest.fixture
def late(tracker: Tracker) -> dict[str, int]:
    return {
        # Response due 12:00, acked 12:30: met 30 minutes late; resolved in time.
        "P": incident(tracker, ny(11, 3, 10), acknowledged=ny(11, 3, 12, 30), resolved=ny(11, 3, 15)),
        # Thu 5 Nov: response due 12:00, never acked; resolution due Fri 6 Nov 17:00.
        "Q": incident(tracker, ny(11, 5, 10)),
        # 24x7 response met; update due 11:00 posted at 11:20; next due 12:20, resolved at 12:00.
        "M": incident(
            tracker,
            ny(11, 10, 10),
            policy="openmethods",
            acknowledged=ny(11, 10, 10, 10),
            update=ny(11, 10, 11, 20),
            resolved=ny(11, 10, 12),
        ),
    }


def summary(rows: list[dict]) -> list[tuple]:
    return [(r["id"], r["target"], r["status"], r["late_minutes"]) for r in rows]


def test_breaches_met_late_and_open_breached(tracker: Tracker, late: dict[str, int]) -> None:
    p, q, m = late["P"], late["Q"], late["M"]
    since = ny(11, 1, 0)  # before every due instant: what was missed too
    assert summary(breaches(tracker, ny(11, 5, 11, 59), since, None, None)) == [(p, R, ClockStatus.MET_LATE, 30)]
    assert breaches(tracker, ny(11, 5, 11, 59), None, None, None) == []  # nothing needs action now
    at_13 = breaches(tracker, ny(11, 5, 13), since, None, None)
    assert summary(at_13) == [(p, R, ClockStatus.MET_LATE, 30), (q, R, ClockStatus.BREACHED, 60)]  # late to now
    assert (at_13[0]["due"], at_13[0]["done"], at_13[1]["done"]) == (ny(11, 3, 12), ny(11, 3, 12, 30), None)
    assert breaches(tracker, ny(11, 5, 13), None, None, None) == at_13[1:]  # the open one
    # On the 12th at 00:00: Q's response 6 d 12 h late (9360 min), its resolution 5 d 7 h (7620 min); M's update 20.
    assert summary(breaches(tracker, ny(11, 12, 0), since, None, None)) == [
        (p, R, ClockStatus.MET_LATE, 30),
        (q, R, ClockStatus.BREACHED, 9360),
        (q, U, ClockStatus.BREACHED, 7620),
        (m, S, ClockStatus.MET_LATE, 20),
    ]


def test_a_late_update_is_breached_until_posted_then_met_late(tracker: Tracker, late: dict[str, int]) -> None:
    m = late["M"]
    assert summary(breaches(tracker, ny(11, 10, 11, 10), None, None, "openmethods")) == [
        (m, S, ClockStatus.BREACHED, 10)  # due 11:00, not posted yet at 11:10
    ]
    assert breaches(tracker, ny(11, 10, 11, 30), None, None, "openmethods") == []  # posted: nothing open
    [row] = breaches(tracker, ny(11, 10, 11, 30), ny(11, 10, 0), None, "openmethods")
    assert (row["target"], row["due"], row["done"], row["late_minutes"]) == (S, ny(11, 10, 11), ny(11, 10, 11, 20), 20)


def test_breaches_due_in_a_half_open_range(tracker: Tracker, late: dict[str, int]) -> None:
    p, due = late["P"], ny(11, 3, 12)  # P's response due instant
    at = ny(11, 5, 11)
    assert [r["id"] for r in breaches(tracker, at, due, None, None)] == [p]  # lower bound inclusive
    assert breaches(tracker, at, due + SECOND, None, None) == []
    assert breaches(tracker, at, None, due, None) == []  # upper bound exclusive
    assert [r["id"] for r in breaches(tracker, at, None, due + SECOND, None)] == [p]
    assert [r["id"] for r in breaches(tracker, at, due, due + SECOND, "openweb")] == [p]
    assert breaches(tracker, at, due, due + SECOND, "openmethods") == []


# -- availability trend ------------------------------------------------------------------------


def test_trend_over_finished_months_and_the_burn_rate(tracker: Tracker) -> None:
    incident(tracker, ny(9, 30, 23), resolved=ny(10, 1, 1))  # 60 min in September, 60 in October
    incident(tracker, ny(10, 14, 10), resolved=ny(10, 14, 11, 30))  # 90 min
    excluded = incident(tracker, ny(8, 10, 10), resolved=ny(8, 10, 12))
    tracker.act(excluded, K.EXCLUDED, at=ny(8, 11, 9), author="bob", reason="customer network")  # not downtime
    later = incident(tracker, ny(11, 10, 10), resolved=ny(11, 10, 10, 30))  # 30 min
    tracker.act(later, K.EXCLUDED, at=ny(11, 20, 9), author="bob", reason="late")  # after the read: still counts
    incident(tracker, ny(11, 15, 11), resolved=ny(11, 16, 10))  # open at the instant read: 60 min so far
    incident(tracker, ny(11, 20, 10), resolved=ny(11, 20, 11))  # opened after it: not counted
    incident(tracker, ny(11, 3, 10), severity="2", resolved=ny(11, 3, 12))  # weight 0
    as_of = ny(11, 15, 12)
    result = trend(tracker, tracker.policies.get("openweb"), 4, as_of)
    assert [r["month"] for r in result.months] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    august, september, october = result.months[:3]
    # T: August and October have 31 days of EDT (44640 min), September 30 (43200).
    assert [m["total_minutes"] for m in (august, september, october)] == [44640, 43200, 44640]
    assert [m["downtime_minutes"] for m in (august, september, october)] == [0, 60, 150]
    assert august["availability_pct"] == 100
    assert september["availability_pct"] == pytest.approx(99.861111111, abs=1e-8)  # 43140 / 43200
    assert october["availability_pct"] == pytest.approx(99.663978495, abs=1e-8)  # 44490 / 44640
    assert [m["met"] for m in (august, september, october)] == [True, False, False]
    # The budget: 0.1% of T.
    assert [m["allowed_downtime_minutes"] for m in (august, september, october)] == [44.64, 43.2, 44.64]
    assert [m["remaining_downtime_minutes"] for m in (august, september, october)] == [44.64, -16.8, -105.36]
    assert result.missed
    # November so far: 1 Nov 00:00 EDT (04:00 UTC) to 15 Nov 12:00 EST (17:00 UTC) is 14 d 13 h = 20940 min,
    # a budget of 20.94 min; downtime so far 30 + 60 = 90 min: burning 90 / 20.94 = 4.2980 times too fast.
    assert result.burn_rate == pytest.approx(4.297994269, abs=1e-8)


def test_the_burn_rate_is_none_without_a_target(tracker: Tracker) -> None:
    incident(tracker, ny(11, 10, 10), policy="openmethods", resolved=ny(11, 10, 11))
    result = trend(tracker, tracker.policies.get("openmethods"), 1, ny(11, 15, 12))
    assert result.burn_rate is None
    assert result.months[0]["target_pct"] is None and result.months[0]["met"] is None


# -- listings ----------------------------------------------------------------------------------


def test_listing_by_status_as_of_an_instant(tracker: Tracker) -> None:
    a = incident(tracker, ny(11, 3, 10), resolved=ny(11, 3, 15))
    b = incident(tracker, ny(11, 3, 13))
    tracker.act(b, K.SEVERITY_CHANGED, at=ny(11, 3, 15, 30), author="bob", severity="2")
    c = incident(tracker, ny(11, 4, 10))

    def ids(status: str | None, as_of: datetime, **which: Any) -> list[int]:
        return [r["id"] for r in listing(tracker, Which(status=status, **which), as_of)]

    assert ids("open", ny(11, 3, 14)) == [a, b]  # a is resolved only at 15:00
    assert ids("resolved", ny(11, 3, 14)) == []
    assert ids(None, ny(11, 3, 14)) == [a, b]
    assert ids("open", ny(11, 3, 16)) == [b]
    assert ids("resolved", ny(11, 3, 16)) == [a]
    assert ids(None, ny(11, 3, 16)) == [a, b]
    assert ids(None, ny(11, 4, 10)) == [a, b, c]
    first = listing(tracker, Which(status="open", policy="openweb"), ny(11, 3, 14))[0]
    assert (first["id"], first["status"], first["resolved"]) == (a, "open", None)  # resolved later, at 15:00
    # Severity as of the read: b was lowered to 2 at 15:30.
    assert ids(None, ny(11, 3, 15), severities={"openweb": "1"}) == [a, b]
    assert ids(None, ny(11, 3, 16), severities={"openweb": "1"}) == [a]
    assert ids(None, ny(11, 3, 16), severities={"openweb": "2"}) == [b]
