"""The one output module: a command's :class:`Document` in table, plain, CSV, JSON or Markdown.

Commands never choose a layout by format: they describe what they show (tables, fields,
notes, and the data JSON carries) and :func:`render` alone knows the formats. A new
format is a :class:`Format` member and a branch here. Also the only library module that
may use Rich, and only lazily: on a terminal a table is a Rich table (colour follows
NO_COLOR, TERM and FORCE_COLOR as Rich reads them); when piped it is plain, stable,
column-aligned text without Rich, which also keeps cron runs fast.

Records are plain mappings of str, numbers, booleans, None and aware datetimes, the
latter already in the zone they are shown in; they print as ISO 8601 with the offset.

Text is never obeyed: every control character, line separator, bidirectional control and
lone surrogate (``slacli.texts.UNSAFE``) that reaches output, from an old database or an
import, is shown by :func:`escaped` as ``\\x1b``, ``\\u202e``..., in tables (Rich ones
take text, never markup), plain text, Markdown, CSV (which keeps tab, CR and LF, quoted)
and diagnostics; JSON escapes them as ``\\u001b``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from itertools import chain
from types import MappingProxyType
from typing import Any, NamedTuple, TextIO

from slacli.instants import instant_text
from slacli.texts import UNSAFE

Record = Mapping[str, Any]
Shown = Mapping[str, Callable[[Record], str]]  # column: how people read it (tables, Markdown)
NOTHING: Mapping[str, Any] = MappingProxyType({})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
# Patterns, not compiled ones: re compiles each on first use and keeps it; most runs print
# only printable text and never need them, so start-up does not pay for them.
_ESCAPED = f"[{UNSAFE}]"
_SHORT_ESCAPES = {"\t": " ", "\n": "\\n", "\r": "\\r"}  # tab: a space, tables have no tab stops
# (A lookbehind after the class, not a lookahead before it, keeps the regex engine's fast scan.)
_ESCAPED_IN_CSV = f"[{UNSAFE}](?<![\\t\\r\\n])"  # CSV quotes tab, CR and LF
_ESCAPED_IN_JSON = f"[{UNSAFE}](?<![\\x00-\\x1f])"  # json escapes C0, and indents with LF


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def cell(value: Any) -> str:
    """A value as table text: '-' for none, yes/no for booleans."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


def escaped(text: str, *, csv: bool = False) -> str:
    """``text`` as it may be printed: each character of ``texts.UNSAFE`` as a Python-style
    escape (``\\x1b``, ``\\n``, ``\\u2028``, ``\\udce9``), tab as a space; with ``csv``,
    tab, CR and LF stay (the CSV writer quotes them)."""
    if text.isprintable():  # the common case, in C: no character of UNSAFE is printable
        return text
    return re.sub(_ESCAPED_IN_CSV if csv else _ESCAPED, _escape, text)


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{ord(char):02x}" if char < "\u0100" else f"\\u{ord(char):04x}"


def shown(value: Any) -> str:
    """A value as people read it in a table, Markdown or a note: :func:`cell`, escaped."""
    text = cell(value)
    return text if text.isprintable() else escaped(text)  # the test inline: a call less per cell


def percent_text(pct: float | None, downtime: bool) -> str:
    """An availability with enough digits never to read 100% while there was downtime."""
    if pct is None:
        return "none (the whole period is maintenance)"
    digits = 3
    while downtime and f"{pct:.{digits}f}" == f"{100:.{digits}f}" and digits < 12:
        digits += 1
    return f"{pct:.{digits}f}%"


def _availability_text(record: Record) -> str:
    return percent_text(record["availability_pct"], record["downtime_minutes"] > 0)


AVAILABILITY_SHOWN: Shown = {"availability_pct": _availability_text}  # records with downtime_minutes


def neutralize(value: Any) -> Any:
    """Defuse a CSV text cell a spreadsheet would run as a formula: one starting with
    ``= + - @``, tab or CR, or holding a CR or LF anywhere (after which a careless import
    starts a new row), gets a leading ``'``. Numbers stay numbers."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or "\n" in value or "\r" in value):
        return "'" + value
    return value


class _Rows:
    """Where the CSV writer writes: it ends each row with CRLF, so that it quotes every cell
    holding a CR as well as an LF (with ``lineterminator="\\n"`` it leaves a bare CR unquoted,
    and a spreadsheet starts a new row there); the rows go out ending in LF."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, row: str) -> int:
        return self.out.write(row[:-2] + "\n")


