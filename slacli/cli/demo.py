"""``slacli demo``: an on-call week against the five presets, run as the commands a user types.

Every step is a real ``slacli`` command, run in-process through the same Typer app against a
database file the demo makes and keeps, and printed first as ``$ slacli ...``: its output
is the command's own, whatever the renderer does, and a reader can run any line again.
Lines starting with ``#`` are comments (shell-safe): the days, and why each breach happened.
"""

import contextlib
import io
import shlex
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from slacli.cli._state import AppState
from slacli.errors import InputError, SlacliError
from slacli.incidents import State
from slacli.instants import format_duration, now, parse_instant, short
from slacli.policy import Policy
from slacli.vocabulary import TargetName

EPILOG = "Example: slacli demo --week-of 2026-11-23"
NEW_YORK = ZoneInfo("America/New_York")  # where the week is told; the commands give instants with their offset

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
# What the on-call people did: (day, New York time, command and its arguments after the id).
SHIFT: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (-1, "00:05", ("ack", "1")),
    (0, "05:22", ("ack", "3")),
    (0, "06:05", ("update", "3", "Identity provider timing out")),
    (0, "07:20", ("update", "3", "Failing over to the standby IdP")),
    (0, "07:30", ("severity", "3", "2")),
    (0, "11:00", ("resolve", "3")),
    (0, "15:00", ("resolve", "1")),
    (0, "16:40", ("ack", "4")),
    (1, "18:00", ("ack", "5")),
    (2, "09:10", ("ack", "6")),
    (2, "09:30", ("resolve", "4")),
    (2, "10:00", ("pause", "5", "--reason", "waiting on publisher logs")),
    (2, "10:30", ("resolve", "6")),
    (2, "17:15", ("ack", "8")),
    (4, "11:00", ("resume", "5")),
    (4, "16:00", ("resolve", "8")),
)
# Maintenance: (policy, kind or None to classify by notice, start, end, days of notice, title).
MAINTENANCE = (
    ("openweb", "scheduled", (1, "01:00"), (1, "03:00"), 10, "Database upgrade"),
    ("openweb", "emergency", (2, "22:00"), (2, "22:45"), 0, "Certificate replaced after expiry"),
    ("optimy", None, (4, "02:00"), (4, "03:30"), 2, "Storage migration"),  # 2 days' notice: emergency
)
WIDTH = 80  # the transcript's lines, tables aside: a terminal's
BOARD_AT, END = (2, "12:00"), (4, "18:00")  # the due board on Wednesday at noon; the week ends Friday evening
DONE_BY = {TargetName.RESPONSE: "acknowledged", TargetName.RESOLUTION: "resolved", TargetName.UPDATE: "update posted"}

Clock = Callable[[int, str], datetime]  # (day from Monday, HH:MM) -> the instant in New York


def demo(
    ctx: typer.Context,
    week_of: Annotated[
        str, typer.Option(help="The Monday of the week to replay (the holiday week of Thanksgiving 2026 by default).")
    ] = "2026-11-23",
) -> None:
    """Replay a realistic on-call week against the shipped presets, as commands you can run again."""
    state: AppState = ctx.obj
    monday = parse_instant(week_of, NEW_YORK, what="--week-of")

    def when(day: int, clock: str) -> datetime:
        return parse_instant(f"{(monday + timedelta(days=day)).date()}T{clock}", NEW_YORK)

    end = when(*END)
    if end > now():  # the commands record what happened: nothing can be dated after now
        raise InputError(f"--week-of {week_of}: that week is not over yet (the demo ends {short(end, NEW_YORK)})")
    db = Path(tempfile.mkdtemp(prefix="slacli-demo-")) / "demo.db"
    session = _Session(db, state.policies_option)
    typer.echo(f"slacli demo: an on-call week from {_day(monday)} for the five shipped policies,")
    typer.echo("each step the command you would type; then the breaches and why, a report.")
    _comment(f"Each command runs against {db} (kept: run any line again, or your own).")
    _comment("A change prints the incident or window as it stands; that is left out here, but for new ids.")
    typer.echo(f"$ export SLACLI_DB={shlex.quote(str(db))}")
    _week(session, when)
    _summary(session, when, end, AppState(state.policies_option, str(db)))


def _day(t: datetime) -> str:
    return short(t, NEW_YORK)[:10]  # "Mon 23 Nov"


class _Session:
    """Runs slacli commands in-process against the demo's database, each printed first."""

    def __init__(self, db: Path, policies: str | None) -> None:
        from slacli.cli import build_app  # lazily: this module is one of the app's commands

        self.app = typer.main.get_command(build_app())
        self.options = ["--db", str(db), *(["--policies", policies] if policies else [])]

    def run(self, *args: str, show: bool = True, found: bool = False) -> None:
        """``slacli ARGS``, printed; its output shown unless ``show`` is False; exit 1 allowed when ``found``."""
        typer.echo(shell_line(["slacli", *args]))
        with contextlib.redirect_stdout(io.StringIO()) if not show else contextlib.nullcontext():
            code = self.app.main([*self.options, *args], prog_name="slacli", standalone_mode=False) or 0
        if code not in ((0, 1) if found else (0,)):
            raise SlacliError(f"demo: slacli {shlex.join(args)} exited {code}")


