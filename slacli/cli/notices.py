"""Notices for the status page: hotfix."""

from __future__ import annotations

from typing import Annotated

import typer

from slacli.cli._options import (
    AtOption,
    ByOption,
    FormatOption,
    PolicyOption,
    QuietOption,
    author,
    instant,
    render_unless_quiet,
)
from slacli.cli._state import AppState
from slacli.output import Document, Fields, Format
from slacli.views.notices import notice_record


def hotfix(
    ctx: typer.Context,
    policy: PolicyOption,
    title: Annotated[str, typer.Option("--title", help="What was fixed, in a line.")],
    services: Annotated[
        list[str] | None, typer.Option("--service", metavar="NAME", help="A service it touched (repeatable).")
    ] = None,
    message: Annotated[str | None, typer.Option("--message", "-m", help="More about it, for the page.")] = None,
    at: AtOption = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Record a hotfix applied without downtime: the status page shows it as a post-mortem
    entry. It has no clocks and no impact (an outage is an incident, planned work maintenance)."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    when = instant(at, chosen.calendar.zone)
    notice_id, notice = state.tracker("create").hotfix(
        chosen.name, title, at=when, author=author(by), services=services or (), message=message
    )
    record = notice_record(state.policies(), notice_id, notice)
    render_unless_quiet(quiet, lambda: Document([Fields(record, f"Hotfix {notice_id}")], record), fmt, [notice_id])


COMMANDS = {
    "hotfix": (hotfix, "Example: slacli hotfix --policy openmethods --title 'Search index rebuilt' --service search"),
}
