"""``slacli demo``: a realistic on-call week against the five presets, in a throwaway database."""

import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from slacli.cli._state import AppState
from slacli.instants import parse_instant, short
from slacli.output import AVAILABILITY_SHOWN, Block, Document, Format, Table, render
from slacli.periods import month
from slacli.tracker import Tracker
from slacli.views.availability import period_availability
from slacli.views.board import BREACH_COLUMNS, BREACH_DROP, DUE_COLUMNS, DUE_DROP, breaches, due_board
from slacli.views.incidents import Which, listing
from slacli.views.maintenance import COLUMNS as WINDOW_COLUMNS
from slacli.views.maintenance import DROP as WINDOW_DROP
from slacli.views.maintenance import NOTES as WINDOW_NOTES
from slacli.views.maintenance import window_list
from slacli.vocabulary import EventKind, MaintenanceKind, WindowAction

EPILOG = "Example: slacli demo --week-of 2026-11-23"
NEW_YORK = ZoneInfo("America/New_York")

# The incidents of the week: (policy, severity, day from Monday, New York time, title).
INCIDENTS = (
    ("openweb", "1", -2, "23:40", "Comments widget down for every publisher"),
    ("opencraft", "critical", -1, "12:00", "LMS returns 502 for all learners"),
    ("openmethods", "1", 0, "05:10", "Agents cannot log in to the media bar"),
    ("protecto", "high", 0, "10:15", "Data sync lagging for most tenants"),
    ("openweb", "2", 1, "16:50", "Moderation queue slow"),
    ("optimy", "high", 2, "09:05", "Platform unreachable after DNS change"),
    ("openmethods", "2", 2, "15:30", "Screen pops fail for one site"),
    ("opencraft", "major", 2, "16:30", "Course search degraded"),
    ("protecto", "medium", 3, "11:00", "Intermittent export failures"),
    ("openweb", "3", 4, "14:00", "Typo in the admin console"),
)
# What the on-call people did: (incident number, event, day, New York time, details).
SHIFT: tuple[tuple[int, EventKind, int, str, dict[str, str]], ...] = (
    (1, EventKind.ACKNOWLEDGED, -1, "00:05", {}),
    (3, EventKind.ACKNOWLEDGED, 0, "05:22", {}),
    (3, EventKind.UPDATE, 0, "06:05", {"message": "Identity provider timing out"}),
    (3, EventKind.UPDATE, 0, "07:20", {"message": "Failing over to the standby IdP"}),
    (3, EventKind.SEVERITY_CHANGED, 0, "07:30", {"severity": "2"}),
    (4, EventKind.ACKNOWLEDGED, 0, "10:55", {}),
    (3, EventKind.RESOLVED, 0, "11:00", {}),
    (1, EventKind.RESOLVED, 0, "15:00", {}),
    (5, EventKind.ACKNOWLEDGED, 1, "18:00", {}),
    (6, EventKind.ACKNOWLEDGED, 2, "09:10", {}),
    (4, EventKind.RESOLVED, 2, "09:30", {}),
    (5, EventKind.PAUSED, 2, "10:00", {"reason": "waiting on publisher logs"}),
    (6, EventKind.RESOLVED, 2, "10:30", {}),
    (8, EventKind.ACKNOWLEDGED, 2, "17:15", {}),
    (5, EventKind.RESUMED, 4, "11:00", {}),
    (8, EventKind.RESOLVED, 4, "16:00", {}),
)
# Maintenance of the week: (policy, kind or None to classify by notice, start day and time,
# end day and time, announced days before, title).
MAINTENANCE = (
    ("openweb", MaintenanceKind.SCHEDULED, (1, "01:00"), (1, "03:00"), 10, "Database upgrade"),
    ("openweb", MaintenanceKind.EMERGENCY, (2, "22:00"), (2, "22:45"), 0, "Certificate replaced after expiry"),
    ("optimy", None, (4, "02:00"), (4, "03:30"), 2, "Storage migration"),  # 2 days' notice: emergency
)
LOOKS = ((2, "12:00", "Due board"), (4, "18:00", "Breaches"))
UPTIME_COLUMNS = (
    *("policy", "total_minutes", "maintenance_minutes", "downtime_minutes", "availability_pct", "target_pct"),
    *("remaining_downtime_minutes", "met"),
)
LIST_COLUMNS = ("id", "policy", "severity", "title", "response_due", "response_met", "resolution_due", "resolution_met")
# What a narrow terminal leaves out of each table, the first first.
UPTIME_DROP = ("total_minutes", "maintenance_minutes", "remaining_downtime_minutes")
LIST_DROP = ("policy", "resolution_due", "response_due")


