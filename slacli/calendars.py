"""Business calendars and business-time arithmetic (SPEC section 2). Pure: no I/O.

A :class:`Calendar` is a time zone, weekly open hours (several intervals a day allowed)
and holidays. Its arithmetic runs on a *timeline*: the sorted open intervals of whole
months as UTC epoch seconds, with the business seconds accumulated before each one.
Positions and instants are then found by bisection, so the cost of ``add`` and
``elapsed`` does not grow with the length of the span (a 90-business-day target costs
what a 4-hour one does).

Conventions (normative, SPEC 2):

* intervals are half-open ``[open, close)``: a close instant is out of hours;
* business time is real elapsed time inside open intervals, so a DST change inside
  open hours changes that day's length and one outside them changes nothing;
* ``add(t, d)`` is the earliest ``u >= t`` with ``elapsed(t, u) >= d``: 8 business
  hours from Monday 09:00 on a 09:00-17:00 calendar is Monday 17:00, the close;
* local wall times that do not exist (the spring-forward gap) are read with the offset
  in force before the change, i.e. moved forward by the gap; ambiguous ones (fall-back)
  are read as the first occurrence. This is the stdlib's ``fold=0``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from slacli.errors import CalendarError

MINUTES_PER_DAY = 1440
EPOCH_DAY = date(1970, 1, 1).toordinal()
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far a search for the next business day may go before the calendar is declared
# closed for good (every open weekday removed by holidays, say).
MAX_SEARCH_DAYS = 366 * 10
MAX_SPAN_YEARS = 200  # a timeline covers at most this many calendar years: an SLA never needs more
# A timeline is built for the months asked about (a deadline needs one or two), and widened
# to take in months up to a year away: a batch of deadlines over a year then builds it a few
# times, not once per row; an instant further off replaces it.
WIDEN_MONTHS = 12
FIRST_MONTH = 2 * 12  # January of year 2 and December 9998: the months a timeline may hold
LAST_MONTH = 9998 * 12 + 11
ONE_DAY = timedelta(days=1)

HolidaySource = Callable[[int], Mapping[date, str]]
"""Returns the holidays (date -> name) of one calendar year."""

DayIntervals = tuple[tuple[int, int], ...]
"""Open intervals of one weekday as (open, close) minutes after local midnight."""


def no_holidays(_year: int) -> Mapping[date, str]:
    return {}


class WeeklyHours:
    """Open intervals per weekday, Monday first; minutes, close may be 1440 (24:00)."""

    __slots__ = ("days", "uniform_day_minutes")

    def __init__(self, days: tuple[DayIntervals, ...]) -> None:
        self.days = tuple(tuple(intervals) for intervals in days)
        if len(self.days) != 7:
            raise ValueError("weekly hours need exactly 7 days")
        for intervals in self.days:
            previous_close = -1
            for open_, close in intervals:
                if not 0 <= open_ < close <= MINUTES_PER_DAY:
                    raise ValueError(f"bad interval {_hhmm(open_)}-{_hhmm(close)}")
                if open_ < previous_close:
                    raise ValueError("intervals of a day overlap or are out of order")
                previous_close = close
        if not any(self.days):
            raise ValueError("no open hours on any day of the week")
        lengths = {self.day_minutes(w) for w in range(7) if self.days[w]}
        # The length of every open weekday, or None when open weekdays differ (SPEC 2.4).
        self.uniform_day_minutes = lengths.pop() if len(lengths) == 1 else None

    @classmethod
    def always(cls) -> WeeklyHours:
        return cls((((0, MINUTES_PER_DAY),),) * 7)

    def day_minutes(self, weekday: int) -> int:
        return sum(close - open_ for open_, close in self.days[weekday])

    def describe(self) -> str:
        """Readable summary such as ``Mon-Fri 09:00-17:00``."""
        groups: list[tuple[int, int, DayIntervals]] = []
        for weekday, intervals in enumerate(self.days):
            if groups and groups[-1][2] == intervals and groups[-1][1] == weekday - 1:
                groups[-1] = (groups[-1][0], weekday, intervals)
            else:
                groups.append((weekday, weekday, intervals))
        parts = []
        for first, last, intervals in groups:
            if not intervals:
                continue
            days = WEEKDAYS[first].title()
            if last != first:
                days += "-" + WEEKDAYS[last].title()
            parts.append(days + " " + ", ".join(f"{_hhmm(o)}-{_hhmm(c)}" for o, c in intervals))
        return "; ".join(parts)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Timeline:
    """Open intervals of the months ``first..last`` (numbered year * 12 + month - 1) as epoch
    seconds, merged and sorted."""

    __slots__ = ("before", "ends", "first", "hi", "last", "lo", "starts", "through")

    def __init__(self, first: int, last: int, lo: float, hi: float) -> None:
        self.first, self.last = first, last
        self.lo, self.hi = lo, hi  # local midnights: the 1st of month first, of the month after last
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.before: list[float] = []  # business seconds before interval i
        self.through: list[float] = []  # business seconds at its end


class Calendar:
    """A business calendar: time zone, weekly hours, holidays.

    ``holidays`` supplies a year's holidays (the ``holidays`` package behind a cache, in
    practice); ``extra`` adds closed dates and ``removed`` reopens dates it lists.
    """

    def __init__(
        self,
        name: str,
        zone: ZoneInfo,
        hours: WeeklyHours,
        *,
        holidays: HolidaySource = no_holidays,
        extra: Mapping[date, str] | None = None,
        removed: frozenset[date] = frozenset(),
        holiday_label: str = "",
    ) -> None:
        self.name = name
        self.zone = zone
        self.hours = hours
        self.holiday_label = holiday_label
        self._holiday_source = holidays
        self._extra = dict(extra or {})
        self._removed = removed
        self._holiday_years: dict[int, Mapping[date, str]] = {}
        # Answers by day, kept: a deadline batch asks for the same few hundred days again and again.
        self._days_after: dict[tuple[date, int], date] = {}
        self._instants: dict[tuple[date, int], datetime] = {}
        self._month_intervals: dict[int, list[tuple[float, float]]] = {}
        self._timeline: _Timeline | None = None

    def __repr__(self) -> str:
        return f"Calendar({self.name!r}, {self.zone.key}, {self.hours.describe()})"

    # -- days ------------------------------------------------------------------------

    def holiday(self, day: date) -> str | None:
        """The name of the holiday on ``day``, or None when it is not one."""
        if day in self._removed:
            return None
        if day in self._extra:
            return self._extra[day]
        names = self._holiday_years.get(day.year)
        if names is None:
            names = self._holiday_years[day.year] = self._holiday_source(day.year)
        return names.get(day)

    def is_business_day(self, day: date) -> bool:
        return bool(self.hours.days[day.weekday()]) and self.holiday(day) is None

    def business_days_after(self, day: date, n: int = 1) -> date:
        """The ``n``-th business day strictly after ``day`` (``n`` >= 1)."""
        found = self._days_after.get((day, n))
        if found is None:
            found = self._days_after[day, n] = self._search_business_day(day, n)
        return found

    def _search_business_day(self, day: date, n: int) -> date:
        for offset in range(1, MAX_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                n -= 1
                if n == 0:
                    return candidate
        raise CalendarError(f"calendar {self.name}: no business day within ten years of {day}")

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays in ``[start, end)`` that close an otherwise open weekday or not."""
        found = []
        day = start
        while day < end:
            name = self.holiday(day)
            if name is not None:
                found.append((day, name))
            day += timedelta(days=1)
        return found

    def local(self, day: date, minute: int) -> datetime:
        """The instant of ``minute`` after local midnight on ``day`` (1440 = next midnight)."""
        found = self._instants.get((day, minute))
        if found is None:
            found = self._instants[day, minute] = datetime.fromtimestamp(self._local_seconds(day, minute), self.zone)
        return found

    def _local_seconds(self, day: date, minute: int) -> float:
        if minute == MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), 0
        # fold=0 reads a wall time in the spring-forward gap with the offset before the
        # change, which puts it after the gap: the documented "moves forward" rule.
        # tzinfo positional: parsing it as a keyword costs more than the rest of the datetime.
        wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, 0, 0, self.zone)
        offset = self.zone.utcoffset(wall)  # what wall.timestamp() subtracts, asked of the zone directly: cheaper
        assert offset is not None  # a ZoneInfo always has one
        return (day.toordinal() - EPOCH_DAY) * 86400 + minute * 60 - offset.total_seconds()

    def day_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of ``day`` as instants; empty on closed days and holidays."""
        # As on the timeline: a DST gap may empty an interval or move it past the next.
        return [
            (datetime.fromtimestamp(start, self.zone), datetime.fromtimestamp(end, self.zone))
            for start, end in sorted(self._intervals_of_day(day))
        ]

    def close_of(self, day: date) -> datetime:
        """The last close of business day ``day``."""
        return self.local(day, self.hours.days[day.weekday()][-1][1])

    # -- instants --------------------------------------------------------------------

    def to_local(self, t: datetime) -> datetime:
        return t.astimezone(self.zone)

    def is_open(self, t: datetime) -> bool:
        """Whether ``t`` is in hours: inside ``[open, close)`` of a business day."""
        ts = t.timestamp()
        tl = self._timeline
        if tl is None or not tl.lo <= ts < tl.hi:
            tl = self._covering(ts, ts)
        i = bisect_right(tl.starts, ts) - 1
        return i >= 0 and ts < tl.ends[i]

    def next_open(self, t: datetime) -> datetime:
        """``t`` when in hours, else the next opening."""
        ts = t.timestamp()
        tl = self._covering(ts, ts)
        i = bisect_right(tl.starts, ts) - 1
        if i >= 0 and ts < tl.ends[i]:
            return t
        while i + 1 >= len(tl.starts):
            tl = self._extend_forward(ts)
            i = bisect_right(tl.starts, ts) - 1
        return datetime.fromtimestamp(tl.starts[i + 1], self.zone)

    def elapsed(self, a: datetime, b: datetime) -> timedelta:
        """Business time between ``a`` and ``b``; negative when ``b`` is before ``a``."""
        return timedelta(seconds=self.elapsed_seconds(a.timestamp(), b.timestamp()))

    def elapsed_seconds(self, a: float, b: float) -> float:
        tl = self._covering(min(a, b), max(a, b))
        return self._position(tl, b) - self._position(tl, a)

    def add(self, t: datetime, d: timedelta) -> datetime:
        """The earliest instant ``u >= t`` whose business time from ``t`` is ``>= d``."""
        seconds = d.total_seconds()
        if seconds < 0:
            raise CalendarError(f"cannot add a negative business duration ({d})")
        if seconds == 0:
            return t
        return datetime.fromtimestamp(self.add_seconds(t.timestamp(), seconds), self.zone)

    def add_seconds(self, ts: float, seconds: float) -> float:
        """``add`` on epoch seconds, for callers that stay out of datetime (hot loops)."""
        tl = self._timeline
        if tl is None or not tl.lo <= ts < tl.hi:
            tl = self._covering(ts, ts)
        target = self._position(tl, ts) + seconds
        while not tl.through or target > tl.through[-1]:
            tl = self._extend_forward(ts)
            target = self._position(tl, ts) + seconds  # the timeline may start later now
        j = bisect_left(tl.through, target)
        return tl.starts[j] + (target - tl.before[j])

    def add_business_days(self, t: datetime, n: int) -> datetime:
        """N business days from ``t`` (SPEC 2.4).

        On a calendar whose open weekdays all have the same length, N times that length
        of business time, added as ``add`` does. Otherwise the (rolled-forward) start's
        local wall time on the N-th business day after it; a wall time the day does not
        have is clamped into it: before the opening gives the opening, in a break or
        after the close gives the close before it (the business time of that day up to
        that wall time is then all used), and a time in the DST gap moves forward.
        """
        if n < 0:
            raise CalendarError(f"cannot add a negative number of business days ({n})")
        day_minutes = self.hours.uniform_day_minutes
        if day_minutes is not None:
            return self.add(t, timedelta(minutes=day_minutes * n))
        if n == 0:
            return t
        start = self.to_local(self.next_open(t))
        day = self.business_days_after(start.date(), n)
        wall = start.hour * 60 + start.minute
        for open_, close in reversed(self.hours.days[day.weekday()]):
            if wall >= close:
                return self.local(day, close)
            if wall >= open_:
                exact = datetime.combine(day, start.time().replace(tzinfo=None))
                return datetime.fromtimestamp(exact.replace(tzinfo=self.zone).timestamp(), self.zone)
        return self.local(day, self.hours.days[day.weekday()][0][0])

    # -- timeline --------------------------------------------------------------------

    @staticmethod
    def _position(tl: _Timeline, ts: float) -> float:
        """Business seconds from the timeline's start up to ``ts``."""
        i = bisect_right(tl.starts, ts) - 1
        if i < 0:
            return 0.0
        if ts < tl.ends[i]:
            return tl.before[i] + (ts - tl.starts[i])
        return tl.through[i]

    def _covering(self, lo: float, hi: float) -> _Timeline:
        """A timeline whose range contains ``[lo, hi]``, built or widened as needed."""
        tl = self._timeline
        covering = tl if tl is not None and tl.lo <= lo and hi < tl.hi else None
        if covering is not None and _years(covering.first, covering.last) <= MAX_SPAN_YEARS:
            return covering  # nothing asked within it can span too long
        first, last = self._months(lo, hi)
        if _years(first, last) > MAX_SPAN_YEARS:
            raise CalendarError(f"calendar {self.name}: spans of more than {MAX_SPAN_YEARS} years are not supported")
        if covering is not None:
            return covering
        if tl is not None and first <= tl.last + WIDEN_MONTHS and last >= tl.first - WIDEN_MONTHS:
            wider = min(first, tl.first), max(last, tl.last)
            if not _too_long(*wider):  # widen; a far-off range, or one too long together, replaces it
                first, last = wider
        return self._build(first, last)

    def _months(self, lo: float, hi: float) -> tuple[int, int]:
        """The first and last months whose local midnights enclose ``lo`` and ``hi``."""
        try:
            first, last = (_month_of(datetime.fromtimestamp(x, self.zone)) for x in (lo, hi))
        except (ValueError, OverflowError, OSError):
            raise CalendarError(f"calendar {self.name}: instant out of the supported years") from None
        # Around a change of offset at midnight an instant's local date can be in the month
        # before or after the one whose midnights enclose it (a fold into the 1st repeats
        # the last hour of the month before): take in the neighbour then.
        if first > FIRST_MONTH and lo < self._local_seconds(_first_day(first), 0):
            first -= 1
        if last < LAST_MONTH and hi >= self._local_seconds(_first_day(last + 1), 0):
            last += 1
        return first, last

    def _extend_forward(self, ts: float) -> _Timeline:
        """The timeline, twice as long, for a target beyond it from ``ts``: a far target costs
        a few builds. Business time is looked for up to December of the year MAX_SPAN_YEARS
        + 1 after the one of ``ts``, whatever the timeline held before."""
        assert self._timeline is not None
        tl = self._timeline
        start = self._months(ts, ts)[0]
        end = min((start // 12 + MAX_SPAN_YEARS + 1) * 12 + 11, LAST_MONTH)
        if tl.last >= end:
            if end == LAST_MONTH:
                raise CalendarError(f"calendar {self.name}: instant out of the supported years")
            raise CalendarError(
                f"calendar {self.name}: no business time within {MAX_SPAN_YEARS} years, or the span is too long"
            )
        first = start if _too_long(tl.first, end) else tl.first  # months widened in before ts may go
        return self._build(first, min(2 * tl.last - first + 1, end))

    def _build(self, first: int, last: int) -> _Timeline:
        if first < FIRST_MONTH or last > LAST_MONTH:
            raise CalendarError(f"calendar {self.name}: instant out of the supported years")
        start_day, end_day = _first_day(first), _first_day(last + 1)
        lo, hi = self._local_seconds(start_day, 0), self._local_seconds(end_day, 0)
        tl = _Timeline(first, last, lo, hi)
        total = 0.0
        for start, end in self._gathered(first, last, start_day, end_day):
            if start < lo or end > hi:
                start, end = max(start, lo), min(end, hi)
                if end <= start:
                    continue  # outside the range
            if tl.ends and start <= tl.ends[-1]:  # touching or overlapping: merge
                if end > tl.ends[-1]:
                    total += end - tl.ends[-1]
                    tl.ends[-1] = end
                    tl.through[-1] = total
                continue
            tl.starts.append(start)
            tl.ends.append(end)
            tl.before.append(total)
            total += end - start
            tl.through.append(total)
        self._timeline = tl
        return tl

    def _gathered(self, first: int, last: int, start_day: date, end_day: date) -> list[tuple[float, float]]:
        """The open intervals that may lie in months ``first..last``, sorted. A wall time in a
        spring-forward gap moves forward and can overtake later hours, those of the next day
        or month too (a gap at midnight before the 1st): the day either side comes too, and
        the caller keeps what lies within the range."""
        intervals = self._intervals_of_day(start_day - ONE_DAY)
        for month in range(first, last + 1):
            intervals += self._intervals_of_month(month)
        intervals += self._intervals_of_day(end_day)
        intervals.sort()
        return intervals

    def _intervals_of_month(self, month: int) -> list[tuple[float, float]]:
        cached = self._month_intervals.get(month)
        if cached is None:
            cached = self._month_intervals[month] = []
            day = _first_day(month)
            while _month_of(day) == month:
                cached += self._intervals_of_day(day)
                day += ONE_DAY
        return cached

    def _intervals_of_day(self, day: date) -> list[tuple[float, float]]:
        """The open intervals of ``day`` as epoch seconds, in the order of its hours."""
        found = []
        if self.is_business_day(day):
            for open_, close in self.hours.days[day.weekday()]:
                start, end = self._local_seconds(day, open_), self._local_seconds(day, close)
                if end > start:  # a DST gap can swallow a short interval
                    found.append((start, end))
        return found


def _month_of(day: date) -> int:
    """The number of the month of ``day``: year * 12 + month - 1."""
    return day.year * 12 + day.month - 1


def _too_long(first: int, last: int) -> bool:
    """Whether a timeline of months ``first..last`` is over the limit: the years of a span
    and the one after, which a search for business time may add."""
    return _years(first, last) > MAX_SPAN_YEARS + 1


def _years(first: int, last: int) -> int:
    """How many calendar years months ``first..last`` reach across (0 within one year)."""
    return last // 12 - first // 12


def _first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def always_open(zone: ZoneInfo | None = None) -> Calendar:
    """The 24x7 calendar: every instant is in hours and business time is wall time."""
    return Calendar("24x7", zone or ZoneInfo("UTC"), WeeklyHours.always())
