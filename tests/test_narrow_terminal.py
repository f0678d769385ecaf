"""Every command that prints a table is readable on a terminal of 80, 100 and 120 columns.

The data is the README's: each console section is replayed into a database of its own, as
its readers would, and the commands are run on it with a terminal forced (FORCE_COLOR) at
COLUMNS. Each block a command prints is checked as printed: no line wider than the
terminal; in a table every id, instant, number or short value whole in its cell, a free
text whole or cut short with an ellipsis, a column left out named in the footer; in a
record layout, notes and prose under a table every word whole on one line.
"""

from __future__ import annotations

import io
import os
import re
import shlex
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rich.cells import cell_len
from test_readme import SECTIONS, console_blocks
from typer.testing import CliRunner

from slacli import output
from slacli.cli import app
from slacli.output import Chart, Document, Fields, Format, Note, Table, fit, render, shown, table_width

WIDTHS = (80, 100, 120)
SGR = re.compile(r"\x1b\[[0-9;]*m")
FOOTER = re.compile(r"not shown at (\d+) columns: (.*?) \(")
NEW_YORK = ZoneInfo("America/New_York")
SECTION_NAMES = (
    *("report", "maintenance", "corrections", "shift"),
    *("opencraft", "openmethods", "optimy", "openweb", "protecto"),
)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory, holiday_cache_dir: Path) -> dict[str, tuple[Path, Any]]:
    """Each README section's database (name: its file and the instant it was recorded at)."""
    home = tmp_path_factory.mktemp("readme")
    runner, found = CliRunner(), {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(home)
        patch.setenv("SLACLI_CACHE_DIR", str(holiday_cache_dir))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("USER", "dana")
        patch.delenv("SLACLI_POLICIES", raising=False)
        patch.delenv("FORCE_COLOR", raising=False)
        for name, (section, recorded) in zip(SECTION_NAMES, SECTIONS, strict=True):
            database = home / f"{name}.db"
            patch.setenv("SLACLI_DB", str(database))
            with time_machine.travel(recorded or datetime(2026, 12, 1, 12, tzinfo=NEW_YORK), tick=False):
                for block in console_blocks(section):
                    for line in re.findall(r"^\$ (slacli .*)$", block, flags=re.M):
                        for command in re.split(r"; (?=slacli )", line):
                            assert runner.invoke(app, shlex.split(command)[1:]).exit_code in (0, 1), command
            found[name] = (database, recorded)
    return found


# (README section whose database it reads, the command, when it runs: None for the section's instant)
COMMANDS = [
    ("report", "report --month 2026-10", None),
    ("report", "report --month 2026-10 --summary", None),
    ("report", "policies list", None),
    ("report", "policies show openweb", None),
    ("report", "policies show openmethods", None),
    ("report", "calendar add 2026-11-25T15:00 4h30m --policy openweb", None),
    ("report", "calendar between 2026-11-25T15:00 2026-11-30T10:00 --policy openweb", None),
    ("report", "deadline openweb 2 --opened 2026-11-21T12:00", None),
    ("report", "deadline opencraft 'tier 3' --opened 2026-11-25T15:00", None),
    ("report", "deadline --input incidents.csv", None),
    ("report", "doctor", None),
    ("report", "maintenance list --at 2026-10-09T00:00", None),
    ("corrections", "show 1", None),
    ("shift", "due --at 2026-11-23T12:00", None),
    ("shift", "breaches --at 2026-11-24T15:00", None),
    ("shift", "list --all", None),
    ("shift", "show 2 --at 2026-11-23T16:00", None),
    ("shift", "doctor", None),
    ("opencraft", "report --month 2026-11 --policy opencraft", None),
    ("opencraft", "show 1", None),
    ("openmethods", "due --policy openmethods --at 2026-11-23T10:45", None),
    ("openmethods", "classify openmethods --agents 1 --of 40", None),
    ("openmethods", "list", None),
    ("optimy", "maintenance list --at 2026-10-20T00:00", None),
    ("optimy", "breaches --policy optimy --at 2026-11-23T15:00", None),
    ("optimy", "show 1", None),
    ("optimy", "list --all", None),
    ("optimy", "uptime --policy optimy --month 2026-10 --explain", None),
    ("openweb", "report --month 2026-11 --policy openweb", None),
    ("openweb", "uptime --policy openweb --month 2026-11 --explain", None),
    ("openweb", "uptime --policy openweb --months 12", None),
    ("openweb", "uptime --policy openweb --months 3 --at 2026-11-28T02:00", None),
    ("protecto", "breaches --policy protecto --at 2026-09-22T12:30", None),
    ("protecto", "report --quarter 2026-Q3 --policy protecto", None),
    ("protecto", "show 1", None),
    ("report", "demo", None),
]
INPUT = (  # the README's batch, and a row of each of the other presets
    "policy,severity,opened,acked\n"
    "openweb,1,2026-11-23T16:30,\n"
    "protecto,low,2026-11-21T12:00,\n"
    "opencraft,major,2026-07-02T10:00,2026-07-02T10:30\n"
    "openmethods,2,2026-11-25T15:00,\n"
    "optimy,high,2026-11-27T08:00,2026-11-27T08:05\n"
)


class Printed:
    """What a command printed on a forced terminal, and each block with what it printed."""

    def __init__(self, text: str, blocks: list[tuple[Any, str]]) -> None:
        self.text = text
        self.blocks = blocks


def on_terminal(monkeypatch, replayed, section: str, command: str, width: int) -> Printed:
    database, recorded = replayed[section]
    monkeypatch.setenv("SLACLI_DB", str(database))
    monkeypatch.setenv("USER", "dana")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", str(width))
    Path("incidents.csv").write_text(INPUT, encoding="utf-8")
    blocks: list[tuple[Any, str]] = []
    original = output._human

    def recording(block, fmt, out):
        piece = io.StringIO()
        original(block, fmt, piece)
        seen = output._prepared(block) if isinstance(block, Table) else block  # as people read it: durations named
        blocks.append((seen, SGR.sub("", piece.getvalue())))
        out.write(piece.getvalue())

    monkeypatch.setattr(output, "_human", recording)
    with time_machine.travel(recorded or datetime(2026, 12, 1, 12, tzinfo=NEW_YORK), tick=False):
        result = CliRunner().invoke(app, shlex.split(command))
    assert result.exit_code in (0, 1), result.stderr
    return Printed(SGR.sub("", result.stdout), blocks)


def table_cells(text: str) -> list[list[str]]:
    """The cells of each line of a Rich table in ``text``, header lines included."""
    return [[c.strip() for c in re.split("[│┃]", line)[1:-1]] for line in text.splitlines() if line[:1] in "│┃"]


def words(text: str) -> set[str]:
    return {word for line in text.splitlines() for word in line.split()}


def check_words_whole(value: str, printed: str) -> None:
    """Every word of ``value`` is a word of one line of ``printed``: wrapped between words only."""
    missing = set(value.split()) - words(printed)
    assert not missing, f"split or lost: {sorted(missing)} of {value!r}\n{printed}"


def check_table(block: Table, printed: str, width: int) -> None:
    rows = [{**row, **{k: how(row) for k, how in block.shown.items()}} for row in block.rows]
    lines = table_cells(printed)
    if rows and not lines:  # a record a row: every value's words whole
        for row in rows:
            for column in block.columns:
                check_words_whole(shown(row.get(column)), printed)
        return
    if not rows:
        assert lines[1:] == [] and (block.empty is None or printed.endswith(f"{block.empty}\n"))
        return
    header = lines[0]
    footer = FOOTER.search(" ".join(printed.split()))
    dropped = footer.group(2).split(", ") if footer else []
    if footer:
        assert int(footer.group(1)) == width
    noted = [c for c in block.columns if c not in header and c not in dropped]
    assert set(noted) <= set(block.notes), (header, dropped, noted)
    assert not set(header) & set(dropped)
    assert [c for c in block.columns if c in header] == header  # in the declared order
    cells = [cell for line in lines[1:] for cell in line]
    for row in rows:
        for column in header:
            text = shown(row.get(column))
            if column in block.texts:  # whole, or its beginning and an ellipsis
                assert any(c == text or (c.endswith("…") and text.startswith(c[:-1].rstrip())) for c in cells), text
            else:
                assert text in cells, f"{column}: {text!r} is not whole in a cell\n{printed}"
        for column in noted:  # under the table, whole; an empty one is left out
            if (text := shown(row.get(column))) not in ("", "-"):
                check_words_whole(text, printed)


def check_block(block: Any, printed: str, width: int) -> None:
    assert all(cell_len(line) <= width for line in printed.splitlines()), printed
    if isinstance(block, Table):
        check_table(block, printed, width)
    elif isinstance(block, Fields):
        assert not table_cells(printed)  # a record layout: field and value lines, no table
        for field in output._fields(block):  # as people read them: durations named
            assert field["field"] in words(printed)
            check_words_whole(shown(field["value"]), printed)
    elif isinstance(block, Chart):  # its own tests read the bars back (test_burn_chart.py)
        assert block.title in printed
    else:
        check_words_whole(block.text, printed)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("section", "command", "_"), COMMANDS, ids=[c[1] for c in COMMANDS])
