"""``slacli backup`` and ``slacli doctor``: the incident database itself."""

from pathlib import Path
from typing import Annotated

import typer

from slacli.cli._options import FormatOption, QuietOption, render_unless_quiet
from slacli.cli._state import AppState
from slacli.errors import ExitCode
from slacli.instants import now
from slacli.output import Block, Document, Fields, Format, Table, escaped, render
from slacli.views.doctor import CHECK_COLUMNS, STALE_COLUMNS, checkup


def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="PATH", help="The copy to make: a new file.")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Copy the incident database to PATH, consistently even while others write; the copy
    (mode 0600, one file) is checked before this says done."""
    state: AppState = ctx.obj
    store = state.store("read")
    copied = store.backup(target, replace=force)
    size = target.stat().st_size
    schema, _ = store.schema()
    counts = f"{_many(copied.incidents, 'incident')}, {_many(copied.events, 'event')}"
    if copied.notices:  # hotfixes: said when there are any
        counts += f", {_many(copied.notices, 'hotfix', 'hotfixes')}"
    source, copy = escaped(store.location), escaped(str(target))
    render_unless_quiet(
        quiet, lambda: f"copied {source} to {copy}: {size} bytes, {counts} (integrity ok, schema {schema})"
    )


def _many(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def doctor(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Check the incident database: SQLite's integrity check, the schema version, who may read
    the file, the write-ahead log, and open incidents computed with other policy tables than
    the policy file's. Exit 1 on a problem (damage, a file anyone may read)."""
    state: AppState = ctx.obj
    found = checkup(state.tracker("read"), now())
    checks = Table(found.checks, CHECK_COLUMNS, "Checks", notes=("detail",))
    stale = Table(found.stale, STALE_COLUMNS, "Open incidents with an older policy snapshot", empty="none")
    blocks: list[Block] = [Fields(found.facts, f"Database {found.facts['database']}"), checks, stale]
    render(Document(blocks, {**found.facts, "checks": found.checks, "stale": found.stale}, checks, spaced=True), fmt)
    if found.found_problem:
        raise typer.Exit(ExitCode.FOUND)


COMMANDS = {
    "doctor": (doctor, "Examples: slacli doctor | slacli doctor --format json"),
    "backup": (backup, "Example: slacli backup ~/backups/incidents-$(date +%F).db"),
}
