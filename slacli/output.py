"""The one output module: a command's :class:`Document` in table, plain, CSV, JSON or Markdown.

Commands never choose a layout by format: they describe what they show (tables, fields,
notes, and the data JSON carries) and :func:`render` alone knows the formats. A new
format is a :class:`Format` member and a branch here. Also the only library module that
may use Rich, and only lazily: on a terminal a table is a Rich table (colour follows
NO_COLOR, TERM and FORCE_COLOR as Rich reads them); when piped it is plain, stable,
column-aligned text without Rich, which also keeps cron runs fast. Rich also draws, on a
terminal only, a :class:`Chart`, the :func:`live` display and the :func:`progress` bar.

Records are plain mappings of str, numbers, booleans, None and aware datetimes, the
latter already in the zone they are shown in; they print as ISO 8601 with the offset.

Text is never obeyed: every control character, line separator, bidirectional control and
lone surrogate (``slacli.texts.UNSAFE``) that reaches output, from an old database or an
import, is shown by :func:`escaped` as ``\\x1b``, ``\\u202e``..., in tables (Rich ones
take text, never markup), plain text, Markdown, CSV (which keeps tab, CR and LF, quoted)
and diagnostics; JSON escapes them as ``\\u001b``.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import chain
from types import MappingProxyType
from typing import Any, TextIO, TypeVar

from slacli.instants import format_duration, instant_text
from slacli.texts import UNSAFE
from slacli.vocabulary import ClockKind

Record = Mapping[str, Any]
Item = TypeVar("Item")
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


def people_name(key: str) -> str:
    """The name people read for ``key``: a number of minutes (JSON and CSV) names the time
    it measures (``paused_minutes``: paused, ``minutes_to_ack``: time_to_ack,
    ``business_minutes``: business_time)."""
    if key == "minutes":
        return "time"
    if key.startswith("minutes_"):
        return "time_" + key.removeprefix("minutes_")
    if not key.endswith("_minutes"):
        return key
    name = key.removesuffix("_minutes")
    # business and billable are yes/no flags elsewhere: their durations say "time"
    return f"{name}_time" if name.endswith(("business", "billable")) else name


def minutes_text(value: Any, key: str) -> Any:
    """A number of minutes under ``key`` as people read it (``2d 3h 15m``; ``13h business``
    when the key says business time; a remaining budget below zero ``over by 32m``), to the
    nearest minute from a minute on (31.86 is 32m, never floored into less than it is); what
    is not a number stays as it is."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    counts = ClockKind.BUSINESS if "business" in key else None
    amount = abs(value) if abs(value) < 1 else round(abs(value))
    text = format_duration(timedelta(minutes=amount), counts)
    if value >= 0:
        return text
    return f"over by {text}" if "remaining" in key else f"{text} back"


def _said_in_time(
    rows: Sequence[Record], columns: Sequence[str]
) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    """``rows`` and ``columns`` for people: each number of minutes as text, in a column named
    for the time it measures (``billable_time`` beside a ``billable`` of its own); one that a
    text column of the rows says already (``data_lost`` beside ``data_lost_minutes``) left out."""
    keys = {k for row in rows[:1] for k in row} | set(columns)
    renamed: dict[str, str] = {}
    for column in columns:
        name = people_name(column)
        if name == column:
            continue
        if name in keys:
            if name in columns and any(isinstance(row.get(name), str) for row in rows):
                renamed[column] = ""  # said already
                continue
            name = f"{name}_time"
        renamed[column] = name
    shown = [renamed.get(c, c) for c in columns if renamed.get(c, c)]
    said = [{**row, **{name: minutes_text(row.get(c), c) for c, name in renamed.items() if name}} for row in rows]
    return said, shown, renamed  # renamed: each column's new name, "" for one left out


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


# Record keys that hold free text: a terminal too narrow for one cuts it short with an ellipsis
# (every other cell, an id, an instant, a number, keeps its whole width).
TEXTS = (
    *("title", "why", "detail", "details", "description", "note", "reason", "message", "warnings"),
    *("exception", "exception_plan", "escalate_to", "escalated_to", "holiday", "missing_fields", "value", "hint"),
)


