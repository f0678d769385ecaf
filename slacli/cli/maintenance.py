"""``slacli maintenance add|list|start|complete|cancel``."""

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from slacli.cli._options import (
    AsOfOption,
    AtOption,
    ByOption,
    FormatOption,
    PolicyFilter,
    QuietOption,
    ServiceOption,
    as_of_title,
    author,
    complete_policy,
    instant,
    reading_zone,
    render_unless_quiet,
)
from slacli.cli._state import AppState
from slacli.instants import parse_instant
from slacli.maintenance import TRANSITIONS, Window, occurrences, parse_series
from slacli.output import Document, Format, Note, Table, render, warn
from slacli.recorded import MaintenanceImpact, Repeat, WindowAction
from slacli.views.maintenance import COLUMNS, DROP, NOTES, window_list, window_record
from slacli.vocabulary import MaintenanceKind

ADD_EXAMPLE = (
    "Example: slacli maintenance add --policy optimy --start 2027-01-09T22:00 --end 2027-01-10T01:00 "
    "--announced 2026-12-28T10:00"
)

app = typer.Typer(
    help="Maintenance windows: scheduled, regular and emergency.",
    no_args_is_help=True,
    epilog=ADD_EXAMPLE,
)


def windows(records: list[dict[str, Any]], title: str, empty: str | None = None) -> Table:
    return Table(records, COLUMNS, title, empty=empty, drop=DROP, notes=NOTES)


def _one(record: dict[str, Any], title: str, notes: Sequence[Note] = ()) -> Document:
    """One window: an object in JSON (add, start, ...), a one-row table for people and CSV."""
    return Document([windows([record], title), *notes], record)


@app.command(epilog=ADD_EXAMPLE)
def add(
    ctx: typer.Context,
    policy: Annotated[str, typer.Option("--policy", "-p", metavar="POLICY", autocompletion=complete_policy)],
    start: Annotated[str, typer.Option(metavar="T", help="When it starts (no offset = policy zone).")],
    end: Annotated[str, typer.Option(metavar="T", help="When it ends.")],
    announced: Annotated[str | None, typer.Option(metavar="T", help="When customers were told (default: now).")] = None,
    kind: Annotated[
        str | None, typer.Option(help=f"{', '.join(MaintenanceKind)} (default: by the policy's notice rule).")
    ] = None,
    impact: Annotated[
        str,
        typer.Option(
            help="full, partial or none: what the service suffers while it runs; where the policy does "
            "not exclude the kind, downtime at that weight (partial: the policy's partial_weight)."
        ),
    ] = MaintenanceImpact.FULL,
    title: Annotated[str, typer.Option(help="What is done.")] = "",
    service: ServiceOption = None,
    repeat: Annotated[
        Repeat | None, typer.Option(help="Repeat it (RFC 5545): each occurrence a window; with --count or --until.")
    ] = None,
    count: Annotated[int | None, typer.Option(metavar="N", help="Occurrences of --repeat, the first included.")] = None,
    until: Annotated[str | None, typer.Option(metavar="T", help="The last --repeat starts at or before T.")] = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Record a maintenance window, or a series (--repeat); warns when one breaks the policy's rules."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    zone = chosen.calendar.zone
    first = (parse_instant(start, zone, what="--start"), parse_instant(end, zone, what="--end"))
    repeats = parse_series(repeat, count, parse_instant(until, zone, what="--until") if until else None)
    added = state.tracker("create").add_windows(
        chosen.name,
        occurrences(*first, zone, repeats),
        author=author(by),
        kind=kind,
        announced=parse_instant(announced, zone, what="--announced") if announced else None,
        impact=impact,
        title=title,
        service=service,
    )
    for window_id, window in added:
        for warning in window.warnings:
            warn(warning if repeats is None else f"maintenance {window_id}: {warning}")
    ids = [window_id for window_id, _ in added]
    render_unless_quiet(quiet, lambda: _added(state, added, repeat if repeats else None), fmt, created=ids)


def _added(state: AppState, added: list[tuple[int, Window]], repeat: str | None) -> Document:
    """The windows just added, and why each is of its kind: one window as a record."""
    records = [window_record(state.policies(), window_id, window) for window_id, window in added]
    if repeat is None:
        return _one(records[0], f"Maintenance {records[0]['id']}", _why(records))
    plural = "" if len(records) == 1 else "s"
    title = f"Maintenance {records[0]['id']} to {records[-1]['id']}: {len(records)} {repeat} window{plural}"
    return Document([windows(records, title), *_why(records)], records)


def _why(records: list[dict[str, Any]]) -> list[Note]:
    """Why each window added is of its kind, for under the table: one line when all share it."""
    first, last = records[0], records[-1]
    if len({(r["kind"], r["kind_reason"]) for r in records}) > 1:
        return [Note(f"maintenance {r['id']}, {r['kind']}: {r['kind_reason']}") for r in records]
    which = f"maintenance {first['id']} to {last['id']}, " if len(records) > 1 else ""
    return [Note(f"{which}{first['kind']}: {first['kind_reason']}")]


@app.command("list", epilog="Example: slacli maintenance list --policy optimy --format json")
def list_windows(
    ctx: typer.Context,
    policy: PolicyFilter = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Maintenance windows announced by --at, by start, as they stood then."""
    state: AppState = ctx.obj
    name = state.policies().get(policy).name if policy else None
    tz = reading_zone(state, policy)
    as_of = instant(at, tz)
    rows = window_list(state.tracker("read"), as_of, name)
    table = windows(rows, as_of_title("Maintenance", at, as_of, tz), empty="no maintenance windows match")
    render(Document([table], rows), fmt)


def _action(action: WindowAction) -> Any:
    def command(
        ctx: typer.Context,
        window_id: Annotated[int, typer.Argument(help="Maintenance window id.", min=1)],
        at: AtOption = None,
        by: ByOption = None,
        quiet: QuietOption = False,
        fmt: FormatOption = Format.table,
    ) -> None:
        state: AppState = ctx.obj
        tracker = state.tracker("write")
        zone = state.policies().get(tracker.window(window_id).policy).calendar.zone
        window = tracker.window_action(window_id, action, at=instant(at, zone), author=author(by))
        shown = f"Maintenance {window_id}"
        render_unless_quiet(quiet, lambda: _one(window_record(state.policies(), window_id, window), shown), fmt)

    command.__doc__ = f"Mark a maintenance window {TRANSITIONS[action][1]}."
    return command


for _action_name in WindowAction:
    app.command(str(_action_name), epilog=f"Example: slacli maintenance {_action_name} 3")(_action(_action_name))

COMMANDS = {"maintenance": (app, None)}
