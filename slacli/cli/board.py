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
from slacli.views.board import BREACH_COLUMNS, BREACH_DROP, DUE_COLUMNS, DUE_DROP, DUE_KEYS, STYLES, breaches, due_board
from slacli.views.targets import ESCALATION_KEYS, TARGET_KEYS

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
    table = Table(
        rows, columns, f"Due as of {as_of_text(as_of, tz)}", DUE_KEYS, STYLES, empty="nothing due", drop=DUE_DROP
    )
    render(Document([table], [public(r) for r in rows]), fmt)


def breach_list(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(metavar="T", help="Targets due at or after T.")] = None,
    until: Annotated[str | None, typer.Option(metavar="T", help="Targets due before T.")] = None,
    policy: PolicyFilter = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Every target breached (open past due) or met late, with its exception and the escalation
    level reached when there is one, and every recovery from backup past the recovery point;
    exit 1 when there is one."""
    state: AppState = ctx.obj
    tz = reading_zone(state, policy)
    as_of = instant(at, tz)
    lower, upper = between(since, until, tz)
    name = state.policies().get(policy).name if policy else None
    rows = breaches(state.tracker("read"), as_of, lower, upper, name)
    title = f"Breaches as of {as_of_text(as_of, tz)}"
    columns = used_columns(BREACH_COLUMNS, rows, SHOWN_WHEN_USED)
    machine = [*BREACH_COLUMNS, "late_minutes", *TARGET_KEYS]
    render(Document([Table(rows, columns, title, machine, empty="no breaches", drop=BREACH_DROP)], rows), fmt)
    if rows:
        raise typer.Exit(ExitCode.FOUND)


COMMANDS = {
    "due": (due, "Example: slacli due --within 4h"),
    "breaches": (breach_list, "Example: slacli breaches --since 2026-11-01 --policy openweb --format csv"),
}
