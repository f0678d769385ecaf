"""Maintenance windows: kinds, classification, warnings and states. Pure (SPEC 3, optimy).

A window is scheduled, regular or emergency. Without an explicit kind it is classified
by the policy's notice rule: announced with less notice than the rule asks (optimy: 5
business days before it starts), it is emergency maintenance. Scheduled and regular
maintenance that overlaps business hours, and regular maintenance beyond the policy's
allowance per ISO week, are recorded with warnings.

A window may repeat (:func:`occurrences`): a series is expanded, as an RFC 5545 RRULE,
into windows of their own, each classified and warned about like one added alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from slacli.errors import InputError
from slacli.instants import format_duration, iso, short
from slacli.policy import Policy
from slacli.recorded import MaintenanceImpact, Repeat, WindowAction, WindowStatus
from slacli.uptime import Weighted
from slacli.vocabulary import MaintenanceKind

# A series longer than this is refused: a year of daily windows, seven years of weekly ones.
MAX_OCCURRENCES = 366
Span = tuple[datetime, datetime]

# action: (the states it may start from, the state it leads to)
TRANSITIONS = {
    WindowAction.START: ((WindowStatus.SCHEDULED,), WindowStatus.IN_PROGRESS),
    WindowAction.COMPLETE: ((WindowStatus.SCHEDULED, WindowStatus.IN_PROGRESS), WindowStatus.COMPLETED),
    WindowAction.CANCEL: ((WindowStatus.SCHEDULED,), WindowStatus.CANCELLED),
}


class Window(NamedTuple):
    policy: str
    kind: MaintenanceKind
    status: WindowStatus
    start: datetime
    end: datetime
    announced: datetime | None = None
    title: str = ""
    service: str | None = None
    warnings: tuple[str, ...] = ()
    # When each action happened (its --at), in order: what as-of reads undo (SPEC 2.14).
    changes: tuple[tuple[datetime, WindowAction], ...] = ()
    impact: MaintenanceImpact = MaintenanceImpact.FULL
    kind_reason: str = ""  # why it is of its kind, in words, as decided when it was added

    def as_of(self, when: datetime) -> Window | None:
        """The window as it stood at ``when``: None before it was announced, and any
        start, completion or cancellation recorded after ``when`` not yet done."""
        if self.announced is not None and self.announced > when:
            return None
        done = tuple(change for change in self.changes if change[0] <= when)
        if len(done) == len(self.changes):
            return self
        status = TRANSITIONS[done[-1][1]][1] if done else WindowStatus.SCHEDULED
        return self._replace(status=status, changes=done)


class Notice(NamedTuple):
    """What the notice a window had makes it under its policy's rule, and why, in words."""

    kind: MaintenanceKind
    reason: str


def notice(policy: Policy, start: datetime, announced: datetime, *, assumed: bool = False) -> Notice:
    """Scheduled, or emergency when announced later than the policy's notice rule allows
    (exactly the rule's notice before the start is enough: the seed's "less than 5 business
    days" is emergency); the reason counts in the rule's own unit on the policy's calendar.
    ``assumed``: the announcement was taken as now, no --announced given."""
    rule, calendar = policy.maintenance.notice, policy.calendar
    told = short(announced, calendar.zone)
    lead = f"announced now ({told}, no --announced given)" if assumed else f"announced {told}"
    if rule is None:
        return Notice(MaintenanceKind.SCHEDULED, f"{lead}; policy {policy.name} asks no notice, so scheduled")
    due = rule.due(announced, calendar)
    late = due.timestamp() > start.timestamp()
    kind = MaintenanceKind.EMERGENCY if late else MaintenanceKind.SCHEDULED
    counted = rule.notice(announced, start, calendar)
    if counted is None:
        where = "after" if late else "at or before"
        return Notice(
            kind,
            f"{lead}; the notice the policy requires ({rule.text}) runs to {short(due, calendar.zone)}, "
            f"{where} the start ({short(start, calendar.zone)}), so {kind}",
        )
    amount, required = counted
    return Notice(
        kind,
        f"{lead}, {amount} before the start: {'less than' if late else 'at least'} "
        f"the {required} the policy requires, so {kind}",
    )


