"""Each target of an incident as of an instant: due, met, breached, time left."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from slacli.calendars import Calendar
from slacli.incidents import State, paused_due
from slacli.vocabulary import ClockKind, ClockStatus, TargetName


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


def remaining(clock: Clock, now: datetime, calendar: Calendar) -> timedelta | None:
    """Time left until the clock's due instant (negative when overdue), counted as it counts."""
    if clock.due is None:
        return None
    if clock.counts == ClockKind.BUSINESS:
        return calendar.elapsed(now, clock.due)
    return clock.due - now
