"""The Tracker directly (no Typer): writes, refused transitions, the injected clock, and
every read as of an instant (SPEC 2.14: events after it do not exist yet).

Instants are November 2026 in New York (EST, UTC-5, after the 1 November change);
openweb severity 1 opened in hours has a 2-hour wall response and resolution by the
close (17:00) of the next business day; severity 2 has no downtime weight.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slacli.errors import InputError
from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.recorded import EventKind, Status, WindowAction, WindowStatus
from slacli.storage.base import IncidentFilter
from slacli.storage.sqlite import open_sqlite
from slacli.tracker import Change, Tracker
from slacli.vocabulary import TargetName

NY = ZoneInfo("America/New_York")
FIXED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # what the injected clock always says
NOV_1 = datetime(2026, 11, 1, tzinfo=NY)
K = EventKind


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=NY)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def make_tracker(tmp_path: Path, policies_path: Path = SHIPPED_POLICIES) -> Tracker:
    return Tracker(
        open_sqlite(tmp_path / "x.db"),
        load_policies(policies_path, HolidayCache(tmp_path / "h.json")),
        clock=lambda: FIXED,
    )


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    return make_tracker(tmp_path)


def opened(tracker: Tracker, at: datetime, severity: str = "1", policy: str = "openweb") -> int:
    return tracker.open("db down", policy, severity, at=at, author="ann").incident.id


def test_open_act_resolve_round_trip(tmp_path: Path, tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    state = tracker.get(first).state
    assert state.status == Status.OPEN and state.opened == utc(3, 15)
    assert state.response_due == utc(3, 17)  # 10:00 + 2 h = 12:00 EST
    assert state.resolution_due == utc(4, 22)  # Wed 4 Nov 17:00 EST
    tracker.act(first, K.ACKNOWLEDGED, at=ny(3, 11), author="bob")
    done = tracker.act(first, K.RESOLVED, at=ny(3, 15), author="bob").state
    assert done.status == Status.RESOLVED and done.acked == utc(3, 16) and done.resolved == utc(3, 20)
    assert done.response_met is True and done.resolution_met is True
    # A new tracker over the same file reads back what was written.
    again = make_tracker(tmp_path)
    assert again.get(first).state == done
    assert [e.kind for e in again.history(first)] == [K.OPENED, K.ACKNOWLEDGED, K.RESOLVED]
    assert [e.author for e in again.history(first)] == ["ann", "bob", "bob"]
    with pytest.raises(InputError, match="no incident 2"):
        again.get(first + 1)


def test_a_refused_transition_writes_no_event(tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    tracker.act(first, K.ACKNOWLEDGED, at=ny(3, 11), author="bob")
    before = tracker.get(first).state
    with pytest.raises(InputError, match="already acknowledged"):
        tracker.act(first, K.ACKNOWLEDGED, at=ny(3, 12), author="cy")
    assert [e.kind for e in tracker.history(first)] == [K.OPENED, K.ACKNOWLEDGED]
    assert tracker.get(first).state == before  # acked stays 11:00
    with pytest.raises(InputError, match="is already severity 1"):
        tracker.act(first, K.SEVERITY_CHANGED, at=ny(3, 12), author="cy", severity="sev1")
    assert len(tracker.history(first)) == 2


def test_events_record_the_injected_clock_and_keep_their_own_instant(tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    tracker.act(first, K.PAUSED, at=ny(3, 10, 30), author="bob")
    tracker.act(first, K.RESUMED, at=ny(3, 11), author="bob")
    history = tracker.history(first)
    assert [e.recorded for e in history] == [FIXED, FIXED, FIXED]
    assert [e.at for e in history] == [utc(3, 15), utc(3, 15, 30), utc(3, 16)]


def test_as_of_undoes_later_events_and_is_none_before_the_opening(tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    tracker.act(first, K.ACKNOWLEDGED, at=ny(3, 11), author="bob")
    latest = tracker.act(first, K.RESOLVED, at=ny(3, 15), author="bob")
    assert tracker.as_of(latest, ny(3, 9, 59)) is None
    at_open = tracker.as_of(latest, ny(3, 10))
    assert at_open is not None and at_open.state.status == Status.OPEN and at_open.state.acked is None
    before_ack = tracker.as_of(latest, ny(3, 10, 59))
    assert before_ack is not None and before_ack.state.status == Status.OPEN
    at_ack = tracker.as_of(latest, ny(3, 11))  # an event at the instant asked about has happened
    assert at_ack is not None and at_ack.state.status == Status.ACKNOWLEDGED and at_ack.state.acked == utc(3, 16)
    before_resolution = tracker.as_of(latest, ny(3, 14, 59))
    assert before_resolution is not None and before_resolution.state.resolved is None
    assert before_resolution.state.is_open
    assert tracker.as_of(latest, ny(3, 15)) == latest


def test_find_as_of_sees_the_incidents_as_they_stood(tracker: Tracker) -> None:
    early = opened(tracker, ny(3, 10))
    tracker.act(early, K.RESOLVED, at=ny(3, 15), author="bob")
    late = opened(tracker, ny(3, 13))

    def found(where: IncidentFilter, as_of: datetime) -> list[tuple[int, Status]]:
        return [(i.id, i.state.status) for i in tracker.find(where, as_of)]

    # At 12:00 the early one was open (resolved at 15:00) and the late one not opened yet (13:00).
    assert found(IncidentFilter(), ny(3, 12)) == [(early, Status.OPEN)]
    assert found(IncidentFilter(unresolved_at=ny(3, 12)), ny(3, 12)) == [(early, Status.OPEN)]
    assert found(IncidentFilter(), ny(3, 13)) == [(early, Status.OPEN), (late, Status.OPEN)]
    assert found(IncidentFilter(), ny(3, 16)) == [(early, Status.RESOLVED), (late, Status.OPEN)]
    assert found(IncidentFilter(unresolved_at=ny(3, 16)), ny(3, 16)) == [(late, Status.OPEN)]
    # A later opened_by than as_of does not reach past as_of.
    assert found(IncidentFilter(opened_by=ny(4, 0)), ny(3, 12)) == [(early, Status.OPEN)]
    assert found(IncidentFilter(policy="optimy"), ny(3, 16)) == []


def stretches_of(tracker: Tracker, as_of: datetime) -> dict[int, tuple[str, str | None, list[tuple]]]:
    # Stretches read from the stored column come as JSON lists, replayed ones as tuples: compare as tuples.
    return {
        d.incident_id: (d.severity, d.excluded, [tuple(s) for s in d.stretches])
        for d in tracker.downtime("openweb", NOV_1, as_of)
    }


def test_downtime_as_of_before_an_exclusion_and_a_resolution(tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    tracker.act(first, K.RESOLVED, at=ny(3, 12), author="bob")
    tracker.act(first, K.EXCLUDED, at=ny(4, 9), author="bob", reason="customer network")
    ten, noon = ny(3, 10).timestamp(), ny(3, 12).timestamp()
    assert stretches_of(tracker, ny(3, 9)) == {}  # not opened yet
    assert stretches_of(tracker, ny(3, 11)) == {first: ("1", None, [(ten, None, 1)])}  # open: no end yet
    assert stretches_of(tracker, ny(3, 13)) == {first: ("1", None, [(ten, noon, 1)])}  # counts
    assert stretches_of(tracker, ny(4, 10)) == {first: ("1", "customer network", [(ten, noon, 1)])}  # excluded
    # Resolved before the period asked about: not read at all.
    assert tracker.downtime("openweb", ny(3, 12), ny(4, 10)) == []
    assert [d.incident_id for d in tracker.downtime("openweb", ny(3, 11, 59), ny(4, 10))] == [first]


def test_downtime_as_of_before_a_severity_change(tracker: Tracker) -> None:
    raised = opened(tracker, ny(10, 10), severity="2")  # weight 0 until raised to 1 at 11:00
    tracker.act(raised, K.SEVERITY_CHANGED, at=ny(10, 11), author="bob", severity="1")
    tracker.act(raised, K.RESOLVED, at=ny(10, 12), author="bob")
    lowered = opened(tracker, ny(12, 10), severity="1")  # weight 1 until lowered to 2 at 11:00
    tracker.act(lowered, K.SEVERITY_CHANGED, at=ny(12, 11), author="bob", severity="2")
    h = {(day, hour): ny(day, hour).timestamp() for day in (10, 12) for hour in (10, 11, 12)}
    assert stretches_of(tracker, ny(10, 10, 30)) == {}  # severity 2 then: no downtime
    assert stretches_of(tracker, ny(10, 11, 30)) == {raised: ("1", None, [(h[10, 11], None, 1)])}
    assert stretches_of(tracker, ny(10, 13)) == {raised: ("1", None, [(h[10, 11], h[10, 12], 1)])}
    assert stretches_of(tracker, ny(12, 10, 30))[lowered] == ("1", None, [(h[12, 10], None, 1)])
    assert stretches_of(tracker, ny(12, 11, 30))[lowered] == ("2", None, [(h[12, 10], h[12, 11], 1)])


def test_recompute_returns_the_moved_due_instants(tmp_path: Path, tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    [(_, unchanged)] = tracker.recompute([(first, ny(3, 10, 5))], author="bob")
    assert unchanged == []  # the same policy file: nothing moves
    edited = tmp_path / "policies.toml"
    text = SHIPPED_POLICIES.read_text(encoding="utf-8")
    old = 'response = { in_hours = "2h", out_of_hours = "4h" }'
    assert text.count(old) == 1
    edited.write_text(text.replace(old, 'response = { in_hours = "1h", out_of_hours = "4h" }'), encoding="utf-8")
    assert tracker.get(first).state.response_due == utc(3, 17)  # editing the file changes nothing yet
    newer = make_tracker(tmp_path, edited)
    [(incident, changes)] = newer.recompute([(first, ny(3, 10, 10))], author="bob")
    assert changes == [Change(TargetName.RESPONSE, utc(3, 17), utc(3, 16))]  # 12:00 EST -> 11:00 EST
    assert incident.state.response_due == utc(3, 16)
    last = newer.history(first)[-1]
    assert last.kind == K.RECOMPUTED
    assert last.details["changes"] == {
        "response": {"from": "2026-11-03T17:00:00+00:00", "to": "2026-11-03T16:00:00+00:00"}
    }
    newer.act(first, K.RESOLVED, at=ny(3, 11), author="bob")
    with pytest.raises(InputError, match="is resolved"):
        newer.recompute([(first, ny(3, 12))], author="bob")


def test_windows_as_of_hide_the_unannounced_and_undo_later_actions(tracker: Tracker) -> None:
    window_id, _ = tracker.add_window(
        "openweb",
        ny(14, 2),
        ny(14, 4),
        author="ann",
        kind=None,
        announced=ny(10, 12),
        title="db upgrade",
        service=None,
    )
    tracker.window_action(window_id, WindowAction.START, at=ny(14, 2), author="ann")
    tracker.window_action(window_id, WindowAction.COMPLETE, at=ny(14, 3, 30), author="ann")

    def status(as_of: datetime) -> list[tuple[int, WindowStatus]]:
        return [(i, w.status) for i, w in tracker.windows(as_of, "openweb")]

    assert status(ny(10, 11, 59)) == []  # announced at 12:00
    assert status(ny(10, 12)) == [(window_id, WindowStatus.SCHEDULED)]
    assert status(ny(14, 1)) == [(window_id, WindowStatus.SCHEDULED)]
    assert status(ny(14, 3)) == [(window_id, WindowStatus.IN_PROGRESS)]  # completed after 03:00: not yet
    assert status(ny(14, 3, 30)) == [(window_id, WindowStatus.COMPLETED)]
    assert tracker.windows(ny(20, 0), "openweb", (ny(14, 4), ny(15, 0))) == []  # ends as that span starts
    assert [e.kind for e in tracker.store.window_events(window_id)] == ["added", "start", "complete"]


def test_an_event_dated_after_now_is_refused(tracker: Tracker) -> None:
    first = opened(tracker, ny(3, 10))
    with pytest.raises(InputError):
        tracker.act(first, K.ACKNOWLEDGED, at=FIXED + timedelta(days=1), author="bob")
    assert len(tracker.history(first)) == 1
    with pytest.raises(InputError):
        tracker.open("later", "openweb", "1", at=FIXED + timedelta(days=1), author="ann")


def test_a_window_action_dated_before_the_previous_one_is_refused(tracker: Tracker) -> None:
    window_id, _ = tracker.add_window(
        "openweb", ny(14, 2), ny(14, 4), author="ann", kind=None, announced=ny(10, 12), title="", service=None
    )
    tracker.window_action(window_id, WindowAction.START, at=ny(14, 2), author="ann")
    with pytest.raises(InputError):
        tracker.window_action(window_id, WindowAction.COMPLETE, at=ny(14, 1), author="ann")
    assert [w.status for _, w in tracker.windows(ny(14, 1, 30), "openweb")] == [WindowStatus.SCHEDULED]
