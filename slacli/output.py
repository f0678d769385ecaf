"""The one output module: a command's :class:`Document` in table, plain, CSV, JSON or Markdown.

Commands never choose a layout by format: they describe what they show (tables, fields,
notes, and the data JSON carries) and :func:`render` alone knows the formats. A new
format is a :class:`Format` member and a branch here. Also the only library module that
may use Rich, and only lazily: on a terminal a table is a Rich table (colour follows
NO_COLOR, TERM and FORCE_COLOR as Rich reads them); when piped it is plain, stable,
column-aligned text without Rich, which also keeps cron runs fast.

Records are plain mappings of str, numbers, booleans, None and aware datetimes, the
latter already in the zone they are shown in; they print as ISO 8601 with the offset.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple, TextIO

from slacli.instants import instant_text

Record = Mapping[str, Any]
Shown = Mapping[str, Callable[[Record], str]]  # column: how people read it (tables, Markdown)
NOTHING: Mapping[str, Any] = MappingProxyType({})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection


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
    """Defuse a CSV text cell a spreadsheet would run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Sequence[Record], columns: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = (row.get(c) for c in columns)
        writer.writerow(["" if value is None else neutralize(_csv_value(value)) for value in values])


def _csv_value(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | list | tuple):
        return cell(value)
    return ("true" if value else "false") if isinstance(value, bool) else value


def write_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False, default=_json_value)
    out.write("\n")


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
    cells = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = [title] if title else []
    for values in [list(columns), *cells]:
        lines.append("  ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip())
    return "\n".join(lines) + "\n"


def write_markdown(rows: Sequence[Record], columns: Sequence[str], out: TextIO, title: str | None = None) -> None:
    """A GitHub-flavoured Markdown table (for a wiki page or a ticket)."""
    if title:
        out.write(f"### {title}\n\n")
    out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
    for row in rows:
        cells = (cell(row.get(c)).replace("|", "\\|").replace("\n", " ") for c in columns)
        out.write("| " + " | ".join(cells) + " |\n")
    out.write("\n")


class Table(NamedTuple):
    rows: Sequence[Record]
    columns: Sequence[str]  # for people, in order
    title: str | None = None
    machine_columns: Sequence[str] | None = None  # CSV, when it has more (default: columns)
    styles: Mapping[str, str] = NOTHING  # a row's ``_style`` value: its Rich style
    shown: Shown = NOTHING
    empty: str | None = None  # what people read when there are no rows (None: the header alone)


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
        out.write(block.text + "\n")
        return
    if isinstance(block, Fields):
        shown = [{"field": k, "value": _shown(block.record, k, block.shown)} for k in block.record]
        block = Table(shown, ["field", "value"], block.title)
    if not block.rows and block.empty is not None:
        title = block.title or ""
        out.write(f"### {title}\n\n{block.empty}\n\n" if fmt is Format.markdown else f"{title}: {block.empty}\n")
        return
    rows = [{**row, **{k: how(row) for k, how in block.shown.items()}} for row in block.rows]
    write_table(rows, block.columns, out, title=block.title, styles=block.styles, fmt=fmt)


def _shown(record: Record, key: str, shown: Shown) -> str:
    return shown[key](record) if key in shown else cell(record[key])


def warn(message: str) -> None:
    """A warning on stderr, in the one diagnostic format."""
    sys.stderr.write(f"slacli: warning: {message}\n")


def error(message: str) -> None:
    sys.stderr.write(f"slacli: error: {message}\n")


def _is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def _rich_table(
    rows: Sequence[Record], columns: Sequence[str], out: TextIO, title: str | None, styles: Mapping[str, str]
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        numeric = bool(rows) and all(isinstance(r.get(column), int | float) for r in rows)
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns), style=styles.get(row.get("_style", ""), None))
    Console(file=out).print(table)