def test_every_command_fits_the_terminal_without_splitting_a_token(monkeypatch, replayed, section, command, _, width):
    printed = on_terminal(monkeypatch, replayed, section, command, width)
    assert printed.blocks, "nothing went through the renderer"
    assert all(cell_len(line) <= width for line in printed.text.splitlines())
    for block, text in printed.blocks:
        check_block(block, text, width)
    if command not in ("doctor", "demo", "policies list"):  # those name files of this checkout or run
        check_golden(f"{section}-{command}", width, printed.text)


GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, width: int, text: str) -> None:
    """``text`` is what tests/golden/ holds for ``name`` at ``width``: read by a person once,
    when recorded (``SLACLI_REGOLD=1 pytest tests/test_narrow_terminal.py``; review the diff)."""
    path = GOLDEN / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}-{width}.txt"
    if os.environ.get("SLACLI_REGOLD"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path.name} differs: re-record and read the diff"


def test_the_narrow_due_board_drops_by_priority_and_says_so(monkeypatch, replayed):
    """The shift's board at 80 columns, byte for byte: policy and due left out (the board's
    first two), the title cut short, left and the clock whole; 150 columns have room for all."""
    monkeypatch.setenv("NO_COLOR", "1")
    narrow = on_terminal(monkeypatch, replayed, "shift", "due --at 2026-11-23T12:00", 80).text
    assert narrow == (
        "Due as of 2026-11-23T12:00:00-05:00\n"
        "┏━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━┓\n"
        "┃ id ┃ severity ┃ title               ┃ clock      ┃ left             ┃ status ┃\n"
        "┡━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━┩\n"
        "│  2 │ medium   │ Export jobs fail f… │ response   │ 23h 30m wall     │ paused │\n"
        "│  2 │ medium   │ Export jobs fail f… │ resolution │ 79h 30m business │ paused │\n"
        "└────┴──────────┴─────────────────────┴────────────┴──────────────────┴────────┘\n"
        "not shown at 80 columns: policy, due (--format csv shows all)\n"
    )
    wide = on_terminal(monkeypatch, replayed, "shift", "due --at 2026-11-23T12:00", 150).text
    assert "not shown" not in wide and "Export jobs fail for one tenant" in wide
    assert table_cells(wide)[0] == ["id", "policy", "severity", "title", "clock", "due", "left", "status"]


