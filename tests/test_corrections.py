"""Corrections (SPEC 2.13, 2.14): the log is append-only and a mistake is put right by a
later event that voids or re-dates an earlier one. The central property: a corrected
incident is exactly what a fresh tracker makes of the corrected history recorded in the
first place, in its state and in every as-of read; a correction is refused when (and only
when) that history could not have been recorded, and a refused one writes nothing.

The reference below works the corrected history out on its own (the events in force,
by their instants, a tie in log order) and records it with the ordinary commands
(Tracker.open, act, recompute); it never calls slacli.corrections.

The clock is fixed at FIXED (Monday 30 November 2026, 07:00 EST); histories lie in
November 2026 in New York (EST, UTC-5, after the 1 November change).
"""

from __future__ import annotations

import copy
import json
import sqlite3
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest
from conftest import FROZEN_NOW, OFFICE_CALENDARS, user_error
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from slacli.errors import InputError
from slacli.holidaydata import HolidayCache
from slacli.incidents import Event, record
from slacli.paths import SHIPPED_POLICIES
from slacli.periods import Period
from slacli.policy import policies_from_document
from slacli.recorded import EventKind, PeriodKind, Status
from slacli.storage.base import LogEntry
from slacli.storage.sqlite import open_sqlite
from slacli.tracker import CLOCK_SKEW, Tracker, _row
from slacli.views.availability import period_availability
from slacli.views.board import breaches, due_board
from slacli.views.incidents import Which, detail, listing
from slacli.views.report import build_report

K = EventKind
NY = ZoneInfo("America/New_York")
FIXED = FROZEN_NOW  # what every tracker's clock says
NOVEMBER = Period(PeriodKind.MONTH, "2026-11", 2026, 11)

# The shipped presets and one office-hours policy of our own, in one policy set: the
# office one has an update cadence, an acked-anchored business resolution, a partial
# downtime weight and a report_within (so the opening's --started matters).
_DOCUMENT = tomllib.loads(SHIPPED_POLICIES.read_text(encoding="utf-8"))
_DOCUMENT["calendars"].update(OFFICE_CALENDARS)
_DOCUMENT["policies"]["office"] = {
    "calendar": "office",
    "report_within": "1d",
    "availability": {"target": 99.9},
    "severities": {
        "1": {
            "response": "2h",
            "resolution": {"rule": "8 business hours", "anchor": "acked"},
            "update_every": "1h",
            "downtime": 1,
        },
        "2": {"response": "4 business hours", "resolution": "2d", "update_every": "3h", "downtime": 0.5},
        "3": {"response": "next business day 09:00", "resolution": "none"},
    },
}
CACHE = HolidayCache(None)  # one in-memory holiday table for every tracker of the module
POLICIES = policies_from_document(_DOCUMENT, SHIPPED_POLICIES, CACHE)
SEVERITIES = {"openweb": ["1", "2", "3", "4"], "opencraft": ["critical", "major", "minor"], "office": ["1", "2", "3"]}


def new_tracker(directory: Path) -> Tracker:
    return Tracker(open_sqlite(directory / "x.db"), POLICIES, CACHE, clock=lambda: FIXED, recorder="rec")


class Step(NamedTuple):
    """One event as the user records it: its kind, instant and command arguments."""

    kind: EventKind
    at: datetime
    args: dict[str, Any]


def record_step(tracker: Tracker, incident_id: int | None, step: Step) -> int:
    """Record ``step`` with the ordinary command for it; the incident's id."""
    if step.kind == K.OPENED:
        if incident_id is not None:
            raise InputError("a second opening")
        args = step.args
        opened = tracker.open("db down", args["policy"], args["severity"], at=step.at, author="ann", **args["more"])
        return opened.incident.id
    if incident_id is None:
        raise InputError("an event before the opening")
    if step.kind == K.RECOMPUTED:
        tracker.recompute([(incident_id, step.at)], author="bob")
    else:
        tracker.act(incident_id, step.kind, at=step.at, author="bob", **step.args)
    return incident_id


def record_all(tracker: Tracker, steps: list[Step]) -> int:
    incident_id = None
    for step in steps:
        incident_id = record_step(tracker, incident_id, step)
    assert incident_id is not None
    return incident_id


# -- the reference: the corrected history, worked out independently -------------------


class Entry(NamedTuple):
    """One row of the log as the model keeps it: an event, or a correction of ``target``."""

    step: Step | None  # None: a correction
    target: int = 0  # the corrected seq
    at: datetime | None = None  # None: void


