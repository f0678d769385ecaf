"""``slacli deadline``: when is it due, and why."""

import sys
from typing import Annotated

import typer

from slacli.cli._options import FormatOption, TzOption, complete_policy, complete_severity, output_zone
from slacli.cli._state import AppState
from slacli.errors import InputError
from slacli.instants import zone
from slacli.output import Document, Format, Table, progress, render
from slacli.texts import undecodable
from slacli.views.deadlines import DUE_COLUMNS, INPUT_COLUMNS, TARGET_COLUMNS, anchors, batch, deadline

BATCH_DROP = ("acked", "opened", "policy")  # after columns of its own, what a narrow terminal leaves out first

EPILOG = (
    "Examples: slacli deadline openweb 2 --opened 2026-11-21T12:00 | "
    "slacli deadline opencraft critical --opened 2026-11-20T16:00 --acked 2026-11-20T16:20 --format json | "
    "slacli deadline --input incidents.csv --format csv"
)


def deadline_command(
    ctx: typer.Context,
    policy: Annotated[
        str | None,
        typer.Argument(help="Policy name, e.g. openweb.", show_default=False, autocompletion=complete_policy),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Argument(
            help="Severity key, name or alias, e.g. 2, sev2, significant.",
            show_default=False,
            autocompletion=complete_severity,
        ),
    ] = None,
    opened: Annotated[
        str | None, typer.Option(help="When the incident was opened (ISO 8601; no offset = policy zone; 'now').")
    ] = None,
    acked: Annotated[str | None, typer.Option(help="When it was acknowledged, for acked-anchored targets.")] = None,
    input_file: Annotated[
        str | None,
        typer.Option("--input", metavar="FILE", help="CSV with header policy,severity,opened,acked ('-' = stdin)."),
    ] = None,
    fmt: FormatOption = Format.table,
    tz: TzOption = None,
) -> None:
    """Response and resolution due instants of an incident, with the reasoning."""
    state: AppState = ctx.obj
    if input_file is not None:
        if policy or severity or opened or acked:
            raise InputError("give either POLICY SEVERITY --opened T, or --input FILE, not both")
        text = _read_input(input_file)
        rows = progress(text.count("\n"), "deadlines")  # the rows, near enough: a line each
        found = batch(state.policies(), text, input_file, zone(tz) if tz else None, rows)
        extra = [c for c in found.columns if c not in (*INPUT_COLUMNS, *DUE_COLUMNS)]
        table = Table(found.rows, found.columns, empty="no rows in the input", drop=[*extra, *BATCH_DROP])
        render(Document([table], found.rows), fmt)
        return
    if not (policy and severity and opened):
        raise InputError("deadline needs POLICY SEVERITY --opened T (or --input FILE)")
    chosen = state.policies().get(policy)
    sev = chosen.severity(severity)
    opened_at, acked_at = anchors(opened, acked, chosen.calendar.zone, "--")
    result = deadline(chosen, sev, opened_at, acked_at, output_zone(tz, chosen.calendar.zone))
    title = f"{chosen.name} {sev.key} ({sev.name}), opened {result.record['opened'].isoformat()}"
    record = result.record
    targets = Table(result.targets, TARGET_COLUMNS, title, notes=("why",))
    render(Document([targets], record, Table([record], list(record))), fmt)


def _read_input(source: str) -> str:
    if source == "-":
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError:
            raise InputError("stdin: not UTF-8 text") from None
        if undecodable(text):  # in a C or POSIX locale Python reads stdin with surrogateescape
            raise InputError("stdin: not UTF-8 text")
        return text.removeprefix("\ufeff")
    try:
        # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte-order mark.
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise InputError(f"cannot read {source}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text") from None


COMMANDS = {"deadline": (deadline_command, EPILOG)}