# What commands hand to render() are plain classes with slots, not NamedTuples: every
# command defines them at import, and defining a NamedTuple compiles code (~0.6M instructions
# each, a twentieth of what `slacli deadline` may add to `import typer`). Built, then read.
class Table:
    __slots__ = ("columns", "drop", "empty", "machine_columns", "notes", "rows", "shown", "styles", "texts", "title")

    def __init__(
        self,
        rows: Sequence[Record],
        columns: Sequence[str],  # for people, in order
        title: str | None = None,
        machine_columns: Sequence[str] | None = None,  # CSV, when it has more (default: columns)
        styles: Mapping[str, str] = NOTHING,  # a row's ``_style`` value: its Rich style
        shown: Shown = NOTHING,
        empty: str | None = None,  # what people read when there are no rows (None: the header alone)
        # On a terminal too narrow for every column (never when piped): the columns left out, the
        # first first, until the rest fit (a footer names them); the columns of ``texts`` cut short;
        # and those of ``notes``, prose, printed under the table, a line per row keyed by its first cell.
        drop: Sequence[str] = (),
        texts: Sequence[str] = TEXTS,
        notes: Sequence[str] = (),
    ) -> None:
        self.rows, self.columns, self.title, self.machine_columns = rows, columns, title, machine_columns
        self.styles, self.shown, self.empty = styles, shown, empty
        self.drop, self.texts, self.notes = drop, texts, notes


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


class Fields:
    """One record shown on its own, a field a line."""

    __slots__ = ("record", "shown", "title")

    def __init__(self, record: Record, title: str | None = None, shown: Shown = NOTHING) -> None:
        self.record, self.title, self.shown = record, title, shown


class Note:
    """A line of prose for people, under the tables (never in CSV or JSON)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Chart:
    """Columns of percentages against a line at ``line`` (a budget's 100%), one per label (a
    day), for people at a terminal: drawn by Rich there, left out of plain text, Markdown, CSV
    and JSON (whose data carries the figures)."""

    __slots__ = ("labels", "line", "mark", "title", "values")

    def __init__(
        self,
        title: str,
        labels: Sequence[str],  # under the columns, "" for none (a label needs its width free)
        values: Sequence[float | None],  # percent; None: nothing yet (a day to come)
        mark: int | None = None,  # the column pointed at as today
        line: float = 100.0,
    ) -> None:
        self.title, self.labels, self.values, self.mark, self.line = title, labels, values, mark, line


Block = Table | Fields | Note | Chart


class Document:
    """What a command prints: ``blocks`` for people, ``data`` for JSON, ``csv`` for CSV
    (default: the first table, or the first record as a one-row table)."""

    __slots__ = ("blocks", "csv", "data", "spaced")

    def __init__(
        self,
        blocks: Sequence[Block],
        data: Any,
        csv: Table | None = None,
        spaced: bool = False,  # a blank line between the blocks of a terminal or plain table
    ) -> None:
        self.blocks, self.data, self.csv, self.spaced = blocks, data, csv, spaced


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
    terminal = fmt is Format.table and is_terminal(out)
    if terminal and not (isinstance(block, Table) and len(block.rows) > TERMINAL_ROWS):
        console = _console(out)
        for part in _terminal_parts(block, console.width):
            console.print(part)
        return
    if isinstance(block, Note):
        out.write(escaped(block.text) + "\n")
        return
    if isinstance(block, Chart):  # a picture for people at a terminal only
        return
    table = _prepared(block)
    if not table.rows and table.empty is not None:
        out.write(_empty_text(table, fmt))
    elif fmt is Format.markdown:
        write_markdown(table.rows, table.columns, out, table.title)
    else:
        if terminal:
            diagnostic(
                f"{len(table.rows)} rows: printed as plain text, a terminal table holds at most {TERMINAL_ROWS} "
                "(--format csv for a spreadsheet, or pipe to less -S)"
            )
        out.write(plain_table(table.rows, table.columns, table.title))


def _empty_text(table: Table, fmt: Format) -> str:
    title, empty = escaped(table.title or ""), escaped(table.empty or "")
    if fmt is Format.markdown:
        return f"### {title}\n\n{empty}\n\n" if title else f"{empty}\n\n"
    return f"{title}: {empty}\n" if title else f"{empty}\n"


def _prepared(block: Table | Fields) -> Table:
    """``block`` as the table people read: a record as field and value rows, cells as ``shown`` says."""
    if isinstance(block, Fields):
        return Table(_fields(block), ["field", "value"], block.title)
    rows, columns, renamed = _said_in_time(
        [{**row, **{k: how(row) for k, how in block.shown.items()}} for row in block.rows], block.columns
    )

    def named(keys: Sequence[str]) -> list[str]:
        return [renamed.get(k, k) for k in keys if renamed.get(k, k)]

    drop, texts, notes = named(block.drop), named(block.texts), named(block.notes)
    return Table(
        rows,
        columns,
        block.title,
        block.machine_columns,
        block.styles,
        empty=block.empty,
        drop=drop,
        texts=texts,
        notes=notes,
    )


def _fields(block: Fields) -> list[Record]:
    [in_time], keys, _ = _said_in_time([block.record], list(block.record))
    return [{"field": k, "value": _shown(in_time, k, block.shown)} for k in keys]


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


def is_terminal(out: TextIO) -> bool:
    """Whether ``out`` gets Rich tables: a terminal, or anything when ``FORCE_COLOR`` is set
    (and not empty: force-color.org). Colour is then Rich's choice: none with ``NO_COLOR``
    (no-color.org; it wins over ``FORCE_COLOR``, as in Rich) or ``TERM=dumb``."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


