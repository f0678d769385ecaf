"""``slacli due`` (the on-call screen) and ``slacli breaches`` (for cron)."""

from typing import Annotated

import typer

from slacli.cli._options import (
    AsOfOption,
    FormatOption,
    PolicyFilter,
    as_of_text,
    between,
    duration,
    instant,
    reading_zone,
)
from slacli.cli._state import AppState
from slacli.errors import ExitCode
from slacli.output import Document, Format, Table, render, used_columns
from slacli.views import public
from slacli.views.board import BREACH_COLUMNS, BREACH_KEYS, DUE_COLUMNS, DUE_KEYS, STYLES, breaches, due_board
from slacli.views.targets import ESCALATION_KEYS

# Shown to people only when a breach has one: an exception, a level of the escalation matrix.
SHOWN_WHEN_USED = ("exception", *ESCALATION_KEYS)


def due(
    ctx: typer.Context,
    within: Annotated[
        str | None, typer.Option(metavar="DURATION", help="Only clocks due within DURATION (e.g. 4h) or overdue.")
    ] = None,
    policy: PolicyFilter = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Every running clock (response, resolution, next update), most urgent first; premium first among equals."""
    state: AppState = ctx.obj
    tz = reading_zone(state, policy)
    as_of = instant(at, tz)
    horizon = duration(within, "--within").total_seconds() if within else None
    name = state.policies().get(policy).name if policy else None
    rows = due_board(state.tracker("read"), as_of, horizon, name)
    columns = used_columns(DUE_COLUMNS, rows, ("premium",))  # a premium mark only when a row has one
    table = Table(rows, columns, f"Due as of {as_of_text(as_of, tz)}", DUE_KEYS, STYLES)
    render(Document([table], [public(r) for r in rows]), fmt)


def breach_list(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(metavar="T", help="Also the targets missed and no longer open, due at or after T.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="T", help="Also those due before T (with --since: the range's end).")
    ] = None,
    policy: PolicyFilter = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing: the exit status alone says.")] = False,
) -> None:
    """What needs action now: every clock running past due (response, resolution, next update)
    and every recovery from backup past the recovery point on an incident still open; with
    --since, also what was missed since (met late, or breached and then done). Exit 1 when it
    lists one, 0 when none (2 and 3 are errors)."""
    state: AppState = ctx.obj
    tz = reading_zone(state, policy)
    as_of = instant(at, tz)
    lower, upper = between(since, until, tz)
    name = state.policies().get(policy).name if policy else None
    rows = breaches(state.tracker("read"), as_of, lower, upper, name)
    if not quiet:
        title = f"Breaches as of {as_of_text(as_of, tz)}"
        columns = used_columns(BREACH_COLUMNS, rows, SHOWN_WHEN_USED)
        render(Document([Table(rows, columns, title, BREACH_KEYS)], rows), fmt)
    if rows:
        raise typer.Exit(ExitCode.FOUND)


COMMANDS = {
    "due": (due, "Example: slacli due --within 4h"),
    "breaches": (breach_list, "Example: slacli breaches --since 2026-11-01 --policy openweb --format csv"),
}