def write_csv(rows: Sequence[Record], columns: Sequence[str], out: TextIO) -> None:
    import csv  # lazily, as json: a table or one deadline needs neither

    writer = csv.writer(_Rows(out), lineterminator="\r\n")
    commas = len(columns) - 1
    for cells in chain([columns], ([_csv_cell(row.get(c)) for c in columns] for row in rows)):
        line = ",".join(map(str, cells))  # the writer's str() of each cell
        # A line that no cell of quotes: the writer's rule (a comma, quote, CR or LF in a cell, or a
        # row of one empty cell), tested on the whole line in C; the writer itself scans each
        # character, which was the larger part of writing a 100,000-row deadline batch.
        if line and line.count(",") == commas and '"' not in line and "\n" not in line and "\r" not in line:
            out.write(line + "\n")
        else:
            writer.writerow(cells)


def _csv_cell(value: Any) -> Any:
    """A value as a CSV cell: text escaped (but tab, CR and LF) and defused, numbers as they are."""
    if value is None:  # the commonest cell of wide records: first
        return ""
    if isinstance(value, str):
        if value.isprintable():  # no CR or LF, so only the first character can arm it
            return "'" + value if value.startswith(FORMULA_STARTS) else value
        return neutralize(escaped(value, csv=True))
    if isinstance(value, datetime):  # ISO text: printable, and it starts with the year's digits
        return instant_text(value)
    if isinstance(value, list | tuple):
        return neutralize(escaped(cell(value), csv=True))
    return ("true" if value else "false") if isinstance(value, bool) else value


def write_json(data: Any, out: TextIO) -> None:
    """JSON, UTF-8 as it is (``ensure_ascii=False``), but with the characters of
    ``texts.UNSAFE`` escaped: json escapes C0 itself, and this DEL, C1, the separators,
    bidirectional controls and lone surrogates (all of which can only be inside strings)."""
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_value)
    out.write(re.sub(_ESCAPED_IN_JSON, _json_escape, text) + "\n")


