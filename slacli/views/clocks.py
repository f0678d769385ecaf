"""Each target of an incident as of an instant: due, met, breached, time left."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from slacli.calendars import Calendar
from slacli.incidents import State, paused_due
from slacli.instants import format_duration
from slacli.recorded import ClockStatus
from slacli.views import number
from slacli.vocabulary import ClockKind, TargetName


class Clock(NamedTuple):
    """One target of one incident as of some instant, for the due board and breaches."""

    name: TargetName
    due: datetime | None  # while paused: pushed back by the pause so far
    status: ClockStatus
    done_at: datetime | None
    provisional: bool
    counts: ClockKind | None

    @property
    def met(self) -> bool | None:
        """True when met, False when met late or breached, None while it runs or has no target."""
        return True if self.status == ClockStatus.MET else False if self.status.missed else None


def clocks(state: State, now: datetime, calendar: Calendar) -> dict[TargetName, Clock]:
    """Every clock of ``state`` as of ``now``: the response, the resolution, and the next
    update while a cadence runs."""
    result: dict[TargetName, Clock] = {}
    for name, done_at, met, clock in (
        (TargetName.RESPONSE, state.acked or state.resolved, state.response_met, state.response_clock),
        (
            TargetName.RESOLUTION,
            state.resolution_workaround or state.resolved,
            state.resolution_met,
            state.resolution_clock,
        ),
        (TargetName.UPDATE, None, None, ClockKind.WALL),
    ):
        due = getattr(state, f"{name}_due")
        if due is None:
            if name != TargetName.UPDATE:
                result[name] = Clock(name, None, ClockStatus.NO_TARGET, done_at, False, None)
            continue
        if done_at is not None:
            status = ClockStatus.MET if met else ClockStatus.MET_LATE
        else:
            if state.paused_since is not None and now > state.paused_since:
                due = paused_due(state, name, due, now, calendar)
            paused = ClockStatus.PAUSED if state.paused_since else ClockStatus.PENDING
            status = ClockStatus.BREACHED if now > due else paused
        # SPEC 2.9: counted from the response due until the acknowledgement comes or that
        # instant passes; from then on it is fixed, whenever the acknowledgement comes.
        provisional = name == TargetName.RESOLUTION and state.provisional and state.acked is None
        if provisional:
            response = result[TargetName.RESPONSE].due
            provisional = response is not None and now < response
        result[name] = Clock(name, due, status, done_at, provisional, clock)
    return result


def counted(counts: ClockKind | None, start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Time from ``start`` to ``end`` as a clock of ``counts`` counts it: business time on
    ``calendar``, else real time; negative when ``end`` is before ``start`` (SPEC 1.2)."""
    return calendar.elapsed(start, end) if counts == ClockKind.BUSINESS else end - start


def remaining(clock: Clock, now: datetime, calendar: Calendar) -> timedelta | None:
    """Time left until the clock's due instant (negative when overdue), counted as it counts."""
    return None if clock.due is None else counted(clock.counts, now, clock.due, calendar)


def left_fields(clock: Clock, now: datetime, calendar: Calendar) -> dict[str, Any]:
    """How long a clock has left as of ``now``, for the due board and ``show``: ``left``
    for people (``3h business``, ``overdue by 2h 5m wall``), ``left_minutes`` of real
    time until due and ``left_business_minutes`` of business time for a clock that counts
    it (both negative when overdue, 0 for business time all out of hours; all None once it
    stops running), and ``counts``
    (business or wall: how the clock counts)."""
    left = remaining(clock, now, calendar)
    if left is None or clock.due is None or not clock.status.running:
        return {"left": None, "left_minutes": None, "left_business_minutes": None, "counts": clock.counts}
    real = clock.due - now
    overdue = real < timedelta(0)
    return {
        "left": f"overdue by {late_text(-real, -left, clock.counts)}"
        if overdue
        else _counted_text(real, left, clock.counts, "due at the opening"),
        "left_minutes": minutes(real),
        "left_business_minutes": minutes(left) if clock.counts == ClockKind.BUSINESS else None,
        "counts": clock.counts,
    }


def late_text(real: timedelta, late: timedelta, counts: ClockKind | None) -> str:
    """How late, ``late`` as the clock counts (``real``: in real time), labelled; a business
    clock late only outside business hours says so, in real time (due at the close, met at
    the next opening: ``16h wall, after hours``, not ``0m business``)."""
    return _counted_text(real, late, counts, "after hours")


def _counted_text(real: timedelta, amount: timedelta, counts: ClockKind | None, outside: str) -> str:
    """``amount`` as the clock counts it, labelled; a business clock whose ``amount`` lies all
    outside business hours gives the real time instead, and says where it lies: ``1d 21h wall,
    due at the opening`` (a weekend ahead), ``16h wall, after hours`` (late overnight)."""
    if counts == ClockKind.BUSINESS and round(amount.total_seconds()) == 0 and round(real.total_seconds()) > 0:
        return f"{format_duration(real, ClockKind.WALL)}, {outside}"
    return format_duration(amount, counts)


def minutes(d: timedelta) -> float | int:
    """A duration as a number of minutes (JSON and CSV)."""
    return number(d.total_seconds() / 60)