@pytest.mark.parametrize("width", [58, 64, 70])
def test_the_due_board_never_leaves_out_status_without_colour(monkeypatch, replayed, width):
    """Too narrow for status beside the rest, the board keeps it (then as field lines): with
    NO_COLOR only the word says a clock is paused. Severity goes first."""
    monkeypatch.setenv("NO_COLOR", "1")
    printed = on_terminal(monkeypatch, replayed, "shift", "due --at 2026-11-23T12:00", width).text
    assert printed.count("paused") == 2, printed
    assert "status" not in (FOOTER.search(" ".join(printed.split())) or [""])[0]


def test_show_is_a_record_then_tables(monkeypatch, replayed):
    printed = on_terminal(monkeypatch, replayed, "shift", "show 2 --at 2026-11-23T16:00", 80).text
    lines = printed.splitlines()
    assert lines[0] == "Incident 2 as of 2026-11-23T16:00:00-05:00"
    assert lines[1].split() == ["id", "2"] and lines[2].split() == [
        "title",
        "Export",
        "jobs",
        "fail",
        "for",
        "one",
        "tenant",
    ]
    assert "field" not in words(printed.split("Clocks")[0])  # no field/value header: a record


def test_prose_goes_under_the_table_keyed_by_the_row(monkeypatch, replayed):
    printed = on_terminal(monkeypatch, replayed, "report", "deadline openweb 2 --opened 2026-11-21T12:00", 80).text
    assert table_cells(printed)[0] == ["target", "due", "rule", "anchor"]
    under = printed.split("└")[1].splitlines()[1:]
    assert under[0] == "why"
    assert under[1].startswith("response    opened Sat 21 Nov 12:00 EST, out of hours;")
    assert under[2].startswith(" " * 12)  # wrapped under its text, not under the key
    assert any(line.startswith("resolution  opened Sat 21 Nov") for line in under)


