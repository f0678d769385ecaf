"""The ``slacli`` command line: a thin Typer layer over the library.

Commands parse their arguments, call the library and render. The one error boundary
is :class:`_Group`: a library error becomes one line on stderr and its exit status.
"""

from typing import Annotated

import typer
from typer.core import TyperGroup

from slacli import __version__
from slacli.cli import board, calendar, deadline, demo, incidents, policies
from slacli.cli._state import AppState
from slacli.errors import SlacliError


class _Group(TyperGroup):
    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except SlacliError as error:
            typer.echo(f"slacli: error: {error}", err=True)
            raise typer.Exit(int(error.exit_code)) from None


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="SLA deadlines in business hours, incidents and monthly availability.",
    epilog="Example: slacli deadline openweb 2 --opened 2026-11-21T12:00",
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slacli {__version__}")
        raise typer.Exit()


@app.callback()
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


app.command(epilog=deadline.EPILOG)(deadline.deadline)
app.add_typer(policies.app, name="policies")
app.add_typer(calendar.app, name="calendar")
incidents.register(app)
board.register(app)
app.command(epilog=demo.EPILOG)(demo.demo)


def main() -> None:
    app(prog_name="slacli")
