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
    DUE_COLUMNS,
    DUE_DROP,
    DUE_KEYS,
    STYLES,
    board_counts,
    breaches,
    due_board,
)
from slacli.views.targets import ESCALATION_KEYS, TARGET_KEYS

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
