"""Incident commands: open, the lifecycle events, list and show."""

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from slacli.casework import parse_field
from slacli.cli._options import (
    AsOfOption,
    AtOption,
    ByOption,
    FormatOption,
    IdArgument,
    PolicyFilter,
    QuietOption,
    SeverityFilter,
    SeverityOption,
    as_of_title,
    author,
    between,
    complete_policy,
    complete_severity,
    incident_document,
    instant,
    opened,
    reading_zone,
    record_event,
    render_unless_quiet,
    required_text,
)
from slacli.cli._state import AppState
from slacli.errors import InputError
from slacli.instants import iso, parse_instant
from slacli.output import Block, Document, Fields, Format, Table, render, used_columns, warn
from slacli.recorded import EventKind, PublicState, Status
from slacli.storage.base import IncidentFilter
from slacli.texts import MESSAGE_LIMIT, checked_text
from slacli.tracker import Change, Incident, Tracker
from slacli.views import public
from slacli.views.casework import CASE_FIELD_COLUMNS, RECOVERY_COLUMNS, RECOVERY_DROP
from slacli.views.incidents import (
    ALL_COLUMNS,
    CLOCK_COLUMNS,
    TIMELINE_COLUMNS,
    TIMELINE_STYLES,
    Which,
    detail,
    listing,
)
from slacli.views.targets import ESCALATION_KEYS, EXCEPTION_KEYS

RECORD_COLUMNS = (
    *("id", "policy", "severity", "status", "title", "opened", "response_due", "response_met"),
    *("resolution_due", "resolution_met", "next_update_due"),
)
# What a narrow terminal leaves out of the list, the first first.
RECORD_DROP = (
    *("next_update_due", "resolution_met", "response_met", "opened", "resolution_due", "policy", "missing_fields"),
    *("response_due", "severity"),
)


def open_incident(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is wrong, in a line.")],
    policy: Annotated[
        str, typer.Option("--policy", "-p", metavar="POLICY", help="Policy.", autocompletion=complete_policy)
    ],
    severity: SeverityOption,
    at: AtOption = None,
    started: Annotated[
        str | None, typer.Option("--started", metavar="T", help="When impact began (default: the open instant).")
    ] = None,
    services: Annotated[
        list[str] | None, typer.Option("--service", metavar="NAME", help="A service it affects (repeatable).")
    ] = None,
    ref: Annotated[str | None, typer.Option(help="External id (ticket, page).")] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option("--field", metavar="KEY=VALUE", help="A case field (repeatable); see the policy's required ones."),
    ] = None,
    premium: Annotated[
        bool, typer.Option("--premium", help="The client has Premium Support: first on the due board among equals.")
    ] = False,
    public_title: Annotated[
        str | None,
        typer.Option("--public-title", metavar="TEXT", help="Its title on the status page (default: TITLE)."),
    ] = None,
    private: Annotated[bool, typer.Option("--private", help="Keep it off the status page.")] = False,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Open an incident; prints it with its due instants (--quiet: its id alone)."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    opened_at = instant(at, chosen.calendar.zone)
    started_at = parse_instant(started, chosen.calendar.zone, what="--started") if started else None
    given = [parse_field(text) for text in fields or []]
    result = state.tracker("create").open(
        title,
        chosen.name,
        severity,
        at=opened_at,
        author=author(by),
        started=started_at,
        services=services or (),
        ref=ref,
        fields=given,
        premium=premium,
        public_title=public_title,
        private=private,
    )
    for warning in result.warnings:
        warn(warning)
    created = [result.incident.id]
    render_unless_quiet(quiet, lambda: incident_document(state, result.incident, opened_at), fmt, created)


def _event_command(kind: EventKind, doc: str) -> Any:
    """A command that records one event with no arguments beyond the id (ack, resume, ...)."""

    def command(
        ctx: typer.Context,
        incident_id: IdArgument,
        at: AtOption = None,
        by: ByOption = None,
        quiet: QuietOption = False,
        fmt: FormatOption = Format.table,
    ) -> None:
        record_event(ctx, incident_id, kind, at, by, fmt, quiet)

    command.__doc__ = doc
    return command


