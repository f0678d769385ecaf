"""``slacli deadline``: when is it due, and why."""

import csv
import io
import sys
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from slacli.cli._options import FormatOption, TzOption, complete_policy, complete_severity, output_zone
from slacli.cli._state import AppState
from slacli.errors import InputError, SlacliError
from slacli.instants import iso, parse_instant
from slacli.policy import Due, Policy, PolicySet, Severity
from slacli.render import Format, emit, write_table

EPILOG = (
    "Examples: slacli deadline openweb 2 --opened 2026-11-21T12:00 | "
    "slacli deadline opencraft critical --opened 2026-11-20T16:00 --acked 2026-11-20T16:20 --format json | "
    "slacli deadline --input incidents.csv --format csv"
)
INPUT_COLUMNS = ("policy", "severity", "opened", "acked")
DUE_COLUMNS = ("response_due", "resolution_due")


def deadline(
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
        _batch(state.policies(), input_file, fmt, tz)
        return
    if not (policy and severity and opened):
        raise InputError("deadline needs POLICY SEVERITY --opened T (or --input FILE)")
    chosen = state.policies().get(policy)
    sev = chosen.severity(severity)
    zone = chosen.calendar.zone
    opened_at, acked_at = _anchors(opened, acked, zone, "--")
    shown = output_zone(tz, zone)
    response, resolution = chosen.deadlines(sev, opened_at, acked_at)
    record = _record(chosen, sev, opened_at, acked_at, response, resolution, shown)
    if fmt.human:
        rows = [_target_row(d, shown) for d in (response, resolution)]
        title = f"{chosen.name} {sev.key} ({sev.name}), opened {record['opened']}"
        write_table(rows, TABLE_COLUMNS, sys.stdout, title=title, fmt=fmt)
    else:
        emit(fmt, [record], list(record), sys.stdout, json_data=record)


TABLE_COLUMNS = ("target", "due", "rule", "anchor", "why")


def _record(
    policy: Policy,
    severity: Severity,
    opened: datetime,
    acked: datetime | None,
    response: Due,
    resolution: Due,
    zone: ZoneInfo,
) -> dict[str, Any]:
    return {
        "policy": policy.name,
        "severity": severity.key,
        "severity_name": severity.name,
        "opened": iso(opened, zone),
        "acked": iso(acked, zone) if acked else None,
        "opened_in_hours": severity.calendar.is_open(opened),
        "response_due": iso(response.at, zone) if response.at else None,
        "resolution_due": iso(resolution.at, zone) if resolution.at else None,
        "resolution_provisional": resolution.provisional,
        "response_rule": response.rule.text if response.rule else None,
        "resolution_rule": resolution.rule.text if resolution.rule else None,
        "resolution_anchor": resolution.anchor,
        "response_explanation": response.explanation,
        "resolution_explanation": resolution.explanation,
    }


def _target_row(due: Due, zone: ZoneInfo) -> dict[str, Any]:
    at = iso(due.at, zone) if due.at else "no target"
    return {
        "target": due.name,
        "due": at + (" (provisional)" if due.provisional else ""),
        "rule": due.rule.text if due.rule else "none",
        "anchor": due.anchor,
        "why": due.explanation,
    }


def _batch(policies: PolicySet, source: str, fmt: Format, tz: str | None) -> None:
    """Rows of a CSV in, the same rows with due instants out; all or nothing."""
    text = _read_input(source)
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in INPUT_COLUMNS[:3] if c not in header]
    if missing:
        raise InputError(
            f"{source}: line 1: missing column(s) {', '.join(missing)} (header policy,severity,opened,acked)"
        )
    columns = [*header, *DUE_COLUMNS]
    lookup: dict[tuple[str, str], tuple[Policy, Severity, ZoneInfo]] = {}
    rows = []
    for row in reader:
        try:
            rows.append(_batch_row(row, policies, lookup, tz))
        except SlacliError as error:
            raise InputError(f"{source}: line {reader.line_num}: {error}") from None
    emit(fmt, rows, columns, sys.stdout)


def _batch_row(
    row: dict[str, Any],
    policies: PolicySet,
    lookup: dict[tuple[str, str], tuple[Policy, Severity, ZoneInfo]],
    tz: str | None,
) -> dict[str, Any]:
    if None in row:
        raise InputError("more fields than the header has")
    key = (row["policy"] or "", row["severity"] or "")
    if key not in lookup:
        policy = policies.get(key[0])
        lookup[key] = (policy, policy.severity(key[1]), output_zone(tz, policy.calendar.zone))
    policy, severity, shown = lookup[key]
    opened, acked = _anchors(row["opened"] or "", row.get("acked") or "", policy.calendar.zone)
    response, resolution = policy.deadlines(severity, opened, acked)
    row["response_due"] = iso(response.at, shown) if response.at else None
    row["resolution_due"] = iso(resolution.at, shown) if resolution.at else None
    return row


def _anchors(opened: str, acked: str | None, zone: ZoneInfo, prefix: str = "") -> tuple[datetime, datetime | None]:
    """The opened and acked instants of one incident; acked may be empty, not earlier."""
    opened_at = parse_instant(opened, zone, what=f"{prefix}opened")
    acked_at = parse_instant(acked, zone, what=f"{prefix}acked") if acked and acked.strip() else None
    if acked_at is not None and acked_at.timestamp() < opened_at.timestamp():
        raise InputError(f"{prefix}acked is before {prefix}opened")
    return opened_at, acked_at


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read().removeprefix("\ufeff")
    try:
        # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte-order mark.
        with open(source, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except OSError as error:
        raise InputError(f"cannot read {source}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text") from None


COMMANDS = {"deadline": (deadline, EPILOG)}
