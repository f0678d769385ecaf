"""The README's month report and correction are what slacli prints: their console blocks are replayed."""

from __future__ import annotations

import re
import shlex
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from slacli.cli import app
from slacli.storage.sqlite import MIGRATIONS

README = Path(__file__).parent.parent / "README.md"

# Each replayed section and the instant its events were written down (None: the real clock).
SECTIONS: list[tuple[str, datetime | None]] = [
    ("### `slacli report", None),
    # Recorded at 16:30 that day: the timeline says so, and the README's error message too.
    # The month is over: the same figures at any later time.
    ("### Maintenance and availability", datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/New_York"))),
    ("### Corrections", datetime(2026, 11, 23, 16, 30, tzinfo=ZoneInfo("America/New_York"))),
    ("### Incidents: a shift", datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("America/New_York"))),
    ("### opencraft", datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("America/New_York"))),
    ("### openmethods", datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("America/New_York"))),
    # The weekly series replays at any time after its announcement (1 October 2026).
    ("### optimy", datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("America/New_York"))),
    ("### openweb", datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/New_York"))),
    ("### protecto", datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("America/New_York"))),
]


def console_blocks(section: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(section)
    end = text.index("\n### ", start + len(section))
    return re.findall(r"```console\n(.*?)```", text[start:end], flags=re.S)


def replay(cli, block: str) -> None:
    """Run each ``$ slacli ...`` line; where the README shows output, compare it."""
    steps = re.split(r"^\$ ", block, flags=re.M)[1:]
    code = 0
    for step in steps:
        line, _, shown = step.partition("\n")
        if line == "echo $?":
            assert shown == f"{code}\n"
            continue
        for command in re.split(r"; (?=slacli )", line):
            args = shlex.split(command)
            assert args[0] == "slacli"
            result = cli.runner.invoke(app, args[1:])
            assert result.exit_code in (0, 1), result.stderr
            code = result.exit_code
        if shown:
            assert result.stdout == shown


def test_the_report_section_replays(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))
    blocks = console_blocks(SECTIONS[0][0])
    assert len(blocks) == 2  # the month in the terminal, then as CSV
    for block in blocks:  # in order, on the same database
        replay(cli, block)


@pytest.mark.parametrize(("section", "recorded"), [s for s in SECTIONS if s[1] is not None])
def test_a_section_recorded_by_dana_replays(cli, monkeypatch, tmp_path, section, recorded):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))
    monkeypatch.setenv("USER", "dana")
    with time_machine.travel(recorded, tick=False):  # when the README's events were written down
        for block in console_blocks(section):  # in order, on the same database
            replay(cli, block)


def test_the_doctor_and_backup_examples_show_the_current_schema():
    # Not replayed (their sizes and warnings need a database made for them): the schema
    # number they show is checked instead.
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### `slacli doctor`") : text.index("### `slacli demo")]
    shown = re.findall(r'schema,ok,"(\d+), the newest|schema (\d+)\)', section)
    assert len(shown) == 2
    assert {int(a or b) for a, b in shown} == {len(MIGRATIONS)}
