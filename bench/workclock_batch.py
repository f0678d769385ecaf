"""The CSV job of ``slacli deadline --input FILE --format csv``, done with workclock instead.

A peer for bench/batch.py: it reads the same CSV (``policy,severity,opened,acked``, instants
without an offset read in the policy's zone), works out the same response and resolution
due instants, and writes the same columns (the input's, then ``response_due`` and
``resolution_due``, ISO 8601 with the offset of the policy's zone) to stdout. The
calendars and targets come from slacli's shipped ``policies.toml``, read here with tomllib;
each calendar becomes a ``workclock.Schedule`` of its weekly hours and its country's
``holidays`` (2024-2030), and each rule kind the presets use is computed with workclock's
``add`` and ``next_period``. It checks nothing slacli checks (unknown policies, DST gaps,
acked before opened): the bench's input has none of those.

Run with the bench venv (see README.md):
``bench/.venv/bin/python bench/workclock_batch.py FILE > out.csv``.
"""

from __future__ import annotations

import csv
import re
import sys
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import workclock

import slacli

POLICIES = Path(slacli.__file__).with_name("policies.toml")
YEARS = range(2024, 2031)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Due = Callable[[datetime], datetime]  # anchor -> due instant


class Calendar:
    """A policy calendar: its zone and a workclock schedule (None: 24x7)."""

    def __init__(self, zone: ZoneInfo, schedule: workclock.Schedule | None, day_length: timedelta | None) -> None:
        self.zone, self.schedule, self.day_length = zone, schedule, day_length

    def is_open(self, t: datetime) -> bool:
        return self.schedule is None or self.schedule.next_period(t)[0] == t

    def midnight_after(self, t: datetime) -> datetime:
        day = t.astimezone(self.zone).date() + timedelta(days=1)
        return datetime(day.year, day.month, day.day, tzinfo=self.zone)

    def at(self, day: date, hhmm: time) -> datetime:
        wall = datetime.combine(day, hhmm, self.zone)
        return datetime.fromtimestamp(wall.timestamp(), self.zone)  # a time in a DST gap moves forward


def calendar(spec: dict, zone: ZoneInfo) -> Calendar:
    if spec.get("timezone") is None:  # "24x7"
        return Calendar(zone, None, None)
    zone = ZoneInfo(spec["timezone"])
    rules: list = [workclock.Holidays(holidays.country_holidays(spec["holidays"]["country"], years=YEARS))]
    lengths = set()
    for days, hours in spec["hours"].items():
        first, last = (WEEKDAYS.index(d) for d in days.split("-"))
        start, end = (time.fromisoformat(h) for h in hours.split("-"))
        rules.append(workclock.WorkDay(start, end, range(first, last + 1)))
        lengths.add(datetime.combine(date.min, end) - datetime.combine(date.min, start))
    return Calendar(zone, workclock.Schedule(rules, time_zone=zone), lengths.pop() if len(lengths) == 1 else None)


def rule(text: str, cal: Calendar) -> Due | None:
    """The due instant function of one rule text of the presets (the kinds they use)."""
    text = text.strip().lower()
    zone, schedule = cal.zone, cal.schedule
    if text == "none":
        return None
    if m := re.fullmatch(r"(\d+)([hm])", text):
        span = timedelta(**{"hours" if m[2] == "h" else "minutes": int(m[1])}).total_seconds()
        return lambda t: datetime.fromtimestamp(t.timestamp() + span, zone)  # wall clock
    if m := re.fullmatch(r"(\d+) business (hours|days?)", text):
        assert schedule is not None and cal.day_length is not None
        span = int(m[1]) * (cal.day_length if m[2].startswith("day") else timedelta(hours=1))
        return lambda t: schedule.add(t, span).astimezone(zone)
    if m := re.fullmatch(r"next business day (\d\d:\d\d)", text):
        assert schedule is not None
        hhmm = time.fromisoformat(m[1])
        return lambda t: cal.at(schedule.next_period(cal.midnight_after(t))[0].astimezone(zone).date(), hhmm)
    if text == "end of business day":
        assert schedule is not None
        return lambda t: schedule.next_period(t)[1].astimezone(zone)  # one period a day in the presets
    if m := re.fullmatch(r"end of (\d+)(?:st|nd|rd|th) business day", text):
        assert schedule is not None
        n = int(m[1])

        def end_of_nth(t: datetime) -> datetime:
            end = cal.midnight_after(t)
            for _ in range(n):
                end = schedule.next_period(end)[1]
            return end.astimezone(zone)

        return end_of_nth
    raise ValueError(f"rule {text!r} is not one the presets use")


class Target:
    def __init__(self, spec: str | dict | None, cal: Calendar) -> None:
        if isinstance(spec, dict) and "rule" in spec:
            self.from_acked = spec.get("anchor") == "acked"
            spec = spec["rule"]
        else:
            self.from_acked = False
        if isinstance(spec, dict):
            self.in_hours, self.out_of_hours = rule(spec["in_hours"], cal), rule(spec["out_of_hours"], cal)
        else:
            self.in_hours = self.out_of_hours = rule(spec or "none", cal)
        self.calendar = cal

    def due(self, anchor: datetime | None) -> datetime | None:
        if anchor is None:
            return None
        if self.in_hours is self.out_of_hours:
            chosen = self.in_hours
        else:
            chosen = self.in_hours if self.calendar.is_open(anchor) else self.out_of_hours
        return chosen(anchor) if chosen else None


def severities() -> dict[tuple[str, str], tuple[ZoneInfo, Target, Target]]:
    """(policy, severity key) -> (the policy's zone, response target, resolution target)."""
    document = tomllib.loads(POLICIES.read_text(encoding="utf-8"))
    found = {}
    for name, policy in document["policies"].items():
        base = document["calendars"][policy["calendar"]]
        zone = ZoneInfo(base["timezone"])
        calendars = {policy["calendar"]: calendar(base, zone), "24x7": calendar({}, zone)}
        for key, severity in policy["severities"].items():
            own = severity.get("calendar", policy["calendar"])
            if own not in calendars:
                calendars[own] = calendar(document["calendars"][own], zone)
            cal = calendars[own]
            found[name, key] = (zone, Target(severity.get("response"), cal), Target(severity.get("resolution"), cal))
    return found


def text(t: datetime | None) -> str:
    return t.isoformat(timespec="seconds") if t else ""


def main() -> None:
    targets = severities()
    with open(sys.argv[1], encoding="utf-8", newline="") as source:
        rows = csv.reader(source)
        header = next(rows)
        policy, severity, opened, acked = (header.index(c) for c in ("policy", "severity", "opened", "acked"))
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow([*header, "response_due", "resolution_due"])
        for row in rows:
            zone, response, resolution = targets[row[policy], row[severity]]
            opened_at = datetime.fromisoformat(row[opened]).replace(tzinfo=zone)
            acked_at = datetime.fromisoformat(row[acked]).replace(tzinfo=zone) if row[acked] else None
            response_due = response.due(opened_at)
            if resolution.from_acked:  # SPEC 2.9: from the acknowledgement, at the latest the response due
                anchor = acked_at if response_due is None or acked_at is None else min(acked_at, response_due)
                resolution_due = resolution.due(anchor or response_due)
            else:
                resolution_due = resolution.due(opened_at)
            out.writerow([*row, text(response_due), text(resolution_due)])


if __name__ == "__main__":
    main()
