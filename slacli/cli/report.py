"""``slacli report``: a month's or an ISO week's incidents and per-policy figures."""

import sys
from typing import Annotated, Any

import typer

from slacli.cli._options import FormatOption, complete_policy
from slacli.cli._state import AppState
from slacli.errors import ExitCode
from slacli.instants import now
from slacli.render import Format, emit, percent_text
from slacli.reports import REPORT_COLUMNS, SUMMARY_COLUMNS, Report, build_report, parse_period

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


def report(
    ctx: typer.Context,
    month_text: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
    week_text: Annotated[str | None, typer.Option("--week", metavar="YYYY-Www", help="An ISO week.")] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", autocompletion=complete_policy, help="Only this policy.")
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Only the per-policy table (CSV: instead of incidents).")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Incidents of a month or an ISO week, then per policy: availability, MTTA, MTTR, breaches,
    status-report selections, escalations and missing post-mortems. Exit 1 when a target was missed."""
    state: AppState = ctx.obj
    period = parse_period(month_text, week_text)
    policies = state.policies()
    chosen = [policies.get(policy)] if policy else list(policies)
    found = build_report(state.tracker(), chosen, period, now())
    if fmt is Format.json:
        emit(fmt, [], (), sys.stdout, json_data=found.summaries if summary else _document(found))
    elif fmt is Format.csv:
        rows, columns = (found.summaries, SUMMARY_COLUMNS) if summary else (found.incidents, REPORT_COLUMNS)
        emit(fmt, rows, columns, sys.stdout)
    else:
        _sections(found, fmt, summary)
    if found.found_something:
        raise typer.Exit(ExitCode.FOUND)


def _document(found: Report) -> dict[str, Any]:
    def ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: row[k] for k in SHORT_COLUMNS} for row in rows]

    return {
        "period": found.period.label,
        "kind": found.period.kind,
        "incidents": found.incidents,
        "policies": found.summaries,
        "status_reports": ids(found.status_reports),
        "escalations": ids(found.escalations),
        "missing_postmortems": ids(found.missing_postmortems),
    }


def _sections(found: Report, fmt: Format, summary_only: bool) -> None:
    """The report for people: a table (or Markdown table) per section."""
    label = found.period.label
    summaries = [
        {**s, "availability_pct": percent_text(s["availability_pct"], s["downtime_minutes"] > 0)}
        for s in found.summaries
    ]
    columns = list(TERMINAL_SUMMARY_COLUMNS)
    if any(s["credit_pct"] is not None for s in summaries):
        columns.insert(columns.index("availability_met") + 1, "credit_pct")
    sections = [] if summary_only else [(f"Incidents, {label}", found.incidents, TERMINAL_INCIDENT_COLUMNS)]
    sections.append((f"Per policy, {label}", summaries, columns))
    if not summary_only:
        cadence = {"month": "Monthly", "week": "Weekly"}[found.period.kind]
        sections += [
            (f"{cadence} status reports (severities that ask for one)", found.status_reports, SHORT_COLUMNS),
            ("Escalations (unresolved, past a target)", found.escalations, SHORT_COLUMNS),
            ("Missing post-mortems", found.missing_postmortems, SHORT_COLUMNS),
        ]
    for i, (title, rows, shown) in enumerate(sections):
        if i and fmt is Format.table:
            sys.stdout.write("\n")
        if rows:
            emit(fmt, rows, shown, sys.stdout, title=title)
        else:
            sys.stdout.write(f"### {title}\n\nnone\n\n" if fmt is Format.markdown else f"{title}: none\n")


EXAMPLES = "Examples: slacli report --month 2026-11 | slacli report --week 2026-W47 -p protecto -f markdown"
COMMANDS = {"report": (report, EXAMPLES)}
