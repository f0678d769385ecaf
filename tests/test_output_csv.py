"""The CSV writer: every cell holding CR or LF quoted, formulas defused, numbers left alone."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slacli.output import FORMULA_STARTS, escaped, neutralize, write_csv


def written(*cells: object) -> str:
    out = io.StringIO()
    write_csv([{str(i): c for i, c in enumerate(cells)}], [str(i) for i in range(len(cells))], out)
    return out.getvalue()


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_rows_end_in_lf_and_plain_cells_are_not_quoted():
    assert written("a", 1, 2.5, True, None, "b c") == "0,1,2,3,4,5\na,1,2.5,true,,b c\n"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),  # text that looks like a number is still text: guarded
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=HYPERLINK(1)", "'\r=HYPERLINK(1)"),
        ("a\r=1+1", "'a\r=1+1"),  # any cell with CR or LF: a careless import starts a row there
        ("a\n=1+1", "'a\n=1+1"),
        ("two\r\nlines", "'two\r\nlines"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_guarded_cells_read_back_as_one_cell(value, cell):
    text = written(value, "next")
    assert read_back(text) == [["0", "1"], [cell, "next"]]


def test_a_bare_cr_is_quoted_so_no_spreadsheet_starts_a_row_there():
    text = written("a\r=1+1", "\r=HYPERLINK(1)")
    assert text == '0,1\n"\'a\r=1+1","\'\r=HYPERLINK(1)"\n'
    outside_quotes = text.split('"')[::2]
    assert not any("\r" in part for part in outside_quotes)


@pytest.mark.parametrize("number", [-5, 0, 7, -2.5, 1e-9, -1e300])
def test_numbers_stay_numbers(number):
    assert neutralize(number) == number
    assert read_back(written(number)) == [["0"], [str(number)]]


CELLS = st.text(st.characters(codec="utf-8"))  # any text a record can hold (no lone surrogates)


@given(CELLS, st.integers(), st.floats(allow_nan=False, allow_infinity=False))
def test_any_text_cell_round_trips_as_one_cell_defused(text, integer, real):
    rows = read_back(written(text, integer, real))
    assert rows[0] == ["0", "1", "2"]
    assert len(rows) == 2 and len(rows[1]) == 3
    cell, *numbers = rows[1]
    assert numbers == [str(integer), repr(real)]  # numbers unchanged
    shown = escaped(text, csv=True)
    assert cell in (shown, "'" + shown)
    if not cell.startswith("'"):
        assert not cell.startswith(FORMULA_STARTS)
        assert "\r" not in cell and "\n" not in cell


@given(CELLS)
def test_the_guard_alone(text):
    guarded = neutralize(text)
    assert guarded in (text, "'" + text)
    assert (guarded != text) == (text.startswith(FORMULA_STARTS) or "\r" in text or "\n" in text)


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.sampled_from(list(" ,\"'\r\n\ta=+-@x\u2028\x1b")), max_size=6),
)


@given(st.lists(CELLS, min_size=1, max_size=5), st.lists(CELLS, max_size=5))
def test_lines_written_without_the_writer_are_what_the_writer_writes(first: list, second: list) -> None:
    # write_csv joins a line itself when no cell needs quoting: the same bytes as csv.writer
    # (QUOTE_MINIMAL, CRLF, then LF), a row of one empty cell and a header included.
    from slacli.output import _csv_cell, _Rows

    columns = [str(i) for i in range(len(first))]
    rows = [dict(zip(columns, first, strict=True)), dict(zip(columns, second, strict=False))]
    expected = io.StringIO()
    writer = csv.writer(_Rows(expected), lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    out = io.StringIO()
    write_csv(rows, columns, out)
    assert out.getvalue() == expected.getvalue()


def test_a_row_of_one_empty_cell_is_quoted_as_the_writer_does():
    assert written("") == '0\n""\n'
    assert written(None, None) == "0,1\n,\n"