# Rich builds a whole table before printing it (100,000 rows: about a minute and 670 MB):
# above this many rows a terminal gets the plain table (2.6 s and 160 MB) and a note.
TERMINAL_ROWS = 2000
TEXT_MIN = 12  # the narrowest a text cut short gets, its ellipsis included
NOT_SHOWN_HINT = "--format csv shows all"  # the footer's


class Fit:
    """How a table fits a terminal: the columns shown and their widths, those left out, and
    the prose columns printed under it."""

    __slots__ = ("dropped", "noted", "widths")

    def __init__(self, widths: dict[str, int], dropped: list[str], noted: list[str]) -> None:
        self.widths, self.dropped, self.noted = widths, dropped, noted


def table_width(widths: Sequence[int]) -> int:
    """The width of a Rich table (its default box) with columns of ``widths``: a rule on each
    side of every column and a space of padding on each side of every cell."""
    return sum(widths) + 3 * len(widths) + 1


def fit(table: Table, natural: Mapping[str, int], width: int) -> Fit | None:
    """Fit ``table``, whose columns need ``natural`` widths (header included), in ``width``
    columns: all of them if they fit; else without the ``notes`` columns (printed under the
    table), with each ``texts`` column at ``TEXT_MIN`` (or its header's width) at least, and
    without the ``drop`` columns, first first, until the rest fit; the width left is shared
    among the texts up to their natural widths. None: even that does not fit."""
    columns = list(table.columns)
    if table_width([natural[c] for c in columns]) <= width:
        return Fit({c: natural[c] for c in columns}, [], [])
    noted = [c for c in columns if c in table.notes]
    need = {c: _narrowest(c, natural[c], table.texts) for c in columns if c not in noted}
    dropped = []
    for column in table.drop:
        if table_width(list(need.values())) <= width:
            break
        if column in need:
            del need[column]
            dropped.append(column)
    dropped.sort(key=columns.index)  # the footer names them in the table's order
    spare = width - table_width(list(need.values()))
    if spare < 0 or not need:
        return None
    texts = sorted((c for c in need if c in table.texts), key=lambda c: natural[c] - need[c])
    for i, column in enumerate(texts):  # the least wanting first, each an equal share at most
        more = min(natural[column] - need[column], spare // (len(texts) - i))
        need[column] += more
        spare -= more
    return Fit(need, dropped, noted)


def _narrowest(column: str, natural: int, texts: Sequence[str]) -> int:
    return min(natural, max(TEXT_MIN, len(column))) if column in texts else natural


def _console(out: TextIO) -> Any:
    from rich.console import Console

    return Console(file=out, force_terminal=True)  # the width: the terminal's, or COLUMNS


def _terminal_parts(block: Block, width: int) -> list[Any]:
    """``block`` as Rich draws it on a terminal ``width`` columns wide, in the renderables
    printed one after the other (by :func:`render`) or redrawn together (by :func:`live`)."""
    from rich.text import Text

    if isinstance(block, Note):
        return [Text(escaped(block.text))]  # wrapped between words at the terminal's width
    if isinstance(block, Chart):
        return [_chart_renderable(block)]
    if isinstance(block, Fields):
        return _record_parts(_fields(block), block.title)
    table = _prepared(block)
    if not table.rows and table.empty is not None:
        return [Text(_empty_text(table, Format.table).rstrip("\n"))]
    return _table_parts(table, width)


def _table_parts(table: Table, width: int) -> list[Any]:
    from rich.cells import cell_len
    from rich.table import Table as RichTable
    from rich.text import Text  # text, never markup: a title "[red]x[/]" or "[link=...]" is shown as it is

    cells = {c: [shown(row.get(c)) for row in table.rows] for c in table.columns}
    natural = {c: max([cell_len(escaped(c)), *map(cell_len, cells[c])]) for c in table.columns}
    found = fit(table, natural, width)
    if found is None or (len(table.rows) == 1 and found.widths != natural):
        # Not even its key columns fit, or a lone row would lose some: a record a row.
        records = [[{"field": c, "value": cells[c][i]} for c in table.columns] for i in range(len(table.rows))]
        return [
            part
            for i, fields in enumerate(records)
            for part in ([Text("")] if i else []) + _record_parts(fields, table.title if i == 0 else None)
        ]
    parts: list[Any] = [Text(escaped(table.title), style="table.title")] if table.title else []
    rich = RichTable(header_style="bold")
    for column, wide in found.widths.items():
        numeric = bool(table.rows) and all(_is_number(r.get(column)) for r in table.rows)
        header = Text(escaped(column))
        rich.add_column(header, justify="right" if numeric else "left", width=wide, no_wrap=True, overflow="ellipsis")
    for i, row in enumerate(table.rows):
        style = table.styles.get(row.get("_style", ""), None)
        rich.add_row(*(Text(cells[c][i]) for c in found.widths), style=style)
    parts.append(rich)
    if found.dropped:
        left_out = f"not shown at {width} columns: {', '.join(found.dropped)} ({NOT_SHOWN_HINT})"
        parts.append(Text(escaped(left_out), style="dim"))
    first = next(iter(found.widths))
    for column in found.noted:
        said = [(cells[first][i], text) for i, text in enumerate(cells[column]) if text not in ("", "-")]
        if said:
            parts += _record_parts([{"field": key, "value": text} for key, text in said], column)
    return parts


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _record_parts(fields: Sequence[Record], title: str | None) -> list[Any]:
    """``fields`` (``field``, ``value``) a line each, the value wrapped between words."""
    from rich.table import Table as RichTable
    from rich.text import Text

    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")  # a word longer than the line alone is folded
    for field in fields:
        grid.add_row(Text(escaped(field["field"])), Text(shown(field["value"])))
    return [Text(escaped(title), style="table.title"), grid] if title else [grid]


_EIGHTHS = " ▁▂▃▄▅▆▇█"
_CHART_ROWS = 8  # at most, so that the chart stays small
_CHART_STEPS = (25.0, 50.0, 100.0)  # percent a row: 100 is always on a row's edge
_AXIS = 6  # "100% ┼": the label column and the axis


def chart_lines(chart: Chart) -> list[list[tuple[str, str]]]:
    """``chart`` as lines of (text, style) segments: two columns a label (a bar and a gap),
    a row every 25, 50 or 100 percent, the line drawn across where the bars reach it, the
    labels, then the mark. 31 labels take 68 columns."""
    top = max([chart.line, *(v for v in chart.values if v is not None)])
    step = next((s for s in _CHART_STEPS if top <= s * _CHART_ROWS), _CHART_STEPS[-1])
    rows = min(_CHART_ROWS, -int(-top // step))
    lines = []
    for row in reversed(range(rows)):
        label = _percent(rows * step) + ("+" if top > rows * step else "") if row == rows - 1 else ""
        if (row + 1) * step == chart.line:
            lines.append([(f"{_percent(chart.line):>5}┼", "dim"), *_line_row(chart)])
            label = ""
        lines.append([(f"{label:>5}│", "dim"), *_bar_row(chart, row, step)])
    lines.append([(f"{'0%':>5}└" + "──" * len(chart.values), "dim")])
    lines.append([(" " * _AXIS + _spread(chart.labels), "")])
    if chart.mark is not None:
        lines.append([(" " * (_AXIS + 2 * chart.mark) + "▲ today", "bold")])
    return [[(chart.title, "bold")], *lines]


def _percent(value: float) -> str:
    return f"{value:g}%"


def _bar_row(chart: Chart, row: int, step: float) -> list[tuple[str, str]]:
    """One row of the bars: each column's share of [row x step, (row + 1) x step) in eighths;
    a column above zero shows at least its lowest eighth."""
    cells = []
    for i, value in enumerate(chart.values):
        share = 0.0 if value is None else min(1.0, max(0.0, value / step - row))
        eighths = round(share * 8) or (1 if row == 0 and value else 0)
        cells.append((_EIGHTHS[eighths] + " ", _bar_style(chart, i)))
    return cells


def _line_row(chart: Chart) -> list[tuple[str, str]]:
    """The line across: a bar that goes beyond it crosses it."""
    return [
        ("█─", _bar_style(chart, i)) if value is not None and value > chart.line else ("──", "dim")
        for i, value in enumerate(chart.values)
    ]


def _bar_style(chart: Chart, i: int) -> str:
    value = chart.values[i]
    over = value is not None and value > chart.line
    return ("red" if over else "green") + (" bold" if i == chart.mark else "")


def _spread(labels: Sequence[str]) -> str:
    """``labels`` under their columns (two characters each), each where it has room."""
    text = ""
    for i, label in enumerate(labels):
        if label and (not text or len(text) < 2 * i):
            text = text.ljust(2 * i) + label
    return text


def _chart_renderable(chart: Chart) -> Any:
    from rich.text import Text

    text = Text(no_wrap=True, overflow="crop")
    for line in chart_lines(chart):
        text.append("\n")  # first a blank line: a chart comes under a table
        for segment, style in line:
            text.append(escaped(segment), style or None)
    return text


@contextmanager
def live(out: TextIO | None = None) -> Iterator[Callable[[Document], None]]:
    """A display redrawn in place on a terminal (``rich.live``): the function it gives draws a
    document's blocks over the last ones, as :func:`render` prints them there. The terminal is
    restored on the way out, on Ctrl-C too; what is taller than the terminal is cut at its foot."""
    from rich.console import Group
    from rich.live import Live

    console = _console(out or sys.stdout)

    def draw(document: Document) -> None:
        parts = [part for block in document.blocks for part in _terminal_parts(block, console.width)]
        display.update(Group(*parts), refresh=True)

    with Live(console=console, auto_refresh=False, redirect_stderr=False) as display:
        yield draw


PROGRESS_AFTER = 0.5  # seconds of work before a bar shows: a short run never flashes one
PROGRESS_EVERY = 1000  # items between two looks at the clock


def progress(total: int, what: str) -> Callable[[Iterable[Item]], Iterator[Item]]:
    """How long work says how far it got: a function passing items through that shows a
    ``rich.progress`` bar of ``total`` on stderr once the work has run PROGRESS_AFTER seconds,
    and takes it away at the end. When stderr is not a terminal it is ``iter`` itself, which
    adds nothing to a piped run."""
    if not sys.stderr.isatty():  # FORCE_COLOR colours tables, it never makes a bar of a log
        return iter

    def tracked(items: Iterable[Item]) -> Iterator[Item]:
        return _with_bar(items, total, what)

    return tracked


def _with_bar(items: Iterable[Item], total: int, what: str) -> Iterator[Item]:
    from rich.console import Console
    from rich.progress import Progress

    started, bar = time.monotonic(), None
    try:
        for done, item in enumerate(items, 1):
            yield item
            if done % PROGRESS_EVERY:
                continue
            if bar is None and time.monotonic() - started >= PROGRESS_AFTER:
                bar = Progress(console=Console(file=sys.stderr), transient=True)
                task = bar.add_task(escaped(what), total=total, completed=done)
                bar.start()
            elif bar is not None:
                bar.update(task, completed=done)
    finally:
        if bar is not None:
            bar.stop()