def _json_escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return instant_text(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def write_table(
    rows: Sequence[Record],
    columns: Sequence[str],
    out: TextIO,
    *,
    title: str | None = None,
    styles: Mapping[str, str] | None = None,
    fmt: Format = Format.table,
) -> None:
    """A table of ``rows`` (Markdown with ``fmt``); ``styles`` maps a row's ``_style`` value to a Rich style."""
    if fmt is Format.markdown:
        write_markdown(rows, columns, out, title)
    elif _is_terminal(out):
        _rich_table(rows, columns, out, title, styles or {})
    else:
        out.write(plain_table(rows, columns, title))


def plain_table(rows: Sequence[Record], columns: Sequence[str], title: str | None = None) -> str:
    cells = [[shown(row.get(c)) for c in columns] for row in rows]
    header = [escaped(c) for c in columns]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(header)]
    lines = [escaped(title)] if title else []
    for values in [header, *cells]:
        lines.append("  ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip())
    return "\n".join(lines) + "\n"


def write_markdown(rows: Sequence[Record], columns: Sequence[str], out: TextIO, title: str | None = None) -> None:
    """A GitHub-flavoured Markdown table (for a wiki page or a ticket)."""
    if title:
        out.write(f"### {escaped(title)}\n\n")
    out.write(_markdown_row(columns) + "|" + "---|" * len(columns) + "\n")
    for row in rows:
        out.write(_markdown_row([row.get(c) for c in columns]))
    out.write("\n")


def _markdown_row(values: Sequence[Any]) -> str:
    return "| " + " | ".join(shown(v).replace("|", "\\|") for v in values) + " |\n"


class Table(NamedTuple):
    rows: Sequence[Record]
    columns: Sequence[str]  # for people, in order
    title: str | None = None
    machine_columns: Sequence[str] | None = None  # CSV, when it has more (default: columns)
    styles: Mapping[str, str] = NOTHING  # a row's ``_style`` value: its Rich style
    shown: Shown = NOTHING
    empty: str | None = None  # what people read when there are no rows (None: the header alone)


def used_columns(
    columns: Sequence[str], rows: Sequence[Record], optional: Sequence[str | tuple[str, ...]]
) -> list[str]:
    """``columns`` and those of ``optional`` that some row fills (a true value: not None,
    False, 0 or empty), a tuple of them together when some row fills one: a table for people
    shows a rarely used column only when it says something."""
    shown = list(columns)
    for group in optional:
        together = (group,) if isinstance(group, str) else group
        if any(row.get(c) for row in rows for c in together):
            shown += together
    return shown


class Fields(NamedTuple):
    """One record shown on its own, a field a line."""

    record: Record
    title: str | None = None
    shown: Shown = NOTHING


class Note(NamedTuple):
    """A line of prose for people, under the tables (never in CSV or JSON)."""

    text: str


Block = Table | Fields | Note


class Document(NamedTuple):
    """What a command prints: ``blocks`` for people, ``data`` for JSON, ``csv`` for CSV
    (default: the first table, or the first record as a one-row table)."""

    blocks: Sequence[Block]
    data: Any
    csv: Table | None = None
    spaced: bool = False  # a blank line between the blocks of a terminal or plain table


def render(document: Document, fmt: Format, out: TextIO | None = None) -> None:
    """Print ``document`` in ``fmt``: the only place that branches on the format."""
    out = out or sys.stdout
    if fmt is Format.json:
        write_json(document.data, out)
    elif fmt is Format.csv:
        table = document.csv or _csv_table(document.blocks)
        write_csv(table.rows, table.machine_columns or table.columns, out)
    else:
        for i, block in enumerate(document.blocks):
            if i and document.spaced and fmt is Format.table:
                out.write("\n")
            _human(block, fmt, out)


def _csv_table(blocks: Sequence[Block]) -> Table:
    for block in blocks:
        if isinstance(block, Table):
            return block
        if isinstance(block, Fields):
            return Table([block.record], list(block.record))
    return Table([], [])


def _human(block: Block, fmt: Format, out: TextIO) -> None:
    if isinstance(block, Note):
        out.write(escaped(block.text) + "\n")
        return
    if isinstance(block, Fields):
        shown = [{"field": k, "value": _shown(block.record, k, block.shown)} for k in block.record]
        block = Table(shown, ["field", "value"], block.title)
    if not block.rows and block.empty is not None:
        title, empty = escaped(block.title or ""), escaped(block.empty)
        out.write(f"### {title}\n\n{empty}\n\n" if fmt is Format.markdown else f"{title}: {empty}\n")
        return
    rows = [{**row, **{k: how(row) for k, how in block.shown.items()}} for row in block.rows]
    write_table(rows, block.columns, out, title=block.title, styles=block.styles, fmt=fmt)


def _shown(record: Record, key: str, shown: Shown) -> str:
    return shown[key](record) if key in shown else cell(record[key])


def diagnostic(message: str) -> None:
    """One line on stderr, in the one diagnostic format (``slacli: ...``), escaped."""
    sys.stderr.write(f"slacli: {escaped(message)}\n")


def warn(message: str) -> None:
    """A warning on stderr."""
    diagnostic(f"warning: {message}")


def error(message: str) -> None:
    """A user error on stderr (the CLI's error boundary alone calls it)."""
    diagnostic(f"error: {message}")


def _is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def _rich_table(
    rows: Sequence[Record], columns: Sequence[str], out: TextIO, title: str | None, styles: Mapping[str, str]
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text  # text, never markup: a title "[red]x[/]" or "[link=...]" is shown as it is

    table = Table(title=Text(escaped(title)) if title else None, title_justify="left", header_style="bold")
    for column in columns:
        numeric = bool(rows) and all(isinstance(r.get(column), int | float) for r in rows)
        table.add_column(Text(escaped(column)), justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(Text(shown(row.get(c))) for c in columns), style=styles.get(row.get("_style", ""), None))
    Console(file=out).print(table)
