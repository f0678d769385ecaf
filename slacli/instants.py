"""Instants and durations at the edges: parsing user text, formatting for output.

Inside the engine every datetime is aware. Text without an offset is read in the
policy's zone (SPEC 2.10); a wall time that zone skips (spring forward) or repeats
(fall back) is refused unless an offset is given.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slacli.errors import InputError
from slacli.vocabulary import ClockKind

EXAMPLE = "2026-11-23T14:00 or 2026-11-23T14:00-05:00"


def now() -> datetime:
    """The current instant, to the second (deadlines are not kept in microseconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; InputError when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {name!r} (expected an IANA name such as America/New_York)") from None


FIRST_YEAR, LAST_YEAR = 2, 9998


def parse_instant(text: str, tz: ZoneInfo | None, *, what: str = "instant") -> datetime:
    """An aware datetime from ISO 8601 text, or ``now``; naive text is read in ``tz``
    (None: the machine's local time, for commands that span policies)."""
    text = text.strip()
    if text.lower() == "now":
        return now().astimezone(tz) if tz else now()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"malformed {what} {text!r} (expected ISO 8601 such as {EXAMPLE})") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:  # room for a week or a month either side, in any zone
        raise InputError(f"{what} {text!r} is out of the supported years ({FIRST_YEAR}-{LAST_YEAR})")
    if parsed.tzinfo is not None:
        return parsed
    if tz is None:
        return parsed.astimezone()
    return localize(parsed, tz, what=what)


def before(a: datetime, b: datetime) -> bool:
    """Whether instant ``a`` is earlier than ``b`` (both aware)."""
    zone = a.tzinfo
    # Datetimes sharing a tzinfo compare by wall time, blind to DST folds: right when their
    # offsets agree, and much cheaper than two timestamp() calls (a batch does this per row).
    if zone is not b.tzinfo or zone is None or zone.utcoffset(a) == zone.utcoffset(b):
        return a < b
    return a.timestamp() < b.timestamp()


def localize(wall: datetime, tz: ZoneInfo, *, what: str = "instant") -> datetime:
    """Attach ``tz`` to a naive wall time, refusing times that are skipped or repeated."""
    # Constructors and the zone's own utcoffset: this runs for every instant of a deadline
    # batch, and wall.replace(tzinfo=...) and first.utcoffset() cost several times more.
    fields = (wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second, wall.microsecond)
    first = datetime(*fields, tz)
    second = datetime(*fields, tz, fold=1)
    if tz.utcoffset(first) == tz.utcoffset(second):
        return first
    shown = wall.isoformat(timespec="minutes")
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != wall:
        raise InputError(f"{what} {shown} does not exist in {tz.key} (clocks spring forward); give an offset")
    offsets = " or ".join(_offset(t) for t in (first, second))
    raise InputError(f"{what} {shown} is ambiguous in {tz.key} (clocks fall back); give an offset: {offsets}")


def _offset(t: datetime) -> str:
    return t.isoformat()[-6:]


def iso(t: datetime, tz: ZoneInfo | None) -> str:
    """ISO 8601 with offset, in ``tz`` (None: the machine's local zone)."""
    return instant_text(t.astimezone(tz))


def instant_text(t: datetime) -> str:
    """ISO 8601 with its offset as it stands; seconds precision unless there is a fraction."""
    return t.isoformat()  # timespec "auto" is that rule, and no keyword is faster per cell


def short(t: datetime, tz: ZoneInfo) -> str:
    """Compact local form for explanations: ``Sat 21 Nov 12:00 EST``."""
    local = t.astimezone(tz)
    return local.strftime("%a %d %b %H:%M ") + (local.tzname() or "")


_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_UNIT_WORDS = {
    "d": ("d", "day", "days"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "m": ("m", "min", "mins", "minute", "minutes"),
    "s": ("s", "sec", "secs", "second", "seconds"),
}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*")


MAX_SECONDS = 100 * 366 * 86400  # no SLA target is longer than a century


class DurationTooLong(ValueError):
    pass


def bounded(d: timedelta, text: str) -> timedelta:
    if d.total_seconds() > MAX_SECONDS:
        raise DurationTooLong(f"{text!r} is longer than 100 years")
    return d


def parse_duration(text: str, *, allow_days: bool = True) -> timedelta:
    """A duration from ``30m``, ``4h30m``, ``2d``, ``90 minutes`` or ISO ``PT4H30M``.

    Days are 24 hours of real time. Raises ValueError (callers add context).
    """
    text = text.strip().lower()
    if text.startswith("p"):
        return bounded(_parse_iso_duration(text.upper(), allow_days), text)
    total = 0.0
    position = 0
    seen = False
    while position < len(text):
        match = _PART.match(text, position)
        if not match or match.group(2) not in _UNIT_OF:
            raise ValueError(f"malformed duration {text!r} (a number and a unit, such as 30m, 4h30m, 2d or PT4H)")
        unit = _UNIT_OF[match.group(2)]
        if unit == "d" and not allow_days:
            raise ValueError(f"days are ambiguous in {text!r}; say 'N business days' or use hours")
        total += float(match.group(1)) * _UNIT_SECONDS[unit]
        position = match.end()
        seen = True
    if not seen:
        raise ValueError("empty duration")
    return bounded(timedelta(seconds=min(total, MAX_SECONDS + 1)), text)


def _parse_iso_duration(text: str, allow_days: bool) -> timedelta:
    import pendulum  # lazily: only ISO 8601 durations need it, and it costs start-up time

    try:
        parsed = pendulum.parse(text)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise ValueError(f"malformed ISO 8601 duration {text!r}") from None
    if not isinstance(parsed, pendulum.Duration):
        raise ValueError(f"{text!r} is not an ISO 8601 duration")
    if parsed.years or parsed.months:
        raise ValueError(f"{text!r}: months and years have no fixed length")
    if not allow_days and (parsed.days or parsed.weeks):
        raise ValueError(f"days are ambiguous in {text!r}; say 'N business days' or use hours")
    if not any(ch.isdigit() for ch in text):
        raise ValueError(f"malformed ISO 8601 duration {text!r}")
    return timedelta(seconds=parsed.total_seconds())


def format_duration(d: timedelta, counts: ClockKind | None = None) -> str:
    """A duration as people read it: ``2d 3h 15m``, zero parts left out (``3h``, ``1d 5m``),
    whole minutes (seconds dropped) from a minute on, seconds only under one (``45s``),
    ``0m`` for none. ``counts`` labels it: business time in hours and minutes only (``13h
    business``: a business day has no fixed length, so ``2d`` would read as 48 hours), wall
    time with days (``2d 4h wall``). Only a magnitude: the caller says a negative in words
    (``overdue by 2h 5m``); ValueError for a negative duration."""
    seconds = round(d.total_seconds())
    if seconds < 0:
        raise ValueError(f"a negative duration ({d}) is said in words, not formatted")
    label = f" {counts}" if counts is not None else ""
    if 0 < seconds < 60:
        return f"{seconds}s{label}"
    minutes = seconds // 60
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24) if counts != ClockKind.BUSINESS else (0, hours)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return " ".join(parts or ["0m"]) + label
