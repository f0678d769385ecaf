"""Case work commands: case fields, recovery from backup, time worked."""

from typing import Annotated

import typer

from slacli.casework import missing_fields, parse_field
from slacli.cli._options import (
    AtOption,
    ByOption,
    FormatOption,
    IdArgument,
    QuietOption,
    act,
    duration,
    opened,
    render_unless_quiet,
)
from slacli.errors import InputError
from slacli.instants import parse_instant
from slacli.output import Document, Fields, Format, Table, warn
from slacli.recorded import EventKind
from slacli.views import number
from slacli.views.casework import CASE_FIELD_COLUMNS, RECOVERY_COLUMNS, RECOVERY_DROP, case_fields, recoveries, worked


def field(
    ctx: typer.Context,
    incident_id: IdArgument,
    assignment: Annotated[str, typer.Argument(metavar="KEY=VALUE", help="The field and its value.")],
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Give a case field (a later one replaces it); prints the case fields and what is missing."""
    key, value = parse_field(assignment)
    tracker, policy = opened(ctx, incident_id)
    incident, _ = act(tracker, policy, incident_id, EventKind.FIELD, at, by, key=key, value=value)
    rows = case_fields(incident.state, policy)
    lacking = missing_fields(policy.required_fields, incident.state.fields)
    title = f"Case fields of incident {incident_id}" + (f" (incomplete: {', '.join(lacking)})" if lacking else "")
    data = {"id": incident_id, "incomplete": bool(lacking), "missing_fields": lacking, "fields": rows}
    render_unless_quiet(quiet, lambda: Document([Table(rows, CASE_FIELD_COLUMNS, title)], data), fmt)


def recovery(
    ctx: typer.Context,
    incident_id: IdArgument,
    snapshot: Annotated[str, typer.Option("--snapshot", metavar="T", help="When the restored snapshot was taken.")],
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="T", help="When it was restored (default: now; no offset: policy zone)."),
    ] = None,
    notified: Annotated[
        str | None, typer.Option("--customer-notified", metavar="T", help="When the customer was told of it.")
    ] = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Record a recovery from a backup snapshot: the data lost (snapshot to failure) is
    judged against the policy's recovery point."""
    tracker, policy = opened(ctx, incident_id)
    zone = policy.calendar.zone
    taken = parse_instant(snapshot, zone, what="--snapshot")
    told = parse_instant(notified, zone, what="--customer-notified") if notified else None
    details = {"snapshot": taken.isoformat(), "notified": told.isoformat() if told else None}
    incident, when = act(tracker, policy, incident_id, EventKind.RECOVERY, at, by, **details)
    rows = recoveries(incident.state, policy, max(when, told or when))  # the notification given shows
    latest = rows[-1]
    if latest["recovery_point_met"] is False:
        lost, allowed = latest["data_lost"], latest["recovery_point"]
        warn(f"the recovery lost {lost} of data, more than policy {policy.name}'s recovery point of {allowed}")
    table = Table(rows, RECOVERY_COLUMNS, f"Recoveries of incident {incident_id}", drop=RECOVERY_DROP)
    render_unless_quiet(quiet, lambda: Document([table], rows), fmt)


def worklog(
    ctx: typer.Context,
    incident_id: IdArgument,
    time_worked: Annotated[str, typer.Argument(metavar="DURATION", help="Time worked (90m, 1h30m).")],
    note: Annotated[str | None, typer.Option("--note", help="What was done.")] = None,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Log time worked on an incident: billable when its severity is, else included."""
    spent = duration(time_worked, "DURATION", allow_days=False)
    if note is not None and not note.strip():
        raise InputError("--note is empty")
    minutes = number(spent.total_seconds() / 60)  # as the timeline shows it: 90, not 90.0
    tracker, policy = opened(ctx, incident_id)
    incident, _ = act(tracker, policy, incident_id, EventKind.WORKLOG, at, by, minutes=minutes, note=note)
    entry = incident.state.work[-1]
    record = {
        "id": incident.id,
        "severity": entry.severity,
        "logged_minutes": number(entry.minutes),
        "billable": policy.severity(entry.severity).billable,
        **worked(incident.state, policy),  # all the work on it so far
    }
    render_unless_quiet(quiet, lambda: Document([Fields(record, f"Work on incident {incident_id}")], record), fmt)


COMMANDS = {
    "field": (field, "Example: slacli field 12 project=P-1042"),
    "recovery": (recovery, "Example: slacli recovery 12 --snapshot 2026-11-23T02:00 --at 2026-11-23T11:00"),
    "worklog": (worklog, "Example: slacli worklog 12 1h30m --note 'patched the theme'"),
}
