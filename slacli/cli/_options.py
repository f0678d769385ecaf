"""Options shared by several commands, and shell completion of their values."""

from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from slacli.cli._state import AppState
from slacli.errors import SlacliError
from slacli.instants import zone
from slacli.render import Format


def _state(ctx: typer.Context) -> AppState:
    # While completing, the app callback has not run: rebuild the state from its options.
    if isinstance(ctx.obj, AppState):
        return ctx.obj
    return AppState(ctx.find_root().params.get("policies_path"))


def complete_policy(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        names = list(_state(ctx).policies().policies)
    except SlacliError:
        return []
    return [name for name in names if name.startswith(incomplete)]


def complete_severity(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        policy = _state(ctx).policies().get(ctx.params.get("policy") or "")
    except SlacliError:
        return []
    return [s.key for s in policy.severities if s.key.startswith(incomplete)]


def output_zone(tz: str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone output instants are shown in: --tz when given, else the policy's (SPEC 2.10)."""
    return zone(tz) if tz else default


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
TzOption = Annotated[
    str | None, typer.Option("--tz", metavar="ZONE", help="Show instants in this IANA zone (default: the policy's).")
]
PolicyOption = Annotated[
    str, typer.Option("--policy", "-p", help="Policy whose calendar to use.", autocompletion=complete_policy)
]
ServiceOption = Annotated[str | None, typer.Option(help="Affected service.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print the id alone.")]
