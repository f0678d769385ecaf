"""What a contract asks beyond the clocks: workarounds, exceptions and escalations."""

from typing import Annotated

import typer

from slacli.cli._options import AtOption, ByOption, FormatOption, IdArgument, QuietOption, record_event, required_text
from slacli.output import Format
from slacli.recorded import EventKind

NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="What was done, in a line.")]


def workaround(
    ctx: typer.Context,
    incident_id: IdArgument,
    note: NoteOption = None,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Record an interim workaround: the incident stays open; it meets the resolution target
    when the severity's resolution_met_by lists "workaround"."""
    record_event(ctx, incident_id, EventKind.WORKAROUND, at, by, fmt, quiet, note=note)


def exception(
    ctx: typer.Context,
    incident_id: IdArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why the resolution is late.")],
    plan: Annotated[str, typer.Option("--plan", help="How the impact is mitigated meanwhile.")],
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Start the exception process for a late resolution: a missed resolution stays missed,
    shown as excepted with the reason and plan (the latest exception is the one in force)."""
    details = {"reason": required_text(reason, "--reason"), "plan": required_text(plan, "--plan")}
    record_event(ctx, incident_id, EventKind.EXCEPTION, at, by, fmt, quiet, **details)


def escalate(
    ctx: typer.Context,
    incident_id: IdArgument,
    to: Annotated[str, typer.Option("--to", metavar="NAME", help="Whom it was escalated to.")],
    note: NoteOption = None,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Record that an unresolved incident was escalated: it answers every level of the
    escalation matrix reached by then."""
    record_event(ctx, incident_id, EventKind.ESCALATED, at, by, fmt, quiet, to=required_text(to, "--to"), note=note)


COMMANDS = {
    "workaround": (workaround, "Example: slacli workaround 12 --note 'traffic routed to the standby cluster'"),
    "exception": (
        exception,
        "Example: slacli exception 12 --reason 'vendor patch due Friday' --plan 'nightly manual re-sync'",
    ),
    "escalate": (escalate, "Example: slacli escalate 12 --to 'VP Engineering'"),
}