def corrected_history(log: list[Entry]) -> list[Step]:
    """The events in force: the latest correction of each wins; voided ones out;
    re-dated ones at their new instant, by instant, a tie in log order. A re-dated
    opening takes its impact start along when that was the open instant; an earlier
    --started stays."""
    latest: dict[int, Entry] = {}
    for entry in log:
        if entry.step is None:
            latest[entry.target] = entry
    kept = []
    for seq, entry in enumerate(log, start=1):
        if entry.step is None:
            continue
        step = entry.step
        if seq in latest:
            fix = latest[seq]
            if fix.at is None:
                continue
            if step.kind == K.OPENED and step.args["more"].get("started", step.at) == step.at:
                step = step._replace(args={**step.args, "more": {}})  # impact began when it was opened
            step = step._replace(at=fix.at)
        kept.append((step.at, seq, step))
    kept.sort(key=lambda item: (item[0], item[1]))
    return [step for _, _, step in kept]


def in_force_at(log: list[Entry], seq: int) -> datetime | None:
    """Event ``seq``'s instant in force (None: void)."""
    instant = log[seq - 1].step.at  # type: ignore[union-attr]
    for entry in log:
        if entry.step is None and entry.target == seq:
            instant = entry.at
    return instant


def expected_refusal(log: list[Entry], seq: int, at: datetime | None) -> str | None:
    """Why correcting ``seq`` this way is refused regardless of the history it makes."""
    if not 1 <= seq <= len(log):
        return "no event"
    if log[seq - 1].step is None:
        return "is a correction"
    if at is None and log[seq - 1].step.kind == K.OPENED:  # type: ignore[union-attr]
        return "cannot be voided"
    current = in_force_at(log, seq)
    if at is None and current is None:
        return "already void"
    if at is not None and current == at:
        return "already at"
    return None


def reference(steps: list[Step], stack: ExitStack) -> tuple[Tracker, int] | str:
    """A fresh tracker that recorded ``steps`` directly, or why they cannot be recorded."""
    tracker = new_tracker(Path(stack.enter_context(tempfile.TemporaryDirectory())))
    stack.callback(tracker.store.close)
    try:
        return tracker, record_all(tracker, steps)
    except InputError as refused:
        return str(refused)


# -- random histories ------------------------------------------------------------------

PERCENT = st.sampled_from(range(100))  # evenly, unlike st.integers
GAPS = st.one_of(
    st.sampled_from([0, 1, 30, 59, 60, 61, 119, 120, 121, 240, 480, 1440]),
    st.integers(0, 2000),
)


@st.composite
def histories(draw: st.DrawFn) -> list[Step]:
    """A valid history: an opening, then up to 8 events the lifecycle allows, in order."""
    policy = draw(st.sampled_from(sorted(SEVERITIES)))
    severity = draw(st.sampled_from(SEVERITIES[policy]))
    start = datetime(2026, 11, 3, tzinfo=NY) + timedelta(minutes=draw(st.integers(0, 17 * 24 * 60)))
    more: dict[str, Any] = {}
    if draw(st.booleans()):
        more["started"] = start - timedelta(minutes=draw(st.sampled_from([0, 1, 60, 1440, 1441, 3000])))
    steps = [Step(K.OPENED, start, {"policy": policy, "severity": severity, "more": more})]
    acked = paused = resolved = False
    at, earlier = start, severity
    for _ in range(draw(st.integers(0, 8))):
        at = at + timedelta(minutes=draw(GAPS))
        if at > FIXED - timedelta(hours=1):
            break
        if resolved:
            choices = [K.REOPENED, K.EXCLUDED, K.POSTMORTEM]
        else:
            choices = [K.UPDATE, K.SEVERITY_CHANGED, K.RESOLVED, K.EXCLUDED, K.POSTMORTEM, K.RECOMPUTED]
            choices += [K.RESUMED] if paused else [K.PAUSED]
            choices += [] if acked else [K.ACKNOWLEDGED, K.ACKNOWLEDGED]
        kind = draw(st.sampled_from(choices))
        args: dict[str, Any] = {}
        if kind == K.SEVERITY_CHANGED:  # back and forth, mostly: voiding one leaves a change to the same
            others = [s for s in SEVERITIES[policy] if s != severity]
            back = [earlier] if earlier != severity and draw(PERCENT) < 60 else others
            earlier, severity = severity, draw(st.sampled_from(back))
            args["severity"] = severity
        elif kind == K.PAUSED:
            args["reason"] = "waiting on the customer"
        elif kind == K.UPDATE:
            args["message"] = "still on it"
        elif kind == K.EXCLUDED:
            args["reason"] = draw(st.sampled_from(["customer ISP", None]))
        elif kind == K.POSTMORTEM:
            args["url"] = "https://wiki.example.com/pm"
        acked = acked or kind == K.ACKNOWLEDGED
        paused = (paused or kind == K.PAUSED) and kind not in (K.RESUMED, K.RESOLVED)
        resolved = (resolved or kind == K.RESOLVED) and kind != K.REOPENED
        steps.append(Step(kind, at, args))
    return steps


class Fix(NamedTuple):
    seq: int
    at: datetime | None  # None: void


