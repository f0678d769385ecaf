"""Target rules: the small readable syntax of ``policies.toml`` (see README).

A rule turns an anchor instant into a due instant on a calendar. Kinds:

===============================  =====================================================
``4h``, ``30m``, ``4h30m``, ``2d``  wall duration: real elapsed time (SPEC 2.3)
``4 business hours``             business time on the calendar (SPEC 2.2); also
                                 ``business minutes``
``2 business days``              N business days (SPEC 2.4); ``workdays`` is a synonym
``next business day 09:00``      HH:MM on the first business day after the anchor's
                                 date (SPEC 2.5); ``at`` may precede the time
``end of business day``          close of the anchor's day, or of the next business
                                 day when past it (SPEC 2.6)
``end of 3rd business day``      close of the 3rd business day after the anchor's date
``none``                         no target
===============================  =====================================================
"""

# Annotations evaluated (no `from __future__ import annotations`): a NamedTuple compiles each
# field's annotation text at import, and every command imports this module.
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slacli.calendars import Calendar
from slacli.instants import MAX_SECONDS, DurationTooLong, bounded, format_duration, parse_duration, short
from slacli.vocabulary import ClockKind


def _opening_note(anchor: datetime, calendar: Calendar, zone: ZoneInfo) -> str:
    opening = calendar.next_open(anchor)
    return "" if opening == anchor else f"next opening {short(opening, zone)}; "


def business_amount(duration: timedelta) -> str:
    """Business time in words: ``4 business hours``, ``1 business hour``, ``4h 30m business``."""
    hours = duration.total_seconds() / 3600
    if not hours.is_integer():
        return format_duration(duration, ClockKind.BUSINESS)
    return f"{hours:g} business hour{'' if hours == 1 else 's'}"


def _elapsed(a: datetime, b: datetime) -> timedelta:
    """Real time from ``a`` to ``b``, through epoch seconds: datetimes in one zone subtract by wall time."""
    return timedelta(seconds=b.timestamp() - a.timestamp())


class WallDuration(NamedTuple):
    text: str
    duration: timedelta

    @property
    def clock(self) -> ClockKind:
        return ClockKind.WALL  # pauses move it by real time (SPEC 2.11)

    def due(self, anchor: datetime, calendar: Calendar) -> datetime:
        # Through epoch seconds: aware datetime + timedelta is wall-clock arithmetic.
        return datetime.fromtimestamp(anchor.timestamp() + self.duration.total_seconds(), calendar.zone)

    def explain(self, anchor: datetime, calendar: Calendar, due: datetime, zone: ZoneInfo | None = None) -> str:
        return f"+{format_duration(self.duration, ClockKind.WALL)} = {short(due, zone or calendar.zone)}"

    def notice(self, announced: datetime, start: datetime, calendar: Calendar) -> tuple[str, str]:
        """The time from ``announced`` to ``start`` in this rule's unit, and the rule's amount."""
        elapsed = _elapsed(announced, start)
        return format_duration(elapsed, ClockKind.WALL), format_duration(self.duration, ClockKind.WALL)


class BusinessDuration(NamedTuple):
    text: str
    duration: timedelta

    @property
    def clock(self) -> ClockKind:
        return ClockKind.BUSINESS

    def due(self, anchor: datetime, calendar: Calendar) -> datetime:
        return calendar.add(anchor, self.duration)

    def explain(self, anchor: datetime, calendar: Calendar, due: datetime, zone: ZoneInfo | None = None) -> str:
        zone = zone or calendar.zone
        return f"{_opening_note(anchor, calendar, zone)}+{business_amount(self.duration)} = {short(due, zone)}"

    def notice(self, announced: datetime, start: datetime, calendar: Calendar) -> tuple[str, str]:
        return business_amount(calendar.elapsed(announced, start)), business_amount(self.duration)


