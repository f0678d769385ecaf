"""``slacli policies list|show|check``."""

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from slacli.calendars import Calendar
from slacli.cli._options import FormatOption, complete_policy
from slacli.cli._state import AppState
from slacli.instants import format_duration, now
from slacli.output import Block, Document, Fields, Format, Table, escaped, render
from slacli.policy import Policy, Severity
from slacli.policy.snapshot import standalone

app = typer.Typer(
    help="Inspect and validate the policy file.",
    no_args_is_help=True,
    epilog="Example: slacli policies show openweb",
)


@app.command("list", epilog="Example: slacli policies list --format json")
def list_policies(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """The policies of the policy file in use."""
    state: AppState = ctx.obj
    policy_set = state.policies()
    rows = [_summary(p) for p in policy_set]
    table = Table(rows, LIST_COLUMNS, f"Policies in {policy_set.path}", list(rows[0]), drop=LIST_DROP)
    render(Document([table], rows), fmt)


LIST_COLUMNS = ("name", "timezone", "hours", "holidays", "severities", "availability_target_pct", "description")
LIST_DROP = ("availability_target_pct", "severities", "holidays", "timezone")  # on a narrow terminal, first first
SEVERITY_DROP = ("hint", "billable", "postmortem", "update_every", "downtime", "clock", "aliases", "name")


@app.command(epilog="Examples: slacli policies show opencraft --format json | slacli policies show optimy --toml")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Policy name.", autocompletion=complete_policy)],
    fmt: FormatOption = Format.table,
    toml: Annotated[
        bool, typer.Option("--toml", help="Print the policy and its calendars as a policy file to start from.")
    ] = False,
) -> None:
    """A policy's calendar, targets and the holidays of the next 12 months."""
    state: AppState = ctx.obj
    policy = state.policies().get(name)
    if toml:
        import tomli_w  # lazily: only this option writes TOML

        sys.stdout.write(tomli_w.dumps(standalone(state.policies(), name)))
        return
    today = now().astimezone(policy.calendar.zone).date()
    holidays = _holidays(policy.calendar, today)
    severities = [_severity(s) for s in policy.severities]
    targets = Table(severities, list(severities[0]), "Severities", drop=SEVERITY_DROP)
    blocks: list[Block] = [
        Fields(_summary(policy), f"Policy {policy.name}"),
        targets,
        Table(holidays, ["date", "weekday", "holiday"], "Holidays, next 12 months", empty="none"),
    ]
    data = {**_summary(policy), "severity_targets": severities, "upcoming_holidays": holidays}
    render(Document(blocks, data, targets), fmt)


@app.command(epilog="Example: slacli policies check ./policies.toml")
def check(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Policy file (default: the one in use).")] = None,
) -> None:
    """Validate a policy file, holiday countries included; exit 2 naming the first error."""
    state: AppState = ctx.obj
    policy_set = state.policies(file) if file else state.policies()
    year = now().year
    built = list(policy_set)  # every policy built now: a file the cache kept builds them only when asked
    for calendar in policy_set.calendars.values():
        calendar.holiday(date(year, 1, 1))  # resolves the holiday country/subdivision
    counts = f"{len(built)} policies, {len(policy_set.calendars)} calendars"
    typer.echo(escaped(f"{policy_set.path}: ok ({counts})"))  # a file name can hold anything


def _summary(policy: Policy) -> dict[str, Any]:
    calendar = policy.calendar
    return {
        "name": policy.name,
        "description": policy.description,
        "calendar": calendar.name,
        "timezone": calendar.zone.key,
        "hours": calendar.hours.describe(),
        "holidays": calendar.holiday_label or "none",
        "severities": ", ".join(s.key for s in policy.severities),
        "availability_target_pct": policy.availability.target_pct,
        "maintenance_excluded": ", ".join(policy.availability.excluded_maintenance),
        "maintenance_notice": policy.maintenance.notice.text if policy.maintenance.notice else None,
        "report_within": format_duration(policy.report_within) if policy.report_within else None,
        "recovery_point": format_duration(policy.recovery_point) if policy.recovery_point else None,
        "required_fields": ", ".join(policy.required_fields) or None,
    }


def _severity(severity: Severity) -> dict[str, Any]:
    return {
        "key": severity.key,
        "name": severity.name,
        "aliases": ", ".join(severity.aliases),
        "response": severity.response.describe() if severity.response else "none",
        "resolution": severity.resolution.describe() if severity.resolution else "none",
        "clock": severity.calendar.name,
        "downtime": severity.downtime,
        "update_every": format_duration(severity.update_every) if severity.update_every else None,
        "postmortem": severity.postmortem,
        "billable": severity.billable,
        "hint": f"{severity.hint.text} ({severity.hint.describe()})" if severity.hint else None,
    }


def _holidays(calendar: Calendar, today: date) -> list[dict[str, str]]:
    end = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today + timedelta(days=365)
    return [
        {"date": day.isoformat(), "weekday": day.strftime("%a"), "holiday": name}
        for day, name in calendar.holidays_between(today, end)
    ]


COMMANDS = {"policies": (app, None)}
