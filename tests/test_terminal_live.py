"""What slacli does at a real terminal, run in a pseudo-terminal: ``due --watch`` redraws
the board from the database until Ctrl-C and leaves cleanly, ``uptime --month`` draws its
budget burn, and long ``deadline --input`` work shows a progress bar on stderr (never piped)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import user_error, working_tree_env

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SHOW_CURSOR, HIDE_CURSOR = "\x1b[?25h", "\x1b[?25l"


def terminal(columns: int = 120) -> tuple[int, int]:
    """A pseudo-terminal ``columns`` wide (master, slave); the test is skipped without one."""
    try:
        master, slave = os.openpty()
    except OSError as error:
        pytest.skip(f"no pseudo-terminal here: {error}")
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    return master, slave


class Screen:
    """What a process writes to the master side of a pty, read as it comes."""

    def __init__(self, master: int) -> None:
        self.master, self.raw = master, ""

    def read(self, timeout: float) -> bool:
        """Read what is there within ``timeout`` seconds; False once the other side is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every slave side closed (Linux)
            return False
        self.raw += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def wait_for(self, seen: Callable[[str], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not seen(self.text):
            assert time.monotonic() < deadline, f"not seen in {timeout}s:\n{self.text[-3000:]}"
            assert self.read(0.2), f"closed before it was seen:\n{self.text[-3000:]}"

    def drain(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.read(0.2):
            pass

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw)


def slacli(*args: str) -> list[str]:
    return [sys.executable, "-m", "slacli", *args]


def start(args: list[str], slave: int, env: dict[str, str], **streams: int) -> subprocess.Popen[bytes]:
    """``args`` run with the terminal ``slave`` as its streams (but ``streams``)."""
    run = {"stdin": slave, "stdout": slave, "stderr": slave, **streams}
    proc = subprocess.Popen(args, env=working_tree_env(TERM="xterm", **env), start_new_session=True, **run)
    os.close(slave)  # only the child holds it now, so its exit closes the terminal
    return proc


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "incidents.db"
    monkeypatch.setenv("SLACLI_DB", str(path))
    monkeypatch.setenv("USER", "bob")
    return path


def ago(minutes: int) -> str:
    """An instant relative to the real now: the watched process runs on the real clock."""
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


def test_watch_redraws_from_the_database_until_ctrl_c_and_leaves_cleanly(cli, db: Path) -> None:
    # protecto high: a response within 6 hours, wall time, whatever the hour the test runs
    cli("open", "Checkout fails", "--policy", "protecto", "--severity", "high", "--at", ago(400), "--quiet")
    cli("open", "Search is slow", "--policy", "protecto", "--severity", "high", "--at", ago(330), "--quiet")
    pty = terminal()
    proc = start(slacli("due", "--watch", "--every", "1s"), pty[1], {"SLACLI_DB": str(db), "COLUMNS": "120"})
    screen = Screen(pty[0])
    try:
        screen.wait_for(lambda text: "Search is slow" in text and "Refreshed" in text)
        first = screen.text
        assert "Checkout fails" in first and "Due as of" in first
        counts = "4 clocks: 1 overdue, 1 due within the hour, 2 later; 1 breached, 3 pending. Refreshed "
        assert counts in first and "every 1s; Ctrl-C stops" in first
        # Another process writes; the next refresh reads it, as of a new now.
        cli("open", "Exports stuck", "--policy", "protecto", "--severity", "medium", "--quiet")
        screen.wait_for(lambda text: "Refreshed" in text.partition("Exports stuck")[2])  # that board, whole
        times = re.findall(r"Refreshed (\d\d:\d\d:\d\d)", screen.text)
        assert len(set(times)) >= 2, times
        interrupt(proc, screen)
    finally:
        closed(proc, pty[0])
    ending = screen.raw
    assert "Traceback" not in ending and "Aborted" not in ending and "interrupted" not in ending
    assert ending.rindex(SHOW_CURSOR) > ending.rindex(HIDE_CURSOR)  # the cursor is given back
    assert screen.text.rstrip().endswith("Ctrl-C stops.")  # the last board stays on the screen


def interrupt(proc: subprocess.Popen[bytes], screen: Screen) -> None:
    """Ctrl-C: the watch ends with exit 0."""
    proc.send_signal(signal.SIGINT)
    screen.drain()
    assert proc.wait(timeout=15) == 0


def closed(proc: subprocess.Popen[bytes], fd: int) -> None:
    """The process gone (killed if a failed test left it running), the pty closed."""
    if proc.poll() is None:
        proc.kill()
    os.close(fd)


def test_watch_highlights_urgent_rows_as_the_board_does(cli, db: Path) -> None:
    cli("open", "Checkout fails", "--policy", "protecto", "--severity", "high", "--at", ago(400), "--quiet")
    pty = terminal()
    env = {"SLACLI_DB": str(db), "COLUMNS": "120", "FORCE_COLOR": "1", "NO_COLOR": ""}
    proc = start(slacli("due", "--watch", "--every", "1s"), pty[1], env)
    screen = Screen(pty[0])
    try:
        screen.wait_for(lambda text: "Refreshed" in text)
        interrupt(proc, screen)
    finally:
        closed(proc, pty[0])
    overdue = next(line for line in screen.raw.splitlines() if "Checkout fails" in line and "response" in line)
    assert "\x1b[1;31m" in overdue  # bold red: the board's style for an overdue clock


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--at", "2026-11-23T12:00"), "--watch shows the board as of now: drop --at"),
        (("--format", "json"), "--watch draws a table: drop --format json"),
        (("--every", "0s"), "--every: '0s' is shorter than 1s"),
        (("--every", "0.5s"), "--every: '0.5s' is shorter than 1s"),
        (("--every", "soon"), "--every: malformed duration 'soon'"),
        ((), "--watch needs a terminal: stdout is not one"),  # the test's stdout is a pipe
    ],
)
def test_watch_refusals(cli, db: Path, args: tuple[str, ...], message: str) -> None:
    cli("open", "Checkout fails", "--policy", "openweb", "--severity", "1", "--quiet")
    assert message in user_error(cli("due", "--watch", *args, code=2))


