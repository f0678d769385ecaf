"""``slacli report``: a month's, an ISO week's or a quarter's incidents and per-policy figures."""

from typing import Annotated, Any

import typer

from slacli.cli._options import AsOfOption, FormatOption, PolicyFilter, as_of_note, instant, reading_zone
from slacli.cli._state import AppState
from slacli.errors import ExitCode
from slacli.output import AVAILABILITY_SHOWN, Block, Document, Format, Note, Table, render, used_columns
from slacli.periods import parse_period
from slacli.views.report import ADHERENCE_COLUMNS, CADENCE, REPORT_COLUMNS, SUMMARY_COLUMNS, Report, build_report
from slacli.views.targets import ESCALATION_KEYS
from slacli.vocabulary import MetBy

SHORT_COLUMNS = ("id", "policy", "severity", "status", "title")
TERMINAL_INCIDENT_COLUMNS = (
    *SHORT_COLUMNS,
    *("opened", "acked", "resolved", "response_met", "resolution_met", "minutes_to_ack", "minutes_to_resolve"),
    *("paused_minutes", "excluded", "postmortem"),
)
TERMINAL_SUMMARY_COLUMNS = (
    *("policy", "incidents", "by_severity", "availability_pct", "target_pct", "availability_met"),
    *("mtta_minutes", "mttr_minutes", "breaches", "escalations", "missing_postmortems"),
)
# What a narrow terminal leaves out of each table, the first first.
INCIDENT_DROP = (
    *("acked", "resolved", "paused_minutes", "excluded", "included_minutes", "billable_minutes"),
    *("recovery_point_met", "data_lost_minutes", "missing_fields", "exception", "postmortem", "minutes_to_ack"),
    *("minutes_to_resolve", "resolution_met_by", "opened", "policy"),
)
SUMMARY_DROP = (
    *("included_minutes", "billable_minutes", "incomplete", "missing_postmortems", "escalations", "by_severity"),
    *("mttr_minutes", "mtta_minutes", "credit_pct", "target_pct"),
)
ESCALATION_DROP = ("escalated_to", "escalate_to", "policy")
ADHERENCE_DROP = ("policy", "excepted_pct", "pending", "excepted", "missed_pct")


def report(
    ctx: typer.Context,
    month_text: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
    week_text: Annotated[str | None, typer.Option("--week", metavar="YYYY-Www", help="An ISO week.")] = None,
    quarter_text: Annotated[
        str | None, typer.Option("--quarter", metavar="YYYY-Qn", help="A calendar quarter, with target adherence.")
    ] = None,
    policy: PolicyFilter = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Only the per-policy table (CSV: instead of incidents).")
    ] = False,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Incidents of a month, an ISO week or a quarter, then per policy: availability, MTTA, MTTR,
    breaches, status-report selections, escalations due and missing post-mortems; a quarter adds
    each target's adherence (met, missed, excepted). Exit 1 when a target was missed."""
    state: AppState = ctx.obj
    period = parse_period(month_text, week_text, quarter_text)
    policies = state.policies()
    chosen = [policies.get(policy)] if policy else list(policies)
    tz = reading_zone(state, policy)
    as_of = instant(at, tz)
    found = build_report(state.tracker("read"), chosen, period, as_of)
    render(as_of_note(_document(found, summary), at, as_of, tz), fmt)
    if found.found_something:
        raise typer.Exit(ExitCode.FOUND)


def _document(found: Report, summary_only: bool) -> Document:
    """The report: a table per section for people, one table in CSV, everything in JSON."""
    label = found.period.label
    columns = list(TERMINAL_SUMMARY_COLUMNS)
    if any(s["credit_pct"] is not None for s in found.summaries):
        columns.insert(columns.index("availability_met") + 1, "credit_pct")
    columns += _case_work(found.summaries, summary=True)
    title = f"Per policy, {label}"
    summaries = Table(
        found.summaries, columns, title, SUMMARY_COLUMNS, shown=AVAILABILITY_SHOWN, empty="none", drop=SUMMARY_DROP
    )
    shown = [*_incident_columns(found.incidents), *_case_work(found.incidents, summary=False)]
    incidents = Table(found.incidents, shown, f"Incidents, {label}", REPORT_COLUMNS, empty="none", drop=INCIDENT_DROP)
    in_progress = [s["policy"] for s in found.summaries if not s["complete"]]
    so_far: list[Block] = [Note(_so_far(label, in_progress))] if in_progress else []
    if summary_only:
        return Document([summaries, *so_far], found.summaries, summaries, spaced=True)
    escalations = Table(
        found.escalations,
        used_columns(SHORT_COLUMNS, found.escalations, ESCALATION_KEYS),
        "Escalations (unresolved, past a target)",
        empty="none",
        drop=ESCALATION_DROP,
    )
    sections = [escalations, Table(found.missing_postmortems, SHORT_COLUMNS, "Missing post-mortems", empty="none")]
    if found.period.kind in CADENCE:
        title = f"{CADENCE[found.period.kind].capitalize()} status reports (severities that ask for one)"
        sections.insert(0, Table(found.status_reports, SHORT_COLUMNS, title, empty="none"))
    else:
        title = f"Adherence to targets, {label}"
        sections.append(Table(found.adherence, ADHERENCE_COLUMNS, title, empty="none", drop=ADHERENCE_DROP))
    return Document([incidents, summaries, *so_far, *sections], _data(found), incidents, spaced=True)


def _so_far(label: str, policies: list[str]) -> str:
    """What a report of a period in progress says under its summary (SPEC 4)."""
    return (
        f"{label} is still in progress for {', '.join(policies)}: availability is so far, and availability_met "
        "stays empty until the end unless the budget is already spent (the projection: projected_availability_pct "
        "in JSON and CSV)"
    )


def _incident_columns(rows: list[dict[str, Any]]) -> list[str]:
    """The incident table's columns, with which event met a resolution when a workaround
    met one, and the exception's reason when there is one."""
    columns = list(TERMINAL_INCIDENT_COLUMNS)
    if any(r["resolution_met_by"] == MetBy.WORKAROUND for r in rows):
        columns.insert(columns.index("resolution_met") + 1, "resolution_met_by")
    return used_columns(columns, rows, ("exception",))


def _case_work(rows: list[dict[str, Any]], *, summary: bool) -> list[str]:
    """The case work columns for people, each only when some row has something to say in it."""
    shown = used_columns((), rows, ("incomplete" if summary else "missing_fields",))
    if not summary and any(row["data_lost_minutes"] is not None for row in rows):
        shown += ["data_lost_minutes", "recovery_point_met"]  # a recovery that lost nothing (0) too
    return used_columns(shown, rows, [("billable_minutes", "included_minutes")])


def _data(found: Report) -> dict[str, Any]:
    def ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: row[k] for k in SHORT_COLUMNS} for row in rows]

    return {
        "period": found.period.label,
        "kind": found.period.kind,
        "incidents": found.incidents,
        "policies": found.summaries,
        "status_reports": ids(found.status_reports),
        "escalations": [
            {**short, **{k: row[k] for k in ESCALATION_KEYS}}
            for short, row in zip(ids(found.escalations), found.escalations, strict=True)
        ],
        "missing_postmortems": ids(found.missing_postmortems),
        "adherence": found.adherence,
    }


EXAMPLES = (
    "Examples: slacli report --month 2026-11 | slacli report --week 2026-W47 -p protecto -f markdown"
    " | slacli report --quarter 2026-Q4 -p protecto"
)
COMMANDS = {"report": (report, EXAMPLES)}
