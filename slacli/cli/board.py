"""``slacli due`` (the on-call screen) and ``slacli breaches`` (for cron)."""

import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from slacli.cli._options import FormatOption, complete_policy
from slacli.cli._state import AppState
from slacli.cli.incidents import left_text
from slacli.errors import ExitCode, InputError
from slacli.incidents import clocks, remaining
from slacli.instants import format_duration, iso, now, parse_duration, parse_instant
from slacli.render import Format, emit, number
from slacli.tracker import Tracker

AsOfOption = Annotated[
    str | None,
    typer.Option("--at", metavar="T", help="As of T (default: now; no offset: --policy's zone, else local time)."),
]
PolicyFilter = Annotated[str | None, typer.Option("--policy", "-p", autocompletion=complete_policy)]
SOON_SECONDS = 3600  # due within the hour: shown as urgent
DUE_COLUMNS = ("id", "policy", "severity", "title", "clock", "due", "left", "status")
BREACH_COLUMNS = ("id", "policy", "severity", "title", "target", "due", "done", "late_by", "status")


def _as_of(state: AppState, text: str | None, policy: str | None, what: str = "--at") -> datetime:
    """An instant option: without an offset, read in --policy's zone, else in the machine's."""
    if not text:
        return now()
    if policy:
        return parse_instant(text, state.policies().get(policy).calendar.zone, what=what)
    return parse_instant(text, None, what=what)


def due(
    ctx: typer.Context,
    within: Annotated[
        str | None, typer.Option(metavar="DURATION", help="Only clocks due within DURATION (e.g. 4h) or overdue.")
    ] = None,
    policy: PolicyFilter = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Every running clock (response, resolution, next update), soonest first."""
    state: AppState = ctx.obj
    as_of = _as_of(state, at, policy)
    try:
        horizon = parse_duration(within).total_seconds() if within else None
    except ValueError as error:
        raise InputError(f"--within: {error}") from None
    name = state.policies().get(policy).name if policy else None
    rows = due_rows(state.tracker(), as_of, horizon, name)
    columns = DUE_COLUMNS if fmt.human else [*DUE_COLUMNS, "left_minutes"]
    title = f"Due as of {iso(as_of, UTC)}"
    styles = {"red": "bold red", "yellow": "yellow"}
    emit(fmt, rows, columns, sys.stdout, title=title, json_data=[_public(r) for r in rows], styles=styles)


def due_rows(tracker: Tracker, as_of: datetime, horizon: float | None, policy: str | None) -> list[dict[str, Any]]:
    """The due board: every running clock, soonest first (within ``horizon`` seconds)."""
    found = []
    # The open incidents of now come from an index; those of the past need a wider look.
    past = as_of < now() - timedelta(minutes=1)
    which: dict[str, Any] = {"open_at": as_of} if past else {"open_only": True}
    for incident in tracker.find(as_of if past else None, policy=policy, **which):
        if not incident.state.is_open:
            continue
        rules = tracker.policy_of(incident.state)
        calendar = rules.severity(incident.state.severity).calendar
        for clock in clocks(incident.state, as_of, calendar):
            if clock.due is None or clock.status not in ("pending", "paused", "breached"):
                continue
            seconds = (clock.due - as_of).total_seconds()
            if horizon is not None and seconds > horizon:
                continue
            left = remaining(clock, as_of, calendar)
            found.append(
                (
                    clock.due,
                    {
                        "id": incident.id,
                        "policy": incident.state.policy,
                        "severity": incident.state.severity,
                        "title": incident.state.title,
                        "clock": clock.name,
                        "due": iso(clock.due, rules.calendar.zone),
                        "left": left_text(left, clock.counts) if left is not None else None,
                        "left_minutes": number(left.total_seconds() / 60) if left is not None else None,
                        "status": clock.status + (" (provisional)" if clock.provisional else ""),
                        "_style": "red" if seconds < 0 else "yellow" if seconds < SOON_SECONDS else "",
                    },
                )
            )
    return [row for _, row in sorted(found, key=lambda pair: pair[0].timestamp())]


def breaches(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(metavar="T", help="Targets due at or after T.")] = None,
    until: Annotated[str | None, typer.Option(metavar="T", help="Targets due before T.")] = None,
    policy: PolicyFilter = None,
    at: AsOfOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Every target breached (open past due) or met late; exit 1 when there is one."""
    state: AppState = ctx.obj
    as_of = _as_of(state, at, policy)
    lower = _as_of(state, since, policy, "--since") if since else None
    upper = _as_of(state, until, policy, "--until") if until else None
    name = state.policies().get(policy).name if policy else None
    rows = breach_rows(state.tracker(), as_of, lower, upper, name)
    columns = BREACH_COLUMNS if fmt.human else [*BREACH_COLUMNS, "late_minutes"]
    emit(fmt, rows, columns, sys.stdout, title=f"Breaches as of {iso(as_of, UTC)}")
    if rows:
        raise typer.Exit(ExitCode.FOUND)


def breach_rows(
    tracker: Tracker, as_of: datetime, lower: datetime | None, upper: datetime | None, policy: str | None
) -> list[dict[str, Any]]:
    """Every target breached or met late, of incidents opened before ``upper``."""
    rows = []
    for incident in tracker.find(as_of, policy=policy, until=min(upper or as_of, as_of)):
        rules = tracker.policy_of(incident.state)
        zone = rules.calendar.zone
        calendar = rules.severity(incident.state.severity).calendar
        late = [(c.name, c.due, c.done_at, c.status) for c in clocks(incident.state, as_of, calendar)]
        late += [("update", d, posted, "met late") for d, posted in incident.state.late_updates]
        for target, due_at, done_at, status in late:
            if due_at is None or status not in ("breached", "met late"):
                continue
            if (lower and due_at < lower) or (upper and due_at >= upper):
                continue
            end = done_at or as_of
            rows.append(
                {
                    "id": incident.id,
                    "policy": incident.state.policy,
                    "severity": incident.state.severity,
                    "title": incident.state.title,
                    "target": target,
                    "due": iso(due_at, zone),
                    "done": iso(done_at, zone) if done_at else None,
                    "late_by": format_duration(end - due_at),
                    "late_minutes": number((end - due_at).total_seconds() / 60),
                    "status": status,
                }
            )
    return rows


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


COMMANDS = {
    "due": (due, "Example: slacli due --within 4h"),
    "breaches": (breaches, "Example: slacli breaches --since 2026-11-01 --policy openweb --format csv"),
}
