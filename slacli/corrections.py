"""Corrections (SPEC 2.13): the log is append-only, and a mistake is put right by a later
event that voids or re-dates an earlier one, with a reason. Pure.

An incident is what its corrected history says: the events in force (:func:`in_force`),
recorded again from the start (:func:`rerecord`) with the policy snapshot each was first
recorded under, as if that history had been written down in the first place. Events are
numbered from 1 in log order (``seq``), the number ``slacli show`` prints; the latest
correction of an event is the one in force, so re-dating a voided event restores it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from slacli.errors import InputError
from slacli.incidents import Event, State, record
from slacli.policy import Policy
from slacli.recorded import EventKind

# Details that record() works out from the history before an event: worked out again.
COMPUTED = ("due", "due_at_event")


class Correction(NamedTuple):
    seq: int  # the event it corrects
    at: datetime | None  # its instant from now on; None: void
    reason: str
    event: Event  # the correction itself: who, when recorded
    number: int  # the correction's own seq


def correction(event: Event, number: int) -> Correction:
    """The correction that ``event``, number ``number`` of its log, makes."""
    d = event.details
    at = datetime.fromisoformat(d["at"]) if d.get("at") else None
    return Correction(int(d["seq"]), at, d["reason"], event, number)


def corrections(log: Sequence[Event]) -> dict[int, Correction]:
    """The correction in force for each corrected event, by its seq."""
    return {
        fix.seq: fix for fix in (correction(e, n) for n, e in enumerate(log, start=1) if e.kind == EventKind.CORRECTED)
    }


def in_force(log: Sequence[Event]) -> list[Event]:
    """The events of ``log`` as corrected, by instant (a tie keeps log order): voided
    ones left out, re-dated ones at their new instant, the corrections themselves gone."""
    fixes = corrections(log)
    kept: list[tuple[datetime, int, Event]] = []
    for seq, event in enumerate(log, start=1):
        fix = fixes.get(seq)
        if event.kind == EventKind.CORRECTED or (fix is not None and fix.at is None):
            continue
        if fix is not None and fix.at is not None:
            event = _redated(event, fix.at)
        kept.append((event.at, seq, event))
    return [event for _, _, event in sorted(kept, key=lambda item: item[:2])]


def _redated(event: Event, at: datetime) -> Event:
    details = dict(event.details)
    if event.kind == EventKind.OPENED and datetime.fromisoformat(details["started"]) == event.at:
        details["started"] = at.isoformat()  # impact began when it was opened: it still does
    return event._replace(at=at, details=details)


def rerecord(events: Iterable[Event], policy_for: Callable[[str], Policy]) -> tuple[State, list[Event]]:
    """Record ``events`` again from the start; ``policy_for(digest)``: the policy snapshot
    a digest names. InputError when the history they make is impossible."""
    state: State | None = None
    recorded = []
    for event in events:
        # The policy tables in force: the opening's, until a recompute brought others.
        if state is None or event.kind == EventKind.RECOMPUTED:
            digest = event.details.get("due", {}).get("digest", "")
        else:
            digest = state.digest
        plain = event._replace(details={k: v for k, v in event.details.items() if k not in COMPUTED})
        state, again = record(state, plain, policy_for(digest), digest)
        recorded.append(again)
    if state is None:
        raise InputError("an incident without events")
    return state, recorded
