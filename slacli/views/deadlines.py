"""Due instants without a database: one incident's targets explained, and the CSV batch.

Keys of :func:`deadline_record`: policy, severity, severity_name, opened, acked,
opened_in_hours, response_due, resolution_due, resolution_provisional, response_rule,
resolution_rule, resolution_anchor, response_explanation, resolution_explanation.
A batch row is the input row (policy, severity, opened, acked and any other columns)
plus response_due and resolution_due.
"""

# Annotations evaluated (no `from __future__ import annotations`): a NamedTuple compiles each
# field's annotation text at import, on `slacli deadline`'s start-up.
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from slacli.errors import InputError, SlacliError
from slacli.instants import before, iso, parse_instant
from slacli.policy import Due, Policy, PolicySet, Severity
from slacli.views import local

INPUT_COLUMNS = ("policy", "severity", "opened", "acked")
DUE_COLUMNS = ("response_due", "resolution_due")
TARGET_COLUMNS = ("target", "due", "rule", "anchor", "why")


class Deadline(NamedTuple):
    record: dict[str, Any]
    targets: list[dict[str, Any]]  # TARGET_COLUMNS, one per target, for people


def deadline(policy: Policy, severity: Severity, opened: datetime, acked: datetime | None, zone: ZoneInfo) -> Deadline:
    """The response and resolution due instants of one incident, shown in ``zone``."""
    if acked is not None and before(acked, opened):
        raise InputError("acked is before opened")
    response, resolution = policy.deadlines(severity, opened, acked)
    record = {
        "policy": policy.name,
        "severity": severity.key,
        "severity_name": severity.name,
        "opened": local(opened, zone),
        "acked": local(acked, zone),
        "opened_in_hours": severity.calendar.is_open(opened),
        "response_due": local(response.at, zone),
        "resolution_due": local(resolution.at, zone),
        "resolution_provisional": resolution.provisional,
        "response_rule": response.rule.text if response.rule else None,
        "resolution_rule": resolution.rule.text if resolution.rule else None,
        "resolution_anchor": resolution.anchor,
        "response_explanation": response.explained_in(zone),
        "resolution_explanation": resolution.explained_in(zone),
    }
    return Deadline(record, [_target_row(d, zone) for d in (response, resolution)])


def _target_row(due: Due, zone: ZoneInfo) -> dict[str, Any]:
    at = iso(due.at, zone) if due.at else "no target"
    return {
        "target": due.name,
        "due": at + (" (provisional)" if due.provisional else ""),
        "rule": due.rule.text if due.rule else "none",
        "anchor": due.anchor,
        "why": due.explained_in(zone),
    }


class Batch(NamedTuple):
    rows: list[dict[str, Any]]
    columns: list[str]  # the input's, then DUE_COLUMNS


def batch(
    policies: PolicySet,
    text: str,
    source: str,
    tz: ZoneInfo | None,
    progress: Callable[[Iterator[list[str]]], Iterator[list[str]]] = iter,
) -> Batch:
    """Rows of a CSV in, the same rows with due instants out (in ``tz``, else each policy's
    zone); all or nothing: InputError naming the line of the first bad row. The rows read go
    through ``progress`` (a progress bar; ``iter`` costs nothing)."""
    import csv  # lazily: one deadline does not read CSV
    import io

    reader = csv.reader(io.StringIO(text), skipinitialspace=True)  # "policy, severity, ..." as people type it
    header = next(reader, [])
    missing = [c for c in INPUT_COLUMNS[:3] if c not in header]
    if missing:
        raise InputError(
            f"{source}: line 1: missing column(s) {', '.join(missing)} (header policy,severity,opened,acked)"
        )
    lookup: dict[tuple[str, str], tuple[Policy, Severity, ZoneInfo]] = {}
    rows = []
    for values in progress(reader):
        if not values:  # a blank line is no row
            continue
        try:
            rows.append(_batch_row(values, header, policies, lookup, tz))
        except SlacliError as error:
            raise InputError(f"{source}: line {reader.line_num}: {error}") from None
    return Batch(rows, [*header, *DUE_COLUMNS])


def _batch_row(
    values: list[str],
    header: list[str],
    policies: PolicySet,
    lookup: dict[tuple[str, str], tuple[Policy, Severity, ZoneInfo]],
    tz: ZoneInfo | None,
) -> dict[str, Any]:
    if len(values) > len(header):
        raise InputError("more fields than the header has")
    row: dict[str, Any] = dict(zip(header, values, strict=False))
    if len(values) < len(header):  # a short row: its missing cells are empty
        row.update(dict.fromkeys(header[len(values) :]))
    key = (row["policy"] or "", row["severity"] or "")
    if key not in lookup:
        policy = policies.get(key[0])
        lookup[key] = (policy, policy.severity(key[1]), tz or policy.calendar.zone)
    policy, severity, shown = lookup[key]
    opened, acked = anchors(row["opened"] or "", row.get("acked") or "", policy.calendar.zone)
    response, resolution = policy.deadlines(severity, opened, acked)
    row["response_due"] = local(response.at, shown)
    row["resolution_due"] = local(resolution.at, shown)
    return row


def anchors(opened: str, acked: str | None, zone: ZoneInfo, prefix: str = "") -> tuple[datetime, datetime | None]:
    """The opened and acked instants of one incident; acked may be empty, not earlier."""
    opened_at = parse_instant(opened, zone, what=f"{prefix}opened")
    acked_at = parse_instant(acked, zone, what=f"{prefix}acked") if acked and acked.strip() else None
    if acked_at is not None and before(acked_at, opened_at):
        raise InputError(f"{prefix}acked is before {prefix}opened")
    return opened_at, acked_at