# ---- the rule that fits a table: unit tests of output.fit


def table_of(columns: dict[str, int], **options: Any) -> tuple[Table, dict[str, int]]:
    return Table([], list(columns), **options), columns


def test_a_table_that_fits_keeps_everything_at_its_width():
    table, natural = table_of({"id": 2, "title": 30, "due": 25})
    assert table_width(list(natural.values())) == 67  # 57 + 3 a column + 1
    found = fit(table, natural, 67)
    assert found is not None and (found.widths, found.dropped, found.noted) == (natural, [], [])


def test_columns_are_dropped_in_order_only_as_long_as_needed():
    table, natural = table_of({"id": 2, "policy": 8, "due": 25, "left": 15}, drop=("policy", "due"))
    full = table_width(list(natural.values()))  # 63
    assert fit(table, natural, full - 1).dropped == ["policy"]  # one column more than needed is not dropped
    assert fit(table, natural, full - 11).dropped == ["policy"]  # policy's 8 + 3: exactly enough
    assert fit(table, natural, full - 12).dropped == ["policy", "due"]
    assert fit(table, natural, 10) is None  # id and left alone need 24


def test_texts_are_cut_to_their_minimum_before_anything_is_dropped_and_share_what_is_left():
    table, natural = table_of({"id": 2, "title": 40, "note": 30, "due": 25}, drop=("due",), texts=("title", "note"))
    at_minimum = table_width([2, output.TEXT_MIN, output.TEXT_MIN, 25])
    found = fit(table, natural, at_minimum)
    assert found.dropped == [] and found.widths == {"id": 2, "title": 12, "note": 12, "due": 25}
    shared = fit(table, natural, at_minimum + 11)
    assert shared.widths["title"] + shared.widths["note"] == 35 and abs(shared.widths["title"] - 17) <= 1
    assert fit(table, natural, at_minimum - 1).dropped == ["due"]
    roomy = fit(table, natural, at_minimum + 100)
    assert roomy.widths == natural


def test_a_short_text_is_not_padded_and_a_header_is_never_cut():
    table, natural = table_of({"id": 2, "title": 5, "missing_fields": 40, "due": 25}, texts=("title", "missing_fields"))
    found = fit(table, natural, 60)
    assert found.widths["title"] == 5 and found.widths["missing_fields"] >= len("missing_fields")


def test_prose_columns_leave_the_table_only_when_it_does_not_fit():
    table, natural = table_of({"target": 10, "due": 25, "why": 90}, notes=("why",))
    assert fit(table, natural, 200).noted == []
    narrow = fit(table, natural, 80)
    assert narrow.noted == ["why"] and list(narrow.widths) == ["target", "due"]


def test_the_footer_names_dropped_columns_in_the_table_order():
    table, natural = table_of({"a": 10, "b": 10, "c": 10, "d": 10}, drop=("c", "a"))
    assert fit(table, natural, table_width([10, 10])).dropped == ["a", "c"]


# ---- empty results, colour variables, large tables


@pytest.mark.parametrize(
    ("command", "empty"),
    [
        ("list", "no incidents match"),
        ("due", "nothing due"),
        ("breaches", "no breaches"),
        ("maintenance list", "no maintenance windows match"),
    ],
)
def test_an_empty_listing_says_so_csv_keeps_its_header_json_is_empty(cli, database, command, empty):
    cli("open", "Search slow", "--policy", "openweb", "--severity", "2", "--at", "2026-11-23T10:00", "--quiet")
    cli("resolve", "1", "--at", "2026-11-23T10:30")  # in time: nothing open, nothing late
    args = shlex.split(command)
    text = cli(*args).stdout
    assert text.endswith(f": {empty}\n") and len(text.splitlines()) == 1  # its title, then what it found
    assert cli(*args, "--format", "json").stdout == "[]\n"
    header = cli(*args, "--format", "csv").stdout.splitlines()
    assert len(header) == 1 and header[0].startswith("id,")