@st.composite
def fixes(draw: st.DrawFn, log: list[Entry]) -> Fix:
    """A correction to try on ``log``: mostly of one of its events (a correction or an
    unknown seq now and then); void, or a re-date onto or next to another event in force
    (ties and order swaps), next to itself, anywhere in the month, or just inside or
    outside the clock-skew allowance."""
    roll = draw(PERCENT)
    if roll < 80:
        seq = draw(st.sampled_from(range(len(log), 0, -1)))
    elif roll < 96:
        seq = 1  # the opening: re-dated, its impact start and report delay in question
    else:
        seq = draw(st.sampled_from([0, len(log) + 1]))
    if draw(PERCENT) >= 70:
        return Fix(seq, None)
    others = [s.at for s in corrected_history(log)]
    first = min(others)
    own = log[seq - 1].step.at if 1 <= seq <= len(log) and log[seq - 1].step else first  # type: ignore[union-attr]
    roll = draw(PERCENT)
    if roll < 45:
        near = draw(st.sampled_from(others))
        return Fix(seq, near + timedelta(minutes=draw(st.sampled_from([0, 0, -1, 1, -61, 61]))))
    if roll < 60:
        return Fix(seq, own + timedelta(minutes=draw(st.sampled_from([-61, -1, 1, 61]))))
    if roll < 90:
        span = int((FIXED - first).total_seconds() // 60)
        return Fix(seq, first + timedelta(minutes=draw(st.integers(-24 * 60, span))))
    return Fix(seq, FIXED + CLOCK_SKEW + timedelta(seconds=draw(st.sampled_from([0, 1]))))


# -- what is compared ------------------------------------------------------------------


def stored(tracker: Tracker, incident_id: int) -> tuple[Any, ...]:
    """Everything the store holds about the incident: its log and its row."""
    rows = tracker.store.db.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchall()
    return (tracker.store.events(incident_id), [tuple(r) for r in rows])


def reads(tracker: Tracker, incident_id: int, at: datetime) -> dict[str, Any]:
    """Every as-of read of the incident at ``at`` (SPEC 2.14), as plain data."""
    policy = tracker.policies.get(tracker.get(incident_id).state.policy)
    lo, hi = NOVEMBER.bounds(policy.calendar.zone)
    then = tracker.as_of(tracker.get(incident_id), at)
    try:
        shown: Any = detail(tracker, incident_id, at)
        shown = (shown.record, shown.clocks)
    except InputError as refused:
        shown = str(refused)
    report = build_report(tracker, [policy], NOVEMBER, at)
    return {
        "as_of": then.state._asdict() if then else None,
        "list": listing(tracker, Which(status=None), at),
        "show": shown,
        "due": due_board(tracker, at, None, None),
        "breaches": breaches(tracker, at, None, None, None),
        "uptime": period_availability(tracker, policy, lo, hi, at),
        "report": (report.incidents, report.summaries, report.status_reports, report.escalations),
        "missing_postmortems": report.missing_postmortems,
    }


# Failing examples are not shrunk (that alone takes half a minute): the test_bug_* tests
# below are the minimal reproductions of what this property has found.
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(histories(), st.data())
def test_a_corrected_incident_is_its_corrected_history_recorded_directly(steps: list[Step], data: st.DataObject):
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        tracker = new_tracker(directory)
        stack.callback(tracker.store.close)
        incident_id = record_all(tracker, steps)  # a valid history records
        log = [Entry(step) for step in steps]
        for _ in range(data.draw(st.integers(1, 4), label="corrections")):
            seq, at = data.draw(fixes(log), label="correction")
            candidate = [*log, Entry(None, seq, at)]
            refused_anyway = expected_refusal(log, seq, at)
            expected = refused_anyway or reference(corrected_history(candidate), stack)
            before = stored(tracker, incident_id)
            try:
                corrected, fix = tracker.correct(incident_id, seq, at=at, reason="typo", author="cat")
            except InputError as refused:
                event(f"refused: {refused_anyway or str(refused)[:40]}")
                assert isinstance(expected, str), f"refused ({refused}), yet the corrected history records"
                if refused_anyway:
                    assert refused_anyway in str(refused)
                assert stored(tracker, incident_id) == before, "a refused correction wrote something"
                continue
            event(f"accepted {'void' if at is None else 're-date'} of {log[seq - 1].step.kind}")  # type: ignore[union-attr]
            assert not isinstance(expected, str), f"accepted, yet recorded directly it is refused: {expected}"
            ref_tracker, ref_id = expected
            assert corrected.state._asdict() == ref_tracker.get(ref_id).state._asdict()
            assert tracker.get(incident_id).state == corrected.state  # and that is what was stored
            assert fix.kind == K.CORRECTED and fix.at == FIXED and fix.recorded_by == "rec"
            [*same, last] = tracker.store.events(incident_id)
            assert same == before[0]  # nothing rewritten: one event appended
            assert (last.kind, last.details["seq"], last.details["reason"]) == (K.CORRECTED, seq, "typo")
            log = candidate
        final = reference(corrected_history(log), stack)
        assert not isinstance(final, str)
        ref_tracker, ref_id = final
        assert tracker.get(incident_id).state._asdict() == ref_tracker.get(ref_id).state._asdict()
        events = corrected_history(log)
        instants = {FIXED, events[0].at - timedelta(hours=1)}
        for step in data.draw(st.lists(st.sampled_from(events), max_size=3), label="read near"):
            instants |= {step.at, step.at - timedelta(seconds=1)}
        anywhere = st.datetimes(datetime(2026, 11, 3), datetime(2026, 11, 30, 6, 59)).map(
            lambda t: t.replace(tzinfo=NY)
        )
        instants.add(data.draw(anywhere, label="read"))
        for at in sorted(instants):
            assert reads(tracker, incident_id, at) == reads(ref_tracker, ref_id, at), f"as of {at}"


# -- the rules, one by one ---------------------------------------------------------------
#
# The office policy's severity 1: response 2 wall hours, resolution 8 business hours from
# the acknowledgement, an update every hour; Monday 23 November 2026, 09:00-17:00 EST.


def ny(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=NY)


@pytest.fixture
def tracker(tmp_path: Path) -> Iterator[Tracker]:
    found = new_tracker(tmp_path)
    yield found
    found.store.close()


def office(tracker: Tracker, at: datetime | None = None, **more: Any) -> int:
    return tracker.open("db down", "office", "1", at=at or ny(23, 10), author="ann", **more).incident.id


def fix(tracker: Tracker, incident_id: int, seq: int, at: datetime | None = None) -> Any:
    """Correct event ``seq``: re-date it to ``at`` (None: void); the incident's state."""
    return tracker.correct(incident_id, seq, at=at, reason="typo", author="cat")[0].state


@contextmanager
def refused(tracker: Tracker, incident_id: int, match: str) -> Iterator[None]:
    """The block raises InputError matching ``match`` and writes nothing about the incident."""
    before = stored(tracker, incident_id)
    with pytest.raises(InputError, match=match):
        yield
    assert stored(tracker, incident_id) == before


def test_the_opening_cannot_be_voided_but_can_be_re_dated_consistently(tracker: Tracker) -> None:
    first = office(tracker)
    tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 10, 30), author="bob")
    with refused(tracker, first, "the opening cannot be voided"):
        fix(tracker, first, 1)
    with refused(tracker, first, "correction refused"):  # the acknowledgement would precede the opening
        fix(tracker, first, 1, ny(23, 10, 31))
    state = fix(tracker, first, 1, ny(23, 9))
    assert (state.opened, state.started) == (ny(23, 9), ny(23, 9))  # impact began when it was opened: still does
    assert (state.response_due, state.response_met) == (ny(23, 11), True)
    state = fix(tracker, first, 1, ny(23, 10, 30))  # onto the acknowledgement: a tie keeps log order
    assert (state.opened, state.acked, state.started) == (ny(23, 10, 30), ny(23, 10, 30), ny(23, 10, 30))


