"""The due board (what runs out next) and the breach list (what was missed), as of an instant.

Keys of a due row (DUE_COLUMNS and ``left_minutes``; ``_style`` is red when overdue and
yellow when due within the hour): id, policy, severity, title, clock, due, left,
left_minutes, status. Keys of a breach row (BREACH_COLUMNS and ``late_minutes``): id,
policy, severity, title, target, due, done, late_by, late_minutes, status, and the
exception and escalation keys of :data:`slacli.views.targets.TARGET_KEYS`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slacli.instants import format_duration
from slacli.storage.base import IncidentFilter
from slacli.tracker import Tracker
from slacli.views import local, number
from slacli.views.clocks import clocks, remaining
from slacli.views.incidents import left_text
from slacli.views.targets import target_fields
from slacli.vocabulary import ClockStatus, TargetName

SOON_SECONDS = 3600  # due within the hour: shown as urgent
DUE_COLUMNS = ("id", "policy", "severity", "title", "clock", "due", "left", "status")
BREACH_COLUMNS = ("id", "policy", "severity", "title", "target", "due", "done", "late_by", "status")
STYLES = {"red": "bold red", "yellow": "yellow"}


def due_board(tracker: Tracker, as_of: datetime, horizon: float | None, policy: str | None) -> list[dict[str, Any]]:
    """Every running clock as of ``as_of``, soonest first (within ``horizon`` seconds)."""
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
                "_style": "red" if seconds < 0 else "yellow" if seconds < SOON_SECONDS else "",
            }
            found.append((clock.due.timestamp(), row))
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def breaches(
    tracker: Tracker, as_of: datetime, lower: datetime | None, upper: datetime | None, policy: str | None
) -> list[dict[str, Any]]:
    """Every target breached or met late as of ``as_of``, due in [lower, upper)."""
    rows = []
    for incident in tracker.find(IncidentFilter(policy=policy, until=upper), as_of):
        state = incident.state
        rules = tracker.policy_of(state)
        zone = rules.calendar.zone
        calendar = rules.severity(state.severity).calendar
        by_name = clocks(state, as_of, calendar)
        late = [(c.name, c.due, c.done_at, c.status) for c in by_name.values()]
        late += [(TargetName.UPDATE, d, posted, ClockStatus.MET_LATE) for d, posted in state.late_updates]
        for target, due_at, done_at, status in late:
            if due_at is None or not status.missed:
                continue
            if (lower and due_at < lower) or (upper and due_at >= upper):
                continue
            end = done_at or as_of
            rows.append(
                {
                    "id": incident.id,
                    "policy": state.policy,
                    "severity": state.severity,
                    "title": state.title,
                    "target": target,
                    "due": local(due_at, zone),
                    "done": local(done_at, zone),
                    "late_by": format_duration(end - due_at),
                    "late_minutes": number((end - due_at).total_seconds() / 60),
                    "status": status,
                    **target_fields(rules, state, by_name, as_of, (target, due_at)),
                }
            )
    return rows