def new_window(
    policy: Policy,
    start: datetime,
    end: datetime,
    *,
    kind: str | None,
    announced: datetime | None,
    now: datetime,
    impact: str | None = None,
    title: str,
    service: str | None,
    others: Iterable[Window],
) -> Window:
    """A window to record, classified (why in ``kind_reason``) and with its warnings;
    ``others``: the policy's windows. Without ``announced`` it was announced ``now``."""
    if kind is not None and kind not in list(MaintenanceKind):
        raise InputError(f"unknown maintenance kind {kind!r} (known: {', '.join(MaintenanceKind)})")
    if impact is not None and impact not in list(MaintenanceImpact):
        raise InputError(f"unknown maintenance impact {impact!r} (known: {', '.join(MaintenanceImpact)})")
    zone = policy.calendar.zone
    told = announced or now
    if end.timestamp() <= start.timestamp():
        raise InputError(f"--end {iso(end, zone)} is not after --start {iso(start, zone)}")
    if told.timestamp() > start.timestamp():
        raise InputError(
            f"--announced {iso(told, zone)} is after --start {iso(start, zone)}: a window is announced before it starts"
            if announced
            else f"--start {iso(start, zone)} is before now ({iso(now, zone)}): a window recorded after it "
            "started needs --announced T, when it was announced"
        )
    judged = notice(policy, start, told, assumed=announced is None)
    # A kind given is kept; one the notice contradicts (too late for scheduled) is warned about.
    contradicted = kind not in (None, MaintenanceKind.EMERGENCY) and judged.kind == MaintenanceKind.EMERGENCY
    if kind is None:
        chosen, reason = judged
    else:
        chosen = MaintenanceKind(kind)
        given = f"kind {kind} given with --kind"
        if contradicted:
            given += f" (by the notice: {judged.reason})"
        elif announced is None:
            given += f"; announced now ({short(told, policy.calendar.zone)}, no --announced given)"
        reason = given
    window = Window(policy.name, chosen, WindowStatus.SCHEDULED, start, end, told, title, service)
    window = window._replace(impact=MaintenanceImpact(impact or MaintenanceImpact.FULL), kind_reason=reason)
    found = warnings(policy, window, others)
    if contradicted:
        found.insert(0, f"announced with less notice than policy {policy.name} asks: that makes it emergency")
    return window._replace(warnings=tuple(found))


def warnings(policy: Policy, window: Window, others: Iterable[Window]) -> list[str]:
    rules = policy.maintenance
    found = []
    if window.kind != MaintenanceKind.EMERGENCY and rules.outside_hours:
        inside = policy.calendar.elapsed(window.start, window.end)
        if inside.total_seconds() > 0:
            found.append(f"{window.kind} maintenance overlaps business hours by {format_duration(inside)}")
    if window.kind == MaintenanceKind.REGULAR and rules.regular_per_week is not None:
        week = _iso_week(window.start, policy)
        same_week = [
            w
            for w in others
            if w.kind == MaintenanceKind.REGULAR
            and w.status != WindowStatus.CANCELLED
            and _iso_week(w.start, policy) == week
        ]
        if len(same_week) >= rules.regular_per_week:
            found.append(
                f"regular maintenance {len(same_week) + 1} times in ISO week {week} "
                f"(the policy allows {rules.regular_per_week})"
            )
    return found


def _iso_week(t: datetime, policy: Policy) -> str:
    year, week, _ = t.astimezone(policy.calendar.zone).isocalendar()
    return f"{year}-W{week:02d}"


def transition(window: Window, action: WindowAction, at: datetime, zone: ZoneInfo | None = None) -> Window:
    """The window after ``action`` done at ``at``; InputError when illegal (instants in
    its message shown in ``zone``)."""
    allowed, result = TRANSITIONS[action]
    if window.status not in allowed:
        raise InputError(f"cannot {action} maintenance that is {window.status}")
    # SPEC 2.13: not before the window was announced, nor before its previous action.
    previous = [(when, f"its {done}") for when, done in window.changes[-1:]]
    for when, what in [*previous, *([(window.announced, "it was announced")] if window.announced else [])]:
        if at < when:
            hint = "; a window recorded after the fact needs its real --announced" if what.endswith("announced") else ""
            raise InputError(f"cannot {action} maintenance at {iso(at, zone)}: before {what} ({iso(when, zone)}){hint}")
    return window._replace(status=result, changes=(*window.changes, (at, action)))


def excluded(windows: Iterable[Window], kinds: Iterable[MaintenanceKind]) -> list[tuple[float, float]]:
    """The intervals the availability formula takes out of T: the kinds the policy excludes,
    each as it ran (SPEC 4)."""
    wanted = set(kinds)
    spans = (as_run(w) for w in windows if w.kind in wanted and w.status != WindowStatus.CANCELLED)
    return [(start.timestamp(), end.timestamp()) for start, end in spans if end > start]


def downtime(
    window: Window, kinds: Iterable[MaintenanceKind], partial_weight: float, until: datetime | None = None
) -> list[Weighted]:
    """The stretches of ``window`` that are downtime (SPEC 4), at the weight of its impact:
    all of the time it ran when the policy does not exclude its kind, else only what ran
    outside its planned span (an early start or an overrun is not announced maintenance).
    One still in progress runs on to ``until``, as an open incident does."""
    weight = {MaintenanceImpact.FULL: 1.0, MaintenanceImpact.PARTIAL: partial_weight}.get(window.impact, 0.0)
    if window.status == WindowStatus.CANCELLED or weight == 0:
        return []
    start, end = ran(window, until)
    if window.kind not in set(kinds):
        parts = [(start, end)]
    else:
        parts = [(start, min(end, window.start)), (max(start, window.end), end)]
    return [Weighted(a.timestamp(), b.timestamp(), weight) for a, b in parts if b > a]