def test_an_impact_start_given_earlier_stays_when_the_opening_is_re_dated(tracker: Tracker) -> None:
    first = office(tracker, started=ny(23, 8))
    state = fix(tracker, first, 1, ny(23, 9))
    assert (state.opened, state.started) == (ny(23, 9), ny(23, 8))
    [downtime] = tracker.downtime("office", ny(1, 0), FIXED)
    assert downtime.stretches[0][0] == ny(23, 8).timestamp()


def test_re_dating_the_opening_before_its_impact_start_is_refused(tracker: Tracker) -> None:
    first = office(tracker, started=ny(23, 9))
    # Recorded directly, an opening before its impact start is refused...
    with pytest.raises(InputError, match="--started is after the open instant"):
        office(tracker, at=ny(23, 8), started=ny(23, 9))
    # ... and so is a correction that makes that history (accepted today: opened 08:00, started 09:00).
    with refused(tracker, first, "started"):
        fix(tracker, first, 1, ny(23, 8))


def test_the_late_report_flag_follows_a_re_dated_opening(tracker: Tracker) -> None:
    # The office policy asks for reports within a day: impact from Friday 09:00, opened Monday: late.
    first = office(tracker, started=ny(20, 9))
    assert tracker.get(first).state.late_report is True
    # It was really opened on Friday at 10:00, an hour after the impact began; recorded so, not late.
    direct = tracker.open("db down", "office", "1", at=ny(20, 10), started=ny(20, 9), author="ann")
    assert direct.incident.state.late_report is False
    assert fix(tracker, first, 1, ny(20, 10)).late_report is False  # today: still True


def test_a_correction_cannot_itself_be_corrected(tracker: Tracker) -> None:
    first = office(tracker)
    tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 11), author="bob")
    fix(tracker, first, 2)  # event 3
    for at in (None, ny(23, 10, 30)):
        with refused(tracker, first, "event 3 is a correction: correct event 2 again instead"):
            fix(tracker, first, 3, at)


