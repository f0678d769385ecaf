"""Recording incident and maintenance events: the store, the policies and the lifecycle together.

Each write reads the incident's state, applies the event with the pure functions of
:mod:`slacli.incidents`, and stores the event and the new state in one transaction, so
a refused transition writes nothing. An incident's deadlines are always computed with
the policy tables it was opened (or last recomputed) under, kept as a snapshot in the
store, so an edited ``policies.toml`` changes nothing until ``slacli recompute``.

Reads go through :meth:`Tracker.find`, :meth:`Tracker.downtime` and :meth:`Tracker.windows`,
which all answer *as of* one instant (SPEC 2.14): events after it do not exist yet.
The clock is injected: the tracker asks it only for when an event is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from slacli.casework import checked_field
from slacli.corrections import corrections, in_force, rerecord
from slacli.errors import InputError, StoreError
from slacli.holidaydata import HolidayCache
from slacli.incidents import Event, State, record, replay
from slacli.instants import format_duration, iso, now
from slacli.maintenance import Span, Window, new_window, span, transition
from slacli.notices import HOTFIX, Notice
from slacli.policy import Policy, PolicySet, policies_from_document
from slacli.policy.snapshot import digest, standalone
from slacli.recorded import EventKind, WindowAction
from slacli.storage.base import IncidentFilter, IncidentRow, LogEntry, Store
from slacli.storage.codec import (
    Stretch,
    downtime_stretches,
    downtime_text,
    dump_notice,
    dump_window,
    load_notice,
    load_window,
    state_of,
    state_text,
)
from slacli.texts import MESSAGE_LIMIT, NAME_LIMIT, TITLE_LIMIT, URL_LIMIT, checked_text, optional_text
from slacli.vocabulary import TargetName

# How far ahead of this machine's clock an event may be dated (SPEC 2.13): another
# machine's clock, or a --at typed a minute ahead, is not a mistake worth refusing.
CLOCK_SKEW = timedelta(minutes=5)
LARGEST_ID = 2**63 - 1  # ids are 64-bit signed integers in every store
# The free text an event's details may carry: (what to call it in a message, its limit).
DETAIL_TEXTS = {
    "message": ("MESSAGE", MESSAGE_LIMIT),
    "reason": ("the reason", MESSAGE_LIMIT),
    "url": ("--link", URL_LIMIT),
    "value": ("the field's value", MESSAGE_LIMIT),
    "plan": ("--plan", MESSAGE_LIMIT),
    "note": ("--note", MESSAGE_LIMIT),
    "to": ("--to", NAME_LIMIT),
}
ADDED = "added"  # the first entry of a window's log; then its actions (start, complete, cancel)


class Incident(NamedTuple):
    id: int
    state: State


class Downtime(NamedTuple):
    """An incident's weighted impact, as availability reads it (instants in epoch seconds)."""

    incident_id: int
    severity: str  # as of the read
    excluded: str | None  # the reason its downtime does not count
    stretches: list[Stretch]


class Opened(NamedTuple):
    incident: Incident
    warnings: list[str]


class Change(NamedTuple):
    """A due instant that ``recompute`` moved."""

    target: TargetName
    before: datetime | None
    after: datetime | None


