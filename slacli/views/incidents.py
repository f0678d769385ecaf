"""Incidents as records: one incident with its clocks and timeline, and listings.

Keys of :func:`incident_record` (ALL_COLUMNS): id, title, policy, severity, status,
service (the first it affects), services (all of them), ref, opened, started, acked,
resolved, response_due, response_met, resolution_due, resolution_met, next_update_due,
late_updates (a count), paused_minutes, excluded, postmortem, provisional, late_report,
incomplete (a required case field is missing), missing_fields (their names), premium,
and for the status page public_state, public_title (the title unless another was given)
and private. Instants are in the policy's zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from slacli.casework import missing_fields
from slacli.corrections import Correction, correction, corrections
from slacli.errors import InputError
from slacli.incidents import Event
from slacli.instants import iso
from slacli.recorded import EventKind, Status
from slacli.storage.base import IncidentFilter
from slacli.tracker import Incident, Tracker
from slacli.views import local, number
from slacli.views.casework import case_fields, recoveries, worked
from slacli.views.clocks import Clock, clocks, left_fields
from slacli.views.targets import target_fields
from slacli.vocabulary import MetBy, TargetName

ALL_COLUMNS = (
    *("id", "title", "policy", "severity", "status", "service", "services", "ref", "opened", "started", "acked"),
    "resolved",
    *("response_due", "response_met", "resolution_due", "resolution_met", "next_update_due", "late_updates"),
    *("paused_minutes", "excluded", "postmortem", "provisional", "late_report", "incomplete", "missing_fields"),
    *("premium", "public_state", "public_title", "private"),
)
CLOCK_COLUMNS = ("clock", "due", "status", "left")
# A clock row's keys: CLOCK_COLUMNS and the rest of views.clocks.left_fields.
TIMELINE_COLUMNS = ("seq", "at", "event", "by", "details", "note")
# A timeline row's keys: TIMELINE_COLUMNS and when and by whom it was recorded, and its
# correction in force (``corrected_by``: that correction's seq; ``void``, ``redated_to``).
TIMELINE_KEYS = (*TIMELINE_COLUMNS[:-1], "recorded_at", "recorded_by", "corrected_by", "void", "redated_to", "note")
TIMELINE_STYLES = {"corrected": "dim"}  # its note says how: the row stays readable
INSTANT_DETAILS = frozenset({"snapshot", "notified"})  # details that are instants: shown in the policy's zone
BACKDATED = timedelta(minutes=1)  # recorded this long after it happened: the timeline says so


def incident_record(
    tracker: Tracker, incident: Incident, as_of: datetime, by_name: dict[TargetName, Clock] | None = None
) -> dict[str, Any]:
    """An incident as it stands at ``as_of`` (its state already taken as of then); ``by_name``:
    its clocks then, when the caller has them already."""
    state = incident.state
    policy = tracker.policy_of(state)
    zone = policy.calendar.zone
    if by_name is None:
        by_name = clocks(state, as_of, policy.severity(state.severity).calendar)
    update = by_name.get(TargetName.UPDATE)
    lacking = missing_fields(policy.required_fields, state.fields)
    return {
        "id": incident.id,
        "title": state.title,
        "policy": state.policy,
        "severity": state.severity,
        "status": state.status,
        "service": state.service,
        "services": list(state.services),
        "ref": state.ref,
        "opened": local(state.opened, zone),
        "started": local(state.started, zone),
        "acked": local(state.acked, zone),
        "resolved": local(state.resolved, zone),
        "response_due": local(by_name[TargetName.RESPONSE].due, zone),
        "response_met": by_name[TargetName.RESPONSE].met,
        "resolution_due": local(by_name[TargetName.RESOLUTION].due, zone),
        "resolution_met": by_name[TargetName.RESOLUTION].met,
        "next_update_due": local(update.due, zone) if update and state.is_open else None,
        "late_updates": len(state.late_updates),
        "paused_minutes": number(state.paused_seconds(as_of) / 60),
        "excluded": state.excluded,
        "postmortem": state.postmortem,
        "provisional": by_name[TargetName.RESOLUTION].provisional,
        "late_report": state.late_report,
        "incomplete": bool(lacking),
        "missing_fields": lacking,
        "premium": state.premium,
        "public_state": state.page_state,
        "public_title": state.public_title or state.title,
        "private": state.private,
    }


class Detail(NamedTuple):
    """``slacli show``: the record, each clock (CLOCK_COLUMNS), the timeline (TIMELINE_KEYS,
    with a ``_style`` for corrected events), the targets' TARGET_KEYS with the first
    ``workaround`` and the ``escalations`` recorded (``at``, ``to``), and the case work
    (:mod:`slacli.views.casework`): its case fields, recoveries from backup and time worked."""

    record: dict[str, Any]
    clocks: list[dict[str, Any]]
    events: list[dict[str, Any]]
    fields: list[dict[str, Any]]
    recoveries: list[dict[str, Any]]
    work: dict[str, Any]
    targets: dict[str, Any]


def detail(tracker: Tracker, incident_id: int, as_of: datetime) -> Detail:
    latest = tracker.get(incident_id)
    zone = tracker.policy_of(latest.state).calendar.zone
    history = tracker.history(incident_id)
    incident = tracker.as_of(latest, as_of, history)
    if incident is None:
        raise InputError(f"incident {incident_id} was not open yet at {iso(as_of, zone)}")
    state = incident.state
    policy = tracker.policy_of(state)
    calendar = policy.severity(state.severity).calendar
    by_name = clocks(state, as_of, calendar)
    targets = target_fields(policy, state, by_name, as_of, None)
    clock_rows = [
        {
            "clock": c.name,
            "due": local(c.due, zone) if c.due else "no target",
            "status": c.status + _status_note(c, targets),
            **left_fields(c, as_of, calendar),
        }
        for c in by_name.values()
    ]
    escalations = [{"at": local(at, zone), "to": who} for at, who in state.escalations]
    targets |= {"workaround": local(state.workaround, zone), "escalations": escalations}
    return Detail(
        incident_record(tracker, incident, as_of, by_name),
        clock_rows,
        timeline(history, as_of, zone),
        case_fields(state, policy),
        recoveries(state, policy, as_of),
        worked(state, policy),
        targets,
    )


def _status_note(clock: Clock, targets: dict[str, Any]) -> str:
    """What a clock's status leaves unsaid: provisional, met by a workaround, excepted."""
    if clock.provisional:
        return " (provisional)"
    if clock.name != TargetName.RESOLUTION:
        return ""
    if targets["excepted"]:
        return ", excepted"
    return " by workaround" if targets["resolution_met_by"] == MetBy.WORKAROUND else ""


