"""Exact behaviour, edges and texts of slacli.views.incidents.detail (``slacli show``: its clock rows
and timeline) and slacli.views.availability.period_availability (its service and month).

The policy: New York, Monday to Friday 09:00-17:00, no holidays; severity 1 responds in 2
wall hours and resolves in 8 business hours counted from the acknowledgement (from the
response due until then: provisional), a full outage; severity 2 responds in 4 hours and
has no resolution target. November 2026 is EST (UTC-5); Monday 23 November 2026 is a
Monday. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS, iso_record, tracker_over

from slacli.errors import InputError
from slacli.recorded import EventKind
from slacli.tracker import Tracker
from slacli.views.availability import period_availability
from slacli.views.incidents import detail

NY = ZoneInfo("America/New_York")
K = EventKind
DOCUMENT = {
    "calendars": OFFICE_CALENDARS,
    "policies": {
        "p": {
            "calendar": "office",
            "availability": {"target": 99.9},
            "report_within": "1d",
            "severities": {
                "1": {
                    "response": "2h",
                    "resolution": {"rule": "8 business hours", "anchor": "acked"},
                    "downtime": 1,
                },
                "2": {"response": "4h"},
            },
        }
    },
}


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    return tracker_over(DOCUMENT, tmp_path, ny(12, 1, 12))


STOPPED = {"left": None, "left_minutes": None, "left_business_minutes": None}  # a clock no longer running


def test_show_lists_each_clock_and_the_timeline_up_to_the_instant(tracker: Tracker) -> None:
    found = tracker.open("Down", "p", "1", at=ny(11, 23, 10), author="ann", services=["web"], ref="T-1").incident.id
    tracker.act(found, K.ACKNOWLEDGED, at=ny(11, 23, 10, 30), author="bob")
    tracker.act(found, K.SEVERITY_CHANGED, at=ny(11, 23, 10, 50), author="bob", severity="2")
    tracker.act(found, K.EXCLUDED, at=ny(11, 23, 11), author="bob", reason="customer ISP")
    # As of 11:00, the instant of the last event (which counts). The response was met at
    # 10:30 and keeps its due (12:00); severity 2 has no resolution target.
    shown_now = detail(tracker, found, ny(11, 23, 11))
    assert [iso_record(c) for c in shown_now.clocks] == [
        {"clock": "response", "due": "2026-11-23T12:00:00-05:00", "status": "met", **STOPPED, "counts": "wall"},
        {"clock": "resolution", "due": "no target", "status": "no target", **STOPPED, "counts": None},
    ]
    # Details hide what the record shows as fields (policy, title, started, service, ref,
    # late_report) and the stored due instants; a severity change records what it was before.
    shown = [iso_record(e) for e in shown_now.events]
    assert [{k: e[k] for k in ("seq", "at", "event", "by", "details")} for e in shown] == [
        {"seq": 1, "at": "2026-11-23T10:00:00-05:00", "event": "opened", "by": "ann", "details": "severity=1"},
        {"seq": 2, "at": "2026-11-23T10:30:00-05:00", "event": "acknowledged", "by": "bob", "details": ""},
        {
            "seq": 3,
            "at": "2026-11-23T10:50:00-05:00",
            "event": "severity changed",
            "by": "bob",
            "details": "from=1, severity=2",
        },
        {
            "seq": 4,
            "at": "2026-11-23T11:00:00-05:00",
            "event": "excluded",
            "by": "bob",
            "details": "reason=customer ISP",
        },
    ]
    # Written down later than they happened (the clock is fixed after them): the note says when.
    recorded = "2026-12-01T12:00:00-05:00"  # the tracker's clock
    assert {(e["recorded_at"], e["recorded_by"], e["note"]) for e in shown} == {(recorded, "", f"recorded {recorded}")}
    assert {(e["corrected_by"], e["void"], e["redated_to"]) for e in shown} == {(None, False, None)}
    assert shown_now.record["excluded"] == "customer ISP"
    assert (shown_now.record["ref"], shown_now.record["service"]) == ("T-1", "web")
    assert shown_now.record["provisional"] is False  # no resolution target: nothing provisional


def test_show_says_what_is_left_and_what_is_provisional(tracker: Tracker) -> None:
    found = tracker.open("Down", "p", "1", at=ny(11, 23, 10), author="ann").incident.id
    # As of 11:00: response due 12:00, 1 wall hour left. Not acked: the resolution counts
    # from 12:00, 5h to 17:00 and 3h on Tuesday: Tue 24 Nov 12:00; business time left from
    # Mon 11:00: 6h on Monday and 3h on Tuesday.
    assert [iso_record(c) for c in detail(tracker, found, ny(11, 23, 11)).clocks] == [
        {"clock": "response", "due": "2026-11-23T12:00:00-05:00", "status": "pending", "left": "1h wall",
         "left_minutes": 60, "left_business_minutes": None, "counts": "wall"},
        {"clock": "resolution", "due": "2026-11-24T12:00:00-05:00", "status": "pending (provisional)",
         "left": "9h business", "left_minutes": 25 * 60, "left_business_minutes": 9 * 60, "counts": "business"},
    ]  # fmt: skip


def test_show_says_by_how_much_a_running_clock_is_overdue(tracker: Tracker) -> None:
    # Opened Mon 10:00, not acked: the response (2 wall hours, due 12:00) is breached and
    # still running; as of 14:05 it is 2h05m overdue, said in words, minutes negative.
    found = tracker.open("Down", "p", "1", at=ny(11, 23, 10), author="ann").incident.id
    response = detail(tracker, found, ny(11, 23, 14, 5)).clocks[0]
    assert (response["status"], response["left"], response["left_minutes"]) == (
        "breached",
        "overdue by 2h 5m wall",
        -125,
    )


def test_show_a_paused_incident_reported_late(tracker: Tracker) -> None:
    # Impact began Fri 20 Nov 10:00, reported Mon 23 Nov 10:00: more than the policy's 1d,
    # so late_report, which the record shows, not the timeline. Acked 10:30: resolution due
    # 10:30 + 8 business hours = Tue 24 Nov 10:30. Paused at 11:00; as of 12:00 the pause
    # pushes it back by 1 business hour: Tue 11:30; left from Mon 12:00: 5h + 2h30m.
    started = ny(11, 20, 10)
    found = tracker.open("Down", "p", "1", at=ny(11, 23, 10), author="ann", started=started).incident.id
    tracker.act(found, K.ACKNOWLEDGED, at=ny(11, 23, 10, 30), author="bob")
    tracker.act(found, K.PAUSED, at=ny(11, 23, 11), author="bob")
    shown_now = detail(tracker, found, ny(11, 23, 12))
    assert shown_now.record["late_report"] is True
    assert iso_record(shown_now.record)["started"] == "2026-11-20T10:00:00-05:00"
    assert shown_now.record["paused_minutes"] == 60  # paused 11:00, read at 12:00
    assert shown_now.events[0]["details"] == "severity=1"
    assert iso_record(shown_now.clocks[1]) == {
        "clock": "resolution",
        "due": "2026-11-24T11:30:00-05:00",
        "status": "paused",
        "left": "7h 30m business",
        "left_minutes": (23 * 60 + 30),  # Mon 12:00 to Tue 11:30
        "left_business_minutes": 7 * 60 + 30,
        "counts": "business",
    }
    # As of 18:00 (closed): 6 business hours paused (11:00-17:00), not 7 wall hours: Tue
    # 10:30 + 6h = Tue 16:30; left from Mon 18:00: 7h30m on Tuesday.
    evening = detail(tracker, found, ny(11, 23, 18))
    assert (iso_record(evening.clocks[1])["due"], evening.clocks[1]["left"]) == (
        "2026-11-24T16:30:00-05:00",
        "7h 30m business",
    )


def test_show_before_the_opening_names_the_instant_in_the_policys_zone(tracker: Tracker) -> None:
    found = tracker.open("Down", "p", "1", at=ny(11, 23, 10), author="ann").incident.id
    with pytest.raises(InputError) as refused:
        detail(tracker, found, ny(11, 23, 9))
    assert str(refused.value) == f"incident {found} was not open yet at 2026-11-23T09:00:00-05:00"


def test_period_availability_of_one_service(tracker: Tracker) -> None:
    # web: down Mon 23 Nov 10:00-11:00 (60 min, weight 1); db, another service: 12:00-14:00.
    for service, start, end in (("web", 10, 11), ("db", 12, 14)):
        found = tracker.open(service, "p", "1", at=ny(11, 23, start), author="ann", services=[service]).incident.id
        tracker.act(found, K.RESOLVED, at=ny(11, 23, end), author="ann")
    lo, hi = ny(11, 1, 0), ny(12, 1, 0)
    record = period_availability(
        tracker, tracker.policies.get("p"), lo, hi, ny(12, 1, 12), month="2026-11", service="web"
    )
    # 1 November 00:00 is still EDT (UTC-4); 1 December 00:00 is EST.
    assert (iso_record(record)["from"], iso_record(record)["to"], record["month"], record["downtime_minutes"]) == (
        "2026-11-01T00:00:00-04:00",
        "2026-12-01T00:00:00-05:00",
        "2026-11",
        60,
    )
