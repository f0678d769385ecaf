"""``slacli uptime``: a period's availability (SPEC 4)."""

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from slacli.cli._options import AsOfOption, FormatOption, as_of_note, between, complete_policy, duration, instant
from slacli.cli._state import AppState
from slacli.errors import ExitCode, InputError
from slacli.instants import short
from slacli.output import (
    AVAILABILITY_SHOWN,
    Block,
    Chart,
    Document,
    Fields,
    Format,
    Note,
    Table,
    minutes_text,
    percent_text,
    render,
)
from slacli.periods import parse_period, refuse_future
from slacli.policy import Policy
from slacli.tracker import Tracker
from slacli.views.availability import (
    COLUMNS,
    DOWNTIME,
    EXPLAIN_COLUMNS,
    daily_burn,
    explain,
    gather,
    period_record,
    trend,
)

# For people: the bar whole within 80 columns (maintenance_minutes is in CSV and JSON).
TREND_COLUMNS = ("month", "downtime_minutes", "availability_pct", "met", "bar")
TREND_DROP = ("downtime_minutes",)  # what a narrow terminal leaves out, the first first


def uptime(
    ctx: typer.Context,
    policy: Annotated[str, typer.Option("--policy", "-p", metavar="POLICY", autocompletion=complete_policy)],
    month_text: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
    start: Annotated[str | None, typer.Option("--from", metavar="T", help="Start of a custom period.")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="T", help="End of a custom period.")] = None,
    months: Annotated[
        int | None, typer.Option("--months", min=1, max=120, help="A trend: this many months up to this one.")
    ] = None,
    last: Annotated[
        str | None,
        typer.Option("--last", metavar="DURATION", help="A rolling window ending now (or --at): 7d, 28d, 30d, 24h."),
    ] = None,
    service: Annotated[str | None, typer.Option(help="Only incidents and maintenance of this service.")] = None,
    explained: Annotated[
        bool, typer.Option("--explain", help="List every interval counted, clipped or excluded, and why.")
    ] = False,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Availability A = (T - M - D) / (T - M) over a month or a period; exit 1 when the target is missed."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    as_of = instant(at, chosen.calendar.zone)
    if sum(bool(x) for x in (month_text, start or end, months, last)) > 1:
        raise InputError("give one of --month, --from and --to, --months or --last")
    if months:
        document, missed = _trend(state.tracker("read"), chosen, months, as_of, service)
    else:
        lo, hi = (_rolling(last, as_of), as_of) if last else _period(chosen, month_text, start, end)
        refuse_future(lo, as_of, month_text or "--from")
        document, missed = _period_document(
            state.tracker("read"), chosen, (lo, hi), as_of, service, month_text, explained
        )
    render(as_of_note(document, at, as_of, chosen.calendar.zone), fmt)
    if missed:
        raise typer.Exit(ExitCode.FOUND)


def _period(policy: Policy, month_text: str | None, start: str | None, end: str | None) -> tuple[datetime, datetime]:
    zone = policy.calendar.zone
    if month_text:
        return parse_period(month_text).bounds(zone)
    lo, hi = between(start, end, zone, ("--from", "--to"))
    if lo is None or hi is None:
        raise InputError("give --month YYYY-MM, or --from T --to T")
    return lo, hi


def _rolling(text: str, as_of: datetime) -> datetime:
    """The start of the rolling window ``--last`` that ends at ``as_of`` (days are 24 hours)."""
    length = duration(text, "--last")
    if length.total_seconds() <= 0:
        raise InputError(f"--last: {text!r} is not a positive duration")
    return as_of.astimezone(UTC) - length  # real time: across a DST change 30d is still 720 hours


def _trend(
    tracker: Tracker, policy: Policy, months: int, as_of: datetime, service: str | None
) -> tuple[Document, bool]:
    found = trend(tracker, policy, months, as_of, service)
    title = f"Availability of {policy.name}, target {policy.availability.target_pct}%"
    by_month = Table(found.months, TREND_COLUMNS, title, [*COLUMNS, "bar"], shown=AVAILABILITY_SHOWN, drop=TREND_DROP)
    blocks: list[Block] = [by_month]
    current = found.months[-1]
    if not current["complete"]:
        blocks.append(Note(projection(current, found.current_end, policy)))
    if found.burn_rate is not None:
        burn = f"budget burn this month: {found.burn_rate:.2f} (above 1 spends the budget faster than allowed)"
        blocks.append(Note(burn))
    return Document(blocks, {"months": found.months, "burn_rate": found.burn_rate}), found.missed