def timeline(log: list[Event], as_of: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Every event of ``log`` that had happened by ``as_of`` (by its corrected instant; a
    voided one by the instant it was given), in log order, each corrected one marked, and
    the corrections (SPEC 2.13) after the events they correct."""
    fixes = corrections(log)
    happened = {
        seq
        for seq, e in enumerate(log, start=1)
        if e.kind != EventKind.CORRECTED and _shown_at(e, fixes.get(seq)) <= as_of
    }
    rows = []
    for seq, e in enumerate(log, start=1):
        fix = correction(e, seq) if e.kind == EventKind.CORRECTED else None
        if seq in happened or (fix is not None and fix.seq in happened):
            rows.append(_timeline_row(seq, e, fixes.get(seq), fix, zone))
    return rows


def _shown_at(event: Event, fix: Correction | None) -> datetime:
    """When ``event`` happened by its correction in force; a voided one when it was said to."""
    return fix.at if fix is not None and fix.at is not None else event.at


def _timeline_row(
    seq: int, e: Event, fixed: Correction | None, fix: Correction | None, zone: ZoneInfo
) -> dict[str, Any]:
    notes = []
    if fixed is not None:
        change = "voided" if fixed.at is None else f"re-dated to {iso(fixed.at, zone)}"
        notes.append(f"{change} by event {fixed.number}")
    if e.recorded is not None and (e.recorded - e.at > BACKDATED or e.recorded_by not in ("", e.author)):
        by = f" by {e.recorded_by}" if e.recorded_by else ""
        notes.append(f"recorded {iso(e.recorded.replace(microsecond=0), zone)}{by}")
    return {
        "seq": seq,
        "at": local(e.at, zone),
        "event": e.kind.replace("_", " "),
        "by": e.author,
        "details": _correction_text(fix, zone) if fix is not None else _details(e, zone),
        "recorded_at": local(e.recorded, zone),
        "recorded_by": e.recorded_by,
        "corrected_by": fixed.number if fixed else None,
        "void": fixed is not None and fixed.at is None,
        "redated_to": local(fixed.at, zone) if fixed else None,
        "note": "; ".join(notes) or None,
        "_style": "corrected" if fixed else "",
    }


def _correction_text(fix: Correction, zone: ZoneInfo) -> str:
    was = fix.event.details.get("was")
    if fix.at is None:
        change = "voided"
    elif was:
        change = f"re-dated {iso(datetime.fromisoformat(was), zone)} -> {iso(fix.at, zone)}"
    else:
        change = f"restored at {iso(fix.at, zone)}"
    return f"event {fix.seq} {change}: {fix.reason}"


def _details(event: Event, zone: ZoneInfo) -> str:
    # Shown as fields, or worked out (the due instants an event was judged against).
    hidden = (
        "due",
        "due_at_event",
        "policy",
        "title",
        "started",
        "service",
        "services",
        "ref",
        "late_report",
        "premium",
    )
    shown = {k: v for k, v in event.details.items() if k not in hidden and v not in (None, False)}
    shown |= shown.pop("fields", {})  # the case fields given at the opening, each as itself
    if event.kind == EventKind.FIELD:
        shown = {shown["key"]: shown["value"]}
    for key in INSTANT_DETAILS.intersection(shown):
        shown[key] = iso(datetime.fromisoformat(shown[key]), zone)
    return ", ".join(f"{k}={v}" for k, v in shown.items())


class Which(NamedTuple):
    """What ``slacli list`` asks for; ``status`` None: open and resolved."""

    status: Status | None = Status.OPEN
    policy: str | None = None
    severities: Mapping[str, str] | None = None  # policy name to severity key, as of the read
    service: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def listing(tracker: Tracker, which: Which, as_of: datetime) -> list[dict[str, Any]]:
    """Incidents as they stood at ``as_of``, oldest first."""
    where = IncidentFilter(policy=which.policy, service=which.service, since=which.since, until=which.until)
    found = tracker.find_open(where, as_of) if which.status == Status.OPEN else tracker.find(where, as_of)
    rows = []
    for incident in found:
        state = incident.state
        if which.status == Status.RESOLVED and state.is_open:
            continue
        if which.severities is not None and which.severities.get(state.policy) != state.severity:
            continue
        rows.append(incident_record(tracker, incident, as_of))
    return rows