@pytest.mark.parametrize("seq", [0, -1, 3, 4, 2**63, 10**30])
def test_an_unknown_seq_is_refused(tracker: Tracker, seq: int) -> None:
    first = office(tracker)
    tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 11), author="bob")
    for at in (None, ny(23, 10, 30)):
        with refused(tracker, first, f"no event {seq}: the incident has events 1 to 2"):
            fix(tracker, first, seq, at)


def test_a_re_date_may_lie_up_to_the_clock_skew_after_now_and_no_further(tracker: Tracker) -> None:
    assert timedelta(minutes=5) == CLOCK_SKEW
    first = office(tracker, at=FIXED - timedelta(hours=1))
    tracker.act(first, K.ACKNOWLEDGED, at=FIXED - timedelta(minutes=30), author="bob")
    for late in (timedelta(seconds=1), timedelta(days=365 * 36)):
        with refused(tracker, first, r"event 2's new instant .* is after now \(2026-11-30T07:00:00-05:00\)"):
            fix(tracker, first, 2, FIXED + CLOCK_SKEW + late)
    assert fix(tracker, first, 2, FIXED + CLOCK_SKEW).acked == FIXED + CLOCK_SKEW  # the exact tie is allowed
    assert fix(tracker, first, 2, FIXED + timedelta(minutes=1)).acked == FIXED + timedelta(minutes=1)


def test_an_event_is_voided_once(tracker: Tracker) -> None:
    first = office(tracker)
    tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 11), author="bob")
    assert fix(tracker, first, 2).acked is None
    with refused(tracker, first, "event 2 is already void"):
        fix(tracker, first, 2)


def test_the_latest_correction_of_an_event_is_in_force(tracker: Tracker) -> None:
    first = office(tracker)  # response due 12:00
    tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 13), author="bob")
    assert fix(tracker, first, 2).acked is None
    state = fix(tracker, first, 2, ny(23, 11, 30))  # re-dating a voided event restores it
    assert (state.acked, state.response_met, state.status) == (ny(23, 11, 30), True, Status.ACKNOWLEDGED)
    state = fix(tracker, first, 2, ny(23, 12, 30))
    assert (state.acked, state.response_met) == (ny(23, 12, 30), False)
    with refused(tracker, first, "event 2 is already at 2026-11-23T12:30:00-05:00"):
        fix(tracker, first, 2, ny(23, 12, 30))
    assert fix(tracker, first, 2).acked is None  # a re-dated event can be voided again
    kinds = [e.kind for e in tracker.history(first)]
    assert kinds == [K.OPENED, K.ACKNOWLEDGED, K.CORRECTED, K.CORRECTED, K.CORRECTED, K.CORRECTED]


def test_a_new_event_is_judged_against_the_corrected_history(tracker: Tracker) -> None:
    first = office(tracker)
    tracker.act(first, K.RESOLVED, at=ny(23, 11), author="bob")  # the wrong incident
    with refused(tracker, first, "cannot acknowledge a resolved incident"):
        tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 11, 30), author="bob")
    fix(tracker, first, 2)  # event 3
    assert tracker.act(first, K.ACKNOWLEDGED, at=ny(23, 11, 30), author="bob").state.response_met is True
    tracker.act(first, K.UPDATE, at=ny(23, 16), author="bob", message="typed 16:00, posted 11:45")  # event 5
    with refused(tracker, first, "before the incident's previous event"):
        tracker.act(first, K.PAUSED, at=ny(23, 12), author="bob", reason="customer")
    fix(tracker, first, 5, ny(23, 11, 45))
    state = tracker.act(first, K.PAUSED, at=ny(23, 12), author="bob", reason="customer").state
    assert (state.paused_since, state.last_update) == (ny(23, 12), ny(23, 11, 45))
    assert state.late_updates == ((ny(23, 11), ny(23, 11, 45)),)  # an update an hour after the opening: 11:00


def test_an_event_stored_in_the_future_by_an_old_version_is_unlocked_by_re_dating_it(tracker: Tracker) -> None:
    first = office(tracker)
    typed = datetime(2062, 11, 23, 11, 0, tzinfo=NY)  # 2062 for 2026: before SPEC 2.13 nothing refused it
    state = tracker.get(first).state
    policy = tracker.policy_of(state)
    new, event = record(state, Event(K.ACKNOWLEDGED, typed.astimezone(UTC), "bob"), policy, state.digest)
    with tracker.store.transaction():  # as the old version wrote it: no check
        tracker.store.update_incident(first, _row(new, policy))
        tracker.store.append_event(first, LogEntry(K.ACKNOWLEDGED, event.at, "bob", event.details, FIXED, "bob"))
    locked = r"previous event, number 2 at 2062-11-23T11:00:00-05:00 \(if that one is wrong: slacli correct 1 2 --at T"
    with refused(tracker, first, locked):
        tracker.act(first, K.UPDATE, at=ny(23, 12), author="bob", message="locked")
    with refused(tracker, first, "after now"):  # nor re-dated into another future
        fix(tracker, first, 2, typed + timedelta(hours=1))
    state = fix(tracker, first, 2, ny(23, 11))
    assert (state.acked, state.response_met, state.last_event) == (ny(23, 11), True, ny(23, 11))
    assert tracker.act(first, K.UPDATE, at=ny(23, 12), author="bob", message="free").state.last_update == ny(23, 12)