def shell_line(args: list[str]) -> str:
    """``$ ARGS`` as a shell reads it, continued with a backslash to stay within WIDTH columns;
    an option stays on the line of its value."""
    words = [shlex.quote(arg) for arg in args]
    pieces: list[str] = []
    for word in words:
        if pieces and pieces[-1].startswith("-") and not word.startswith("-") and " " not in pieces[-1]:
            pieces[-1] += " " + word
        else:
            pieces.append(word)
    lines = ["$"]
    for piece in pieces:
        if len(lines[-1]) + 1 + len(piece) > WIDTH - 2 and lines[-1].strip() not in ("$", ""):
            lines.append("   ")
        lines[-1] += " " + piece
    return " \\\n".join(lines)


def _comment(text: str) -> None:
    """A line of explanation, wrapped within WIDTH columns: ``# `` starts each line, ``#   `` a continued one."""
    import textwrap

    typer.echo(
        textwrap.fill(
            text, WIDTH, initial_indent="# ", subsequent_indent="#   ", break_long_words=False, break_on_hyphens=False
        )
    )


def _at(t: datetime) -> str:
    return t.isoformat(timespec="minutes")  # with its offset: the same instant in any local time zone


def _week(session: _Session, when: Clock) -> None:
    """The week's maintenance, incidents and the shift's actions in time order, with a look at the board."""
    steps: list[tuple[datetime, tuple[str, ...], bool]] = []  # (at, arguments, output shown)

    def change(at: datetime, *args: str, show: bool = False) -> None:
        steps.append((at, (*args, "--at", _at(at), "--by", "demo"), show))

    def announce(at: datetime, *args: str) -> None:  # a window is recorded now, whenever it was announced
        steps.append((at, (*args, "--by", "demo"), True))

    # Windows are numbered as they are added, in the order they were announced.
    by_notice = sorted(MAINTENANCE, key=lambda window: when(*window[2]) - timedelta(days=window[4]))
    for number, (policy, kind, start, end, notice, title) in enumerate(by_notice, start=1):
        opening, closing, announced = when(*start), when(*end), when(*start) - timedelta(days=notice)
        window = ("--policy", policy, "--start", _at(opening), "--end", _at(closing), "--announced", _at(announced))
        announce(announced, "maintenance", "add", *window, *(("--kind", kind) if kind else ()), "--title", title)
        change(opening, "maintenance", "start", str(number))
        change(closing, "maintenance", "complete", str(number))
    for policy, severity, day, clock, title in INCIDENTS:
        change(when(day, clock), "open", title, "--policy", policy, "--severity", severity, "-q", show=True)
    for day, clock, args in SHIFT:
        change(when(day, clock), *args)
    steps.append((when(*BOARD_AT), ("due", "--at", _at(when(*BOARD_AT))), True))
    shown_day = None
    for at, args, show in sorted(steps, key=lambda step: step[0]):
        if _day(at) != shown_day:
            shown_day = _day(at)
            typer.echo(f"\n# {shown_day}")
        session.run(*args, show=show)


def _summary(session: _Session, when: Clock, end: datetime, reader: AppState) -> None:
    """What the week left: the breaches and why, the incidents, one of them, maintenance, uptime, the report."""
    from slacli.views.board import breaches

    at, since = _at(end), when(-2, "00:00")
    typer.echo(f"\n# {short(end, NEW_YORK)}: the week is over")
    session.run("breaches", "--since", _at(since), "--at", at, found=True)
    tracker = reader.tracker("read")
    for row in breaches(tracker, end, since, None, None):
        state = tracker.get(row["id"]).state
        _comment(why(row, state, tracker.policy_of(state), end))
    reader.close()
    session.run("list", "--all", "--at", at)
    session.run("show", "2", "--at", at)
    session.run("maintenance", "list", "--at", at)
    session.run("uptime", "--month", f"{end:%Y-%m}", "--policy", "openweb", "--at", at, found=True)
    session.run("report", "--week", f"{end:%G-W%V}", "--summary", "--at", at, found=True)


def why(row: dict[str, Any], state: State, policy: Policy, as_of: datetime) -> str:
    """One line on why a breach row happened: what was done when (or not by ``as_of``), when
    it was due, and how that due instant was worked out."""
    zone = policy.calendar.zone
    target, due, done = row["target"], row["due"], row["done"]
    verb = DONE_BY.get(target, "done")
    what = f"{verb} {short(done, zone)}" if done else f"not {verb} by {short(as_of, zone)}"
    reason = _reason(target, due, state, policy)
    line = f"#{row['id']} {row['policy']} {row['severity']} {target} {row['status']}: {what}, due {short(due, zone)}"
    return f"{line} ({reason})" if reason else line


def _reason(target: str, due: datetime, state: State, policy: Policy) -> str:
    severity = policy.severity(_severity_at(state, due))
    if target == TargetName.UPDATE and severity.update_every:
        return f"an update every {format_duration(severity.update_every)} while it is open"
    if target not in (TargetName.RESPONSE, TargetName.RESOLUTION):
        return ""
    response, resolution = policy.deadlines(severity, state.opened, state.acked)
    computed = response if target == TargetName.RESPONSE else resolution
    if computed.at is None or computed.at.timestamp() != due.timestamp():
        return "as pauses and severity changes moved it"
    zone = policy.calendar.zone
    if computed.provisional and computed.rule and computed.anchor_at:  # a breach: its response due is past
        explained = computed.rule.explain(computed.anchor_at, computed.calendar, computed.at, zone)
        return f"never acknowledged, so from the response due {short(computed.anchor_at, zone)}; {explained}"
    return computed.explained_in(zone)


def _severity_at(state: State, t: datetime) -> str:
    """The severity in force at ``t``: the one before the first change after it, else the current one."""
    return next((before for changed, before in state.severity_changes if changed > t), state.severity)


COMMANDS = {"demo": (demo, EPILOG)}
