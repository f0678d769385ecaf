"""The ``slacli`` command line: a thin Typer layer over the library.

Commands parse their arguments, call the library and render. The one error boundary
is :class:`ErrorBoundary`: a library error becomes one line on stderr and its exit status;
so does an argument or environment variable that is not UTF-8 (exit 2, before anything
runs), a crash (exit 3, the traceback only with SLACLI_DEBUG=1), Ctrl-C (130) and a closed
stdout (141, quietly).

Typer builds every command it knows on every run, which costs more than answering a
``slacli deadline`` does; so :func:`main` builds only the command being run (and the
full app when there is none, for help and completion). ``slacli.cli.app`` is the full
app, for tests and the completion scripts.
"""

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from slacli import __version__
from slacli.cli._state import AppState
from slacli.errors import ExitCode, InputError, SlacliError
from slacli.output import diagnostic, error, escaped
from slacli.storage import store_failure
from slacli.texts import as_bytes_text, undecodable

# Each top-level command, in help order, and the module whose COMMANDS defines it.
COMMANDS = {
    "deadline": "deadline",
    "classify": "classify",
    **dict.fromkeys(
        ("open", "ack", "update", "state", "pause", "resume", "severity", "resolve", "reopen", "exclude"),
        "incidents",
    ),
    **dict.fromkeys(("postmortem", "correct", "list", "show", "recompute"), "incidents"),
    **dict.fromkeys(("field", "recovery", "worklog"), "casework"),
    **dict.fromkeys(("workaround", "exception", "escalate"), "targets"),
    "hotfix": "notices",
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
# The environment slacli reads (besides $USER, a default author, whose bad bytes become
# U+FFFD): refused when not UTF-8, since a path with its bytes replaced names another file.
CHECKED_VARIABLES = (
    "SLACLI_POLICIES",
    "SLACLI_DB",
    "SLACLI_CACHE_DIR",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "HOME",
    "TZ",
)


# Click's base exception, reached through Typer (which vendors Click) without importing it.
_CLICK_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class ErrorBoundary(TyperGroup):
    """The error boundary: library errors, usage errors and crashes become one line on stderr.

    ``invoke`` catches what a command raises (so that a caller of ``main`` without
    standalone mode gets the exit status too), ``main`` what happens around it: the
    arguments' and environment's encoding, parsing, and the last flush of stdout."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SlacliError as failure:
            error(str(failure))
            raise typer.Exit(int(failure.exit_code)) from None
        except (typer.Exit, typer.Abort, _CLICK_ERROR):
            raise  # Click's own: exit statuses and usage errors, for main
        except KeyboardInterrupt:
            raise typer.Abort() from None  # main says so once
        except BrokenPipeError:
            raise typer.Exit(broken_pipe()) from None
        except Exception as crash:
            if (damaged := store_failure(crash)) is not None:
                error(str(damaged))
                raise typer.Exit(int(damaged.exit_code)) from None
            raise typer.Exit(crashed(crash)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False  # errors reach this boundary, not Click's printing
        if not standalone:
            return super().main(*args, **kwargs)
        argv = kwargs.get("args", args[0] if args else None)
        sys.exit(self._run(sys.argv[1:] if argv is None else list(argv), args, kwargs))

    def _run(self, argv: list[str], args: Any, kwargs: Any) -> int:
        try:
            refuse_undecodable(argv, self)
            code = super().main(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here when the output fitted in the buffer
        except SlacliError as failure:
            error(str(failure))
            return failure.exit_code
        except _CLICK_ERROR as caught:  # unknown option, missing argument, bad choice...
            usage: Any = caught  # a ClickException: format_message(), exit_code, ctx
            if message := usage.format_message():  # none when a group alone printed its help
                hint = f" (see '{usage.ctx.command_path} --help')" if getattr(usage, "ctx", None) else ""
                error(f"{message}{hint}")
            return int(usage.exit_code)
        except (typer.Abort, KeyboardInterrupt):
            return interrupted()
        except BrokenPipeError:
            return broken_pipe()
        except SystemExit as leaving:  # Click exits 1 itself on a broken pipe while parsing (--help | head)
            if isinstance(leaving.__context__, BrokenPipeError):
                return broken_pipe()
            raise
        except Exception as crash:
            return crashed(crash)
        if code == ExitCode.INTERRUPTED:  # Ctrl-C while parsing: Click made it exit 130, silently
            return interrupted()
        return code if isinstance(code, int) else ExitCode.OK


def refuse_undecodable(argv: Sequence[str], command: Any) -> None:
    """InputError naming the first argument, or variable of :data:`CHECKED_VARIABLES`,
    that carries bytes that are not UTF-8 (Python passes them on as lone surrogates, which
    SQLite, JSON and the terminal refuse later, after a write perhaps)."""
    for position, arg in enumerate(argv, 1):
        if undecodable(arg):
            raise InputError(f"{_argument(argv, position, command)} is not valid UTF-8: '{as_bytes_text(arg)}'")
    for name in CHECKED_VARIABLES:
        value = os.environ.get(name, "")
        if undecodable(value):
            raise InputError(f"${name} is not valid UTF-8: '{as_bytes_text(value)}'")


def _argument(argv: Sequence[str], position: int, command: Any) -> str:
    """``argument N``, with the option it is the value of when there is one."""
    arg, previous = argv[position - 1], argv[position - 2] if position > 1 else ""
    if arg.startswith("--") and "=" in arg:
        return f"argument {position} ({as_bytes_text(arg.split('=', 1)[0])}=...)"
    if previous in _options_with_value(command):
        return f"argument {position} (the value of {previous})"
    return f"argument {position}"


def _options_with_value(command: Any) -> set[str]:
    """The names of the options of ``command`` and its subcommands that take a value."""
    names = {
        name
        for param in command.params
        if param.param_type_name == "option" and not param.is_flag and not param.count
        for name in param.opts
    }
    for sub in getattr(command, "commands", {}).values():
        names |= _options_with_value(sub)
    return names


def crashed(crash: BaseException) -> int:
    """Report an unexpected error in one line (the traceback too with SLACLI_DEBUG=1): exit 3."""
    debug = os.environ.get("SLACLI_DEBUG", "") not in ("", "0")
    if debug:
        import traceback

        for line in "".join(traceback.format_exception(crash)).splitlines():
            sys.stderr.write(escaped(line) + "\n")
    what = f"{type(crash).__name__}: {crash}" if str(crash) else type(crash).__name__
    diagnostic(f"internal error: {what}" + ("" if debug else " (set SLACLI_DEBUG=1 for the traceback)"))
    return ExitCode.INTERNAL


def interrupted() -> int:
    diagnostic("interrupted")
    return ExitCode.INTERRUPTED


def broken_pipe() -> int:
    """Exit quietly when the reader went away: stdout now goes to /dev/null, so that the
    interpreter's last flush of what is still buffered cannot fail again, with a traceback."""
    with contextlib.suppress(OSError, ValueError):  # ValueError, OSError: stdout is not a file (tests)
        target = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, target)
        os.close(devnull)
    return ExitCode.BROKEN_PIPE


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
        add_completion=only is None,  # options of the app alone: command_named builds every command for them
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
    """The top-level command ``args`` run, when it is a known one and no option before it
    (--help, --version, --install-completion) is answered by the app itself, with every command."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in GLOBAL_OPTIONS_WITH_VALUE:
            skip = True
        elif arg.startswith("-"):
            if arg.split("=", 1)[0] not in GLOBAL_OPTIONS_WITH_VALUE:
                return None
        else:
            return arg if arg in COMMANDS else None
    return None


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(name)


def main() -> None:
    completing = "_SLACLI_COMPLETE" in os.environ  # completion needs every command
    try:
        app = build_app(None if completing else command_named(sys.argv[1:]))
    except KeyboardInterrupt:  # while importing: the boundary is not running yet
        sys.exit(interrupted())
    except Exception as crash:
        sys.exit(crashed(crash))
    app(prog_name="slacli")