def test_a_correction_leaving_a_change_to_the_same_severity_is_refused(tracker: Tracker) -> None:
    first = office(tracker)  # severity 1
    tracker.act(first, K.SEVERITY_CHANGED, at=ny(23, 11), author="bob", severity="2")
    tracker.act(first, K.SEVERITY_CHANGED, at=ny(23, 12), author="bob", severity="1")
    # Voiding the first change leaves "opened at 1, changed to 1 at 12:00": recorded directly, refused.
    other = office(tracker)
    with refused(tracker, other, "already severity 1"):
        tracker.act(other, K.SEVERITY_CHANGED, at=ny(23, 12), author="bob", severity="1")
    with refused(tracker, first, "already severity 1"):  # today: accepted, severity_changes ((12:00, "1"),)
        fix(tracker, first, 2)


def test_a_correction_putting_a_recompute_after_the_resolution_is_refused(tracker: Tracker) -> None:
    first = office(tracker)
    tracker.recompute([(first, ny(23, 11))], author="bob")
    tracker.act(first, K.RESOLVED, at=ny(23, 12), author="bob")
    # Re-dating the resolution to 10:30 makes "resolved 10:30, recomputed 11:00": recorded directly, refused.
    other = office(tracker)
    tracker.act(other, K.RESOLVED, at=ny(23, 10, 30), author="bob")
    with refused(tracker, other, "is resolved: its deadlines are settled"):
        tracker.recompute([(other, ny(23, 11))], author="bob")
    with refused(tracker, first, "resolved"):  # today: accepted
        fix(tracker, first, 3, ny(23, 10, 30))


_SIXTEEN_HOURS = copy.deepcopy(_DOCUMENT)
_SIXTEEN_HOURS["policies"]["office"]["severities"]["1"]["resolution"]["rule"] = "16 business hours"
POLICIES_EDITED = policies_from_document(_SIXTEEN_HOURS, SHIPPED_POLICIES, CACHE)


def test_an_event_re_dated_after_a_recompute_counts_under_the_recomputed_policy(tmp_path: Path) -> None:
    def recorded(directory: Path, ack: datetime) -> tuple[Tracker, int]:
        """Opened under the policy file of 8 business hours, recomputed at 10:30 after it became 16."""
        directory.mkdir()
        before = new_tracker(directory)
        found = office(before)
        if ack < ny(23, 10, 30):
            before.act(found, K.ACKNOWLEDGED, at=ack, author="bob")
        edited = Tracker(before.store, POLICIES_EDITED, CACHE, clock=lambda: FIXED)
        edited.recompute([(found, ny(23, 10, 30))], author="bob")
        if ack > ny(23, 10, 30):
            edited.act(found, K.ACKNOWLEDGED, at=ack, author="bob")
        return edited, found

    reference, ref_id = recorded(tmp_path / "reference", ny(23, 11))
    expected = reference.get(ref_id).state
    assert expected.resolution_due == ny(25, 11)  # 16 business hours from Monday 11:00: Wednesday 11:00
    # Typed 10:15 (before the recompute) for 11:00 (after it): corrected, it counts under the edited policy.
    mistyped, found = recorded(tmp_path / "mistyped", ny(23, 10, 15))
    state = mistyped.correct(found, 2, at=ny(23, 11), reason="typo", author="cat")[0].state
    assert state.acked == ny(23, 11)
    # today: Tuesday 11:00, 8 business hours: the acknowledgement is re-recorded under the snapshot it
    # was first recorded under, which undoes the recompute before it.
    assert (state.resolution_due, state.digest) == (expected.resolution_due, expected.digest)


# -- the command line ----------------------------------------------------------------------
#
# openweb severity 1 opened in hours: response in 2 wall hours, resolution by the close
# (17:00) of the next business day; a full outage. Now is frozen at FIXED (07:00 EST),
# and the login is bob.


def as_json(cli: Any, *args: str, code: int = 0) -> Any:
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def connect(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(path, isolation_level=None))


def dump(path: Path) -> list[str]:
    with connect(path) as db:
        return list(db.iterdump())


def openweb(cli: Any, at: str = "2026-11-23T10:00") -> None:
    cli("open", "db down", "--policy", "openweb", "--severity", "1", "--at", at, "--quiet")


