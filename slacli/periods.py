"""Periods availability and reports are measured over: calendar months, ISO weeks and
calendar quarters in a policy's zone (SPEC 4), and ``--month``/``--week``/``--quarter`` parsing."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slacli.errors import InputError
from slacli.instants import FIRST_YEAR, LAST_YEAR
from slacli.recorded import PeriodKind


def month(year: int, number: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[first day 00:00, first day of the next month 00:00) in ``zone`` (SPEC 4)."""
    following = date(year + number // 12, number % 12 + 1, 1)
    return (datetime.combine(date(year, number, 1), time(), zone), datetime.combine(following, time(), zone))


def iso_week(year: int, week: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[Monday 00:00, the next Monday 00:00) of ISO week ``week`` in ``zone``."""
    monday = date.fromisocalendar(year, week, 1)  # ValueError for a week the year does not have
    return (datetime.combine(monday, time(), zone), datetime.combine(monday + timedelta(days=7), time(), zone))


def quarter(year: int, number: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[the quarter's first day 00:00, the next quarter's first day 00:00) in ``zone``:
    quarter 1 is January to March."""
    return month(year, 3 * number - 2, zone)[0], month(year + number // 4, 3 * number % 12 + 1, zone)[0]


class Period(NamedTuple):
    """A calendar month, an ISO week or a calendar quarter, placed in a policy's zone by :meth:`bounds`."""

    kind: PeriodKind
    label: str  # 2026-11, 2026-W47 or 2026-Q4
    year: int
    number: int

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return BOUNDS[self.kind](self.year, self.number, zone)


BOUNDS = {PeriodKind.MONTH: month, PeriodKind.WEEK: iso_week, PeriodKind.QUARTER: quarter}
SHAPES = {
    PeriodKind.MONTH: (r"([0-9]{4})-([0-9]{2})", "YYYY-MM"),
    PeriodKind.WEEK: (r"([0-9]{4})-W([0-9]{2})", "YYYY-Www"),
    PeriodKind.QUARTER: (r"([0-9]{4})-Q([1-4])", "YYYY-Qn"),
}
UTC_ZONE = ZoneInfo("UTC")


def parse_period(
    month_text: str | None = None, week_text: str | None = None, quarter_text: str | None = None
) -> Period:
    """``--month YYYY-MM``, ``--week YYYY-Www`` or ``--quarter YYYY-Qn`` (exactly one of them)."""
    given = [(kind, text) for kind, text in zip(SHAPES, (month_text, week_text, quarter_text), strict=True) if text]
    if len(given) != 1:
        raise InputError("give --month YYYY-MM, --week YYYY-Www or --quarter YYYY-Qn")
    [(kind, text)] = given
    shape, example = SHAPES[kind]
    found = re.fullmatch(shape, text)
    if found and not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise InputError(f"--{kind} {text!r} is out of the supported years ({FIRST_YEAR}-{LAST_YEAR})")
    try:
        if not found:
            raise ValueError(text)
        period = Period(kind, text, int(found[1]), int(found[2]))
        period.bounds(UTC_ZONE)  # month 13, week 54, week 53 of a 52-week year
    except ValueError:
        raise InputError(f"malformed --{kind} {text!r} (expected {example})") from None
    return period


def months_back(count: int, until: datetime, zone: ZoneInfo) -> list[Period]:
    """The ``count`` calendar months up to the one ``until`` falls in (in ``zone``), oldest first."""
    today = until.astimezone(zone)
    year, number = today.year, today.month
    found = []
    for _ in range(count):
        found.append(Period(PeriodKind.MONTH, f"{year:04d}-{number:02d}", year, number))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return found[::-1]


def refuse_future(start: datetime, as_of: datetime, what: str) -> None:
    """A period that has not begun has no availability yet: an input error, not 100%."""
    if start > as_of:
        raise InputError(f"{what} has not begun (it starts {start.isoformat()})")
