"""Options shared by several commands, shell completion of their values, and the SPEC 2.14
reading of instants given on the command line."""

import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from slacli.cli._state import AppState, login
from slacli.errors import InputError
from slacli.instants import iso, now, parse_duration, parse_instant, zone
from slacli.output import Document, Fields, Format, Note, render
from slacli.texts import NAME_LIMIT, checked_text

if TYPE_CHECKING:
    from slacli.policy import Policy
    from slacli.recorded import EventKind
    from slacli.tracker import Incident, Tracker


def _completing(ctx: typer.Context) -> AppState:
    # While completing, the app callback has not run: build the state from its options.
    root = ctx.find_root().params
    return AppState(root.get("policies_path"), root.get("db"))


def complete_policy(ctx: typer.Context, incomplete: str) -> list[str]:
    """The policies of the file in use (--policies, $SLACLI_POLICIES, ...) that begin with
    ``incomplete``; nothing when it cannot be read (a shell must never show a traceback)."""
    try:
        names = list(_completing(ctx).policies().policies)
    except Exception:  # a broken or unreadable file: nothing to offer
        return []
    return [name for name in names if name.startswith(incomplete)]


def complete_severity(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The severities of the policy the command line names (--policy or POLICY, or the
    incident ID's), else of every policy: their keys, and once something is typed the names
    and aliases that begin with it (those with spaces need quotes: left out). Each comes with
    what it names, for zsh and fish."""
    state = _completing(ctx)
    try:
        policies = _named_policies(ctx, state)
    except Exception:  # a broken or unreadable file: nothing to offer
        return []
    finally:
        state.close()
    offered: dict[str, list[str]] = {}
    for policy in policies:
        for severity in policy.severities:
            what = severity.name if len(policies) == 1 else f"{policy.name} {severity.key}"
            # Typer keeps what begins with the text as typed: "Critical" for "Cr", "critical" for "cr"
            spelled = [form for name in severity.names() for form in dict.fromkeys((name, name.lower()))]
            for name in spelled if incomplete else (severity.key,):
                if name.startswith(incomplete) and not any(c.isspace() for c in name):
                    offered.setdefault(name, []).append(what)
    return [(name, ", ".join(dict.fromkeys(whats))) for name, whats in offered.items()]


def _named_policies(ctx: typer.Context, state: AppState) -> list["Policy"]:
    """The policy the command line names, else the incident's (``severity ID``), else all."""
    policies = state.policies()
    if name := ctx.params.get("policy"):
        return [policies.get(name)]
    if incident_id := ctx.params.get("incident_id"):
        with contextlib.suppress(Exception):  # no database, no such incident: every policy
            tracker = state.tracker("read")
            return [tracker.policy_of(tracker.get(incident_id).state)]
    return list(policies)


def output_zone(tz: str | None, default: ZoneInfo) -> ZoneInfo:
    """The zone output instants are shown in: --tz when given, else the policy's (SPEC 2.10)."""
    return zone(tz) if tz else default


def reading_zone(state: AppState, policy: str | None) -> ZoneInfo | None:
    """Where an instant without an offset is read (SPEC 2.14): the policy's zone when the
    command has one policy, else the machine's local zone (None)."""
    return state.policies().get(policy).calendar.zone if policy else None


def instant(text: str | None, tz: ZoneInfo | None, what: str = "--at") -> datetime:
    """An instant option (default: now), naive text read in ``tz`` (None: local time)."""
    return parse_instant(text, tz, what=what) if text else now()


def between(
    since: str | None, until: str | None, tz: ZoneInfo | None, names: tuple[str, str] = ("--since", "--until")
) -> tuple[datetime | None, datetime | None]:
    """A range's two options (``names``: --since and --until, or --from and --to), either
    open; a range that ends before it starts (or where it starts) is refused rather than
    read as empty."""
    lower = parse_instant(since, tz, what=names[0]) if since else None
    upper = parse_instant(until, tz, what=names[1]) if until else None
    if lower is not None and upper is not None and upper.timestamp() <= lower.timestamp():
        raise InputError(f"{names[1]} ({until}) is not after {names[0]} ({since})")
    return lower, upper


def duration(text: str, what: str, *, allow_days: bool = True) -> timedelta:
    """A duration option or argument ``what``; InputError naming it when ``text`` is not one."""
    try:
        return parse_duration(text, allow_days=allow_days)
    except ValueError as error:
        raise InputError(f"{what}: {error}") from None


def as_of_text(t: datetime, tz: ZoneInfo | None) -> str:
    """A header's as-of instant, with its offset, in the reading zone (else local time)."""
    return iso(t.replace(microsecond=0), tz)


def as_of_note(document: Document, at: str | None, as_of: datetime, tz: ZoneInfo | None) -> Document:
    """``document`` led by the instant it is as of when --at asked for one, for people."""
    if not at:
        return document
    return Document(
        [Note(f"As of {as_of_text(as_of, tz)}"), *document.blocks],
        document.data,
        csv=document.csv,
        spaced=document.spaced,
    )


def as_of_title(title: str, at: str | None, as_of: datetime, tz: ZoneInfo | None) -> str:
    """``title``, saying the instant it is as of when --at asked for one (now goes unsaid)."""
    return f"{title} as of {as_of_text(as_of, tz)}" if at else title


def author(by: str | None) -> str:
    """Who did it: --by, else the login ($USER); InputError when it is not a name."""
    return checked_text(by, "--by", NAME_LIMIT) if by else checked_text(login(), "$USER", NAME_LIMIT)


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
TzOption = Annotated[
    str | None, typer.Option("--tz", metavar="ZONE", help="Show instants in this IANA zone (default: the policy's).")
]
PolicyOption = Annotated[
    str,
    typer.Option(
        "--policy", "-p", metavar="POLICY", help="Policy whose calendar to use.", autocompletion=complete_policy
    ),
]
PolicyFilter = Annotated[
    str | None,
    typer.Option("--policy", "-p", metavar="POLICY", help="Only this policy.", autocompletion=complete_policy),
]
SeverityOption = Annotated[
    str,
    typer.Option(
        "--severity", "-s", metavar="SEVERITY", help="Severity key, name or alias.", autocompletion=complete_severity
    ),
]
SeverityFilter = Annotated[
    str | None,
    typer.Option(
        "--severity",
        "-s",
        metavar="SEVERITY",
        help="Only this severity: key, name or alias (without --policy: as each policy names its own).",
        autocompletion=complete_severity,
    ),
]
ServiceOption = Annotated[str | None, typer.Option(help="Affected service.")]
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Print only what a script needs: the new id, or nothing for a change."),
]
AtOption = Annotated[
    str | None, typer.Option("--at", metavar="T", help="When it happened (default: now; no offset = policy zone).")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--at", metavar="T", help="As of T (default: now; no offset: --policy's zone, else local time)."),
]
ByOption = Annotated[str | None, typer.Option("--by", metavar="NAME", help="Who did it (default: $USER).")]


IdArgument = Annotated[int, typer.Argument(help="Incident id.", min=1)]


def required_text(text: str, what: str) -> str:
    if not text.strip():
        raise InputError(f"{what} is empty")
    return text


def render_unless_quiet(
    quiet: bool, output: Callable[[], Document | str], fmt: Format = Format.table, created: Sequence[int] = ()
) -> None:
    """What a command that records something prints: with --quiet only what a script needs,
    the ids it ``created`` (one a line) and nothing for a change; else ``output()``, built only
    then: a document rendered in ``fmt``, or a line of text. Errors and warnings go to stderr
    either way."""
    if quiet:
        if created:
            typer.echo("\n".join(map(str, created)))
        return
    shown = output()
    if isinstance(shown, str):
        typer.echo(shown)
    else:
        render(shown, fmt)


def incident_document(state: AppState, incident: "Incident", as_of: datetime) -> Document:
    """An incident as of ``as_of``, as the commands that record something on it print it."""
    from slacli.views.incidents import incident_record  # lazily: not on `slacli deadline`'s start-up path

    record = incident_record(state.tracker("read"), incident, as_of)
    return Document([Fields(record, f"Incident {incident.id}")], record)


def opened(ctx: typer.Context, incident_id: int) -> tuple["Tracker", "Policy"]:
    """The tracker to write with, and the incident's policy (whose zone reads instants given
    without an offset)."""
    state: AppState = ctx.obj
    tracker = state.tracker("write")
    return tracker, tracker.policy_of(tracker.get(incident_id).state)


def act(
    tracker: "Tracker",
    policy: "Policy",
    incident_id: int,
    kind: "EventKind",
    at: str | None,
    by: str | None,
    **details: Any,
) -> tuple["Incident", datetime]:
    """Record one event on an incident of ``policy``: the incident after it, and its instant."""
    when = instant(at, policy.calendar.zone)
    return tracker.act(incident_id, kind, at=when, author=author(by), **details), when


def record_event(
    ctx: typer.Context,
    incident_id: int,
    kind: "EventKind",
    at: str | None,
    by: str | None,
    fmt: Format,
    quiet: bool,
    **details: Any,
) -> None:
    """Record one event on an incident (the incident and event commands) and print the
    incident as of the event, which may be in the past (nothing with --quiet)."""
    incident, when = act(*opened(ctx, incident_id), incident_id, kind, at, by, **details)
    render_unless_quiet(quiet, lambda: incident_document(ctx.obj, incident, when), fmt)
