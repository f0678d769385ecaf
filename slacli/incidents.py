"""The incident lifecycle as pure functions over events (SPEC 2.8-2.12).

An incident is its events, in order; :func:`replay` folds them into a :class:`State`.
Events that move clocks carry the due instants they produced, computed once when they
were recorded (:func:`record`), so replaying never consults a policy: editing
``policies.toml`` or upgrading ``holidays`` does not rewrite an old incident's targets.
Every instant here is UTC, which keeps comparisons exact across DST folds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from slacli.calendars import Calendar
from slacli.casework import Recovery, Work
from slacli.errors import InputError
from slacli.policy import Due, Policy
from slacli.recorded import EventKind, PublicState, Status
from slacli.vocabulary import Anchor, ClockKind, MetBy, TargetName

K = EventKind
# Events after which the due instants are computed again (and stored with the event).
MOVES_CLOCKS = frozenset({K.OPENED, K.ACKNOWLEDGED, K.SEVERITY_CHANGED, K.RESUMED, K.UPDATE, K.REOPENED, K.RECOMPUTED})
# Events that meet a target, judged against its due instant moved by a running pause.
JUDGED = frozenset({K.ACKNOWLEDGED, K.RESOLVED, K.UPDATE, K.WORKAROUND})


class Event(NamedTuple):
    kind: EventKind
    at: datetime  # UTC: when it happened
    author: str = ""
    details: Mapping[str, Any] = {}
    recorded: datetime | None = None  # when it was written down (None: not yet)
    recorded_by: str = ""  # who wrote it down (the author is who did it)


Pause = tuple[datetime, datetime]


class PublicUpdate(NamedTuple):
    """An update as the status page shows it: the public state it left and its message."""

    at: datetime
    state: PublicState
    message: str | None


class State(NamedTuple):
    """An incident as of its last event; due instants are the effective ones."""

    policy: str
    title: str
    severity: str
    status: Status
    opened: datetime
    started: datetime
    services: tuple[str, ...] = ()  # the services it affects, as given
    ref: str | None = None
    acked: datetime | None = None
    resolved: datetime | None = None
    paused_since: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    excluded: str | None = None
    postmortem: str | None = None
    response_due: datetime | None = None
    resolution_due: datetime | None = None
    update_due: datetime | None = None
    update_since: datetime | None = None  # when the update clock last started (None: not recorded)
    response_clock: ClockKind | None = None  # what a pause moves it by
    resolution_clock: ClockKind | None = None
    response_met: bool | None = None
    resolution_met: bool | None = None
    provisional: bool = False
    last_update: datetime | None = None
    reopened: datetime | None = None  # the update cadence starts again from here
    severity_changes: tuple[tuple[datetime, str], ...] = ()  # (when, the severity before it)
    resolved_gaps: tuple[Pause, ...] = ()  # resolved until reopened: no impact then
    late_updates: tuple[tuple[datetime, datetime], ...] = ()  # (due, posted at)
    late_report: bool = False
    premium: bool = False  # the client has Premium Support: prioritized for remediation work
    digest: str = ""
    last_event: datetime | None = None
    fields: Mapping[str, str] = {}  # case fields given: name -> value
    recoveries: tuple[Recovery, ...] = ()
    work: tuple[Work, ...] = ()
    resolution_accepts: tuple[str, ...] = (MetBy.RESOLVE,)  # the severity's resolution_met_by
    workaround: datetime | None = None  # the first workaround
    resolution_workaround: datetime | None = None  # the workaround that settled the resolution target
    exception_reason: str | None = None  # why the resolution is late (the latest exception)
    exception_plan: str | None = None  # and how its impact is mitigated meanwhile
    escalations: tuple[tuple[datetime, str], ...] = ()  # (when, to whom)
    public_title: str | None = None  # the title on the status page (None: the title)
    private: bool = False  # kept off the status page
    public_state: PublicState | None = None  # as last posted (None: nothing posted since opened)
    public_updates: tuple[PublicUpdate, ...] = ()  # those posted with a state, oldest first

    @property
    def is_open(self) -> bool:
        return self.status != Status.RESOLVED

    @property
    def service(self) -> str | None:
        """The first service it affects (the one of incidents opened before several could be)."""
        return self.services[0] if self.services else None

    @property
    def page_state(self) -> PublicState:
        """Its state on the status page: resolved once resolved, else as last posted."""
        if self.status == Status.RESOLVED:
            return PublicState.RESOLVED
        return self.public_state or PublicState.INVESTIGATING

    @property
    def resolution_met_by(self) -> MetBy | None:
        """The event that settled the resolution target: a workaround, the resolution, or none yet."""
        if self.resolution_workaround is not None:
            return MetBy.WORKAROUND
        return MetBy.RESOLVE if self.resolved is not None else None

    def paused_seconds(self, now: datetime) -> float:
        done = sum((end - start).total_seconds() for start, end in self.pauses)
        running = (now - self.paused_since).total_seconds() if self.paused_since and now > self.paused_since else 0
        return done + running


# -- due instants ------------------------------------------------------------------------


def shift(
    due: datetime, pauses: Iterable[Pause], clock: ClockKind | None, calendar: Calendar, since: datetime | None = None
) -> datetime:
    """Move ``due`` by the part of every pause while its clock ran (SPEC 2.11): from
    ``since`` (the clock's anchor) until the due instant.

    A pause counts on the clock the target counts on: business time on ``calendar``
    for business rules, real time for wall durations.
    """
    for start, end in pauses:
        if since is not None:
            start = max(start, since)  # before its anchor this clock was not running
        if start >= due or end <= start:
            continue  # the clock had run out before the pause began, or had not started
        if clock == ClockKind.BUSINESS:
            due = calendar.add(due, calendar.elapsed(start, end)).astimezone(UTC)
        else:
            due = due + (end - start)
    return due


def compute_dues(policy: Policy, state: State, digest: str) -> dict[str, Any]:
    """The due instants of ``state``'s clocks under its policy and severity, as stored."""
    severity = policy.severity(state.severity)
    calendar = severity.calendar
    due: dict[str, Any] = {"digest": digest}
    response = policy.deadlines(severity, state.opened)[0]
    response_due = _shifted(response, state.pauses, calendar, state.opened)
    # Acked-anchored: from the acknowledgement or the response due, pauses included,
    # whichever is earlier (SPEC 2.9).
    resolution = policy.deadlines(severity, state.opened, state.acked, response_due)[1]
    since = resolution.anchor_at if resolution.anchor == Anchor.ACKED else state.opened
    for target, at in ((response, response_due), (resolution, _shifted(resolution, state.pauses, calendar, since))):
        due[target.name] = _iso(at) if at else None
        due[f"{target.name}_clock"] = target.rule.clock if target.rule else None
    due["provisional"] = resolution.provisional
    due["resolution_met_by"] = list(severity.resolution_met_by)
    cadence = severity.update_every and state.is_open
    due[TargetName.UPDATE] = _iso(_update_due(policy, state)) if cadence else None
    due["update_since"] = _iso(_update_since(policy, state)) if cadence else None
    return due


def _shifted(target: Due, pauses: Iterable[Pause], calendar: Calendar, since: datetime | None) -> datetime | None:
    if target.at is None:
        return None
    return shift(target.at.astimezone(UTC), pauses, target.rule.clock if target.rule else None, calendar, since)


def _update_due(policy: Policy, state: State) -> datetime:
    """SPEC 2.12: the later of the last update and the instant the cadence came into force
    (or the reopening), plus the cadence, moved by later pauses."""
    severity = policy.severity(state.severity)
    assert severity.update_every is not None
    since = _update_since(policy, state)
    return shift(since + severity.update_every, state.pauses, ClockKind.WALL, severity.calendar, since)


def _update_since(policy: Policy, state: State) -> datetime:
    """When the update clock last started: the cadence coming into force, the last update or
    the reopening, whichever is latest. A pause before it does not move it."""
    return max(t for t in (_cadence_since(policy, state), state.last_update, state.reopened) if t is not None)


def _cadence_since(policy: Policy, state: State) -> datetime:
    """When the cadence in force began: the opening, or the last severity change that
    brought a different cadence (a change between two severities of one cadence does not)."""
    since, changes = state.opened, state.severity_changes
    afters = [*(before for _, before in changes[1:]), state.severity][: len(changes)]  # each change's new one
    for (at, before), after in zip(changes, afters, strict=True):
        if policy.severity(before).update_every != policy.severity(after).update_every:
            since = at
    return since


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


# -- folding events ----------------------------------------------------------------------


def record(state: State | None, event: Event, policy: Policy, digest: str) -> tuple[State, Event]:
    """Apply a new event and store in it the due instants it produces.

    An event that meets a target while the incident is paused is judged against the due
    instant moved by the pause so far (SPEC 2.11); that instant is stored with it too.
    """
    if event.kind == EventKind.OPENED:
        started = datetime.fromisoformat(event.details["started"]) if event.details.get("started") else event.at
        event = event._replace(details={**event.details, "late_report": reported_late(policy, event.at, started)})
    if state is not None and state.paused_since is not None and event.kind in JUDGED:
        calendar = policy.severity(state.severity).calendar
        moved = {
            name: _iso(paused_due(state, name, due, event.at, calendar))
            for name in TargetName
            if (due := getattr(state, f"{name}_due")) is not None
        }
        event = event._replace(details={**event.details, "due_at_event": moved})
    new = apply(state, event)
    if event.kind in MOVES_CLOCKS and new.is_open:
        due = compute_dues(policy, new, digest)
        # Already met or missed: it stays judged against the due instant it had (SPEC 2.11).
        if state is not None and state.acked is not None and state.response_due is not None:
            due[TargetName.RESPONSE] = _iso(state.response_due)
            due["response_clock"] = state.response_clock
        if state is not None and state.resolution_workaround is not None and state.resolution_due is not None:
            due[TargetName.RESOLUTION] = _iso(state.resolution_due)
            due["resolution_clock"] = state.resolution_clock
        event = event._replace(details={**event.details, "due": due})
        new = _with_dues(new, event)
    return new, event


def reported_late(policy: Policy, opened: datetime, started: datetime) -> bool:
    """Whether an incident opened at ``opened`` was reported later than the policy asks: a
    whole number of days is calendar days on the policy's local clock, so a DST change in
    between neither shortens nor lengthens it (SPEC 3, optimy); hours are real time."""
    allowed = policy.report_within
    if allowed is None:
        return False
    if allowed % timedelta(days=1):
        return opened - started > allowed
    zone = policy.calendar.zone
    try:
        wall = (started.astimezone(zone).replace(tzinfo=None) + allowed).replace(tzinfo=zone)
    except OverflowError:  # beyond the year 9999: no report can be that late
        return False
    # A wall time the clocks skip or repeat that night: the later instant it can mean, so the
    # reporter has the benefit of the doubt (as pendulum's calendar arithmetic does).
    last = max(wall.replace(fold=0).astimezone(UTC), wall.replace(fold=1).astimezone(UTC))
    return opened > last


def paused_due(state: State, name: TargetName, due: datetime, now: datetime, calendar: Calendar) -> datetime:
    """``due`` moved by the pause running since ``state.paused_since`` until ``now`` (SPEC
    2.11); the update clock only from when it last started, were that in the pause (2.12).
    Events stored before that instant was kept give the latest update or reopening."""
    assert state.paused_since is not None
    since = None
    if name == TargetName.UPDATE:
        since = state.update_since or max(t for t in (state.last_update, state.reopened, state.opened) if t)
    return shift(due, [(state.paused_since, now)], _clock(state, name), calendar, since)


def _clock(state: State, name: TargetName) -> ClockKind | None:
    clock: ClockKind | None = ClockKind.WALL if name == TargetName.UPDATE else getattr(state, f"{name}_clock")
    return clock


def _due_at_event(state: State, event: Event, name: TargetName) -> datetime | None:
    """The due instant ``event`` is judged against: moved by a running pause, if any."""
    moved = event.details.get("due_at_event", {}).get(name)
    due: datetime | None = datetime.fromisoformat(moved) if moved else getattr(state, f"{name}_due")
    return due


def replay(events: Iterable[Event]) -> State:
    state: State | None = None
    for event in events:
        state = apply(state, event)
    if state is None:
        raise InputError("an incident without events")
    return state


def apply(state: State | None, event: Event) -> State:
    """The state after ``event``; InputError when the transition is illegal."""
    if state is None:
        if event.kind != EventKind.OPENED:
            raise InputError(f"an incident begins with 'opened', not '{event.kind}'")
        return _with_dues(_opened(event), event)
    if state.last_event and event.at < state.last_event:
        raise InputError(
            f"{event.kind.replace('_', ' ')} at {event.at.isoformat()} is before the incident's "
            f"previous event ({state.last_event.isoformat()})"
        )
    handler = _HANDLERS.get(event.kind)
    if handler is None:
        raise InputError(f"unknown event kind '{event.kind}'")
    return _with_dues(handler(state, event)._replace(last_event=event.at), event)


def _with_dues(state: State, event: Event) -> State:
    due = event.details.get("due")
    if not due:
        return state
    fields: dict[str, Any] = {
        "resolution_accepts": tuple(due.get("resolution_met_by", (MetBy.RESOLVE,))),
        "provisional": bool(due.get("provisional")),
        "digest": due.get("digest", state.digest),
        "response_clock": _clock_kind(due.get("response_clock")),
        "resolution_clock": _clock_kind(due.get("resolution_clock")),
    }
    for name in TargetName:
        value = due.get(name)
        fields[f"{name}_due"] = datetime.fromisoformat(value) if value else None
    fields["update_since"] = datetime.fromisoformat(due["update_since"]) if due.get("update_since") else None
    return state._replace(**fields)


def _clock_kind(text: str | None) -> ClockKind | None:
    return ClockKind(text) if text else None


def _opened(event: Event) -> State:
    d = event.details
    if d.get("started") and datetime.fromisoformat(d["started"]) > event.at:
        raise InputError("--started is after the open instant")
    return State(
        policy=d["policy"],
        title=d["title"],
        severity=d["severity"],
        status=Status.OPEN,
        opened=event.at,
        started=datetime.fromisoformat(d["started"]) if d.get("started") else event.at,
        services=tuple(d.get("services") or ([d["service"]] if d.get("service") else [])),
        ref=d.get("ref"),
        late_report=bool(d.get("late_report")),
        premium=bool(d.get("premium")),
        last_event=event.at,
        fields=dict(d.get("fields") or {}),
        public_title=d.get("public_title"),
        private=bool(d.get("private")),
    )


def _refuse_if_resolved(state: State, what: str) -> None:
    if state.status == Status.RESOLVED:
        raise InputError(f"cannot {what} a resolved incident (reopen it first)")


def _acknowledged(state: State, event: Event) -> State:
    _refuse_if_resolved(state, "acknowledge")
    if state.acked is not None:
        raise InputError("the incident is already acknowledged")
    due = _due_at_event(state, event, TargetName.RESPONSE)
    met = None if due is None else event.at <= due
    return state._replace(
        acked=event.at, response_met=met, status=Status.PAUSED if state.paused_since else Status.ACKNOWLEDGED
    )


def _severity_changed(state: State, event: Event) -> State:
    _refuse_if_resolved(state, "change the severity of")
    if event.details["severity"] == state.severity:
        raise InputError(f"the incident is already severity {state.severity}")
    changes = (*state.severity_changes, (event.at, state.severity))
    return state._replace(severity=event.details["severity"], severity_changes=changes)


def _paused(state: State, event: Event) -> State:
    _refuse_if_resolved(state, "pause")
    if state.paused_since is not None:
        raise InputError("the incident is already paused")
    return state._replace(status=Status.PAUSED, paused_since=event.at)


def _resumed(state: State, event: Event) -> State:
    if state.paused_since is None:
        raise InputError("the incident is not paused")
    return state._replace(
        status=Status.ACKNOWLEDGED if state.acked else Status.OPEN,
        paused_since=None,
        pauses=(*state.pauses, (state.paused_since, event.at)),
    )


def _update(state: State, event: Event) -> State:
    """A status update; one with a ``state`` (``slacli state``) is posted on the status page
    and moves the public state. A public "resolved" leaves the incident open: only a
    resolution resolves it."""
    _refuse_if_resolved(state, "post an update to")
    state = state._replace(last_update=event.at, late_updates=state.late_updates + _late_update(state, event))
    posted = event.details.get("state")
    if not posted:
        return state  # not for the public: an internal note, or sent by other means
    update = PublicUpdate(event.at, PublicState(posted), event.details.get("message"))
    return state._replace(public_state=update.state, public_updates=(*state.public_updates, update))


def _late_update(state: State, event: Event) -> tuple[tuple[datetime, datetime], ...]:
    """The update target missed by ``event`` (an update, or the resolution ending the cadence)."""
    due = _due_at_event(state, event, TargetName.UPDATE)
    return ((due, event.at),) if due is not None and event.at > due else ()


def _resolved(state: State, event: Event) -> State:
    _refuse_if_resolved(state, "resolve")
    late_updates = state.late_updates + _late_update(state, event)  # a missed cadence stays missed
    fields: dict[str, Any] = {}
    if state.resolution_workaround is None:  # else a workaround met or missed it: it stays judged
        due = _due_at_event(state, event, TargetName.RESOLUTION)
        fields["resolution_met"] = None if due is None else event.at <= due
    if state.acked is None:  # resolved without an acknowledgement: that answered it too
        response = _due_at_event(state, event, TargetName.RESPONSE)
        fields["response_met"] = None if response is None else event.at <= response
    if state.paused_since is not None:
        state = _resumed(state, event)
    return state._replace(
        status=Status.RESOLVED,
        resolved=event.at,
        update_due=None,
        late_updates=late_updates,
        **fields,
    )


def _reopened(state: State, event: Event) -> State:
    if state.status != Status.RESOLVED:
        raise InputError("only a resolved incident can be reopened")
    assert state.resolved is not None
    return state._replace(
        status=Status.ACKNOWLEDGED if state.acked else Status.OPEN,
        resolved=None,
        resolution_met=state.resolution_met if state.resolution_workaround else None,
        reopened=event.at,
        resolved_gaps=(*state.resolved_gaps, (state.resolved, event.at)),
        public_state=None,  # back to investigating
    )


def _excluded(state: State, event: Event) -> State:
    return state._replace(excluded=event.details.get("reason"))


def _postmortem(state: State, event: Event) -> State:
    return state._replace(postmortem=event.details["url"])


def _workaround(state: State, event: Event) -> State:
    """An interim fix: the incident stays open; it settles the resolution target when the
    severity lists "workaround" in ``resolution_met_by`` and nothing settled it before."""
    _refuse_if_resolved(state, "record a workaround for")
    state = state._replace(workaround=state.workaround or event.at)
    due = _due_at_event(state, event, TargetName.RESOLUTION)
    if MetBy.WORKAROUND not in state.resolution_accepts or state.resolution_workaround or due is None:
        return state
    return state._replace(resolution_workaround=event.at, resolution_met=event.at <= due)


def _exception(state: State, event: Event) -> State:
    """The exception process: it documents a late resolution and never makes it met."""
    d = event.details
    return state._replace(exception_reason=d["reason"], exception_plan=d["plan"])


def _escalated(state: State, event: Event) -> State:
    _refuse_if_resolved(state, "escalate")
    return state._replace(escalations=(*state.escalations, (event.at, event.details["to"])))


def _recomputed(state: State, event: Event) -> State:
    if state.status == Status.RESOLVED:
        raise InputError("the incident is resolved: its deadlines are settled")
    return state


# Case work may be recorded on a resolved incident too: fields and work often come after.


def _field(state: State, event: Event) -> State:
    return state._replace(fields={**state.fields, event.details["key"]: event.details["value"]})


def _recovery(state: State, event: Event) -> State:
    d = event.details
    snapshot = datetime.fromisoformat(d["snapshot"])
    if snapshot > event.at:
        raise InputError("the snapshot is after the recovery: a backup is restored once it was taken")
    notified = datetime.fromisoformat(d["notified"]) if d.get("notified") else None
    return state._replace(recoveries=(*state.recoveries, Recovery(event.at, snapshot, notified)))


def _worklog(state: State, event: Event) -> State:
    minutes = float(event.details["minutes"])
    if not minutes > 0:
        raise InputError("the time worked must be longer than zero")
    return state._replace(work=(*state.work, Work(event.at, minutes, state.severity)))


_HANDLERS: dict[EventKind, Callable[[State, Event], State]] = {
    K.ACKNOWLEDGED: _acknowledged,
    K.SEVERITY_CHANGED: _severity_changed,
    K.PAUSED: _paused,
    K.RESUMED: _resumed,
    K.UPDATE: _update,
    K.RESOLVED: _resolved,
    K.REOPENED: _reopened,
    K.EXCLUDED: _excluded,
    K.POSTMORTEM: _postmortem,
    K.RECOMPUTED: _recomputed,
    K.FIELD: _field,
    K.RECOVERY: _recovery,
    K.WORKLOG: _worklog,
    K.WORKAROUND: _workaround,
    K.EXCEPTION: _exception,
    K.ESCALATED: _escalated,
}