def test_each_event_keeps_when_and_by_whom_it_was_recorded(cli: Any, database: Path) -> None:
    openweb(cli, "2026-11-30T06:00")  # an hour before it was written down
    cli("ack", "1", "--at", "2026-11-30T06:30", "--by", "alice")  # alice acknowledged; bob typed it
    cli("update", "1", "a second more than a minute", "--at", "2026-11-30T06:58:59")
    cli("update", "1", "exactly a minute", "--at", "2026-11-30T06:59")
    cli("update", "1", "now, for alice", "--by", "alice")
    cli("update", "1", "now, by bob himself")
    with connect(database) as db:
        rows = db.execute("SELECT author, recorded_by, recorded FROM events ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["bob", "alice", "bob", "bob", "alice", "bob"]
    assert {(r[1], r[2]) for r in rows} == {("bob", "2026-11-30T12:00:00+00:00")}
    timeline = as_json(cli, "show", "1")["timeline"]
    assert [e["seq"] for e in timeline] == [1, 2, 3, 4, 5, 6]
    assert {(e["recorded_at"], e["recorded_by"]) for e in timeline} == {("2026-11-30T07:00:00-05:00", "bob")}
    note = "recorded 2026-11-30T07:00:00-05:00 by bob"
    assert [e["note"] for e in timeline] == [note, note, note, None, note, None]
    table = cli("show", "1").stdout
    assert table.count(note) == 4


def test_a_correction_follows_the_events_and_marks_the_one_it_corrects(cli: Any, database: Path) -> None:
    openweb(cli)  # response due 12:00
    cli("ack", "1", "--at", "2026-11-23T12:30")  # typed an hour late: it was 11:30
    cli("resolve", "1", "--at", "2026-11-23T14:00")
    fixed = as_json(
        cli, "correct", "1", "2", "--at", "2026-11-23T11:30", "--reason", "acked 11:30, typed 12:30", "--by", "carol"
    )
    assert (fixed["acked"], fixed["response_met"]) == ("2026-11-23T11:30:00-05:00", True)
    timeline = as_json(cli, "show", "1")["timeline"]
    assert [(e["seq"], e["event"]) for e in timeline] == [
        (1, "opened"),
        (2, "acknowledged"),
        (3, "resolved"),
        (4, "corrected"),
    ]
    ack, correction = timeline[1], timeline[3]
    assert (ack["at"], ack["corrected_by"], ack["void"], ack["redated_to"]) == (
        "2026-11-23T12:30:00-05:00",  # the log keeps what was typed
        4,
        False,
        "2026-11-23T11:30:00-05:00",
    )
    assert ack["note"].startswith("re-dated to 2026-11-23T11:30:00-05:00 by event 4")
    assert (correction["by"], correction["recorded_by"], correction["at"]) == (
        "carol",
        "bob",
        "2026-11-30T07:00:00-05:00",
    )
    assert correction["details"] == (
        "event 2 re-dated 2026-11-23T12:30:00-05:00 -> 2026-11-23T11:30:00-05:00: acked 11:30, typed 12:30"
    )
    assert [e["corrected_by"] for e in timeline] == [None, 4, None, None]
    # As of noon (after the true instant, before the typed one) the acknowledgement had happened.
    noon = as_json(cli, "show", "1", "--at", "2026-11-23T12:00")
    assert (noon["acked"], noon["status"]) == ("2026-11-23T11:30:00-05:00", "acknowledged")
    assert [e["seq"] for e in noon["timeline"]] == [1, 2, 4]
    # Voided after all: the latest correction is in force.
    as_json(cli, "correct", "1", "2", "--void", "--reason", "nobody acked it")
    shown = as_json(cli, "show", "1")
    assert (shown["timeline"][1]["corrected_by"], shown["timeline"][1]["void"]) == (5, True)
    assert shown["timeline"][1]["redated_to"] is None
    assert (shown["acked"], shown["response_met"]) == (None, False)  # resolved at 14:00 answered it, late


def test_an_event_re_dated_later_has_not_happened_as_of_its_old_instant(cli: Any, database: Path) -> None:
    openweb(cli)
    cli("ack", "1", "--at", "2026-11-23T11:00")  # typed 11:00; it was 12:30
    cli("correct", "1", "2", "--at", "2026-11-23T12:30", "--reason", "typo")
    noon = as_json(cli, "show", "1", "--at", "2026-11-23T12:00")
    assert (noon["acked"], noon["status"], noon["response_met"]) == (None, "open", None)
    assert noon["clocks"][0]["clock"] == "response" and noon["clocks"][0]["status"] == "pending"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--reason", "r"), "give --at T (when it really happened), or --void"),
        (("--at", "2026-11-23T11:00", "--void", "--reason", "r"), "give --at T"),
        (("--void", "--reason", " "), "--reason is empty"),
        (("--void",), "Missing option '--reason'"),
        (("--at", "2026-11-23T11:00:00", "--reason", "r", "--by", "x"), "already at"),
        (("--at", "yesterday", "--reason", "r"), "malformed --at 'yesterday'"),
        (("--at", "2026-11-30T07:05:01", "--reason", "r"), "is after now"),
    ],
)
def test_a_refused_correct_command_exits_2_and_writes_nothing(cli: Any, database: Path, args: Any, message: str):
    openweb(cli)
    cli("ack", "1", "--at", "2026-11-23T11:00")
    before = dump(database)
    assert message in user_error(cli("correct", "1", "2", *args, code=2))
    assert dump(database) == before


