"""The ``slacli`` command line: a thin Typer layer over the library.

Commands parse their arguments, call the library and render. The one error boundary
is :class:`ErrorBoundary`: a library error becomes one line on stderr and its exit status.

Typer builds every command it knows on every run, which costs more than answering a
``slacli deadline`` does; so :func:`main` builds only the command being run (and the
full app when there is none, for help and completion). ``slacli.cli.app`` is the full
app, for tests and the completion scripts.
"""

import importlib
import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from slacli import __version__
from slacli.cli._state import AppState
from slacli.errors import ExitCode, SlacliError
from slacli.output import error

# Each top-level command, in help order, and the module whose COMMANDS defines it.
COMMANDS = {
    "deadline": "deadline",
    **dict.fromkeys(
        ("open", "ack", "update", "pause", "resume", "severity", "resolve", "reopen", "exclude", "postmortem"),
        "incidents",
    ),
    **dict.fromkeys(("list", "show", "recompute"), "incidents"),
    "due": "board",
    "breaches": "board",
    "maintenance": "maintenance",
    "uptime": "availability",
    "report": "report",
    "policies": "policies",
    "calendar": "calendar",
    "doctor": "database",
    "backup": "database",
    "demo": "demo",
}
GLOBAL_OPTIONS_WITH_VALUE = ("--policies", "--db")


# Click's base exception, reached through Typer (which vendors Click) without importing it.
_CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class ErrorBoundary(TyperGroup):
    """The error boundary: library errors and usage errors become one line on stderr."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlacliError as failure:
            error(str(failure))
            raise typer.Exit(int(failure.exit_code)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False  # errors reach this boundary, not Click's printing
        if not standalone:
            return super().main(*args, **kwargs)
        try:
            code = super().main(*args, **kwargs)
        except _CLICK_ERROR as caught:  # unknown option, missing argument, bad choice...
            usage: Any = caught  # a ClickException: format_message(), exit_code, ctx
            hint = f" (see '{usage.ctx.command_path} --help')" if getattr(usage, "ctx", None) else ""
            error(f"{usage.format_message()}{hint}")
            sys.exit(usage.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slacli {__version__}")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    policies_path: Annotated[
        str | None,
        typer.Option(
            "--policies",
            metavar="PATH",
            help="Policy file. Default: $SLACLI_POLICIES, ./policies.toml, the user config dir, the presets.",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", metavar="PATH", help="Incident database. Default: $SLACLI_DB, the user data dir."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    ctx.obj = AppState(policies_path, db)
    ctx.call_on_close(ctx.obj.close)


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with the command ``only`` alone."""
    app = typer.Typer(
        cls=ErrorBoundary,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        help="SLA deadlines in business hours, incidents and monthly availability.",
        epilog="Example: slacli deadline openweb 2 --opened 2026-11-21T12:00",
        pretty_exceptions_show_locals=False,
    )
    app.callback()(main_options)
    for name, module in COMMANDS.items():
        if only in (None, name):
            target, epilog = importlib.import_module(f"slacli.cli.{module}").COMMANDS[name]
            if isinstance(target, typer.Typer):
                app.add_typer(target, name=name)
            else:
                app.command(name, epilog=epilog)(target)
    return app


def command_named(args: list[str]) -> str | None:
    """The top-level command ``args`` run, when it is a known one."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    completing = "_SLACLI_COMPLETE" in os.environ  # completion needs every command
    build_app(None if completing else command_named(sys.argv[1:]))(prog_name="slacli")