def ran(window: Window, until: datetime | None = None) -> tuple[datetime, datetime]:
    """When the window really ran: from its recorded start and to its recorded completion,
    either side of the planned span; the planned instants where none was recorded. One in
    progress (started, not completed) runs at least to ``until``."""
    start, end = window.start, window.end
    for at, action in window.changes:
        if action == WindowAction.START:
            start = at
        elif action == WindowAction.COMPLETE:
            end = max(at, start)
    if window.status == WindowStatus.IN_PROGRESS and until is not None:
        end = max(end, until)
    return start, end


# The end of the span of a window still running: after any period asked about.
FAR = datetime(9999, 12, 31, tzinfo=UTC)


def span(window: Window) -> tuple[datetime, datetime]:
    """All the time the window may cover, as planned or as it ran (on and on while running):
    what a store selects it by."""
    began, ended = ran(window, FAR)
    return min(began, window.start), max(ended, window.end)


def touches(window: Window, start: datetime, end: datetime) -> bool:
    """Whether the window, as planned or as it ran, overlaps [start, end)."""
    began, ended = span(window)
    return began < end and ended > start


def as_run(window: Window) -> tuple[datetime, datetime]:
    """The planned span narrowed to when the window really ran, where that was recorded: a
    late start or an early completion gives the unused time back, and an overrun past the
    planned end is not maintenance."""
    start, end = ran(window)
    return max(start, window.start), min(end, window.end)


class Series(NamedTuple):
    """A window's repeats: RFC 5545 FREQ with COUNT (occurrences, the first included) or
    UNTIL (the last start, inclusive)."""

    every: Repeat  # FREQ
    times: int | None = None  # COUNT
    until: datetime | None = None


def parse_series(repeat: str | None, count: int | None, until: datetime | None) -> Series | None:
    """The series asked for (None: one window); InputError when it is unbounded, absurd or
    half given."""
    if repeat is None:
        if count is not None or until is not None:
            raise InputError("--count and --until need --repeat daily|weekly|monthly")
        return None
    if repeat not in list(Repeat):
        raise InputError(f"unknown --repeat {repeat!r} (known: {', '.join(Repeat)})")
    if (count is None) == (until is None):
        raise InputError("a repeating window needs --count N or --until T (one of them): a series must end")
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise InputError(f"--count: expected 1 to {MAX_OCCURRENCES} occurrences, got {count}")
    return Series(Repeat(repeat), count, until)


def occurrences(start: datetime, end: datetime, zone: ZoneInfo, repeats: Series | None) -> list[Span]:
    """The spans of a window and of its repeats, first as given. Repeats start at the local
    wall time of the first in ``zone`` (the UTC instant moves across DST) and last as long
    as it did (RFC 5545 3.8.5.3: a DTEND gives every occurrence the same exact duration). A
    start that does not exist that day (spring forward) is read with the offset before the
    gap, an ambiguous one (fall back) is the first of the two (RFC 5545 3.3.5). A month
    without the start's day (the 31st) has no occurrence (RFC 5545 3.3.10)."""
    if repeats is None or end <= start:  # one window (one that ends first is refused as such)
        return [(start, end)]
    from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule  # lazily: only a series needs it

    if repeats.until is not None and repeats.until < start:
        raise InputError(f"--until {iso(repeats.until, zone)} is before --start {iso(start, zone)}")
    every = repeats.every
    frequency: Literal[1, 2, 3] = DAILY if every == Repeat.DAILY else WEEKLY if every == Repeat.WEEKLY else MONTHLY
    first = start.astimezone(zone).replace(tzinfo=None)
    spans = [(start, end)]
    for local in rrule(frequency, dtstart=first, count=repeats.times).xafter(first):
        begin = _wall(local, zone)
        if repeats.until is not None and begin > repeats.until:
            break
        if len(spans) == MAX_OCCURRENCES:
            raise InputError(f"the series has more than {MAX_OCCURRENCES} occurrences: give an earlier --until")
        if begin < spans[-1][1]:
            raise InputError(f"the occurrences overlap: each lasts longer than the {every} repeat")
        spans.append((begin, begin + (end - start)))
    return spans


def _wall(local: datetime, zone: ZoneInfo) -> datetime:
    """A local wall time in ``zone`` as an instant; fold 0: a time in a gap gets the offset
    from before the gap, an ambiguous one the first offset (RFC 5545 3.3.5)."""
    return local.replace(tzinfo=zone).astimezone(UTC)