def test_every_without_watch_is_refused(cli, db: Path) -> None:
    cli("open", "Checkout fails", "--policy", "openweb", "--severity", "1", "--quiet")
    assert user_error(cli("due", "--every", "5s", code=2)) == "slacli: error: --every is for --watch"


def test_uptime_month_draws_the_burn_at_80_columns(cli, db: Path) -> None:
    cli("open", "Platform unreachable", "--policy", "optimy", "--severity", "high", "--at", "2026-11-24T18:30")
    cli("resolve", "1", "--at", "2026-11-24T20:15")
    pty = terminal(80)
    args = slacli("uptime", "--policy", "optimy", "--month", "2026-11")
    proc = start(args, pty[1], {"SLACLI_DB": str(db), "COLUMNS": "80"})
    screen = Screen(pty[0])
    try:
        screen.drain()
        assert proc.wait(timeout=15) == 1  # the month missed its target
    finally:
        os.close(pty[0])
    lines = [line.rstrip() for line in screen.text.splitlines()]
    assert "Budget burn, 2026-11: downtime by each day's end, % of the 43m allowed" in lines  # 0.1% of T: 43.26 min
    assert all(len(line) <= 80 for line in lines)
    assert any(line.startswith(" 100%┼") for line in lines)  # the budget line, crossed from the 24th
    assert not any("▲ today" in line for line in lines)  # a finished month has no today


def test_the_trend_keeps_its_bars_whole_at_80_columns(cli, db: Path) -> None:
    cli("open", "Platform unreachable", "--policy", "optimy", "--severity", "high", "--at", "2026-11-24T18:30")
    cli("resolve", "1", "--at", "2026-11-24T19:00")
    master, slave = terminal(80)
    args = slacli("uptime", "--policy", "optimy", "--months", "3", "--at", "2026-12-10")
    proc = start(args, slave, {"SLACLI_DB": str(db), "COLUMNS": "80"})
    screen = Screen(master)
    try:
        screen.drain()
        assert proc.wait(timeout=15) == 0
    finally:
        os.close(master)
    table = [line.rstrip() for line in screen.text.splitlines() if line[:1] in "┏┃┡│└"]
    assert len(table) == 3 + 3 + 1 and all(len(line) <= 80 for line in table)
    bars = [re.search(r"│ ([#.]+) │$", line) for line in table[3:6]]
    assert all(bar and len(bar[1]) == 20 for bar in bars), table  # 20 characters, never folded


def rows_csv(path: Path, count: int) -> Path:
    lines = ["policy,severity,opened,acked"]
    lines += [f"openweb,{1 + i % 4},2026-11-{1 + i % 28:02d}T{9 + i % 8:02d}:{i % 60:02d}," for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_long_batch_shows_a_progress_bar_on_a_terminal_stderr(tmp_path: Path) -> None:
    source = rows_csv(tmp_path / "many.csv", 120_000)  # well over half a second of work, however fast the batch
    pty = terminal(100)
    with open(tmp_path / "out.csv", "wb") as out:
        proc = start(slacli("deadline", "--input", str(source), "--format", "csv"), pty[1], {}, stdout=out.fileno())
        screen = Screen(pty[0])
        try:
            screen.drain(60)
            assert proc.wait(timeout=60) == 0
        finally:
            os.close(pty[0])
    assert re.search(r"deadlines .* \d+%", screen.text), screen.text[:500]
    assert len((tmp_path / "out.csv").read_text().splitlines()) == 120_001  # stdout is the CSV alone


def test_a_short_batch_shows_no_bar(tmp_path: Path) -> None:
    source = rows_csv(tmp_path / "few.csv", 3)
    pty = terminal(100)
    proc = start(slacli("deadline", "--input", str(source), "--format", "csv"), pty[1], {}, stdout=subprocess.DEVNULL)
    screen = Screen(pty[0])
    try:
        screen.drain()
        assert proc.wait(timeout=30) == 0
    finally:
        os.close(pty[0])
    assert screen.raw == ""


def test_a_long_batch_piped_writes_nothing_on_stderr(tmp_path: Path) -> None:
    source = rows_csv(tmp_path / "many.csv", 40_000)
    run = subprocess.run(
        slacli("deadline", "--input", str(source), "--format", "csv"), capture_output=True, env=working_tree_env()
    )
    assert run.returncode == 0 and run.stderr == b""
    assert len(run.stdout.splitlines()) == 40_001
