"""``slacli maintenance add|list|start|complete|cancel``."""

import sys
from datetime import datetime
from typing import Annotated, Any

import typer

from slacli.cli._options import FormatOption, QuietOption, ServiceOption, complete_policy
from slacli.cli._state import AppState
from slacli.cli.incidents import AtOption, ByOption, author
from slacli.instants import iso, now, parse_instant
from slacli.maintenance import KINDS, TRANSITIONS, Window
from slacli.render import Format, emit

app = typer.Typer(
    help="Maintenance windows: scheduled, regular and emergency.",
    no_args_is_help=True,
    epilog="Example: slacli maintenance add --policy optimy --start 2026-11-28T22:00 --end 2026-11-29T01:00",
)
COLUMNS = ("id", "policy", "kind", "status", "start", "end", "announced", "title", "service", "warnings")


def window_record(state: AppState, window_id: int, window: Window) -> dict[str, Any]:
    zone = state.policies().get(window.policy).calendar.zone

    def shown(t: datetime | None) -> str | None:
        return iso(t, zone) if t else None

    return {
        "id": window_id,
        "policy": window.policy,
        "kind": window.kind,
        "status": window.status,
        "start": shown(window.start),
        "end": shown(window.end),
        "announced": shown(window.announced),
        "title": window.title,
        "service": window.service,
        "warnings": list(window.warnings),
    }


def flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Window records for tables and CSV: the warnings in one cell."""
    return [{**r, "warnings": "; ".join(r["warnings"])} for r in rows]


def _emit(fmt: Format, rows: list[dict[str, Any]], title: str, *, one: bool = False) -> None:
    """Print windows; JSON is an object for one window (add, start, ...) and a list for list."""
    emit(fmt, flat(rows), COLUMNS, sys.stdout, title=title, json_data=rows[0] if one else rows)


@app.command(epilog="Example: slacli maintenance add --policy optimy --start 2026-11-28T22:00 --end 2026-11-29T01:00")
def add(
    ctx: typer.Context,
    policy: Annotated[str, typer.Option("--policy", "-p", autocompletion=complete_policy)],
    start: Annotated[str, typer.Option(metavar="T", help="When it starts (no offset = policy zone).")],
    end: Annotated[str, typer.Option(metavar="T", help="When it ends.")],
    announced: Annotated[str | None, typer.Option(metavar="T", help="When customers were told (default: now).")] = None,
    kind: Annotated[
        str | None, typer.Option(help=f"{', '.join(KINDS)} (default: by the policy's notice rule).")
    ] = None,
    title: Annotated[str, typer.Option(help="What is done.")] = "",
    service: ServiceOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Record a maintenance window; warns when it breaks the policy's rules."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    zone = chosen.calendar.zone
    told = parse_instant(announced, zone, what="--announced") if announced else now()
    window_id, window = state.tracker().add_window(
        chosen.name,
        parse_instant(start, zone, what="--start"),
        parse_instant(end, zone, what="--end"),
        author=author(by),
        kind=kind,
        announced=told,
        title=title,
        service=service,
    )
    for warning in window.warnings:
        typer.echo(f"slacli: warning: {warning}", err=True)
    if quiet:
        typer.echo(window_id)
        return
    _emit(fmt, [window_record(state, window_id, window)], f"Maintenance {window_id}", one=True)


@app.command("list", epilog="Example: slacli maintenance list --policy optimy --format json")
def list_windows(
    ctx: typer.Context,
    policy: Annotated[str | None, typer.Option("--policy", "-p", autocompletion=complete_policy)] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Maintenance windows, by start."""
    state: AppState = ctx.obj
    name = state.policies().get(policy).name if policy else None
    rows = [window_record(state, i, w) for i, w in state.tracker().windows(name)]
    _emit(fmt, rows, "Maintenance")


def _action(name: str) -> Any:
    def command(
        ctx: typer.Context,
        window_id: Annotated[int, typer.Argument(help="Maintenance window id.", min=1)],
        at: AtOption = None,
        by: ByOption = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        state: AppState = ctx.obj
        tracker = state.tracker(create=False)
        when = parse_instant(at, None, what="--at") if at else now()
        window = tracker.window_action(window_id, name, at=when, author=author(by))
        _emit(fmt, [window_record(state, window_id, window)], f"Maintenance {window_id}", one=True)

    command.__doc__ = f"Mark a maintenance window {TRANSITIONS[name][1]}."
    return command


for _name in TRANSITIONS:
    app.command(_name, epilog=f"Example: slacli maintenance {_name} 3")(_action(_name))

COMMANDS = {"maintenance": (app, None)}