class BusinessDays(NamedTuple):
    text: str
    days: int

    @property
    def clock(self) -> ClockKind:
        return ClockKind.BUSINESS

    def due(self, anchor: datetime, calendar: Calendar) -> datetime:
        return calendar.add_business_days(anchor, self.days)

    def explain(self, anchor: datetime, calendar: Calendar, due: datetime, zone: ZoneInfo | None = None) -> str:
        zone = zone or calendar.zone
        day_minutes = calendar.hours.uniform_day_minutes
        how = f" of {format_duration(timedelta(minutes=day_minutes))}" if day_minutes else ""
        return f"{_opening_note(anchor, calendar, zone)}+{self.days} business days{how} = {short(due, zone)}"

    def notice(self, announced: datetime, start: datetime, calendar: Calendar) -> tuple[str, str]:
        """Whole business days (the most N with N business days from ``announced`` by
        ``start``: the rule's own count), and the business time left over."""
        days = _whole_business_days(announced, start, calendar)
        rest = calendar.elapsed(calendar.add_business_days(announced, days), start)
        amount = _days(days) + (f" and {business_amount(rest)}" if rest.total_seconds() > 0 else "")
        return amount, _days(self.days)


class NextBusinessDayAt(NamedTuple):
    text: str
    minute: int

    @property
    def clock(self) -> ClockKind:
        return ClockKind.BUSINESS

    def due(self, anchor: datetime, calendar: Calendar) -> datetime:
        day = calendar.business_days_after(calendar.to_local(anchor).date())
        return calendar.local(day, self.minute)

    def explain(self, anchor: datetime, calendar: Calendar, due: datetime, zone: ZoneInfo | None = None) -> str:
        # HH:MM is the calendar's wall time: named when the instants are shown in another zone.
        where = "" if zone in (None, calendar.zone) else f" {calendar.zone.key} time"
        at = f"{self.minute // 60:02d}:{self.minute % 60:02d}{where}"
        return f"next business day at {at} = {short(due, zone or calendar.zone)}"

    def notice(self, announced: datetime, start: datetime, calendar: Calendar) -> None:
        return None  # no amount to count: the due instant says it


class EndOfBusinessDay(NamedTuple):
    """Close of the anchor's business day (``after`` = 0), or of the Nth one after it."""

    text: str
    after: int

    @property
    def clock(self) -> ClockKind:
        return ClockKind.BUSINESS

    def due(self, anchor: datetime, calendar: Calendar) -> datetime:
        day = calendar.to_local(anchor).date()
        if self.after == 0:
            # Timestamps: datetimes in one zone compare by wall time, blind to DST folds.
            if calendar.is_business_day(day):
                close = calendar.close_of(day)
                if anchor.timestamp() < close.timestamp():
                    return close
            return calendar.close_of(calendar.business_days_after(day))
        return calendar.close_of(calendar.business_days_after(day, self.after))

    def explain(self, anchor: datetime, calendar: Calendar, due: datetime, zone: ZoneInfo | None = None) -> str:
        if self.after == 0:
            return f"end of business day = {short(due, zone or calendar.zone)}"
        return f"end of {_ordinal(self.after)} business day after = {short(due, zone or calendar.zone)}"

    def notice(self, announced: datetime, start: datetime, calendar: Calendar) -> None:
        return None  # no amount to count: the due instant says it


def _days(n: int) -> str:
    return f"{n} business day{'' if n == 1 else 's'}"


