"""``slacli uptime``: a period's availability (SPEC 4)."""

import sys
from typing import Annotated

import typer

from slacli.cli._options import FormatOption, complete_policy
from slacli.cli._state import AppState
from slacli.errors import ExitCode, InputError
from slacli.instants import now, parse_instant
from slacli.policy import Policy
from slacli.render import Format, emit, number, percent_text, write_fields, write_table
from slacli.reports import availability_record, explain, gather, parse_period, refuse_future
from slacli.uptime import Availability, month

COLUMNS = (
    *("policy", "month", "from", "to", "total_minutes", "maintenance_minutes", "downtime_minutes"),
    *("availability_pct", "target_pct", "allowed_downtime_minutes", "remaining_downtime_minutes", "met", "credit_pct"),
)


def uptime(
    ctx: typer.Context,
    policy: Annotated[str, typer.Option("--policy", "-p", autocompletion=complete_policy)],
    month_text: Annotated[str | None, typer.Option("--month", metavar="YYYY-MM", help="A calendar month.")] = None,
    start: Annotated[str | None, typer.Option("--from", metavar="T", help="Start of a custom period.")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="T", help="End of a custom period.")] = None,
    months: Annotated[
        int | None, typer.Option("--months", min=1, max=120, help="A trend: this many months up to this one.")
    ] = None,
    service: Annotated[str | None, typer.Option(help="Only incidents and maintenance of this service.")] = None,
    explained: Annotated[
        bool, typer.Option("--explain", help="List every interval counted, clipped or excluded, and why.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Availability A = (T - M - D) / (T - M) over a month or a period; exit 1 when the target is missed."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    zone = chosen.calendar.zone
    if sum(bool(x) for x in (month_text, start or end, months)) > 1:
        raise InputError("give one of --month, --from and --to, or --months")
    if months:
        _trend(state, chosen, months, service, fmt)
        return
    if month_text:
        lo, hi = parse_period(month_text).bounds(zone)
    elif start and end:
        lo, hi = parse_instant(start, zone, what="--from"), parse_instant(end, zone, what="--to")
        if hi.timestamp() <= lo.timestamp():
            raise InputError("--to is not after --from")
    else:
        raise InputError("give --month YYYY-MM, or --from T --to T")
    refuse_future(lo, now(), month_text or "--from")
    found = gather(state.tracker(), chosen, lo, hi, service)
    result = found.availability(chosen, lo, hi)
    record = availability_record(chosen, result, lo, hi, month_text)
    reasons = explain(found, chosen, lo, hi) if explained else None
    if fmt.human:
        shown = {**record, "availability_pct": percent_text(result.percent, result.downtime_seconds > 0)}
        if shown["credit_pct"] is None:  # no credit tiers in the policy
            del shown["credit_pct"]
        write_fields(list(shown.items()), sys.stdout, title=f"Availability of {chosen.name}", fmt=fmt)
        if reasons is not None:
            write_table(reasons, ["source", "start", "end", "minutes", "why"], sys.stdout, title="Explained", fmt=fmt)
            total = sum(r["minutes"] for r in reasons if r["source"].startswith("incident"))
            sys.stdout.write(f"stretches sum to {number(total)} min; overlaps counted once give D = "
                             f"{record['downtime_minutes']} min\n")  # fmt: skip
    elif fmt is Format.json and reasons is not None:
        emit(fmt, [record], COLUMNS, sys.stdout, json_data={**record, "explain": reasons})
    else:
        emit(fmt, [record], COLUMNS, sys.stdout, json_data=record)
    if record["met"] is False:
        raise typer.Exit(ExitCode.FOUND)


def _trend(state: AppState, policy: Policy, count: int, service: str | None, fmt: Format) -> None:
    """Month by month up to the current one, with the current month's budget burn rate."""
    today = now().astimezone(policy.calendar.zone)
    year, number_ = today.year, today.month
    periods = []
    for _ in range(count):
        periods.append((f"{year:04d}-{number_:02d}", *month(year, number_, policy.calendar.zone)))
        year, number_ = (year, number_ - 1) if number_ > 1 else (year - 1, 12)
    rows, texts = [], []
    inputs = gather(state.tracker(), policy, periods[-1][1], periods[0][2], service)  # read once for all months
    for label, lo, hi in reversed(periods):
        result = inputs.availability(policy, lo, hi)
        rows.append({**availability_record(policy, result, lo, hi, label), "bar": _bar(result, policy)})
        texts.append(percent_text(result.percent, result.downtime_seconds > 0))
    target = policy.availability.target_pct
    so_far = inputs.availability(policy, periods[0][1], today)  # burn rate: downtime over the budget elapsed
    budget_so_far = so_far.allowed_downtime_seconds(target) if target is not None else 0
    burn = so_far.downtime_seconds / budget_so_far if budget_so_far > 0 else None
    if fmt.human:
        columns = ["month", "downtime_minutes", "maintenance_minutes", "availability_pct", "met", "bar"]
        shown = [{**r, "availability_pct": text} for r, text in zip(rows, texts, strict=True)]
        write_table(shown, columns, sys.stdout, title=f"Availability of {policy.name}, target {target}%", fmt=fmt)
        if burn is not None:
            sys.stdout.write(f"budget burn this month: {burn:.2f} (above 1 spends the budget faster than allowed)\n")
    else:
        emit(fmt, rows, [*COLUMNS, "bar"], sys.stdout, json_data={"months": rows, "burn_rate": burn})
    if any(r["met"] is False for r in rows):
        raise typer.Exit(ExitCode.FOUND)


def _bar(result: Availability, policy: Policy, width: int = 20) -> str:
    """A text bar: full at 100%, empty at the target minus its own budget (or at 99%)."""
    pct = result.percent
    if pct is None:
        return ""
    target = policy.availability.target_pct or 99.9
    floor = 2 * target - 100
    filled = round(width * min(1.0, max(0.0, (pct - floor) / (100 - floor))))
    return "#" * filled + "." * (width - filled)


EXAMPLES = "Examples: slacli uptime --policy optimy --month 2026-11 | slacli uptime -p openweb --month 2026-11 -f csv"
COMMANDS = {"uptime": (uptime, EXAMPLES)}