def test_an_empty_batch_says_so(cli, tmp_path):
    source = tmp_path / "empty.csv"
    source.write_text("policy,severity,opened,acked\n", encoding="utf-8")
    assert cli("deadline", "--input", str(source)).stdout == "no rows in the input\n"
    assert cli("deadline", "--input", str(source), "-f", "csv").stdout.startswith("policy,severity,opened,acked,")


def overdue_board(cli, monkeypatch) -> str:
    cli("open", "Checkout 502s", "--policy", "openweb", "--severity", "1", "--at", "2026-11-23T10:00", "--quiet")
    return cli("due", "--at", "2026-11-23T20:00").stdout  # 15:00 in New York: overdue


COLOURS = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38)[;m]")  # a foreground colour in an SGR


def test_force_color_gives_a_coloured_rich_table_when_piped(cli, database, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    board = overdue_board(cli, monkeypatch)
    assert "┏" in board and COLOURS.search(board)  # the overdue row in red


def test_no_color_wins_over_force_color_the_table_stays(cli, database, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    board = overdue_board(cli, monkeypatch)
    assert "┏" in board and not COLOURS.search(board)


@pytest.mark.parametrize("force", [None, ""])
def test_piped_without_force_color_is_plain_text(cli, database, monkeypatch, force):
    monkeypatch.delenv("NO_COLOR")
    if force is not None:
        monkeypatch.setenv("FORCE_COLOR", force)  # empty: not set (force-color.org)
    board = overdue_board(cli, monkeypatch)
    assert "\x1b" not in board and "┏" not in board
    assert board.splitlines()[1].split() == ["id", "policy", "severity", "title", "clock", "due", "left", "status"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("rows", "rich"), [(3, True), (4, False)])
def test_above_the_row_limit_a_terminal_gets_the_plain_table_and_a_note(monkeypatch, capsys, rows, rich):
    monkeypatch.setattr(output, "TERMINAL_ROWS", 3)
    out = Terminal()
    render(Document([Table([{"id": i} for i in range(rows)], ["id"], "T"), Note("n")], []), Format.table, out)
    assert ("┏" in out.getvalue()) is rich
    note = capsys.readouterr().err
    assert (note == "") is rich
    if not rich:
        assert out.getvalue() == "T\nid\n0\n1\n2\n3\nn\n"
        assert note == (
            "slacli: 4 rows: printed as plain text, a terminal table holds at most 3 "
            "(--format csv for a spreadsheet, or pipe to less -S)\n"
        )


def test_a_large_batch_on_a_terminal_is_plain_and_says_why(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    rows = output.TERMINAL_ROWS + 1
    source = tmp_path / "many.csv"
    source.write_text("policy,severity,opened,acked\n" + "openweb,1,2026-11-23T16:30,\n" * rows, encoding="utf-8")
    result = cli("deadline", "--input", str(source))
    assert "┏" not in result.stdout and len(result.stdout.splitlines()) == rows + 1
    assert result.stderr.startswith(f"slacli: {rows} rows: printed as plain text")


def test_piped_tables_are_never_cut_or_dropped(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    text = cli("deadline", "openweb", "2", "--opened", "2026-11-21T12:00").stdout
    assert "not shown" not in text and "…" not in text
    assert text.splitlines()[1].split() == ["target", "due", "rule", "anchor", "why"]


def test_a_token_longer_than_the_terminal_is_the_only_thing_folded(monkeypatch):
    """A record value with no space wider than the line cannot stay whole: it is folded, and
    nothing else is (the record layout's one exception)."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    render(Document([Fields({"link": "https://" + "x" * 60, "title": "a short one"})], {}), Format.table, out)
    lines = SGR.sub("", out.getvalue()).splitlines()
    assert all(cell_len(line) <= 40 for line in lines) and lines[-1].split() == ["title", "a", "short", "one"]
