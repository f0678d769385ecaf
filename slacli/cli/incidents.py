"""Incident commands: open, the lifecycle events, list and show."""

import os
import sys
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from slacli.cli._options import FormatOption, QuietOption, ServiceOption, complete_policy
from slacli.cli._state import AppState
from slacli.errors import InputError
from slacli.incidents import clocks, remaining
from slacli.instants import format_duration, iso, now, parse_instant
from slacli.policy import Policy
from slacli.render import Format, emit, write_fields, write_table
from slacli.reports import incident_record
from slacli.tracker import Incident

IdArgument = Annotated[int, typer.Argument(help="Incident id.", min=1)]
AtOption = Annotated[
    str | None, typer.Option("--at", metavar="T", help="When it happened (default: now; no offset = policy zone).")
]
ByOption = Annotated[str | None, typer.Option("--by", metavar="NAME", help="Who did it (default: $USER).")]
RECORD_COLUMNS = (
    "id",
    "policy",
    "severity",
    "status",
    "title",
    "opened",
    "response_due",
    "response_met",
    "resolution_due",
    "resolution_met",
    "next_update_due",
)


ALL_COLUMNS = (
    *("id", "title", "policy", "severity", "status", "service", "ref", "opened", "started", "acked", "resolved"),
    *("response_due", "response_met", "resolution_due", "resolution_met", "next_update_due", "late_updates"),
    *("paused_minutes", "excluded", "postmortem", "provisional", "late_report"),
)


def _required(text: str, what: str) -> str:
    if not text.strip():
        raise InputError(f"{what} is empty")
    return text


def author(by: str | None) -> str:
    return by or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def _instant(text: str | None, policy: Policy, what: str = "--at") -> datetime:
    return parse_instant(text, policy.calendar.zone, what=what) if text else now()


def _print_incident(state: AppState, incident: Incident, fmt: Format, as_of: datetime) -> None:
    record = incident_record(state.tracker(), incident, as_of)
    if fmt.human:
        write_fields(list(record.items()), sys.stdout, title=f"Incident {incident.id}", fmt=fmt)
    else:
        emit(fmt, [record], list(record), sys.stdout, json_data=record)


