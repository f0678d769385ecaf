"""Tables, CSV, JSON and Markdown. The only library module that may use Rich (and only lazily).

Records are plain dicts of str, numbers, booleans and None; instants arrive already
formatted as ISO 8601 text. On a terminal a table is a Rich table (colour follows
NO_COLOR, TERM and FORCE_COLOR as Rich reads them); when piped it is plain, stable,
column-aligned text without Rich, which also keeps cron runs fast.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TextIO

Record = Mapping[str, Any]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"

    @property
    def human(self) -> bool:
        """A table or Markdown: for people, with the same columns and texts."""
        return self in (Format.table, Format.markdown)


def cell(value: Any) -> str:
    """A value as table text: '-' for none, yes/no for booleans."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def number(value: float) -> float | int:
    """A measured quantity for JSON/CSV: an int when whole, else rounded to 2 decimals."""
    return int(value) if float(value).is_integer() else round(value, 2)


def percent_text(pct: float | None, downtime: bool) -> str:
    """An availability with enough digits never to read 100% while there was downtime."""
    if pct is None:
        return "none (the whole period is maintenance)"
    digits = 3
    while downtime and f"{pct:.{digits}f}" == f"{100:.{digits}f}" and digits < 12:
        digits += 1
    return f"{pct:.{digits}f}%"


def neutralize(value: Any) -> Any:
    """Defuse a CSV text cell a spreadsheet would run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Sequence[Record], columns: Sequence[str], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else neutralize(_csv_value(row.get(c))) for c in columns])


def _csv_value(value: Any) -> Any:
    return ("true" if value else "false") if isinstance(value, bool) else value


def write_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


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


def write_fields(
    pairs: Sequence[tuple[str, Any]], out: TextIO, *, title: str | None = None, fmt: Format = Format.table
) -> None:
    """A two-column field/value listing (a record shown on its own)."""
    rows = [{"field": k, "value": cell(v)} for k, v in pairs]
    write_table(rows, ["field", "value"], out, title=title, fmt=fmt)


def emit(
    fmt: Format,
    rows: Sequence[Record],
    columns: Sequence[str],
    out: TextIO,
    *,
    title: str | None = None,
    json_data: Any = None,
    styles: Mapping[str, str] | None = None,
) -> None:
    """Print ``rows`` in ``fmt``; JSON prints ``json_data`` when given, else the rows."""
    if fmt is Format.json:
        write_json(rows if json_data is None else json_data, out)
    elif fmt is Format.csv:
        write_csv(rows, columns, out)
    else:
        write_table(rows, columns, out, title=title, styles=styles, fmt=fmt)


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
