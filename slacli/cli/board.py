"""``slacli due`` (the on-call screen) and ``slacli breaches`` (for cron)."""

import contextlib
import sys
import time
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

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
from slacli.errors import ExitCode, InputError
from slacli.instants import format_duration, now
from slacli.output import Document, Format, Note, Table, live, render, used_columns
from slacli.views import public
from slacli.views.board import (
    BREACH_COLUMNS,
    BREACH_DROP,
    BREACH_KEYS,
    DUE_COLUMNS,
    DUE_DROP,
    DUE_KEYS,
    STYLES,
    board_counts,
    breaches,
    due_board,
)
from slacli.views.targets import ESCALATION_KEYS

WATCH_EVERY, WATCH_AT_LEAST = 30.0, 1.0  # seconds between the redraws of --watch: by default, at least
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
    watch: Annotated[bool, typer.Option("--watch", help="Redraw the board in place until Ctrl-C.")] = False,
    every: Annotated[
        str | None, typer.Option(metavar="DURATION", help="With --watch: redraw this often (30s; at least 1s).")
    ] = None,
) -> None:
    """Every running clock (response, resolution, next update), most urgent first; premium first among equals."""
    state: AppState = ctx.obj
    tz = reading_zone(state, policy)
    horizon = duration(within, "--within").total_seconds() if within else None
    name = state.policies().get(policy).name if policy else None
    if watch:
        _watch(state, horizon, name, tz, _refresh_seconds(every, at, fmt))
        return
    if every:
        raise InputError("--every is for --watch")
    rows, table = _board(state, instant(at, tz), horizon, name, tz)
    render(Document([table], [public(r) for r in rows]), fmt)


def _board(
    state: AppState, as_of: datetime, horizon: float | None, policy: str | None, tz: ZoneInfo | None
) -> tuple[list[dict[str, Any]], Table]:
    """The due board as of ``as_of``: its rows, and the table people read."""
    rows = due_board(state.tracker("read"), as_of, horizon, policy)
    columns = used_columns(DUE_COLUMNS, rows, ("premium",))  # a premium mark only when a row has one
    title = f"Due as of {as_of_text(as_of, tz)}"
    return rows, Table(rows, columns, title, DUE_KEYS, STYLES, empty="nothing due", drop=DUE_DROP)


def _refresh_seconds(every: str | None, at: str | None, fmt: Format) -> float:
    """How often --watch redraws; InputError when the watch cannot be (--at, another
    format, or stdout not a terminal: a watch in a pipe would never end sensibly)."""
    if at:
        raise InputError("--watch shows the board as of now: drop --at (or --watch, for one board as of T)")
    if fmt is not Format.table:
        raise InputError(f"--watch draws a table: drop --format {fmt} (or --watch, for one board)")
    seconds = duration(every, "--every").total_seconds() if every else WATCH_EVERY
    if seconds < WATCH_AT_LEAST:
        raise InputError(f"--every: {every!r} is shorter than 1s")
    if not sys.stdout.isatty():
        raise InputError("--watch needs a terminal: stdout is not one (drop --watch to print the board once)")
    return seconds


def _watch(state: AppState, horizon: float | None, policy: str | None, tz: ZoneInfo | None, every: float) -> None:
    """The board redrawn every ``every`` seconds, each time as of now and read afresh (another
    process may write), with its counts and the refresh time, until Ctrl-C ends it (exit 0)."""
    with contextlib.suppress(KeyboardInterrupt), live() as draw:
        while True:
            as_of = now()
            rows, table = _board(state, as_of, horizon, policy, tz)
            draw(Document([table, Note(_watch_line(rows, as_of, tz, every))], None))
            state.close()  # no read transaction held open between refreshes: writers are not kept waiting
            time.sleep(every)


def _watch_line(rows: list[dict[str, Any]], as_of: datetime, tz: ZoneInfo | None, every: float) -> str:
    counts = board_counts(rows)
    bands = ", ".join(f"{n} {band}" for band, n in counts["band"].items())
    statuses = ", ".join(f"{n} {status}" for status, n in counts["status"].items())
    clocks = f"{len(rows)} clocks: {bands}; {statuses}" if rows else "no clocks running"
    refreshed = as_of.astimezone(tz).strftime("%H:%M:%S")
    return f"{clocks}. Refreshed {refreshed}, every {format_duration(timedelta(seconds=every))}; Ctrl-C stops."


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
        table = Table(rows, columns, title, BREACH_KEYS, empty="no breaches", drop=BREACH_DROP)
        render(Document([table], rows), fmt)
    if rows:
        raise typer.Exit(ExitCode.FOUND)


COMMANDS = {
    "due": (due, "Example: slacli due --within 4h"),
    "breaches": (breach_list, "Example: slacli breaches --since 2026-11-01 --policy openweb --format csv"),
}