def _period_document(
    tracker: Tracker,
    policy: Policy,
    bounds: tuple[datetime, datetime],
    as_of: datetime,
    service: str | None,
    month_text: str | None,
    explained: bool,
) -> tuple[Document, bool]:
    lo, hi = bounds
    inputs = gather(tracker, policy, lo, hi, as_of, service)
    record = period_record(inputs, policy, lo, hi, as_of, month_text)
    whole = ("period_allowed_downtime_minutes", "period_remaining_downtime_minutes")  # allowed and remaining then
    hidden = (*NOT_SHOWN, *whole) if record["complete"] else NOT_SHOWN
    shown = {k: v for k, v in record.items() if k not in hidden and (k not in OPTIONAL or v is not None)}
    so_far = "" if record["complete"] else ", so far"
    blocks: list[Block] = [Fields(shown, f"Availability of {policy.name}{so_far}", AVAILABILITY_SHOWN)]
    if not record["complete"]:
        blocks.append(Note(projection(record, hi, policy)))
    data: dict[str, Any] = record
    if month_text:
        days = daily_burn(inputs, policy, lo, hi, as_of)
        data = {**record, "days": days}
        if record["period_allowed_downtime_minutes"]:  # a budget to burn
            blocks.append(burn_chart(record, days, lo, hi))
    if explained:
        reasons = explain(inputs, policy, lo, min(hi, as_of))
        total = sum(r["minutes"] for r in reasons if r["counts_as"] == DOWNTIME)
        counted_once = minutes_text(record["downtime_minutes"], "downtime_minutes")
        sums = f"stretches sum to {minutes_text(total, 'minutes')}; overlaps counted once give D = {counted_once}"
        why = Table(reasons, EXPLAIN_COLUMNS, "Explained", empty="nothing in the period", drop=("end",), notes=("why",))
        blocks += [why, Note(sums)]
        data = {**data, "explain": reasons}
    return Document(blocks, data, Table([record], COLUMNS)), record["met"] is False


def burn_chart(record: dict[str, Any], days: list[dict[str, Any]], start: datetime, end: datetime) -> Chart:
    """The month's budget used day by day, cumulatively (days to come left empty), today marked
    while the month is in progress; a label a week from the 1st."""
    count = (end.date() - start.date()).days
    used = [d["budget_used_pct"] for d in days]
    budget = minutes_text(record["period_allowed_downtime_minutes"], "allowed_downtime_minutes")
    title = f"Budget burn, {record['month']}: downtime by each day's end, % of the {budget} allowed"
    labels = [str(day + 1) if day % 7 == 0 else "" for day in range(count)]
    today = None if record["complete"] else len(days) - 1
    return Chart(title, labels, [*used, *[None] * (count - len(days))], today)


# Said in the title and the projection note instead.
NOT_SHOWN = ("complete", "projected_downtime_minutes", "projected_availability_pct")
OPTIONAL = ("month", "credit_pct", "as_of")  # rows only where there is a value


def projection(record: dict[str, Any], end: datetime, policy: Policy) -> str:
    """The projection of a period in progress, labelled as such (SPEC 4)."""
    zone = policy.calendar.zone
    pct = percent_text(record["projected_availability_pct"], record["projected_downtime_minutes"] > 0)
    verdict = "; the budget is already spent: missed" if record["met"] is False else ""
    return (
        f"{record['month'] or 'the period'} is in progress, measured up to {short(record['to'], zone)}. "
        f"Projected to {short(end, zone)} if what is open stays open: {pct}, "
        f"{minutes_text(record['projected_downtime_minutes'], 'minutes')} of downtime{verdict}."
    )


EXAMPLES = "Examples: slacli uptime --policy optimy --month 2026-11 | slacli uptime -p openweb --month 2026-11 -f csv"
COMMANDS = {"uptime": (uptime, EXAMPLES)}
