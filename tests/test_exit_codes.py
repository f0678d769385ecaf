"""Exit statuses beyond 0/1/2: a crash is 3 with one line (the traceback with SLACLI_DEBUG=1),
Ctrl-C is 130, a closed stdout is 141 and quiet; never 1, which means "found" to cron."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import ROOT, working_tree_env

from slacli.cli import app
from slacli.errors import ExitCode, InputError

DEADLINE = ["deadline", "openweb", "2", "--opened", "2026-11-21T12:00"]
CRASH_LINE = "slacli: internal error: ZeroDivisionError: division by zero (set SLACLI_DEBUG=1 for the traceback)"


def raising(error: BaseException):
    def view(*args, **kwargs):
        raise error

    return view


def divide(*args, **kwargs):
    return 1 / 0


@pytest.fixture
def crashing_view(monkeypatch):
    monkeypatch.setattr("slacli.cli.deadline.deadline", divide)


def test_the_exit_codes():
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 130, 141]


def test_a_crash_is_one_line_and_exit_3(cli, crashing_view, monkeypatch):
    monkeypatch.delenv("SLACLI_DEBUG", raising=False)
    result = cli(*DEADLINE, code=3)
    assert result.stderr == CRASH_LINE + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize("value", ["", "0"])
def test_slacli_debug_empty_or_0_is_off(cli, crashing_view, monkeypatch, value):
    monkeypatch.setenv("SLACLI_DEBUG", value)
    assert cli(*DEADLINE, code=3).stderr == CRASH_LINE + "\n"


def test_slacli_debug_shows_the_traceback(cli, crashing_view, monkeypatch):
    monkeypatch.setenv("SLACLI_DEBUG", "1")
    lines = cli(*DEADLINE, code=3).stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert any("in divide" in line for line in lines)
    assert lines[-2:] == [
        "ZeroDivisionError: division by zero",
        "slacli: internal error: ZeroDivisionError: division by zero",
    ]


def test_a_crash_without_a_message_names_its_type(cli, monkeypatch):
    monkeypatch.setattr("slacli.cli.deadline.deadline", raising(RuntimeError()))
    assert cli(*DEADLINE, code=3).stderr.startswith("slacli: internal error: RuntimeError (set SLACLI_DEBUG=1")


def test_a_crash_message_is_escaped(cli, monkeypatch):
    monkeypatch.setattr("slacli.cli.deadline.deadline", raising(ValueError("bad \x1b]0;x\x07\nline")))
    assert cli(*DEADLINE, code=3).stderr.startswith("slacli: internal error: ValueError: bad \\x1b]0;x\\x07\\nline (")


def test_a_crash_outside_the_command_is_exit_3_too(cli, monkeypatch):
    monkeypatch.setattr("slacli.cli.refuse_undecodable", raising(OSError(5, "Input/output error")))
    result = cli(*DEADLINE, code=3)
    assert (
        result.stderr
        == "slacli: internal error: OSError: [Errno 5] Input/output error (set SLACLI_DEBUG=1 for the traceback)\n"
    )


def test_user_errors_keep_exit_2(cli, monkeypatch):
    monkeypatch.setattr("slacli.cli.deadline.deadline", raising(InputError("no such thing")))
    assert cli(*DEADLINE, code=2).stderr == "slacli: error: no such thing\n"


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), typer.Abort()])
def test_ctrl_c_is_exit_130_with_a_short_line(cli, monkeypatch, interrupt):
    monkeypatch.setattr("slacli.cli.deadline.deadline", raising(interrupt))
    result = cli(*DEADLINE, code=130)
    assert result.stderr == "slacli: interrupted\n"


def test_a_broken_pipe_is_exit_141_and_quiet(cli, monkeypatch):
    monkeypatch.setattr("slacli.cli.deadline.deadline", raising(BrokenPipeError(32, "Broken pipe")))
    result = cli(*DEADLINE, code=141)
    assert result.stderr == ""


def test_without_standalone_mode_main_returns_the_status(capsys, crashing_view):
    command = typer.main.get_command(app)
    assert command.main(DEADLINE, prog_name="slacli", standalone_mode=False) == 3
    assert capsys.readouterr().err == CRASH_LINE + "\n"


# Real processes: the interpreter's own stdout, stderr, signals and exit status.


def run_slacli(*args: str | bytes, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slacli", *args],
        capture_output=True,
        text=True,
        env=working_tree_env(**env),
        cwd=ROOT,
        timeout=60,
    )


def test_a_crash_in_a_real_process(tmp_path):
    code = (
        "import runpy, sys\n"
        "import slacli.views.deadlines as views\n"
        "views.deadline = lambda *a, **k: 1 / 0\n"
        f"sys.argv = ['slacli', *{DEADLINE!r}]\n"
        "runpy.run_module('slacli', run_name='__main__')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=working_tree_env(), cwd=ROOT)
    assert (run.returncode, run.stdout, run.stderr) == (3, "", CRASH_LINE + "\n")
    debug = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=working_tree_env(SLACLI_DEBUG="1"), cwd=ROOT
    )
    assert debug.returncode == 3
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert "<lambda>" in debug.stderr  # where it happened
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("args", [DEADLINE, ["--help"]])
def test_a_closed_stdout_is_exit_141_with_nothing_on_stderr(args):
    with subprocess.Popen(
        [sys.executable, "-m", "slacli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=working_tree_env(),
        cwd=ROOT,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before anything is written: `slacli ... | true`
        err = process.stderr.read()
        assert (process.wait(timeout=60), err) == (141, b"")


def test_a_real_ctrl_c_is_exit_130(tmp_path):
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "slacli", "deadline", "--input", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=working_tree_env(),
        cwd=ROOT,
    )
    with fifo.open("w"):  # returns once slacli has opened it: slacli is waiting in read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "slacli: interrupted\n")


def test_json_output_still_works_in_a_real_process():
    run = run_slacli(*DEADLINE, "-f", "json")
    assert run.returncode == 0 and json.loads(run.stdout)["policy"] == "openweb"


def test_an_argument_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path):
    db = tmp_path / "incidents.db"
    run = run_slacli(b"open", b"caf\xe9 down", b"--policy", b"openweb", b"--severity", b"1", SLACLI_DB=str(db))
    assert run.returncode == 2
    assert run.stderr == "slacli: error: argument 2 is not valid UTF-8: 'caf\\xe9 down'\n"
    assert not db.exists()


def test_an_option_value_that_is_not_utf8_is_named(tmp_path):
    db = tmp_path / "incidents.db"
    args = [b"open", b"t", b"--policy", b"openweb", b"--severity", b"1", b"--service", b"w\xffb"]
    run = run_slacli(*args, SLACLI_DB=str(db))
    assert run.stderr == "slacli: error: argument 8 (the value of --service) is not valid UTF-8: 'w\\xffb'\n"
    assert run.returncode == 2 and not db.exists()
    equals = run_slacli(*args[:-2], b"--service=w\xffb", SLACLI_DB=str(db))
    assert equals.stderr == "slacli: error: argument 7 (--service=...) is not valid UTF-8: '--service=w\\xffb'\n"


def test_a_path_variable_that_is_not_utf8_is_refused(tmp_path):
    env = {**working_tree_env(), "SLACLI_DB": os.fsdecode(bytes(tmp_path) + b"/caf\xe9.db")}
    run = subprocess.run([sys.executable, "-m", "slacli", "list"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert run.returncode == 2
    assert run.stderr.startswith("slacli: error: $SLACLI_DB is not valid UTF-8: '")
    assert run.stderr.endswith("/caf\\xe9.db'\n")
    assert os.listdir(tmp_path) == []


# In process: the same refusals, and the default author.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["open", "caf\udce9", "-p", "openweb", "-s", "1"], "argument 2 is not valid UTF-8: 'caf\\xe9'"),
        (["open", "t", "-p", "openweb", "-s", "1", "--by", "\udcff"], "argument 8 (the value of --by) is not valid"),
        (["--db", "x\udce9.db", "list"], "argument 2 (the value of --db) is not valid UTF-8: 'x\\xe9.db'"),
        (["deadline", "openweb", "2", "--opened=\udce9"], "argument 4 (--opened=...) is not valid UTF-8"),
    ],
)
def test_arguments_that_are_not_utf8(cli, args, message, tmp_path):
    result = cli(*args, code=2)
    assert result.stderr.startswith(f"slacli: error: {message}")
    assert result.stdout == "" and not list(Path.cwd().iterdir())


@pytest.mark.parametrize("variable", ["SLACLI_POLICIES", "SLACLI_CACHE_DIR", "XDG_DATA_HOME", "HOME", "TZ"])
def test_variables_that_are_not_utf8(cli, monkeypatch, variable):
    monkeypatch.setenv(variable, "caf\udce9")
    assert cli(*DEADLINE, code=2).stderr == f"slacli: error: ${variable} is not valid UTF-8: 'caf\\xe9'\n"


def open_and_show(cli, tmp_path, *by: str) -> dict:
    db = str(tmp_path / "x.db")
    cli("--db", db, "open", "t", "-p", "openweb", "-s", "1", "--at", "2026-11-23T10:00", *by)
    return json.loads(cli("--db", db, "show", "1", "-f", "json").stdout)


def test_user_with_bytes_that_are_not_utf8_is_replaced(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("USER", "dan\udce9")
    assert open_and_show(cli, tmp_path)["timeline"][0]["by"] == "dan\ufffd"


def test_by_is_a_checked_name(cli, monkeypatch, tmp_path):
    assert open_and_show(cli, tmp_path, "--by", "ann")["timeline"][0]["by"] == "ann"
    db = str(tmp_path / "x.db")
    refused = cli("--db", db, "ack", "1", "--by", "a\x1b[2Jb", code=2)
    assert refused.stderr == "slacli: error: --by contains a control character (U+001B) at character 2\n"
    long = cli("--db", db, "ack", "1", "--by", "x" * 101, code=2)
    assert long.stderr == "slacli: error: --by is 101 characters long; at most 100 are accepted\n"
    monkeypatch.setenv("USER", "a\tb" * 40)
    assert "$USER is 120 characters long" in cli("--db", db, "ack", "1", code=2).stderr
    assert json.loads(cli("--db", db, "show", "1", "-f", "json").stdout)["status"] == "open"  # nothing written


def test_stdin_that_is_not_utf8_is_an_input_error(cli):
    rows = b"policy,severity,opened,acked\nopenweb,1,2026-11-23T16:30,\xe9\n"
    assert cli("deadline", "--input", "-", input=rows, code=2).stderr == "slacli: error: stdin: not UTF-8 text\n"


def test_stdin_that_is_not_utf8_in_a_c_locale_too():
    rows = b"policy,severity,opened,acked\nopenweb,1,2026-11-23T16:30,\xe9\n"
    env = working_tree_env(LC_ALL="C", PYTHONUTF8="0")  # Python reads stdin with surrogateescape then
    run = subprocess.run(
        [sys.executable, "-m", "slacli", "deadline", "--input", "-"], input=rows, capture_output=True, env=env, cwd=ROOT
    )
    assert (run.returncode, run.stderr) == (2, b"slacli: error: stdin: not UTF-8 text\n")


@pytest.mark.parametrize("group", [[], ["policies"], ["maintenance"], ["calendar"]])
def test_a_command_group_alone_prints_its_help_and_no_empty_error_line(group):
    # Through main, as a terminal runs it: the boundary must not add "slacli: error:  (see ...)".
    found = subprocess.run(
        [sys.executable, "-m", "slacli", *group], capture_output=True, text=True, env=working_tree_env(), cwd=ROOT
    )
    assert "Usage: slacli" in found.stdout
    assert found.stderr == ""
    assert found.returncode == ExitCode.INPUT  # a command is missing: a usage error, for scripts
