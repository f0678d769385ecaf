"""Exact behaviour, edges and texts of the read layer's pure parts (slacli.views.availability explain
and bar, slacli.views.deadlines) and the readable texts of
slacli.policy.model.Target and slacli.calendars.

Records are compared with their instants as ISO text, so the zone they are shown in counts
(aware datetimes in different zones compare equal). The calendar is New York, Monday to
Friday 09:00-17:00, no holidays; November 2026 is EST (UTC-5); Monday 23 November 2026 is a
Monday. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS

from slacli.calendars import Calendar, WeeklyHours
from slacli.errors import InputError
from slacli.policy import Target, policies_from_document
from slacli.recorded import EventKind, WindowAction
from slacli.rules import WallDuration
from slacli.storage.sqlite import open_sqlite
from slacli.tracker import Tracker
from slacli.uptime import Measurement
from slacli.views.availability import bar, explain, gather
from slacli.views.deadlines import deadline

NY = ZoneInfo("America/New_York")
DOCUMENT = {
    "calendars": OFFICE_CALENDARS,
    "policies": {
        "p": {
            "calendar": "office",
            "availability": {"target": 99.9, "exclude_maintenance": ["scheduled"]},
            "severities": {
                "1": {
                    "name": "Critical",
                    "response": {"in_hours": "2h", "out_of_hours": "4 business hours"},
                    "resolution": {"rule": "8 business hours", "anchor": "acked"},
                    "downtime": 1,
                },
                "2": {"response": "4h", "downtime": 0.5},
            },
        },
        "bare": {"calendar": "office", "severities": {"1": {"response": "1h"}}},
    },
}
POLICIES = policies_from_document(DOCUMENT, Path("policies.toml"))
SEVERITY_NOTE = "severity {} as of the read"  # the severity an incident has as of the read
P = POLICIES.get("p")


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def shown(record: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in record.items()}


def test_a_deadline_not_acknowledged_yet_is_provisional():
    # Opened Mon 10:00, in hours: response 2 wall hours = Mon 12:00. Resolution counts from
    # acked; not acked, so from the response due Mon 12:00: 8 business hours = 5h to 17:00,
    # then 3h from Tue 09:00 = Tue 24 Nov 12:00.
    found = deadline(P, P.severity("1"), ny(23, 10), None, NY)
    assert shown(found.record) == {
        "policy": "p",
        "severity": "1",
        "severity_name": "Critical",
        "opened": "2026-11-23T10:00:00-05:00",
        "acked": None,
        "opened_in_hours": True,
        "response_due": "2026-11-23T12:00:00-05:00",
        "resolution_due": "2026-11-24T12:00:00-05:00",
        "resolution_provisional": True,
        "response_rule": "2h",
        "resolution_rule": "8 business hours",
        "resolution_anchor": "acked",
        "response_explanation": "opened Mon 23 Nov 10:00 EST, in hours; +2h wall = Mon 23 Nov 12:00 EST",
        "resolution_explanation": "not acked yet, so from the response due Mon 23 Nov 12:00 EST (provisional), "
        "in hours; +8 business hours = Tue 24 Nov 12:00 EST",
    }
    assert [(t["target"], t["due"], t["rule"], t["anchor"]) for t in found.targets] == [
        ("response", "2026-11-23T12:00:00-05:00", "2h", "opened"),
        ("resolution", "2026-11-24T12:00:00-05:00 (provisional)", "8 business hours", "acked"),
    ]


def test_a_deadline_acked_at_the_opening_instant_counts_from_it():
    # Acked = opened (allowed: not before). Resolution: Mon 10:00 + 8 business hours = 7h to
    # 17:00, then 1h: Tue 24 Nov 10:00. Shown in UTC when asked: 15:00Z.
    found = deadline(P, P.severity("1"), ny(23, 10), ny(23, 10), ZoneInfo("UTC"))
    record = shown(found.record)
    assert (record["acked"], record["resolution_due"], record["resolution_provisional"]) == (
        "2026-11-23T15:00:00+00:00",
        "2026-11-24T15:00:00+00:00",
        False,
    )
    assert [t["due"] for t in found.targets] == ["2026-11-23T17:00:00+00:00", "2026-11-24T15:00:00+00:00"]
    # The same shown in New York: acked is shown in the zone asked for too.
    found = deadline(P, P.severity("1"), ny(23, 10).astimezone(ZoneInfo("UTC")), ny(23, 10), NY)
    assert (shown(found.record)["opened"], shown(found.record)["acked"]) == (
        "2026-11-23T10:00:00-05:00",
        "2026-11-23T10:00:00-05:00",
    )


@pytest.mark.parametrize(
    ("acked", "due", "lead"),
    [
        # Acked at the response due (Mon 12:00): from it, 8 business hours = Tue 12:00.
        (ny(23, 12), "2026-11-24T12:00:00-05:00", "acked Mon 23 Nov 12:00 EST"),
        # A second later, or a day later: still from Mon 12:00 (SPEC 2.9), and it says so.
        (ny(23, 12, 0) + timedelta(seconds=1), "2026-11-24T12:00:00-05:00", "acked late (Mon 23 Nov 12:00 EST)"),
        (ny(24, 15), "2026-11-24T12:00:00-05:00", "acked late (Tue 24 Nov 15:00 EST)"),
        # Earlier than the response due: from the acknowledgement, Mon 11:00 -> Tue 11:00.
        (ny(23, 11), "2026-11-24T11:00:00-05:00", "acked Mon 23 Nov 11:00 EST"),
    ],
)
def test_a_late_acknowledgement_does_not_extend_the_resolution(acked, due, lead):
    found = deadline(P, P.severity("1"), ny(23, 10), acked, NY)
    record = shown(found.record)
    assert (record["resolution_due"], record["resolution_provisional"]) == (due, False)
    assert record["resolution_explanation"].startswith(lead)


def test_a_deadline_acked_before_it_opened_is_refused():
    with pytest.raises(InputError) as refused:
        deadline(P, P.severity("1"), ny(23, 10), ny(23, 9, 59), NY)
    assert str(refused.value) == "acked is before opened"


def test_a_severity_without_a_resolution_target():
    found = deadline(P, P.severity("2"), ny(23, 10), None, NY)
    assert (found.record["resolution_rule"], found.record["resolution_due"]) == (None, None)
    assert found.record["severity_name"] == "2"  # no name: the key
    assert found.targets[1] == {
        "target": "resolution",
        "due": "no target",
        "rule": "none",
        "anchor": "opened",
        "why": "no target",
    }


def test_target_descriptions():
    two, four = WallDuration("2h", timedelta(hours=2)), WallDuration("4h", timedelta(hours=4))
    assert Target(two, two).describe() == "2h"
    assert Target(two, four).describe() == "2h in hours, 4h out of hours"
    assert Target(None, four).describe() == "none in hours, 4h out of hours"
    assert Target(two, two, "acked").describe() == "2h (from acked)"


def test_weekly_hours_describe_skips_closed_days_and_lists_breaks():
    lunch = ((540, 720), (780, 1020))
    hours = WeeklyHours((lunch, lunch, (), ((540, 1020),), ((540, 1020),), (), ()))
    assert hours.describe() == "Mon-Tue 09:00-12:00, 13:00-17:00; Thu-Fri 09:00-17:00"


def test_holidays_between_is_half_open():
    extra = {date(2026, 12, 25): "Christmas", date(2026, 12, 26): "Boxing Day"}
    calendar = Calendar("c", NY, WeeklyHours.always(), extra=extra)
    assert calendar.holidays_between(date(2026, 12, 24), date(2026, 12, 26)) == [(date(2026, 12, 25), "Christmas")]


@pytest.mark.parametrize(
    ("policy", "downtime", "expected"),
    [
        # Target 99.9: the bar runs from 99.8 (empty) to 100 (full). T = 1000 s.
        ("p", 1, "#" * 10 + "." * 10),  # A = 99.9: half way, 10 of 20
        ("p", 0, "#" * 20),  # A = 100
        ("p", 10, "." * 20),  # A = 99.0, below the floor
        ("bare", 1, "#" * 10 + "." * 10),  # no target: 99.9 is assumed
    ],
)
def test_bar(policy, downtime, expected):
    assert bar(Measurement(1000, 0, downtime).percent, POLICIES.get(policy)) == expected


def test_bar_is_empty_when_the_whole_period_is_maintenance():
    assert bar(Measurement(1000, 1000, 0).percent, P) == ""


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    return Tracker(open_sqlite(tmp_path / "x.db"), POLICIES, clock=lambda: ny(30, 12))


def test_explain_says_why_each_interval_counts(tracker: Tracker) -> None:
    def window(kind: str, start: datetime, end: datetime) -> int:
        options = {"kind": kind, "announced": ny(16, 9), "title": "", "service": None}
        return tracker.add_window("p", start, end, author="ann", **options)[0]

    def incident(at: datetime, *events: tuple[EventKind, datetime, dict]) -> int:
        found = tracker.open("x", "p", "1", at=at, author="ann").incident.id
        for kind, when, details in events:
            tracker.act(found, kind, at=when, author="ann", **details)
        return found

    cancelled = window("scheduled", ny(23, 1), ny(23, 2))
    tracker.window_action(cancelled, WindowAction.CANCEL, at=ny(22, 12), author="ann")
    emergency = window("emergency", ny(23, 3), ny(23, 4))
    across = window("scheduled", ny(22, 23), ny(23, 1, 30))  # 90 minutes of it in the period
    window("scheduled", ny(25, 1), ny(25, 2))  # Wednesday: not in the period, no row
    # Excluded, still open: weight 1, then 0.5 from Mon 05:00, then 1 again from 06:00.
    sev = EventKind.SEVERITY_CHANGED
    isp = incident(
        ny(22, 22), (sev, ny(23, 5), {"severity": "2"}), (sev, ny(23, 6), {"severity": "1"}),
        (EventKind.EXCLUDED, ny(23, 7), {"reason": "customer ISP"}),
    )  # fmt: skip
    test = incident(
        ny(23, 8), (EventKind.EXCLUDED, ny(23, 8, 30), {"reason": "test"}), (EventKind.RESOLVED, ny(23, 9), {})
    )
    # Severity 1 (weight 1) before the period, severity 2 (weight 0.5) from Sun 23:30 to Mon 01:00.
    early = incident(ny(22, 20), (sev, ny(22, 23, 30), {"severity": "2"}), (EventKind.RESOLVED, ny(23, 1), {}))
    inside = incident(ny(23, 10), (EventKind.RESOLVED, ny(23, 11), {}))
    # A stretch that ends at the period's start and one that starts at its end: no rows.
    touching = incident(ny(22, 22, 30), (sev, ny(23, 0), {"severity": "2"}), (EventKind.RESOLVED, ny(23, 0, 30), {}))
    incident(ny(24, 0), (EventKind.RESOLVED, ny(24, 1), {}))
    lo, hi = ny(23, 0), ny(24, 0)
    rows = explain(gather(tracker, P, lo, hi, ny(24, 12)), P, lo, hi)
    assert [r["counts_as"] for r in rows] == [
        "maintenance",
        "nothing",
        "downtime",
        *["nothing"] * 3,
        "downtime",
        "nothing",
    ]
    assert [tuple(v for k, v in shown(r).items() if k != "counts_as") for r in rows] == [
        (f"maintenance {across}", "2026-11-22T23:00:00-05:00", "2026-11-23T01:30:00-05:00", 90,
         "scheduled: excluded from T; clipped to the period"),
        (f"maintenance {cancelled}", "2026-11-23T01:00:00-05:00", "2026-11-23T02:00:00-05:00", 0,
         "cancelled: not maintenance"),
        (f"maintenance {emergency}", "2026-11-23T03:00:00-05:00", "2026-11-23T04:00:00-05:00", 60,
         "emergency, impact full: downtime, the policy does not exclude it; weight 1"),
        # From the first stretch's start to the period's end (the last has no end), clipped.
        (f"incident {isp}", "2026-11-23T00:00:00-05:00", "2026-11-24T00:00:00-05:00", 0, "excluded: customer ISP"),
        (f"incident {test}", "2026-11-23T08:00:00-05:00", "2026-11-23T09:00:00-05:00", 0, "excluded: test"),
        # Clipped to 00:00-01:00, all of it inside the window across midnight (to 01:30):
        # 0.5 x (60 - 60) = 0 minutes.
        (f"incident {early}", "2026-11-23T00:00:00-05:00", "2026-11-23T01:00:00-05:00", 0,
         f"weight 0.5 ({SEVERITY_NOTE.format('2')}); clipped to the period; 1h inside maintenance"),
        (f"incident {inside}", "2026-11-23T10:00:00-05:00", "2026-11-23T11:00:00-05:00", 60,
         f"weight 1 ({SEVERITY_NOTE.format('1')})"),
        # 00:00-00:30 at weight 0.5, all inside the window across midnight: 0 minutes.
        (f"incident {touching}", "2026-11-23T00:00:00-05:00", "2026-11-23T00:30:00-05:00", 0,
         f"weight 0.5 ({SEVERITY_NOTE.format('2')}); 30m inside maintenance"),
    ]  # fmt: skip
    assert [list(r) for r in rows] == [["source", "start", "end", "minutes", "counts_as", "why"]] * 8
