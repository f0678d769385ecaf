"""``slacli backup`` and ``slacli doctor``: the incident database itself."""

from pathlib import Path
from typing import Annotated

import typer

from slacli.cli._state import AppState


def backup(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(metavar="PATH", help="The copy to make: a new file.")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Copy the incident database to PATH, consistently even while others write; the copy
    (mode 0600, one file) is checked before this says done."""
    state: AppState = ctx.obj
    store = state.store("read")
    copied = store.backup(target, replace=force)
    size = target.stat().st_size
    schema, _ = store.schema()
    counts = f"{_many(copied.incidents, 'incident')}, {_many(copied.events, 'event')}"
    typer.echo(f"copied {store.location} to {target}: {size} bytes, {counts} (integrity ok, schema {schema})")


def _many(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


COMMANDS = {
    "backup": (backup, "Example: slacli backup ~/backups/incidents-$(date +%F).db"),
}