# name: (event, help, example)
SIMPLE_EVENTS = {
    "ack": (EventKind.ACKNOWLEDGED, "Acknowledge an incident (meets or misses its response target).", "slacli ack 12"),
    "resolve": (
        EventKind.RESOLVED,
        "Resolve an incident (meets or misses its resolution target).",
        "slacli resolve 12",
    ),
    "reopen": (EventKind.REOPENED, "Reopen a resolved incident.", "slacli reopen 12"),
    "resume": (EventKind.RESUMED, "Restart the clocks of a paused incident.", "slacli resume 12 --at 2026-11-23T15:40"),
}


def severity(
    ctx: typer.Context,
    incident_id: IdArgument,
    new_severity: Annotated[
        str,
        typer.Argument(
            metavar="SEVERITY", help="The new severity: key, name or alias.", autocompletion=complete_severity
        ),
    ],
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Raise or lower the severity; targets are recomputed from the original anchors."""
    record_event(ctx, incident_id, EventKind.SEVERITY_CHANGED, at, by, fmt, quiet, severity=new_severity)


def pause(
    ctx: typer.Context,
    incident_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the clocks stop (e.g. waiting on the customer).")],
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Stop every running clock of an incident until `resume`."""
    record_event(ctx, incident_id, EventKind.PAUSED, at, by, fmt, quiet, reason=required_text(reason, "--reason"))


def update(
    ctx: typer.Context,
    incident_id: IdArgument,
    message: Annotated[str, typer.Argument(help="The status update.")],
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Post a status update (it restarts the update cadence)."""
    record_event(ctx, incident_id, EventKind.UPDATE, at, by, fmt, quiet, message=required_text(message, "MESSAGE"))


def public_state(
    ctx: typer.Context,
    incident_id: IdArgument,
    new_state: Annotated[
        PublicState, typer.Argument(metavar="STATE", help="Where it stands for the public.", case_sensitive=False)
    ],
    message: Annotated[str | None, typer.Option("--message", "-m", help="The public update.")] = None,
    resolve: Annotated[bool, typer.Option("--resolve", help="With resolved: resolve the incident too.")] = False,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Move its public state (the status page), as a status update: it restarts the update
    cadence. A public "resolved" leaves the incident open unless --resolve is given."""
    if resolve and new_state != PublicState.RESOLVED:
        raise InputError("--resolve goes with the state resolved")
    tracker, policy = opened(ctx, incident_id)
    when = instant(at, policy.calendar.zone)
    text = (
        checked_text(required_text(message, "--message"), "--message", MESSAGE_LIMIT) if message is not None else None
    )
    events = [(EventKind.UPDATE, {"state": str(new_state), "message": text})]
    if resolve:
        events.append((EventKind.RESOLVED, {}))
    incident = tracker.act_all(incident_id, events, at=when, author=author(by))
    if new_state == PublicState.RESOLVED and not resolve:
        warn(f"incident {incident_id} stays open: its clocks run on, the update cadence too (--resolve resolves it)")
    render_unless_quiet(quiet, lambda: incident_document(ctx.obj, incident, when), fmt)


def exclude(
    ctx: typer.Context,
    incident_id: IdArgument,
    reason: Annotated[str | None, typer.Argument(help="Why its downtime does not count.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Count its downtime again.")] = False,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Exclude an incident's downtime (force majeure, customer's ISP, ...)."""
    if clear == bool(reason):
        raise InputError("give a REASON, or --clear")
    record_event(ctx, incident_id, EventKind.EXCLUDED, at, by, fmt, quiet, reason=None if clear else reason)


def postmortem(
    ctx: typer.Context,
    incident_id: IdArgument,
    link: Annotated[str, typer.Option("--link", metavar="URL", help="Where the post-mortem is.")],
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Link the post-mortem of an incident."""
    record_event(ctx, incident_id, EventKind.POSTMORTEM, at, by, fmt, quiet, url=required_text(link, "--link"))


def recompute(
    ctx: typer.Context,
    incident_id: Annotated[int | None, typer.Argument(help="Incident id.", min=1)] = None,
    all_open: Annotated[bool, typer.Option("--all", help="Every open incident.")] = False,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
) -> None:
    """Recompute deadlines with the policy file in use now, recording what changed (all or none)."""
    state: AppState = ctx.obj
    tracker = state.tracker("write")
    if (incident_id is None) == (not all_open):
        raise InputError("give an incident ID, or --all")
    chosen = (
        [i.id for i in tracker.find_open(IncidentFilter(), instant(None, None))] if all_open else [incident_id or 0]
    )
    zones = [state.policies().get(tracker.get(i).state.policy).calendar.zone for i in chosen]
    when = [(number, instant(at, zone)) for number, zone in zip(chosen, zones, strict=True)]
    done = tracker.recompute(when, author=author(by))
    render_unless_quiet(quiet, lambda: "\n".join(_recomputed(tracker, *each) for each in done))


def _recomputed(tracker: Tracker, incident: Incident, changes: list[Change]) -> str:
    """What recompute changed on an incident, in a line."""
    shown = tracker.policy_of(incident.state).calendar.zone
    summary = "; ".join(f"{c.target} {_due_text(c.before, shown)} -> {_due_text(c.after, shown)}" for c in changes)
    return f"{incident.id}: {summary or 'no change'}"


def correct(
    ctx: typer.Context,
    incident_id: IdArgument,
    seq: Annotated[int, typer.Argument(help="The event's number in `slacli show ID`'s timeline.", min=1)],
    reason: Annotated[str, typer.Option("--reason", help="Why the record was wrong.")],
    at: Annotated[
        str | None, typer.Option("--at", metavar="T", help="When it really happened (no offset = policy zone).")
    ] = None,
    void: Annotated[bool, typer.Option("--void", help="It did not happen: leave it out.")] = False,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Correct a recorded event: re-date it (--at) or void it (--void). Nothing is erased:
    the correction is appended, and every clock is computed from the corrected history."""
    if (at is None) == (not void):
        raise InputError("give --at T (when it really happened), or --void")
    state: AppState = ctx.obj
    tracker = state.tracker("write")
    zone = tracker.policy_of(tracker.get(incident_id).state).calendar.zone
    when = parse_instant(at, zone, what="--at") if at else None
    incident, fix = tracker.correct(
        incident_id, seq, at=when, reason=required_text(reason, "--reason"), author=author(by)
    )
    render_unless_quiet(quiet, lambda: incident_document(state, incident, fix.at), fmt)


# show's block of what a contract asks beyond the clocks, its fields shown when used.
TARGET_FIELDS = (*EXCEPTION_KEYS, *ESCALATION_KEYS, "escalation_due")


def exception_and_escalation(targets: dict[str, Any]) -> list[Block]:
    """An exception's reason and plan and the escalation reached, when there is either."""
    used = {k: targets[k] for k in used_columns((), [targets], TARGET_FIELDS)}
    return [Fields(used, "Exception and escalation")] if used else []


def _due_text(value: datetime | None, zone: ZoneInfo) -> str:
    return iso(value, zone) if value else "none"


def list_incidents(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Open incidents only (the default).")] = False,
    resolved_only: Annotated[bool, typer.Option("--resolved", help="Resolved incidents only.")] = False,
    all_incidents: Annotated[bool, typer.Option("--all", help="Open and resolved.")] = False,
    policy: PolicyFilter = None,
    severity: SeverityFilter = None,
    service: Annotated[str | None, typer.Option(metavar="NAME", help="Only those affecting this service.")] = None,
    since: Annotated[str | None, typer.Option(metavar="T", help="Opened at or after T.")] = None,
    until: Annotated[str | None, typer.Option(metavar="T", help="Opened before T.")] = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Incidents, oldest first, as they stood at --at."""
    if sum((open_only, resolved_only, all_incidents)) > 1:
        raise InputError("give at most one of --open, --resolved, --all")
    state: AppState = ctx.obj
    tz = reading_zone(state, policy)
    policies = state.policies()
    lower, upper = between(since, until, tz)
    named = policies.severities(severity, policy) if severity is not None else None
    which = Which(
        status=Status.RESOLVED if resolved_only else None if all_incidents else Status.OPEN,
        policy=policies.get(policy).name if policy else None,
        severities={name: s.key for name, s in named.items()} if named is not None else None,
        service=service,
        since=lower,
        until=upper,
    )
    as_of = instant(at, tz)
    rows = listing(state.tracker("read"), which, as_of)
    columns = used_columns(RECORD_COLUMNS, rows, ("missing_fields",))
    title = as_of_title("Incidents", at, as_of, tz)
    table = Table(rows, columns, title, ALL_COLUMNS, empty="no incidents match", drop=RECORD_DROP)
    render(Document([table], rows), fmt)


def show(
    ctx: typer.Context,
    incident_id: IdArgument,
    at: Annotated[str | None, typer.Option("--at", metavar="T", help="As of T (default: now).")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """An incident: its timeline, each clock's due instant, met or breached, time left."""
    state: AppState = ctx.obj
    tracker = state.tracker("read")
    policy = tracker.policy_of(tracker.get(incident_id).state)
    zone = policy.calendar.zone
    as_of = instant(at, zone)
    found = detail(tracker, incident_id, as_of)
    blocks: list[Block] = [
        Fields(found.record, as_of_title(f"Incident {incident_id}", at, as_of, zone)),
        Table(found.clocks, CLOCK_COLUMNS, "Clocks"),
        *exception_and_escalation(found.targets),
        # A note (when and by whom an event was recorded, a correction) goes under a narrow table, whole.
        Table(found.events, TIMELINE_COLUMNS, "Timeline", styles=TIMELINE_STYLES, texts=("details",), notes=("note",)),
    ]
    # Case work, when the incident has any (or its policy asks for case fields).
    if found.fields:
        blocks.append(Table(found.fields, CASE_FIELD_COLUMNS, "Case fields"))
    if found.recoveries:
        blocks.append(Table(found.recoveries, RECOVERY_COLUMNS, "Recoveries", drop=RECOVERY_DROP))
    if any(found.work.values()):
        blocks.append(Fields(found.work, "Work"))
    data = {
        **found.record,
        **found.targets,
        "clocks": found.clocks,
        "timeline": [public(e) for e in found.events],
        "fields": {row["field"]: row["value"] for row in found.fields if row["value"] is not None},
        "recoveries": found.recoveries,
        **found.work,
    }
    render(Document(blocks, data, Table([found.record], list(found.record))), fmt)


COMMANDS = {
    "open": (open_incident, "Example: slacli open 'Checkout 502s' --policy openweb --severity 1"),
    **{
        name: (_event_command(kind, doc), f"Example: {example}") for name, (kind, doc, example) in SIMPLE_EVENTS.items()
    },
    "severity": (severity, "Example: slacli severity 12 2"),
    "pause": (pause, "Example: slacli pause 12 --reason 'waiting on the customer'"),
    "update": (update, "Example: slacli update 12 'Failover done, monitoring'"),
    "state": (public_state, "Example: slacli state 12 identified --message 'A bad deploy; rolling back'"),
    "exclude": (exclude, "Examples: slacli exclude 12 'customer ISP outage' | slacli exclude 12 --clear"),
    "postmortem": (postmortem, "Example: slacli postmortem 12 --link https://wiki.example.com/pm/12"),
    "correct": (correct, "Examples: slacli correct 12 3 --at 2026-11-23T10:05 --reason 'acked at 10:05, typed 11:05'"),
    "recompute": (recompute, "Examples: slacli recompute 12 | slacli recompute --all"),
    "list": (list_incidents, "Example: slacli list --open --policy openweb --format csv"),
    "show": (show, "Example: slacli show 12 --format json"),
}