@pytest.mark.parametrize(
    ("seq", "message"),
    [
        ("0", "0 is not in the range x>=1"),
        ("3", "no event 3: the incident has events 1 to 2 (see slacli show)"),
        ("99999999999999999999", "no event 99999999999999999999"),
    ],
)
def test_correct_refuses_an_unknown_seq(cli: Any, database: Path, seq: str, message: str) -> None:
    openweb(cli)
    cli("ack", "1", "--at", "2026-11-23T11:00")
    before = dump(database)
    assert message in user_error(cli("correct", "1", seq, "--void", "--reason", "r", code=2))
    assert dump(database) == before


def test_after_re_dating_a_late_typed_ack_every_read_finds_the_response_met(cli: Any, database: Path) -> None:
    # Severity 2 in hours: response in 4 hours (due 14:00); no downtime weight, so only the ack is at stake.
    cli("open", "slow", "--policy", "openweb", "--severity", "2", "--at", "2026-11-23T10:00", "--quiet")
    cli("ack", "1", "--at", "2026-11-23T14:30")  # typed an hour late: it was 13:30
    cli("resolve", "1", "--at", "2026-11-23T16:00")  # resolution due Thursday 17:00: met
    november = ("--since", "2026-11-01T00:00-05:00", "--until", "2026-12-01T00:00-05:00", "--policy", "openweb")
    report = ("report", "--month", "2026-11", "--policy", "openweb")
    [breach] = as_json(cli, "breaches", *november, code=1)
    assert (breach["target"], breach["late_minutes"]) == ("response", 30)
    before = as_json(cli, *report, code=1)
    assert before["incidents"][0]["response_met"] is False and before["policies"][0]["breaches"] == 1
    cli("correct", "1", "2", "--at", "2026-11-23T13:30", "--reason", "acked 13:30, typed 14:30")
    assert as_json(cli, "breaches", *november) == []
    after = as_json(cli, *report)
    assert after["incidents"][0]["response_met"] is True and after["policies"][0]["breaches"] == 0
    assert (after["incidents"][0]["minutes_to_ack"], after["policies"][0]["mtta_minutes"]) == (210, 210)
    assert as_json(cli, "show", "1")["response_met"] is True
    # As of 14:15 that Monday the response was met: only the resolution was running.
    [due] = as_json(cli, "due", "--at", "2026-11-23T14:15-05:00")
    assert (due["clock"], due["status"]) == ("resolution", "pending")


def test_voiding_a_wrong_resolution_brings_back_its_clocks_and_its_downtime(cli: Any, database: Path) -> None:
    openweb(cli)
    cli("ack", "1", "--at", "2026-11-23T10:10")
    cli("resolve", "1", "--at", "2026-11-23T10:20")  # the wrong incident: this one is still down
    uptime = ("uptime", "--policy", "openweb", "--month", "2026-11")
    assert as_json(cli, *uptime)["downtime_minutes"] == 20
    assert as_json(cli, "due") == []
    cli("correct", "1", "3", "--void", "--reason", "resolved the wrong incident")
    # Open again: down from Monday 10:00 to now (Monday 30th 07:00) in the month so far, projected to its end...
    figures = as_json(cli, *uptime, code=1)
    assert (figures["downtime_minutes"], figures["met"]) == ((6 * 24 + 21) * 60, False)
    assert figures["projected_downtime_minutes"] == (7 * 24 + 14) * 60
    # ... and the same over a period ending now.
    until_now = as_json(
        cli, "uptime", "--policy", "openweb", "--from", "2026-11-01", "--to", "2026-11-30T07:00", code=1
    )
    assert until_now["downtime_minutes"] == (6 * 24 + 21) * 60
    [due] = as_json(cli, "due")
    assert (due["id"], due["clock"], due["status"]) == (1, "resolution", "breached")
    [breach] = as_json(cli, "breaches", code=1)
    assert (breach["target"], breach["status"]) == ("resolution", "breached")
    shown = as_json(cli, "show", "1")
    assert (shown["status"], shown["resolved"], shown["resolution_met"]) == ("acknowledged", None, False)
    summary = as_json(cli, "report", "--month", "2026-11", "--policy", "openweb", code=1)["policies"][0]
    assert (summary["resolved"], summary["still_open"]) == (0, 1)
