"""Recording incident events: the store, the policies and the lifecycle together.

Each write reads the incident's state, applies the event with the pure functions of
:mod:`slacli.incidents`, and stores the event and the new state in one transaction, so
a refused transition writes nothing. An incident's deadlines are always computed with
the policy tables it was opened (or last recomputed) under, kept as a snapshot in the
store, so an edited ``policies.toml`` changes nothing until ``slacli recompute``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from slacli.errors import InputError, StoreError
from slacli.holidaydata import HolidayCache
from slacli.incidents import Event, State, dump_state, impact, load_state, record, replay
from slacli.maintenance import Window, dump_window, load_window, new_window, transition
from slacli.policy import Policy, PolicySet, policies_from_document

if TYPE_CHECKING:  # the store (sqlite3) is imported only by the commands that open it
    from slacli.store import Row, Store


class Incident(NamedTuple):
    id: int
    state: State


class Downtime(NamedTuple):
    """An incident's weighted impact, as availability reads it (instants in epoch seconds)."""

    incident_id: int
    severity: str  # now
    excluded: str | None  # the reason its downtime does not count
    stretches: list[tuple[float, float | None, float]]  # (start, end or None while open, weight > 0)


class Opened(NamedTuple):
    incident: Incident
    warnings: list[str]


class Tracker:
    def __init__(self, store: Store, policies: PolicySet, cache: HolidayCache | None = None) -> None:
        self.store = store
        self.policies = policies
        self.cache = cache
        self._snapshots: dict[str, Policy] = {}
        self._fill_refused = False  # writing back worked-out downtime failed once: do not wait again

    # -- writing -----------------------------------------------------------------------

    def open(
        self,
        title: str,
        policy_name: str,
        severity_name: str,
        *,
        at: datetime,
        author: str,
        started: datetime | None = None,
        service: str | None = None,
        ref: str | None = None,
    ) -> Opened:
        if not title.strip():
            raise InputError("the title is empty")
        policy = self.policies.get(policy_name)
        severity = policy.severity(severity_name)
        at, started = _utc(at), _utc(started or at)
        if started > at:
            raise InputError("--started is after the open instant")
        warnings = []
        late = policy.report_within is not None and at - started > policy.report_within
        if late:
            warnings.append(
                f"impact began {_days(at - started)} before it was reported; policy {policy.name} asks for "
                f"reports within {_days(policy.report_within)}: marked as reported late"
            )
        details = {
            "policy": policy.name,
            "title": title,
            "severity": severity.key,
            "started": started.isoformat(),
            "service": service,
            "ref": ref,
            "late_report": late,
        }
        digest = self.policies.digest(policy.name)
        state, event = record(None, Event("opened", at, author, details), policy, digest)
        with self.store.transaction():
            self.store.save_snapshot(digest, policy.name, self.policies.standalone(policy.name))
            incident_id = self.store.insert_incident(_row(state, policy))
            self._append(incident_id, event)
        return Opened(Incident(incident_id, state), warnings)

    def act(self, incident_id: int, kind: str, *, at: datetime, author: str, **details: Any) -> Incident:
        """Record one event (acknowledged, resolved, paused, ...) on an incident."""
        with self.store.transaction():
            state = self._state(incident_id)
            if kind == "severity_changed":
                severity = self.policy_of(state).severity(details["severity"])
                if severity.key == state.severity:
                    raise InputError(f"incident {incident_id} is already severity {severity.key}")
                details = {"from": state.severity, "severity": severity.key}
            new, event = record(state, Event(kind, _utc(at), author, details), self.policy_of(state), state.digest)
            self.store.update_incident(incident_id, _row(new, self.policy_of(new)))
            self._append(incident_id, event)
        return Incident(incident_id, new)

    def recompute(self, incident_id: int, *, at: datetime, author: str) -> tuple[Incident, dict[str, Any]]:
        """Recompute an incident's deadlines with the policy file in use now."""
        with self.store.transaction():
            state = self._state(incident_id)
            if not state.is_open:
                raise InputError(f"incident {incident_id} is resolved: its deadlines are settled")
            policy = self.policies.get(state.policy)
            digest = self.policies.digest(policy.name)
            self.store.save_snapshot(digest, policy.name, self.policies.standalone(policy.name))
            new, event = record(state, Event("recomputed", _utc(at), author, {}), policy, digest)
            changes = {
                name: {"from": _text(getattr(state, f"{name}_due")), "to": _text(getattr(new, f"{name}_due"))}
                for name in ("response", "resolution", "update")
                if getattr(state, f"{name}_due") != getattr(new, f"{name}_due")
            }
            event = event._replace(details={**event.details, "changes": changes, "from_digest": state.digest})
            self.store.update_incident(incident_id, _row(new, self.policy_of(new)))
            self._append(incident_id, event)
        return Incident(incident_id, new), changes

    def _append(self, incident_id: int, event: Event) -> None:
        now = datetime.now(UTC)
        self.store.append_event(incident_id, event.kind, event.at, event.author, dict(event.details), now)

    # -- maintenance ---------------------------------------------------------------------

    def add_window(
        self, policy_name: str, start: datetime, end: datetime, *, author: str, **options: Any
    ) -> tuple[int, Window]:
        """Record a maintenance window (classified, with warnings); returns it with its id."""
        policy = self.policies.get(policy_name)
        with self.store.transaction():
            # Only neighbours matter (the same ISO week, in any zone): not every window ever.
            near = (start - timedelta(days=8), end + timedelta(days=8))
            others = [w for _, w in self.windows(policy.name, overlapping=near)]
            window = new_window(policy, start.astimezone(UTC), end.astimezone(UTC), others=others, **options)
            window_id = self.store.insert_window(policy.name, window.start, window.end, dump_window(window))
            details = {"kind": window.kind, "warnings": list(window.warnings)}
            self.store.append_window_event(window_id, "added", datetime.now(UTC), author, details, datetime.now(UTC))
        return window_id, window

    def window_action(self, window_id: int, action: str, *, at: datetime, author: str) -> Window:
        with self.store.transaction():
            found = self.store.window(window_id)
            if found is None:
                raise InputError(f"no maintenance window {window_id} in {self.store.path}")
            window = transition(load_window(found["state"]), action)
            self.store.update_window(window_id, dump_window(window))
            self.store.append_window_event(window_id, action, at, author, {}, datetime.now(UTC))
        return window

    def windows(
        self, policy: str | None = None, overlapping: tuple[datetime, datetime] | None = None
    ) -> list[tuple[int, Window]]:
        return [(row["id"], load_window(row["state"])) for row in self.store.windows(policy, overlapping)]

    # -- reading -----------------------------------------------------------------------

    def _state(self, incident_id: int) -> State:
        row = self.store.incident(incident_id)
        if row is None:
            raise InputError(f"no incident {incident_id} in {self.store.path}")
        return _state_of(row)

    def get(self, incident_id: int) -> Incident:
        return Incident(incident_id, self._state(incident_id))

    def history(self, incident_id: int) -> list[Event]:
        self._state(incident_id)  # an unknown id is an input error
        return [
            Event(e["kind"], datetime.fromisoformat(e["at"]), e["author"], e["details"])
            for e in self.store.events(incident_id)
        ]

    def find(self, as_of: datetime | None = None, **filters: Any) -> list[Incident]:
        """Incidents matching ``filters``; with ``as_of``, as they stood then (see :meth:`at`)."""
        found = [Incident(row["id"], _state_of(row)) for row in self.store.incidents(**filters)]
        if as_of is None:
            return found
        return [then for incident in found if (then := self.at(incident, as_of)) is not None]

    def downtime(self, policy: str, unresolved_at: datetime, service: str | None = None) -> list[Downtime]:
        """The weighted impact of ``policy``'s incidents not resolved by ``unresolved_at``
        (only those with any), each weighted by its own policy snapshot."""
        found, worked_out = [], []
        for row in self.store.downtime(policy, unresolved_at, service):
            text = row["downtime"]
            if text is None:  # written before the downtime column: work it out, and keep it
                text = _downtime_text(state := self._state(row["id"]), self.policy_of(state))
                worked_out.append((text, row["id"]))
                if text is None:
                    continue
            data = json.loads(text)
            found.append(Downtime(row["id"], row["severity"], data["excluded"], data["stretches"]))
        if worked_out and not self._fill_refused:
            try:
                with self.store.transaction(wait=False):
                    self.store.fill_downtime(worked_out)
            except StoreError:  # a read-only or busy file: correct all the same, only slower next time
                self._fill_refused = True
        return found

    def at(self, incident: Incident, when: datetime) -> Incident | None:
        """The incident as it stood at ``when``, its later events undone (None: not yet opened)."""
        state = incident.state
        if state.last_event is None or state.last_event <= when:
            return incident
        if state.opened > when:
            return None
        return Incident(incident.id, replay(e for e in self.history(incident.id) if e.at <= when))

    def policy_of(self, state: State) -> Policy:
        """The policy an incident's deadlines come from: its snapshot, else the file's."""
        if state.digest not in self._snapshots:
            tables = self.store.snapshot(state.digest)
            if tables is None:
                return self.policies.get(state.policy)
            label = Path(f"{self.store.path}#policy-{state.digest}")
            self._snapshots[state.digest] = policies_from_document(tables, label, self.cache).get(state.policy)
        return self._snapshots[state.digest]


def _row(state: State, policy: Policy) -> dict[str, Any]:
    return {
        "downtime": _downtime_text(state, policy),
        "policy": state.policy,
        "severity": state.severity,
        "status": state.status,
        "service": state.service,
        "opened": state.opened.isoformat(),
        "resolved": state.resolved.isoformat() if state.resolved else None,
        "state": json.dumps(dump_state(state)),
    }


def _downtime_text(state: State, policy: Policy) -> str | None:
    """The stretches of ``state``'s impact that count as downtime under ``policy`` (its
    snapshot), as stored for availability; None when no stretch does."""
    stretches = [
        (start.timestamp(), end.timestamp() if end else None, weight)
        for start, end, weight in impact(state, lambda key: policy.severity(key).downtime)
        if weight > 0
    ]
    return json.dumps({"excluded": state.excluded, "stretches": stretches}) if stretches else None


def _state_of(row: Row) -> State:
    return load_state(json.loads(row["state"]))


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC)


def _text(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def _days(d: timedelta) -> str:
    return f"{d.total_seconds() / 86400:.1f} days"