def _whole_business_days(a: datetime, b: datetime, calendar: Calendar) -> int:
    """The most N with ``add_business_days(a, N)`` at or before ``b`` (SPEC 2.4)."""
    day_minutes = calendar.hours.uniform_day_minutes
    if day_minutes is not None:  # N days are N times the day: divide
        return int(calendar.elapsed(a, b).total_seconds() // (day_minutes * 60))
    days = 0
    while calendar.add_business_days(a, days + 1).timestamp() <= b.timestamp():
        days += 1
    return days


Rule = WallDuration | BusinessDuration | BusinessDays | NextBusinessDayAt | EndOfBusinessDay
"""Every rule has ``text``, ``due(anchor, calendar)``, ``explain(anchor, calendar, due, zone)``
(instants shown in ``zone``, default the calendar's), ``notice(announced, start, calendar)``
(for a maintenance notice rule: the time between in the rule's unit and the rule's amount,
or None when the rule has no amount) and ``clock``: what pauses are measured on (the
calendar, or real time).

Stored policy snapshots keep rule *texts* and parse them again for old incidents, so a
text this grammar accepts must never change meaning; new kinds may be added."""


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# The grammar is matched word by word (the text's words, lower-cased, single-spaced), not
# by regular expressions: compiling those cost more than a deadline's arithmetic, on every
# run. Digits are Unicode decimal digits, as the regular expressions' \d were.
DAY_KINDS = ("business", "working")
AMOUNT_KINDS = (*DAY_KINDS, "work")
AMOUNT_UNITS = ("minute", "minutes", "hour", "hours", "day", "days")
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
NONE_WORDS = ("none", "no target", "")

SYNTAX_HELP = (
    "expected a duration (4h, 30m, 2d), 'N business hours', 'N business days', "
    "'next business day HH:MM', 'end of business day', 'end of Nth business day' or 'none'"
)


def parse_rule(text: str) -> Rule | None:
    """The rule ``text`` names, or None for ``none``. Raises ValueError with the reason."""
    normal = " ".join(text.lower().split())
    if normal in NONE_WORDS:
        return None
    words = normal.split(" ")
    if amount := _business_amount(words):
        number, unit = amount
        if unit == "workdays":
            return BusinessDays(text, _positive_int(number, text))
        if unit.startswith("day"):
            if not float(number).is_integer():
                raise ValueError(f"business days must be whole in {text!r}")
            return BusinessDays(text, _positive_int(str(int(float(number))), text))
        seconds = float(number) * (3600 if unit.startswith("hour") else 60)
        return BusinessDuration(text, bounded(timedelta(seconds=min(seconds, MAX_SECONDS + 1)), text))
    if (time_of_day := _next_day_at(words)) is not None:
        hour, minute = time_of_day
        if hour > 23 or minute > 59:
            raise ValueError(f"no such time of day in {text!r}")
        return NextBusinessDayAt(text, hour * 60 + minute)
    if (which := _end_of_day(words)) is not None:
        after = 0 if which == "" else 1 if which == "next" else _positive_int(which[:-2], text)
        return EndOfBusinessDay(text, after)
    try:
        return WallDuration(text, parse_duration(normal))
    except DurationTooLong:
        raise
    except ValueError:
        raise ValueError(f"unknown target {text!r}: {SYNTAX_HELP}") from None


def _business_amount(words: list[str]) -> tuple[str, str] | None:
    """(number, unit) of ``N business|working|work minutes|hours|days`` (N may have a
    fraction) or of ``N workdays`` (unit ``workdays``, N whole)."""
    if len(words) == 3 and _is_number(words[0]) and words[1] in AMOUNT_KINDS and words[2] in AMOUNT_UNITS:
        return words[0], words[2]
    if len(words) == 2 and words[0].isdecimal() and words[1] in ("workday", "workdays"):
        return words[0], "workdays"
    return None


def _next_day_at(words: list[str]) -> tuple[int, int] | None:
    """(hour, minute) of ``next business|working day [at] H:MM``."""
    if not (4 <= len(words) <= 5 and words[0] == "next" and words[1] in DAY_KINDS and words[2] == "day"):
        return None
    if len(words) == 5 and words[3] != "at":
        return None
    hour, colon, minute = words[-1].partition(":")
    if colon and 1 <= len(hour) <= 2 and hour.isdecimal() and len(minute) == 2 and minute.isdecimal():
        return int(hour), int(minute)
    return None


def _end_of_day(words: list[str]) -> str | None:
    """Which business day ``end of [the] [next|Nth] business|working day [after]`` names:
    ``""`` (the anchor's own), ``next`` or the ordinal; None when it is not that rule."""
    if words[:2] != ["end", "of"]:
        return None
    rest = words[3:] if words[2:3] == ["the"] else words[2:]
    which = rest[0] if rest and (rest[0] == "next" or _is_ordinal(rest[0])) else ""
    rest = rest[1:] if which else rest
    if rest[-1:] == ["after"]:
        rest = rest[:-1]
    return which if len(rest) == 2 and rest[0] in DAY_KINDS and rest[1] == "day" else None


def _is_number(word: str) -> bool:
    """Decimal digits, with one fraction of them or none (``4``, ``1.5``)."""
    whole, point, fraction = word.partition(".")
    return whole.isdecimal() and (not point or fraction.isdecimal())


def _is_ordinal(word: str) -> bool:
    """Digits and a suffix, any of st/nd/rd/th (``2nd``, ``3th``: the count is what matters)."""
    return len(word) > 2 and word[:-2].isdecimal() and word[-2:] in ORDINAL_SUFFIXES


def _positive_int(digits: str, text: str) -> int:
    value = int(digits)
    if value < 1:
        raise ValueError(f"the count must be at least 1 in {text!r}")
    if value > MAX_SECONDS // 86400:
        raise DurationTooLong(f"{text!r} is longer than 100 years")
    return value
