"""Text that reaches output is shown, never obeyed: escapes in tables, Markdown, notes,
diagnostics and CSV, \\u escapes in JSON, and no Rich markup taken from the data."""

from __future__ import annotations

import csv
import io
import json

import pytest

from slacli.output import Document, Fields, Format, Note, Table, error, escaped, render, warn

# What an old database or an import could hold: a terminal title change (OSC), a colour
# (CSI, and the one-byte C1 CSI), Rich markup, a bidi override, a line separator, a
# byte that was not UTF-8 (a lone surrogate), a tab.
HOSTILE = (
    "esc \x1b]0;pwned\x07 \x1b[31mred \x9b1m [red]x[/red] [link=https://evil.example]y[/link] "
    "\u202eRTL \u2028 caf\udce9\tend"
)
SHOWN = (
    "esc \\x1b]0;pwned\\x07 \\x1b[31mred \\x9b1m [red]x[/red] [link=https://evil.example]y[/link] "
    "\\u202eRTL \\u2028 caf\\udce9 end"
)
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\udce9", "\t")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def document(text: str = HOSTILE) -> Document:
    row = {"id": 1, "title": text, "late": -5}
    return Document([Table([row], ["id", "title", "late"], title=f"Incidents {text}"), Note(f"note {text}")], [row])


def rendered(doc: Document, fmt: Format, out: io.StringIO | None = None) -> str:
    out = out if out is not None else io.StringIO()
    render(doc, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain café 東京", "plain café 東京"),
        ("\x00\x1f\x7f\x80\x9f", "\\x00\\x1f\\x7f\\x80\\x9f"),
        ("a\nb\rc", "a\\nb\\rc"),
        ("tab\there", "tab here"),
        ("\u2029\u202a\u2066\u2069", "\\u2029\\u202a\\u2066\\u2069"),
        ("\ud800", "\\ud800"),
        ("rtl \u200f mark, nbsp\u00a0", "rtl \u200f mark, nbsp\u00a0"),  # not in UNSAFE: shown as they are
    ],
)
def test_escaped(text, shown):
    assert escaped(text) == shown


def test_escaped_for_csv_keeps_tab_cr_and_lf():
    assert escaped("a\tb\r\nc\x1b", csv=True) == "a\tb\r\nc\\x1b"


def test_plain_table_shows_escapes():
    out = rendered(document(), Format.table)
    assert not any(c in out for c in RAW)
    lines = out.splitlines()
    assert lines[0] == f"Incidents {SHOWN}"
    assert lines[2] == f"1   {SHOWN}  -5"  # aligned on the escaped text
    assert lines[-1] == f"note {SHOWN}"


def test_rich_table_takes_text_never_markup_or_escapes(monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    out = rendered(document(), Format.table, Terminal())
    assert "│" in out or "┃" in out  # a Rich table, not the plain one
    assert "\x1b]" not in out  # no OSC: neither the title change nor a hyperlink (OSC 8)
    assert not any(c in out for c in RAW[1:])
    assert "\x1b[31m" not in out
    assert out.count(SHOWN) == 3  # the title, the cell and the note, [red] and [link=...] as they are


def test_markdown_shows_escapes_and_escapes_pipes():
    out = rendered(document(f"{HOSTILE} | pipe"), Format.markdown)
    assert not any(c in out for c in RAW)
    assert f"### Incidents {SHOWN} | pipe\n" in out  # a heading: a pipe is fine there
    assert f"| 1 | {SHOWN} \\| pipe | -5 |\n" in out


def test_fields_and_empty_tables_are_escaped_too():
    fields = rendered(Document([Fields({"title": HOSTILE}, title="Incident \x1b1")], {}), Format.table)
    assert fields.splitlines()[0] == "Incident \\x1b1"
    assert fields.splitlines()[2].split(None, 1) == ["title", SHOWN]
    empty = rendered(Document([Table([], ["id"], title="T\x1b", empty="none \x9b")], []), Format.table)
    assert empty == "T\\x1b: none \\x9b\n"


def test_json_escapes_what_json_dumps_would_leave_raw():
    out = rendered(document(), Format.json)
    assert not any(c in out for c in RAW)
    assert "\\u001b]0;pwned\\u0007" in out and "\\u009b1m" in out
    assert "\\u202eRTL \\u2028 caf\\udce9\\tend" in out
    assert "café" in rendered(document("café"), Format.json)  # UTF-8 stays readable (ensure_ascii=False)
    assert json.loads(out)[0]["title"] == HOSTILE  # and the data is exact


def test_csv_escapes_all_but_tab_and_round_trips():
    out = rendered(document(), Format.csv)
    assert not any(c in out for c in RAW[:-1])
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows == [["id", "title", "late"], ["1", SHOWN.replace(" end", "\tend"), "-5"]]


def test_diagnostics_are_escaped_and_one_line(capsys):
    warn(f"title {HOSTILE}")
    error("bad\nsecond line \x1b[2J")
    err = capsys.readouterr().err
    assert err == f"slacli: warning: title {SHOWN}\nslacli: error: bad\\nsecond line \\x1b[2J\n"


POLICIES = (
    '[calendars.c]\ntimezone = "UTC"\nhours = { mon-fri = "09:00-17:00" }\n'
    '[policies.p]\ncalendar = "c"\ndescription = "\\u001b]0;pwned\\u0007 [red]x[/red] \\u009b2J"\n'
    '[policies.p.severities.s]\nresponse = "1h"\n'
)


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_a_command_prints_a_hostile_policy_description_escaped(cli, tmp_path, fmt):
    policies = tmp_path / "p.toml"
    policies.write_text(POLICIES)
    out = cli("--policies", str(policies), "policies", "list", "-f", fmt).stdout
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    if fmt == "json":
        assert json.loads(out)[0]["description"] == "\x1b]0;pwned\x07 [red]x[/red] \x9b2J"
    else:
        assert "\\x1b]0;pwned\\x07 [red]x[/red] \\x9b2J" in out


def test_policies_check_escapes_the_file_name(cli, tmp_path):
    policies = tmp_path / "p\x1b]0;x\x07.toml"
    policies.write_text(POLICIES)
    out = cli("policies", "check", str(policies)).stdout
    assert "\x1b" not in out and "p\\x1b]0;x\\x07.toml: ok (1 policies, 1 calendars)" in out
