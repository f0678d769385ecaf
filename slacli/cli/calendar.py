"""``slacli calendar add|between``: business-time arithmetic on a policy's calendar."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated

import typer

from slacli.cli._options import FormatOption, PolicyOption, TzOption, output_zone
from slacli.cli._state import AppState
from slacli.errors import InputError
from slacli.instants import format_duration, iso, parse_duration, parse_instant
from slacli.output import Document, Fields, Format, render
from slacli.rules import BusinessDuration, Rule, WallDuration, parse_rule
from slacli.vocabulary import ClockKind

app = typer.Typer(
    help="Business-time arithmetic on a policy's calendar.",
    no_args_is_help=True,
    epilog="Example: slacli calendar add 2026-11-25T15:00 4h30m --policy openweb",
)


@app.command(
    epilog="Examples: slacli calendar add 2026-11-25T15:00 270m --policy openweb | "
    "slacli calendar add 2026-11-25T15:00 '2 business days' --policy openweb --format json"
)
def add(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="Instant to count from (ISO 8601; no offset = policy zone).")],
    duration: Annotated[str, typer.Argument(help="Business time (270m, 4h30m) or any target rule.")],
    policy: PolicyOption,
    fmt: FormatOption = Format.table,
    tz: TzOption = None,
) -> None:
    """The instant DURATION of business time after START."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    calendar = chosen.calendar
    at = parse_instant(start, calendar.zone, what="START")
    rule = _business_rule(duration)
    result = rule.due(at, calendar)
    shown = output_zone(tz, calendar.zone)
    record = {
        "policy": chosen.name,
        "calendar": calendar.name,
        "start": iso(at, shown),
        "start_in_hours": calendar.is_open(at),
        "duration": duration,
        "result": iso(result, shown),
        "explanation": rule.explain(at, calendar, result, shown),
    }
    _print(fmt, record)


@app.command(epilog="Example: slacli calendar between 2026-11-25T15:00 2026-11-30T10:00 --policy openweb")
def between(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(help="First instant.")],
    end: Annotated[str, typer.Argument(help="Second instant.")],
    policy: PolicyOption,
    fmt: FormatOption = Format.table,
    tz: TzOption = None,
) -> None:
    """Business time from START to END (negative when END is before START)."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    calendar = chosen.calendar
    a = parse_instant(start, calendar.zone, what="START")
    b = parse_instant(end, calendar.zone, what="END")
    elapsed = calendar.elapsed(a, b)
    shown = output_zone(tz, calendar.zone)
    minutes = elapsed.total_seconds() / 60
    record = {
        "policy": chosen.name,
        "calendar": calendar.name,
        "start": iso(a, shown),
        "end": iso(b, shown),
        "business_minutes": int(minutes) if minutes.is_integer() else minutes,
        "business_time": _business_time(elapsed),
    }
    _print(fmt, record)


def _business_time(elapsed: timedelta) -> str:
    """Business time from START to END for people; backwards said in words."""
    if elapsed < timedelta(0):
        return f"{format_duration(-elapsed, ClockKind.BUSINESS)} (END is before START)"
    return format_duration(elapsed, ClockKind.BUSINESS)


def _business_rule(text: str) -> Rule:
    """DURATION: a plain duration counts business time; anything else is a target rule."""
    if text.strip().startswith("-"):
        raise InputError(f"negative duration {text!r}: business time is only added forward")
    try:
        return BusinessDuration(text, parse_duration(text, allow_days=False))
    except ValueError as plain_error:
        try:
            rule = parse_rule(text)
        except ValueError as rule_error:
            raise InputError(f"DURATION: {rule_error}") from None
        if rule is None or isinstance(rule, WallDuration):
            raise InputError(f"DURATION: {plain_error}") from None
        return rule


def _print(fmt: Format, record: Mapping[str, object]) -> None:
    render(Document([Fields(record)], record), fmt)


COMMANDS = {"calendar": (app, None)}