def open_incident(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is wrong, in a line.")],
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy.", autocompletion=complete_policy)],
    severity: Annotated[str, typer.Option("--severity", "-s", help="Severity key, name or alias.")],
    at: AtOption = None,
    started: Annotated[
        str | None, typer.Option("--started", metavar="T", help="When impact began (default: the open instant).")
    ] = None,
    service: ServiceOption = None,
    ref: Annotated[str | None, typer.Option(help="External id (ticket, page).")] = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Open an incident; prints its id and due instants."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    opened_at = _instant(at, chosen)
    started_at = parse_instant(started, chosen.calendar.zone, what="--started") if started else None
    result = state.tracker().open(
        title, chosen.name, severity, at=opened_at, author=author(by), started=started_at, service=service, ref=ref
    )
    for warning in result.warnings:
        typer.echo(f"slacli: warning: {warning}", err=True)
    if quiet:
        typer.echo(result.incident.id)
        return
    _print_incident(state, result.incident, fmt, opened_at)


def _event_command(kind: str, doc: str) -> Any:
    """A command that records one event with no arguments beyond the id (ack, resume, ...)."""

    def command(
        ctx: typer.Context,
        incident_id: IdArgument,
        at: AtOption = None,
        by: ByOption = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        _record(ctx, incident_id, kind, at, by, fmt)

    command.__doc__ = doc
    return command


def _record(
    ctx: typer.Context, incident_id: int, kind: str, at: str | None, by: str | None, fmt: Format, **details: Any
) -> None:
    state: AppState = ctx.obj
    tracker = state.tracker(create=False)
    policy = tracker.policy_of(tracker.get(incident_id).state)
    when = _instant(at, policy)
    incident = tracker.act(incident_id, kind, at=when, author=author(by), **details)
    _print_incident(state, incident, fmt, when)  # as of the event, which may be in the past


# name: (event, help, example)
SIMPLE_EVENTS = {
    "ack": ("acknowledged", "Acknowledge an incident (meets or misses its response target).", "slacli ack 12"),
    "resolve": ("resolved", "Resolve an incident (meets or misses its resolution target).", "slacli resolve 12"),
    "reopen": ("reopened", "Reopen a resolved incident.", "slacli reopen 12"),
    "resume": ("resumed", "Restart the clocks of a paused incident.", "slacli resume 12 --at 2026-11-23T15:40"),
}


def severity(
    ctx: typer.Context,
    incident_id: IdArgument,
    new_severity: Annotated[str, typer.Argument(metavar="SEVERITY", help="The new severity.")],
    at: AtOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Raise or lower the severity; targets are recomputed from the original anchors."""
    _record(ctx, incident_id, "severity_changed", at, by, fmt, severity=new_severity)


def pause(
    ctx: typer.Context,
    incident_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the clocks stop (e.g. waiting on the customer).")],
    at: AtOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Stop every running clock of an incident until `resume`."""
    _record(ctx, incident_id, "paused", at, by, fmt, reason=_required(reason, "--reason"))


def update(
    ctx: typer.Context,
    incident_id: IdArgument,
    message: Annotated[str, typer.Argument(help="The status update.")],
    at: AtOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Post a status update (it restarts the update cadence)."""
    _record(ctx, incident_id, "update", at, by, fmt, message=_required(message, "MESSAGE"))


def exclude(
    ctx: typer.Context,
    incident_id: IdArgument,
    reason: Annotated[str | None, typer.Argument(help="Why its downtime does not count.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Count its downtime again.")] = False,
    at: AtOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Exclude an incident's downtime (force majeure, customer's ISP, ...)."""
    if clear == bool(reason):
        raise InputError("give a REASON, or --clear")
    _record(ctx, incident_id, "excluded", at, by, fmt, reason=None if clear else reason)


def postmortem(
    ctx: typer.Context,
    incident_id: IdArgument,
    link: Annotated[str, typer.Option("--link", metavar="URL", help="Where the post-mortem is.")],
    at: AtOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Link the post-mortem of an incident."""
    _record(ctx, incident_id, "postmortem", at, by, fmt, url=_required(link, "--link"))


def recompute(
    ctx: typer.Context,
    incident_id: Annotated[int | None, typer.Argument(help="Incident id.", min=1)] = None,
    all_open: Annotated[bool, typer.Option("--all", help="Every open incident.")] = False,
    at: AtOption = None,
    by: ByOption = None,
) -> None:
    """Recompute deadlines with the policy file in use now, recording what changed."""
    state: AppState = ctx.obj
    tracker = state.tracker(create=False)
    if (incident_id is None) == (not all_open):
        raise InputError("give an incident ID, or --all")
    chosen = tracker.find(open_only=True) if all_open else [tracker.get(incident_id or 0)]
    current = [state.policies().get(i.state.policy) for i in chosen]  # all known before any is written
    for incident, policy in zip(chosen, current, strict=True):
        _, changes = tracker.recompute(incident.id, at=_instant(at, policy), author=author(by))
        zone = policy.calendar.zone

        def shown(value: str | None, zone: ZoneInfo = zone) -> str:
            return iso(datetime.fromisoformat(value), zone) if value else "none"

        summary = "; ".join(f"{k} {shown(v['from'])} -> {shown(v['to'])}" for k, v in changes.items())
        typer.echo(f"{incident.id}: {summary or 'no change'}")


def list_incidents(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Open incidents only (the default).")] = False,
    resolved_only: Annotated[bool, typer.Option("--resolved", help="Resolved incidents only.")] = False,
    all_incidents: Annotated[bool, typer.Option("--all", help="Open and resolved.")] = False,
    policy: Annotated[str | None, typer.Option("--policy", "-p", autocompletion=complete_policy)] = None,
    severity: Annotated[str | None, typer.Option("--severity", "-s")] = None,
    service: Annotated[str | None, typer.Option()] = None,
    since: Annotated[str | None, typer.Option(metavar="T", help="Opened at or after T.")] = None,
    until: Annotated[str | None, typer.Option(metavar="T", help="Opened before T.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Incidents, oldest first."""
    if sum((open_only, resolved_only, all_incidents)) > 1:
        raise InputError("give at most one of --open, --resolved, --all")
    state: AppState = ctx.obj
    tracker = state.tracker()
    zone = state.policies().get(policy).calendar.zone if policy else None
    filters: dict[str, Any] = {
        "open_only": not (resolved_only or all_incidents),
        "resolved_only": resolved_only,
        "policy": state.policies().get(policy).name if policy else None,
        "severity": state.policies().get(policy).severity(severity).key if policy and severity else severity,
        "service": service,
        "since": parse_instant(since, zone, what="--since") if since else None,
        "until": parse_instant(until, zone, what="--until") if until else None,
    }
    as_of = now()
    rows = [incident_record(tracker, i, as_of) for i in tracker.find(**filters)]
    emit(fmt, rows, RECORD_COLUMNS if fmt.human else ALL_COLUMNS, sys.stdout, title="Incidents")


def show(
    ctx: typer.Context,
    incident_id: IdArgument,
    at: Annotated[str | None, typer.Option("--at", metavar="T", help="As of T (default: now).")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """An incident: its timeline, each clock's due instant, met or breached, time left."""
    state: AppState = ctx.obj
    tracker = state.tracker(create=False)
    policy = tracker.policy_of(tracker.get(incident_id).state)
    as_of = _instant(at, policy)
    incident = tracker.at(tracker.get(incident_id), as_of)
    if incident is None:
        raise InputError(f"incident {incident_id} was not open yet at {iso(as_of, policy.calendar.zone)}")
    calendar = policy.severity(incident.state.severity).calendar
    record = incident_record(tracker, incident, as_of)
    zone = policy.calendar.zone
    timeline = [
        {"at": iso(e.at, zone), "event": e.kind.replace("_", " "), "by": e.author, "details": _details(e.details)}
        for e in tracker.history(incident_id)
        if e.at <= as_of
    ]
    clock_rows = [
        {
            "clock": c.name,
            "due": iso(c.due, zone) if c.due else "no target",
            "status": c.status + (" (provisional)" if c.provisional else ""),
            "left": left_text(remaining(c, as_of, calendar), c.counts) if c.status in ("pending", "paused") else None,
        }
        for c in clocks(incident.state, as_of, calendar)
    ]
    if fmt.human:
        write_fields(list(record.items()), sys.stdout, title=f"Incident {incident_id}", fmt=fmt)
        write_table(clock_rows, ["clock", "due", "status", "left"], sys.stdout, title="Clocks", fmt=fmt)
        write_table(timeline, ["at", "event", "by", "details"], sys.stdout, title="Timeline", fmt=fmt)
    else:
        emit(fmt, [record], list(record), sys.stdout, json_data={**record, "clocks": clock_rows, "events": timeline})


def _details(details: Any) -> str:
    hidden = ("due", "policy", "title", "started", "service", "ref", "late_report")  # shown as fields
    shown = {k: v for k, v in details.items() if k not in hidden and v not in (None, False)}
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def left_text(delta: timedelta, counts: str | None) -> str:
    """Time left as text, saying when it is counted in business time."""
    text = format_duration(delta)
    return f"{text} business" if counts == "business" else text


COMMANDS = {
    "open": (open_incident, "Example: slacli open 'Checkout 502s' --policy openweb --severity 1"),
    **{
        name: (_event_command(kind, doc), f"Example: {example}") for name, (kind, doc, example) in SIMPLE_EVENTS.items()
    },
    "severity": (severity, "Example: slacli severity 12 2"),
    "pause": (pause, "Example: slacli pause 12 --reason 'waiting on the customer'"),
    "update": (update, "Example: slacli update 12 'Failover done, monitoring'"),
    "exclude": (exclude, "Examples: slacli exclude 12 'customer ISP outage' | slacli exclude 12 --clear"),
    "postmortem": (postmortem, "Example: slacli postmortem 12 --link https://wiki.example.com/pm/12"),
    "recompute": (recompute, "Examples: slacli recompute 12 | slacli recompute --all"),
    "list": (list_incidents, "Example: slacli list --open --policy openweb --format csv"),
    "show": (show, "Example: slacli show 12 --format json"),
}
