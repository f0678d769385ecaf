"""The due board (what runs out next) and the breach list (what was missed), as of an instant.

Keys of a due row (DUE_COLUMNS, ``left_minutes`` and ``premium``; ``_style`` is red when
overdue and yellow when due within the hour): id, policy, severity, title, clock, due,
left, left_minutes, status, premium. Keys of a breach row (BREACH_COLUMNS and
``late_minutes``): id, policy, severity, title, target, due, done, late_by, late_minutes,
status, and the exception and escalation keys of :data:`slacli.views.targets.TARGET_KEYS`;
a recovery from backup past the recovery point is a row with target ``recovery_point``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from slacli.casework import judged_recoveries
from slacli.incidents import State
from slacli.instants import format_duration
from slacli.policy import Policy
from slacli.storage.base import IncidentFilter
from slacli.tracker import Tracker
from slacli.views import local, number
from slacli.views.clocks import clocks, remaining
from slacli.views.incidents import left_text
from slacli.views.targets import target_fields
from slacli.vocabulary import ClockStatus, TargetName

SOON_SECONDS = 3600  # due within the hour: shown as urgent
DUE_COLUMNS = ("id", "policy", "severity", "title", "clock", "due", "left", "status")
DUE_KEYS = (*DUE_COLUMNS, "left_minutes", "premium")  # CSV
BREACH_COLUMNS = ("id", "policy", "severity", "title", "target", "due", "done", "late_by", "status")
STYLES = {"red": "bold red", "yellow": "yellow"}
# What a narrow terminal leaves out of the board and of breaches, the first first.
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
            left = remaining(clock, as_of, calendar)
            row = {
                "id": incident.id,
                "policy": state.policy,
                "severity": state.severity,
                "title": state.title,
                "clock": clock.name,
                "due": local(clock.due, rules.calendar.zone),
                "left": left_text(left, clock.counts),
                "left_minutes": number(left.total_seconds() / 60) if left is not None else None,
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


def breaches(
    tracker: Tracker, as_of: datetime, lower: datetime | None, upper: datetime | None, policy: str | None
) -> list[dict[str, Any]]:
    """Every target breached or met late as of ``as_of``, due in [lower, upper); and every
    recovery from backup that lost more data than the recovery point allows."""
    rows = []
    for incident in tracker.find(IncidentFilter(policy=policy, until=upper), as_of):
        state = incident.state
        rules = tracker.policy_of(state)
        zone = rules.calendar.zone
        calendar = rules.severity(state.severity).calendar
        by_name = clocks(state, as_of, calendar)
        late = [(c.name, c.due, c.done_at, c.status) for c in by_name.values()]
        late += [(TargetName.UPDATE, d, posted, ClockStatus.MET_LATE) for d, posted in state.late_updates]
        missed: list[tuple[str, datetime, datetime | None, ClockStatus, timedelta]] = [
            (target, due_at, done_at, status, (done_at or as_of) - due_at)
            for target, due_at, done_at, status in late
            if due_at is not None and status.missed
        ]
        missed += _lost_too_much(state, rules)
        for target, due_at, done_at, status, late_by in missed:
            if (lower and due_at < lower) or (upper and due_at >= upper):
                continue
            rows.append(
                {
                    "id": incident.id,
                    "policy": state.policy,
                    "severity": state.severity,
                    "title": state.title,
                    "target": target,
                    "due": local(due_at, zone),
                    "done": local(done_at, zone),
                    "late_by": format_duration(late_by),
                    "late_minutes": number(late_by.total_seconds() / 60),
                    "status": status,
                    **target_fields(rules, state, by_name, as_of, (target, due_at)),
                }
            )
    return rows


def _lost_too_much(state: State, policy: Policy) -> list[tuple[str, datetime, datetime, ClockStatus, timedelta]]:
    """Recoveries past the recovery point, as breaches: due the oldest snapshot it allows
    (the failure minus the recovery point), done the snapshot restored, late by the excess."""
    allowed = policy.recovery_point
    if allowed is None:
        return []
    return [
        (RECOVERY_POINT, state.started - allowed, recovery.snapshot, ClockStatus.BREACHED, lost - allowed)
        for recovery, lost, met in judged_recoveries(state.started, state.recoveries, allowed)
        if not met
    ]


def board_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many clocks of a :func:`due_board` are in each band (overdue, due within the hour,
    later) and in each status, bands and statuses with none left out."""
    bands = Counter({"red": "overdue", "yellow": "due within the hour"}.get(r["_style"], "later") for r in rows)
    return {"band": dict(bands), "status": dict(Counter(r["status"] for r in rows))}
