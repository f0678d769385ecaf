"""Maintenance windows: kinds, classification, warnings and states. Pure (SPEC 3, optimy).

A window is scheduled, regular or emergency. Without an explicit kind it is classified
by the policy's notice rule: announced with less notice than the rule asks (optimy: 5
business days before it starts), it is emergency maintenance. Scheduled and regular
maintenance that overlaps business hours, and regular maintenance beyond the policy's
allowance per ISO week, are recorded with warnings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from slacli.errors import InputError
from slacli.instants import format_duration
from slacli.policy import Policy

KINDS = ("scheduled", "regular", "emergency")
SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED = "scheduled", "in progress", "completed", "cancelled"
# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    "start": ((SCHEDULED,), IN_PROGRESS),
    "complete": ((SCHEDULED, IN_PROGRESS), COMPLETED),
    "cancel": ((SCHEDULED,), CANCELLED),
}


class Window(NamedTuple):
    policy: str
    kind: str
    status: str
    start: datetime
    end: datetime
    announced: datetime | None = None
    title: str = ""
    service: str | None = None
    warnings: tuple[str, ...] = ()


def classify(policy: Policy, start: datetime, announced: datetime | None) -> str:
    """Scheduled, or emergency when announced later than the policy's notice rule allows."""
    notice = policy.maintenance.notice
    if notice is None or announced is None:
        return "scheduled"
    return "emergency" if notice.due(announced, policy.calendar).timestamp() > start.timestamp() else "scheduled"


def new_window(
    policy: Policy,
    start: datetime,
    end: datetime,
    *,
    kind: str | None,
    announced: datetime | None,
    title: str,
    service: str | None,
    others: Iterable[Window],
) -> Window:
    """A window to record, classified and with its warnings; ``others``: the policy's windows."""
    if end.timestamp() <= start.timestamp():
        raise InputError("the maintenance ends before it starts")
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown maintenance kind {kind!r} (known: {', '.join(KINDS)})")
    window = Window(
        policy.name, kind or classify(policy, start, announced), SCHEDULED, start, end, announced, title, service
    )
    found = warnings(policy, window, others)
    if kind not in (None, "emergency") and classify(policy, start, announced) == "emergency":
        found.insert(0, f"announced with less notice than policy {policy.name} asks: that makes it emergency")
    return window._replace(warnings=tuple(found))


def warnings(policy: Policy, window: Window, others: Iterable[Window]) -> list[str]:
    rules = policy.maintenance
    found = []
    if window.kind != "emergency" and rules.outside_hours:
        inside = policy.calendar.elapsed(window.start, window.end)
        if inside.total_seconds() > 0:
            found.append(f"{window.kind} maintenance overlaps business hours by {format_duration(inside)}")
    if window.kind == "regular" and rules.regular_per_week is not None:
        week = _iso_week(window.start, policy)
        same_week = [
            w for w in others if w.kind == "regular" and w.status != CANCELLED and _iso_week(w.start, policy) == week
        ]
        if len(same_week) >= rules.regular_per_week:
            found.append(
                f"regular maintenance {len(same_week) + 1} times in ISO week {week} "
                f"(the policy allows {rules.regular_per_week})"
            )
    return found


def _iso_week(t: datetime, policy: Policy) -> str:
    year, week, _ = t.astimezone(policy.calendar.zone).isocalendar()
    return f"{year}-W{week:02d}"


def transition(window: Window, action: str) -> Window:
    """The window after ``action`` (start, complete, cancel); InputError when illegal."""
    allowed, result = TRANSITIONS[action]
    if window.status not in allowed:
        raise InputError(f"cannot {action} maintenance that is {window.status}")
    return window._replace(status=result)


def dump_window(window: Window) -> dict[str, Any]:
    data = window._asdict()
    for key in ("start", "end", "announced"):
        data[key] = data[key].isoformat() if data[key] else None
    data["warnings"] = list(window.warnings)
    return data


def load_window(data: dict[str, Any]) -> Window:
    fields = dict(data)
    for key in ("start", "end", "announced"):
        fields[key] = datetime.fromisoformat(fields[key]) if fields[key] else None
    fields["warnings"] = tuple(fields["warnings"])
    return Window(**fields)


def excluded(windows: Iterable[Window], kinds: Iterable[str]) -> list[tuple[float, float]]:
    """The intervals the availability formula takes out of T: the kinds the policy excludes."""
    wanted = set(kinds)
    return [(w.start.timestamp(), w.end.timestamp()) for w in windows if w.kind in wanted and w.status != CANCELLED]
