"""The rules of workarounds, exceptions, escalation and quarters, as properties (issue 10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from slacli.errors import InputError
from slacli.incidents import Event, State, record
from slacli.periods import month, quarter
from slacli.policy import policies_from_document
from slacli.recorded import EventKind as K
from slacli.views.clocks import clocks

OPENED = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
DOCUMENT = {
    "calendars": {"office": {"timezone": "America/New_York", "hours": {"mon-fri": "09:00-17:00"}}},
    "policies": {
        "p": {
            "calendar": "office",
            "escalation": {"levels": [{"after": "0m", "who": "lead"}, {"after": "3h", "who": "vp"}]},
            "severities": {
                "fix": {"response": "1h", "resolution": "8 business hours", "escalate": True},
                "either": {
                    "response": "1h",
                    "resolution": "8 business hours",
                    "resolution_met_by": ["workaround", "resolve"],
                },
            },
        }
    },
}
POLICY = policies_from_document(DOCUMENT, Path("policies.toml")).get("p")
CALENDAR = POLICY.calendar
LATER = [K.ACKNOWLEDGED, K.PAUSED, K.RESUMED, K.UPDATE, K.WORKAROUND, K.ESCALATED, K.RESOLVED, K.REOPENED]
DETAILS = {K.PAUSED: {"reason": "r"}, K.UPDATE: {"message": "m"}, K.ESCALATED: {"to": "ann"}}


def opening(severity: str) -> tuple[State, Event]:
    details = {"policy": "p", "title": "t", "severity": severity, "started": OPENED.isoformat()}
    return record(None, Event(K.OPENED, OPENED, "ann", details), POLICY, "d")


def fold(severity: str, events: list[tuple[K, int]]) -> State:
    """The incident after ``events`` (kind, minutes after the previous one), the illegal skipped."""
    state, at = opening(severity)[0], OPENED
    for kind, minutes in events:
        at += timedelta(minutes=minutes)
        try:
            state, _ = record(state, Event(kind, at, "bob", DETAILS.get(kind, {})), POLICY, "d")
        except InputError:  # an illegal transition (resolve twice, resume unpaused): not recorded
            continue
    return state


histories = st.lists(st.tuples(st.sampled_from(LATER), st.integers(0, 600)), max_size=12)


@given(histories, st.sampled_from(["fix", "either"]), st.integers(0, 600), st.integers(0, 3000))
def test_an_exception_never_turns_a_miss_into_a_met(events, severity, when, look):
    """Recording an exception anywhere in a history changes no target's outcome nor any clock."""
    plain = fold(severity, events)
    excepted_at = OPENED + timedelta(minutes=when)
    at = max(excepted_at, plain.last_event or OPENED)
    exception = Event(K.EXCEPTION, at, "bob", {"reason": "r", "plan": "p"})
    with_exception, _ = record(plain, exception, POLICY, "d")
    as_of = at + timedelta(minutes=look)
    assert clocks(with_exception, as_of, CALENDAR) == clocks(plain, as_of, CALENDAR)
    assert (with_exception.response_met, with_exception.resolution_met) == (plain.response_met, plain.resolution_met)
    assert with_exception.exception_reason == "r"


@given(st.sampled_from(["fix", "either"]), st.integers(0, 8 * 60))
def test_a_workaround_by_the_due_meets_the_resolution_only_when_the_severity_lists_it(severity, business_minutes):
    state = opening(severity)[0]
    assert state.resolution_due is not None
    at = CALENDAR.add(OPENED, timedelta(minutes=business_minutes)).astimezone(UTC)
    assert at <= state.resolution_due
    after, _ = record(state, Event(K.WORKAROUND, at, "bob", {}), POLICY, "d")
    assert after.is_open
    assert after.resolution_met is (True if severity == "either" else None)
    assert (after.resolution_met_by == "workaround") is (severity == "either")


@given(st.integers(1, 600))
def test_a_workaround_after_the_due_meets_it_late_and_a_later_resolution_changes_nothing(minutes):
    state = opening("either")[0]
    assert state.resolution_due is not None
    late = state.resolution_due + timedelta(minutes=minutes)
    after, _ = record(state, Event(K.WORKAROUND, late, "bob", {}), POLICY, "d")
    resolved, _ = record(after, Event(K.RESOLVED, late + timedelta(hours=1), "bob", {}), POLICY, "d")
    assert after.resolution_met is resolved.resolution_met is False
    assert resolved.resolution_met_by == "workaround"


@given(st.integers(0, 10_000))
def test_the_level_reached_never_falls_as_time_passes(minutes):
    before, after = (POLICY.escalation_level(timedelta(minutes=m)) for m in (minutes, minutes + 1))
    assert before is not None and after is not None and before.number <= after.number
    assert before.who == ("lead" if minutes < 180 else "vp")


@given(st.integers(1, 9998), st.integers(1, 4), st.sampled_from(["America/New_York", "Asia/Kolkata", "UTC"]))
def test_a_quarter_is_its_three_months(year, number, zone_name):
    zone = ZoneInfo(zone_name)
    first, last = month(year, 3 * number - 2, zone), month(year, 3 * number, zone)
    assert quarter(year, number, zone) == (first[0], last[1])