class Tracker:
    def __init__(
        self,
        store: Store | Callable[[], Store],
        policies: PolicySet,
        cache: HolidayCache | None = None,
        clock: Callable[[], datetime] = now,
        recorder: str = "",
    ) -> None:
        # A store, or what opens one when first needed: a database that does not exist yet
        # is made only once an open or a window has passed every check (nothing else written).
        self._store: Store | None = None if callable(store) else store
        self._open_store: Callable[[], Store] | None = store if callable(store) else None
        self.policies = policies
        self.cache = cache
        self.clock = clock
        self.recorder = recorder  # who writes events down (the login), as opposed to their authors
        self._snapshots: dict[str, Policy] = {}
        self._fill_refused = False  # writing back worked-out downtime failed once: do not wait again

    @property
    def store(self) -> Store:
        if self._store is None:
            assert self._open_store is not None
            self._store = self._open_store()
        return self._store

    # -- incidents ---------------------------------------------------------------------

    def open(
        self,
        title: str,
        policy_name: str,
        severity_name: str,
        *,
        at: datetime,
        author: str,
        started: datetime | None = None,
        services: Iterable[str] = (),
        ref: str | None = None,
        fields: Iterable[tuple[str, str]] = (),
        premium: bool = False,
        public_title: str | None = None,
        private: bool = False,
    ) -> Opened:
        if not checked_text(title, "the title", TITLE_LIMIT).strip():
            raise InputError("the title is empty")
        if public_title is not None and not checked_text(public_title, "--public-title", TITLE_LIMIT).strip():
            raise InputError("--public-title is empty")
        author = checked_text(author, "--by", NAME_LIMIT)
        ref = optional_text(ref, "--ref", NAME_LIMIT)
        affected = list(_services(services))
        policy = self.policies.get(policy_name)
        severity = policy.severity(severity_name)
        at, started = _utc(at), _utc(started or at)
        self._happened(at, "the open instant", policy.calendar.zone)
        details: dict[str, Any] = {
            "policy": policy.name,
            "title": title,
            "severity": severity.key,
            "started": started.isoformat(),
            "services": affected,
            "ref": ref,
            "premium": premium,
        }
        if public_title is not None:
            details["public_title"] = public_title
        if private:
            details["private"] = True
        if given := _case_fields(fields):
            details["fields"] = given
        snapshot = digest(self.policies, policy.name)
        state, event = record(None, Event(EventKind.OPENED, at, author, details), policy, snapshot)
        warnings = []
        if state.late_report and policy.report_within is not None:
            warnings.append(
                f"impact began {format_duration(at - started)} before it was reported; policy {policy.name} asks for "
                f"reports within {format_duration(policy.report_within)}: marked as reported late"
            )
        with self.store.transaction():
            self.store.save_snapshot(snapshot, policy.name, standalone(self.policies, policy.name))
            incident_id = self.store.insert_incident(_row(state, policy))
            self._append(incident_id, event)
        return Opened(Incident(incident_id, state), warnings)

    def act(self, incident_id: int, kind: EventKind, *, at: datetime, author: str, **details: Any) -> Incident:
        """Record one event (acknowledged, resolved, paused, ...) on an incident."""
        return self.act_all(incident_id, [(kind, details)], at=at, author=author)

    def act_all(
        self, incident_id: int, events: list[tuple[EventKind, dict[str, Any]]], *, at: datetime, author: str
    ) -> Incident:
        """Record events, in order and at one instant, on an incident: all of them or none."""
        author = checked_text(author, "--by", NAME_LIMIT)
        for _, details in events:
            for key, (what, limit) in DETAIL_TEXTS.items():
                optional_text(details.get(key), what, limit)
        with self.store.transaction():
            state = self._state(incident_id)
            for kind, details in events:
                state = self._act(incident_id, state, kind, at, author, details)
        return Incident(incident_id, state)

    def _act(
        self, incident_id: int, state: State, kind: EventKind, at: datetime, author: str, details: dict[str, Any]
    ) -> State:
        zone = self.policy_of(state).calendar.zone
        self._happened(at, kind.replace("_", " "), zone)
        self._after_the_last(incident_id, state, _utc(at), kind, zone)
        if kind == EventKind.SEVERITY_CHANGED:
            severity = self.policy_of(state).severity(details["severity"])
            details = {"from": state.severity, "severity": severity.key}
        elif kind == EventKind.FIELD:
            key, value = checked_field(details["key"], details["value"])
            details = {"key": key, "value": value}
        elif kind == EventKind.RECOVERY and details.get("notified"):
            self._happened(datetime.fromisoformat(details["notified"]), "the customer notification", zone)
        new, event = record(state, Event(kind, _utc(at), author, details), self.policy_of(state), state.digest)
        self.store.update_incident(incident_id, _row(new, self.policy_of(new)))
        self._append(incident_id, event)
        return new

    def recompute(self, when: list[tuple[int, datetime]], *, author: str) -> list[tuple[Incident, list[Change]]]:
        """Recompute incidents' deadlines with the policy file in use now, each at its instant
        in ``when`` (incident id, instant): all or none."""
        with self.store.transaction():
            return [self._recompute(incident_id, _utc(at), author) for incident_id, at in when]

    def _recompute(self, incident_id: int, at: datetime, author: str) -> tuple[Incident, list[Change]]:
        state = self._state(incident_id)
        policy = self.policies.get(state.policy)
        self._happened(at, "recomputed", policy.calendar.zone)
        snapshot = digest(self.policies, policy.name)
        self.store.save_snapshot(snapshot, policy.name, standalone(self.policies, policy.name))
        new, event = record(state, Event(EventKind.RECOMPUTED, at, author, {}), policy, snapshot)
        changes = [
            Change(name, before, after)
            for name in TargetName
            if (before := getattr(state, f"{name}_due")) != (after := getattr(new, f"{name}_due"))
        ]
        logged = {c.target: {"from": _text(c.before), "to": _text(c.after)} for c in changes}
        event = event._replace(details={**event.details, "changes": logged, "from_digest": state.digest})
        self.store.update_incident(incident_id, _row(new, self.policy_of(new)))
        self._append(incident_id, event)
        return Incident(incident_id, new), changes

    def correct(
        self, incident_id: int, seq: int, *, at: datetime | None, reason: str, author: str
    ) -> tuple[Incident, Event]:
        """Void (``at`` None) or re-date event ``seq`` of an incident (SPEC 2.13): a
        correction appended to the log; the incident becomes what its corrected history says."""
        reason, author = checked_text(reason, "--reason", MESSAGE_LIMIT), checked_text(author, "--by", NAME_LIMIT)
        with self.store.transaction():
            log = self.history(incident_id)
            policy = self.policy_of(self._state(incident_id))
            zone = policy.calendar.zone
            was = self._correctable(log, seq, at, zone)
            if at is not None:
                self._happened(at, f"event {seq}'s new instant", zone)
            when = self.clock()
            details = {"seq": seq, "at": _text(_utc(at) if at else None), "reason": reason, "was": _text(was)}
            fix = Event(EventKind.CORRECTED, when, author, details, when, self._recorder())
            try:
                state, _ = self._rerecord([*log, fix])
            except InputError as refused:
                raise InputError(f"correction refused: {refused}") from None
            self.store.update_incident(incident_id, _row(state, self.policy_of(state)))
            self._append(incident_id, fix)
        return Incident(incident_id, state), fix

    @staticmethod
    def _correctable(log: list[Event], seq: int, at: datetime | None, zone: ZoneInfo) -> datetime | None:
        """The instant in force of event ``seq`` (None: void), when it can be corrected that way."""
        if not 1 <= seq <= len(log):
            raise InputError(f"no event {seq}: the incident has events 1 to {len(log)} (see slacli show)")
        target = log[seq - 1]
        if target.kind == EventKind.CORRECTED:
            raise InputError(f"event {seq} is a correction: correct event {target.details['seq']} again instead")
        fix = corrections(log).get(seq)
        now_at = target.at if fix is None else fix.at
        if at is None and target.kind == EventKind.OPENED:
            raise InputError("the opening cannot be voided: open a new incident instead (or re-date it with --at)")
        if at is None and now_at is None:
            raise InputError(f"event {seq} is already void")
        if at is not None and now_at is not None and _utc(at) == now_at:
            raise InputError(f"event {seq} is already at {iso(at, zone)}")
        return now_at

    def _rerecord(self, log: list[Event]) -> tuple[State, list[Event]]:
        """The incident its log says, corrections applied, and the events in force."""
        opening = log[0]
        return rerecord(in_force(log), lambda digest: self._policy(opening.details["policy"], digest))

    def _after_the_last(self, incident_id: int, state: State, at: datetime, kind: EventKind, zone: ZoneInfo) -> None:
        """Refuse an event before the incident's latest one, naming that one and how to
        correct it when it is the mistake (a year typed wrong, say)."""
        if state.last_event is None or at >= state.last_event:
            return
        log = self.history(incident_id)
        fixes = corrections(log)
        seq = max(
            n
            for n, e in enumerate(log, start=1)
            if e.kind != EventKind.CORRECTED and (fixes[n].at if n in fixes else e.at) == state.last_event
        )
        raise InputError(
            f"{kind.replace('_', ' ')} at {iso(at, zone)} is before the incident's previous event, number {seq} "
            f"at {iso(state.last_event, zone)} (if that one is wrong: slacli correct {incident_id} {seq} --at T "
            "--reason TEXT)"
        )

    def _recorder(self) -> str:
        return checked_text(self.recorder, "the user name ($USER)", NAME_LIMIT)

    def _happened(self, at: datetime, what: str, zone: ZoneInfo | None) -> None:
        """Refuse an event dated after now (SPEC 2.13): events are facts; ``zone``: the message's."""
        current = self.clock()
        if at > current + CLOCK_SKEW:
            raise InputError(
                f"{what} {iso(at, zone)} is after now ({iso(current.replace(microsecond=0), zone)}): "
                "events are recorded once they have happened"
            )

    def _append(self, incident_id: int, event: Event) -> None:
        entry = LogEntry(event.kind, event.at, event.author, dict(event.details), self.clock(), self._recorder())
        self.store.append_event(incident_id, entry)

    def _state(self, incident_id: int) -> State:
        found = self.store.incident(incident_id) if 1 <= incident_id <= LARGEST_ID else None
        if found is None:
            raise InputError(f"no incident {incident_id} in {self.store.location}")
        return state_of(found.state)

    def get(self, incident_id: int) -> Incident:
        """The incident with every event it has (see :meth:`as_of` for reads)."""
        return Incident(incident_id, self._state(incident_id))

    def history(self, incident_id: int) -> list[Event]:
        self._state(incident_id)  # an unknown id is an input error
        return [
            Event(
                EventKind(e.kind),
                datetime.fromisoformat(e.at),
                e.author,
                e.details,
                datetime.fromisoformat(e.recorded),
                e.recorded_by,
            )
            for e in self.store.events(incident_id)
        ]

    def as_of(self, incident: Incident, when: datetime, history: list[Event] | None = None) -> Incident | None:
        """The incident as it stood at ``when``, its later events undone (None: not yet opened);
        ``history``: its events, when the caller has read them already."""
        state = incident.state
        if state.last_event is None or state.last_event <= when:
            return incident
        if state.opened > when:
            return None
        events = self.recorded_again(self.history(incident.id) if history is None else history)
        return Incident(incident.id, replay(e for e in events if e.at <= when))

    def recorded_again(self, log: list[Event]) -> list[Event]:
        """The events of an incident's ``log`` as corrected, recorded again when any was."""
        if all(e.kind != EventKind.CORRECTED for e in log):
            return log
        return self._rerecord(log)[1]

    def find(self, where: IncidentFilter, as_of: datetime) -> list[Incident]:
        """Incidents opened by ``as_of`` matching ``where``, as they stood then: the store's
        columns hold the latest state, so the store gives a superset, narrowed here."""
        wanted = where._replace(opened_by=min(where.opened_by or as_of, as_of))
        found = (Incident(row.id, state_of(row.state)) for row in self.store.incidents(wanted))
        unresolved_at = where.unresolved_at
        return [
            then
            for incident in found
            if (then := self.as_of(incident, as_of)) is not None
            and (unresolved_at is None or then.state.resolved is None or then.state.resolved > unresolved_at)
        ]

    def find_open(self, where: IncidentFilter, as_of: datetime) -> list[Incident]:
        """Incidents open at ``as_of`` matching ``where``, as they stood then."""
        return self.find(where._replace(unresolved_at=as_of), as_of)

    def downtime(
        self, policy: str, unresolved_at: datetime, as_of: datetime, service: str | None = None
    ) -> list[Downtime]:
        """The weighted impact of ``policy``'s incidents not resolved by ``unresolved_at``
        (only those with any) as of ``as_of``, each weighted by its own policy snapshot."""
        found, worked_out = [], []
        for row in self.store.downtime(policy, unresolved_at, service):
            if row.downtime and datetime.fromisoformat(row.last_event) <= as_of:
                data = json.loads(row.downtime)
                stretches = [(a, b, weight) for a, b, weight in data["stretches"]]
                found.append(Downtime(row.id, row.severity, data["excluded"], stretches))
                continue
            current = self.get(row.id)
            if row.downtime is None:  # written before the downtime column: work it out, and keep it
                worked_out.append((row.id, downtime_text(current.state, self.policy_of(current.state))))
            then = self.as_of(current, as_of)
            if then is not None and (stretches := downtime_stretches(then.state, self.policy_of(then.state))):
                found.append(Downtime(row.id, then.state.severity, then.state.excluded, stretches))
        self._write_back(worked_out)
        return found

    def _write_back(self, worked_out: list[tuple[int, str | None]]) -> None:
        if worked_out and not self._fill_refused:
            try:
                with self.store.transaction(wait=False):
                    self.store.fill_downtime(worked_out)
            except StoreError:  # a read-only or busy file: correct all the same, only slower next time
                self._fill_refused = True

    def policy_of(self, state: State) -> Policy:
        """The policy an incident's deadlines come from: its snapshot, else the file's."""
        return self._policy(state.policy, state.digest)

    def _policy(self, name: str, snapshot: str) -> Policy:
        if snapshot not in self._snapshots:
            tables = self.store.snapshot(snapshot)
            if tables is None:
                return self.policies.get(name)
            label = Path(f"{self.store.location}#policy-{snapshot}")
            self._snapshots[snapshot] = policies_from_document(tables, label, self.cache).get(name)
        return self._snapshots[snapshot]

    # -- maintenance ---------------------------------------------------------------------

    def add_window(
        self, policy_name: str, start: datetime, end: datetime, *, author: str, **options: Any
    ) -> tuple[int, Window]:
        """Record a maintenance window (classified, with warnings); returns it with its id."""
        return self.add_windows(policy_name, [(start, end)], author=author, **options)[0]

    def add_windows(
        self, policy_name: str, spans: Sequence[Span], *, author: str, **options: Any
    ) -> list[tuple[int, Window]]:
        """Record windows alike but for their spans (a series, in order), all or none; each is
        classified and warned about as if added alone after the ones before it."""
        policy = self.policies.get(policy_name)
        author = checked_text(author, "--by", NAME_LIMIT)
        checked_text(options.get("title") or "", "--title", TITLE_LIMIT)
        optional_text(options.get("service"), "--service", NAME_LIMIT)
        if options.get("announced") is not None:
            self._happened(options["announced"], "the announcement", policy.calendar.zone)
        now = self.clock()  # the announcement when no --announced says
        for start, end in spans:
            new_window(policy, start, end, now=now, others=[], **options)  # refused before any file is touched
        added = []
        with self.store.transaction():
            # Only neighbours matter (the same ISO week, in any zone): not every window ever.
            near = (spans[0][0] - timedelta(days=8), spans[-1][1] + timedelta(days=8))
            others = [w for _, w in self._windows(policy.name, near)]
            for start, end in spans:
                window = new_window(
                    policy, start.astimezone(UTC), end.astimezone(UTC), now=now, others=others, **options
                )
                window_id = self.store.insert_window(policy.name, *span(window), dump_window(window))
                details = {"kind": window.kind, "warnings": list(window.warnings)}
                recorded = self.clock()
                at = window.announced or recorded
                entry = LogEntry(ADDED, at, author, details, recorded, self._recorder())
                self.store.append_window_event(window_id, entry)
                others.append(window)
                added.append((window_id, window))
        return added

    def hotfix(
        self,
        policy_name: str,
        title: str,
        *,
        at: datetime,
        author: str,
        services: Iterable[str] = (),
        message: str | None = None,
    ) -> tuple[int, Notice]:
        """Record a hotfix applied without downtime (a notice for the status page)."""
        policy = self.policies.get(policy_name)
        if not checked_text(title, "--title", TITLE_LIMIT).strip():
            raise InputError("--title is empty")
        if message is not None and not checked_text(message, "--message", MESSAGE_LIMIT).strip():
            raise InputError("--message is empty")
        notice = Notice(
            HOTFIX, policy.name, _utc(at), title, _services(services), message, checked_text(author, "--by", NAME_LIMIT)
        )
        self._happened(at, "the hotfix", policy.calendar.zone)
        with self.store.transaction():
            notice_id = self.store.insert_notice(
                policy.name, notice.at, dump_notice(notice), self.clock(), self._recorder()
            )
        return notice_id, notice

    def notices(
        self, policy: str | None = None, between: tuple[datetime, datetime] | None = None
    ) -> list[tuple[int, Notice]]:
        """Notices by their instant: of ``policy`` (else all), in [a, b) when given."""
        return [(row.id, load_notice(row.state)) for row in self.store.notices(policy, between)]

    def window(self, window_id: int) -> Window:
        """The window with every action it has had."""
        found = self.store.window(window_id) if 1 <= window_id <= LARGEST_ID else None
        if found is None:
            raise InputError(f"no maintenance window {window_id} in {self.store.location}")
        return load_window(found.state)

    def window_action(self, window_id: int, action: WindowAction, *, at: datetime, author: str) -> Window:
        author = checked_text(author, "--by", NAME_LIMIT)
        with self.store.transaction():
            window = self.window(window_id)
            known = self.policies.policies.get(window.policy)
            zone = known.calendar.zone if known else None
            self._happened(at, f"maintenance {action}", zone)
            window = transition(window, action, _utc(at), zone)
            self.store.update_window(window_id, dump_window(window), span(window))
            entry = LogEntry(action, at, author, {}, self.clock(), self._recorder())
            self.store.append_window_event(window_id, entry)
        return window

    def windows(
        self, as_of: datetime, policy: str | None = None, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[tuple[int, Window]]:
        """Maintenance windows by start, as they stood at ``as_of`` (announced by then)."""
        return [(i, then) for i, window in self._windows(policy, overlapping) if (then := window.as_of(as_of))]

    def _windows(
        self, policy: str | None, overlapping: tuple[datetime, datetime] | None
    ) -> Iterable[tuple[int, Window]]:
        return [(row.id, load_window(row.state)) for row in self.store.windows(policy, overlapping)]


def _row(state: State, policy: Policy) -> IncidentRow:
    assert state.last_event is not None
    return IncidentRow(
        policy=state.policy,
        severity=state.severity,
        status=state.status,
        services=state.services,
        opened=state.opened,
        resolved=state.resolved,
        last_event=state.last_event,
        state=state_text(state),
        downtime=downtime_text(state, policy),
    )


def _services(given: Iterable[str]) -> tuple[str, ...]:
    """The services named, each once, in order; InputError for an empty or unfit name."""
    services = tuple(dict.fromkeys(checked_text(s, "--service", NAME_LIMIT) for s in given))
    if not all(s.strip() for s in services):
        raise InputError("--service is empty")
    return services


def _case_fields(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Fields given at the opening, checked; a field given twice is refused."""
    given: dict[str, str] = {}
    for key, value in fields:
        name, text = checked_field(key, checked_text(value, "the field's value", MESSAGE_LIMIT))
        if name in given:
            raise InputError(f"field {name} is given twice")
        given[name] = text
    return given


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def _text(t: datetime | None) -> str | None:
    return t.isoformat() if t else None