Clock = Callable[[int, str], datetime]  # (day from Monday, HH:MM) -> the instant in New York


def demo(
    ctx: typer.Context,
    week_of: Annotated[
        str, typer.Option(help="The Monday of the week to replay (the holiday week of Thanksgiving 2026 by default).")
    ] = "2026-11-23",
) -> None:
    """Replay a realistic on-call week against the shipped presets, in a throwaway database."""
    state: AppState = ctx.obj
    monday = parse_instant(week_of, NEW_YORK, what="--week-of")

    def when(day: int, clock: str) -> datetime:
        return parse_instant(f"{(monday + timedelta(days=day)).date()}T{clock}", NEW_YORK)

    with tempfile.TemporaryDirectory() as scratch:
        tracker = AppState(state.policies_option, str(Path(scratch) / "demo.db")).tracker("create")
        end = when(*LOOKS[-1][:2])
        tracker.clock = lambda: end  # the week is recorded as it ends, whatever week it is
        _maintenance(tracker, when)
        _week(tracker, when)
        rows = listing(tracker, Which(status=None), end)
        title = f"slacli list --all: each incident's deadlines, as of {short(end, NEW_YORK)}"
        typer.echo()  # each look at the week stands apart (titles are text: a newline in one is escaped)
        listed = Table(rows, LIST_COLUMNS, title, drop=LIST_DROP)
        render(Document([listed, *_month(tracker, end)], None, spaced=True), Format.table)
        tracker.store.close()


def _maintenance(tracker: Tracker, when: Clock) -> None:
    """The week's windows, each started and completed as planned."""
    for policy, kind, (day, clock), (end_day, end_clock), notice, title in MAINTENANCE:
        start, end = when(day, clock), when(end_day, end_clock)
        window_id, _ = tracker.add_window(
            policy, start, end, author="demo", kind=kind,
            announced=start - timedelta(days=notice), title=title, service=None,
        )  # fmt: skip
        tracker.window_action(window_id, WindowAction.START, at=start, author="demo")
        tracker.window_action(window_id, WindowAction.COMPLETE, at=end, author="demo")


def _week(tracker: Tracker, when: Clock) -> None:
    """The incidents and the shift's events in time order, with a look at the board between them."""
    events: list[tuple[datetime, int, EventKind, dict[str, Any]]] = []
    for number, (policy, severity, day, clock, title) in enumerate(INCIDENTS, start=1):
        events.append(
            (when(day, clock), number, EventKind.OPENED, {"policy": policy, "severity": severity, "title": title})
        )
    events += [(when(day, clock), number, kind, details) for number, kind, day, clock, details in SHIFT]
    looks = iter(LOOKS)
    look = next(looks, None)
    for at, number, kind, details in sorted(events, key=lambda e: e[0]):
        while look and when(look[0], look[1]) < at:
            _look(tracker, when(look[0], look[1]), look[2])
            look = next(looks, None)
        if kind == EventKind.OPENED:
            tracker.open(details["title"], details["policy"], details["severity"], at=at, author="demo")
        else:
            tracker.act(number, kind, at=at, author="demo", **details)
    for day, clock, what in [look, *looks] if look else []:
        _look(tracker, when(day, clock), what)


def _month(tracker: Tracker, end: datetime) -> list[Block]:
    """The maintenance windows, and each targeted policy's availability of the month, as of ``end``."""
    windows = Table(
        window_list(tracker, end), WINDOW_COLUMNS, "slacli maintenance list", drop=WINDOW_DROP, notes=WINDOW_NOTES
    )
    rows = []
    for policy in tracker.policies:
        if policy.availability.target_pct is not None:
            lo, hi = month(end.year, end.month, policy.calendar.zone)
            rows.append(period_availability(tracker, policy, lo, hi, end))
    title = f"slacli uptime --month {end:%Y-%m} for the policies with a target, so far: as of {short(end, NEW_YORK)}"
    return [windows, Table(rows, UPTIME_COLUMNS, title, shown=AVAILABILITY_SHOWN, drop=UPTIME_DROP)]


def _look(tracker: Tracker, at: datetime, what: str) -> None:
    shown = short(at, NEW_YORK)
    if what == "Due board":
        rows = due_board(tracker, at, None, None)
        table = Table(rows, DUE_COLUMNS, f"slacli due, as of {shown}", empty="nothing due", drop=DUE_DROP)
    else:
        found = breaches(tracker, at, None, None, None)
        table = Table(found, BREACH_COLUMNS, f"slacli breaches, as of {shown}", empty="no breaches", drop=BREACH_DROP)
    typer.echo()
    render(Document([table], None), Format.table)


COMMANDS = {"demo": (demo, EPILOG)}
