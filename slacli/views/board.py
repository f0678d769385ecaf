"""The due board (what runs out next) and the breach list (what needs action, and what was
missed), as of an instant.

Keys of a due row (DUE_KEYS; ``_style`` is red when overdue and yellow when due within
the hour): id, policy, severity, title, clock, due, left (``3h business``, ``overdue by
2h 5m wall``), status, and ``left_minutes`` (real time until due),
``left_business_minutes`` (business time, for a clock counting it; both negative when
overdue, the latter 0 for business time all out of hours), ``counts`` (business or wall)
and premium. Keys of a breach row (BREACH_KEYS): id, policy, severity, title, target,
due, done, late_by (as the target's clock counts, labelled), status, open (still running
past due, or a recovery of an incident still open: what needs action now),
``late_minutes`` (real time), ``late_business_minutes`` (business time, for a target
counting it), ``counts``, and the exception and escalation keys of
:data:`slacli.views.targets.TARGET_KEYS`; a recovery from backup past the recovery point
is a row with target ``recovery_point``. The due board's overdue clock and its open
breach are the one clock: same target, due instant and amount.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from slacli.casework import judged_recoveries
from slacli.incidents import State
from slacli.policy import Policy
from slacli.recorded import ClockStatus
from slacli.storage.base import IncidentFilter
from slacli.tracker import Tracker
from slacli.views import local
from slacli.views.clocks import Clock, clocks, counted, late_text, left_fields, minutes
from slacli.views.targets import TARGET_KEYS, target_fields
from slacli.vocabulary import ClockKind, TargetName

SOON_SECONDS = 3600  # due within the hour: shown as urgent
DUE_COLUMNS = ("id", "policy", "severity", "title", "clock", "due", "left", "status")
DUE_KEYS = (*DUE_COLUMNS, "left_minutes", "left_business_minutes", "counts", "premium")  # CSV
BREACH_COLUMNS = ("id", "policy", "severity", "title", "target", "due", "done", "late_by", "status")
BREACH_KEYS = (*BREACH_COLUMNS, "open", "late_minutes", "late_business_minutes", "counts", *TARGET_KEYS)  # CSV
STYLES = {"red": "bold red", "yellow": "yellow"}
# What a narrow terminal leaves out of the board and of breaches, the first first.
# Never status: without colour (NO_COLOR, a screen reader) only it says a clock is paused or breached.
DUE_DROP = ("policy", "premium", "due", "severity")
BREACH_DROP = (
    *("policy", "done", "escalated_to", "exception_plan", "escalate_to", "due", "exception", "escalation_level"),
    "severity",
)
RECOVERY_POINT = "recovery_point"  # the target of a recovery that lost more data than the policy allows


def due_board(tracker: Tracker, as_of: datetime, horizon: float | None, policy: str | None) -> list[dict[str, Any]]:
    """Every running clock as of ``as_of`` (within ``horizon`` seconds), most urgent first:
    overdue, then due within the hour, then later; in each, Premium Support clients' clocks
    first (openmethods: "prioritized for remediation work"), then soonest first."""
    found = []
    for incident in tracker.find_open(IncidentFilter(policy=policy), as_of):
        state = incident.state
        rules = tracker.policy_of(state)
        calendar = rules.severity(state.severity).calendar
        for clock in clocks(state, as_of, calendar).values():
            if clock.due is None or not clock.status.running:
                continue
            seconds = (clock.due - as_of).total_seconds()
            if horizon is not None and seconds > horizon:
                continue
            row = {
                "id": incident.id,
                "policy": state.policy,
                "severity": state.severity,
                "title": state.title,
                "clock": clock.name,
                "due": local(clock.due, rules.calendar.zone),
                **left_fields(clock, as_of, calendar),
                "status": clock.status + (" (provisional)" if clock.provisional else ""),
                "premium": state.premium,
                "_style": "red" if seconds < 0 else "yellow" if seconds < SOON_SECONDS else "",
            }
            found.append(((_urgency(seconds), not state.premium, clock.due.timestamp()), row))
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def _urgency(seconds: float) -> int:
    """How urgent a clock due in ``seconds`` is: 0 overdue, 1 due within the hour, 2 later
    (the board's red, yellow and plain rows); premium goes first only among equals."""
    return 0 if seconds < 0 else 1 if seconds < SOON_SECONDS else 2


class Missed(NamedTuple):
    """A target missed: due then, done then (None while it runs), how late (real time, and
    as its clock counts), and whether it is open (needs action now)."""

    target: str
    due: datetime
    done: datetime | None
    status: ClockStatus
    counts: ClockKind | None
    late: timedelta  # real time
    counted_late: timedelta  # as the clock counts
    open: bool


def breaches(
    tracker: Tracker, as_of: datetime, lower: datetime | None, upper: datetime | None, policy: str | None
) -> list[dict[str, Any]]:
    """What needs action as of ``as_of``: every clock running past due (response, resolution,
    next update) and every recovery from backup past the recovery point of an incident still
    open. With a range (``lower``, ``upper``: either may be None, both None for none) also
    the targets missed and no longer open (met late, or breached and then done, or the
    incident resolved) due in [lower, upper)."""
    ranged = lower is not None or upper is not None
    # An incident resolved before ``lower`` had every target due before it.
    where = IncidentFilter(policy=policy, unresolved_at=lower if ranged else as_of)
    rows = []
    for incident in tracker.find(where, as_of):
        state = incident.state
        rules = tracker.policy_of(state)
        calendar = rules.severity(state.severity).calendar
        by_name = clocks(state, as_of, calendar)
        for missed in _missed(state, rules, by_name, as_of):
            in_range = ranged and (lower is None or missed.due >= lower) and (upper is None or missed.due < upper)
            if missed.open or in_range:
                rows.append(_breach_row(incident.id, state, rules, by_name, missed, as_of))
    return rows


def _missed(state: State, policy: Policy, by_name: dict[TargetName, Clock], as_of: datetime) -> list[Missed]:
    """Every target of ``state`` missed as of ``as_of``: its clocks breached or met late, its
    late status updates, and its recoveries from backup past the recovery point."""
    calendar = policy.severity(state.severity).calendar
    found = []
    for c in by_name.values():
        if c.due is not None and c.status.missed:
            end = c.done_at or as_of
            late = counted(c.counts, c.due, end, calendar)
            found.append(Missed(c.name, c.due, c.done_at, c.status, c.counts, end - c.due, late, c.done_at is None))
    for due, posted in state.late_updates:
        found.append(
            Missed(
                TargetName.UPDATE, due, posted, ClockStatus.MET_LATE, ClockKind.WALL, posted - due, posted - due, False
            )
        )
    return found + _lost_too_much(state, policy)


def _breach_row(
    incident_id: int, state: State, policy: Policy, by_name: dict[TargetName, Clock], missed: Missed, as_of: datetime
) -> dict[str, Any]:
    zone = policy.calendar.zone
    return {
        "id": incident_id,
        "policy": state.policy,
        "severity": state.severity,
        "title": state.title,
        "target": missed.target,
        "due": local(missed.due, zone),
        "done": local(missed.done, zone),
        "late_by": late_text(missed.late, missed.counted_late, missed.counts),
        "status": missed.status,
        "open": missed.open,
        "late_minutes": minutes(missed.late),
        "late_business_minutes": minutes(missed.counted_late) if missed.counts == ClockKind.BUSINESS else None,
        "counts": missed.counts,
        **target_fields(policy, state, by_name, as_of, (missed.target, missed.due)),
    }


def _lost_too_much(state: State, policy: Policy) -> list[Missed]:
    """Recoveries past the recovery point, as breaches: due the oldest snapshot it allows
    (the failure minus the recovery point), done the snapshot restored (older still), late
    by the data lost beyond the recovery point; open while the incident is."""
    allowed = policy.recovery_point
    if allowed is None:
        return []
    found = []
    for recovery, lost, met in judged_recoveries(state.started, state.recoveries, allowed):
        if not met:
            excess = lost - allowed
            due = state.started - allowed
            status = ClockStatus.BREACHED
            found.append(
                Missed(RECOVERY_POINT, due, recovery.snapshot, status, ClockKind.WALL, excess, excess, state.is_open)
            )
    return found


def board_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many clocks of a :func:`due_board` are in each band (overdue, due within the hour,
    later) and in each status, bands and statuses with none left out."""
    bands = Counter({"red": "overdue", "yellow": "due within the hour"}.get(r["_style"], "later") for r in rows)
    return {"band": dict(bands), "status": dict(Counter(r["status"] for r in rows))}
