"""Availability of a period as of an instant (SPEC 4): the figures, why each interval
counted (``--explain``), and the month-by-month trend with the error budget's burn rate.

Keys of :func:`availability_record`: policy, month, from, to, total_minutes,
maintenance_minutes, downtime_minutes, availability_pct (None when the whole period is
maintenance), target_pct, allowed_downtime_minutes, remaining_downtime_minutes, met
(None without a target), credit_pct (None without credit tiers). :func:`period_record`
adds complete, as_of, period_allowed_downtime_minutes (the whole period's budget),
period_remaining_downtime_minutes (what is left of it), projected_downtime_minutes and
projected_availability_pct: a period still in progress is measured over [from, as_of),
``to`` being as_of, and its projection is the whole period if what is open stays open.
Keys of a :func:`daily_burn` day: date, downtime_minutes (that day's), cumulative_downtime_minutes
and budget_used_pct (cumulative, of the whole period's budget; None without a target).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any, NamedTuple

from slacli.instants import format_duration
from slacli.maintenance import Window, as_run, excluded, touches
from slacli.maintenance import downtime as window_downtime
from slacli.periods import months_back
from slacli.policy import Policy
from slacli.recorded import MaintenanceImpact, WindowStatus
from slacli.tracker import Downtime, Tracker
from slacli.uptime import Interval, Measurement, Weighted, clip, length, measure, union
from slacli.views import local, number

COLUMNS = (
    *("policy", "month", "from", "to", "total_minutes", "maintenance_minutes", "downtime_minutes"),
    *("availability_pct", "target_pct", "allowed_downtime_minutes", "remaining_downtime_minutes", "met", "credit_pct"),
    *("complete", "as_of", "period_allowed_downtime_minutes", "period_remaining_downtime_minutes"),
    *("projected_downtime_minutes", "projected_availability_pct"),
)
EXPLAIN_COLUMNS = ("source", "start", "end", "minutes", "counts_as", "why")
MAINTENANCE, DOWNTIME, NOTHING = "maintenance", "downtime", "nothing"  # what an explained interval is in A


class Inputs(NamedTuple):
    """What availability is computed from, with where each piece came from."""

    stretches: list[tuple[Downtime, Weighted]]
    excluded_incidents: list[Downtime]
    windows: list[tuple[int, Window]]
    maintenance: list[Interval]  # the windows the policy excludes, as intervals
    window_downtime: list[tuple[int, Weighted]]  # windows, or parts, that are downtime (SPEC 4)

    def measure(self, policy: Policy, start: datetime, end: datetime) -> Measurement:
        """T, M and D over [start, end), which lies within the span gathered."""
        stretches = [s for _, s in self.stretches] + [s for _, s in self.window_downtime]
        return measure(stretches, self.maintenance, start.timestamp(), end.timestamp())


def gather(
    tracker: Tracker, policy: Policy, start: datetime, end: datetime, as_of: datetime, service: str | None = None
) -> Inputs:
    """The weighted impact and the maintenance windows that bear on [start, end) as of
    ``as_of``; an open incident's impact runs to ``end`` (SPEC 4: "to the end of the period
    while still open")."""
    stretches, left_out = [], []
    hi = end.timestamp()
    # No bound on when it was opened: an incident reported after the period may have begun in it.
    for found in tracker.downtime(policy.name, start, as_of, service):
        if found.excluded:
            left_out.append(found)
            continue
        stretches += [(found, Weighted(a, hi if b is None else b, weight)) for a, b, weight in found.stretches]
    # Selected by the span each may cover, as recorded by now; kept if it did by ``as_of``.
    windows = [
        (i, w)
        for i, w in tracker.windows(as_of, policy.name, (start, end))
        if touches(w, start, end) and (service is None or w.service in (None, service))
    ]
    rules = policy.availability
    maintenance = excluded([w for _, w in windows], rules.excluded_maintenance)
    down = [
        (i, s) for i, w in windows for s in window_downtime(w, rules.excluded_maintenance, rules.partial_weight, end)
    ]
    return Inputs(stretches, left_out, windows, maintenance, down)


def availability_record(
    policy: Policy, result: Measurement, lo: datetime, hi: datetime, month_text: str | None
) -> dict[str, Any]:
    """T, M, D, A, the target, the budget and what is left of it, met, the credit earned."""
    target = policy.availability.target_pct
    allowed = result.allowed_downtime_seconds(target) / 60 if target is not None else None
    pct = result.percent
    return {
        "policy": policy.name,
        "month": month_text,
        "from": local(lo, policy.calendar.zone),
        "to": local(hi, policy.calendar.zone),
        "total_minutes": number(result.total_seconds / 60),
        "maintenance_minutes": number(result.maintenance_seconds / 60),
        "downtime_minutes": number(result.downtime_seconds / 60),
        "availability_pct": pct,
        "target_pct": target,
        "allowed_downtime_minutes": _number(allowed),
        "remaining_downtime_minutes": number(allowed - result.downtime_seconds / 60) if allowed is not None else None,
        "met": None if target is None or pct is None else pct >= target,
        "credit_pct": policy.availability.credit_pct(pct),
    }


def period_record(
    inputs: Inputs, policy: Policy, start: datetime, end: datetime, as_of: datetime, label: str | None
) -> dict[str, Any]:
    """[start, end) as of ``as_of`` (SPEC 4). A finished period as measured, whenever asked
    (its as_of is None, so the record is the same at every later read). One in progress
    is measured so far, over [start, as_of); met is None then, unless the downtime so far is
    beyond the whole period's budget (False: nothing can bring it back); the projection reads
    the whole period with what is open staying open. No credit is earned before the end."""
    whole = inputs.measure(policy, start, end)
    zone = policy.calendar.zone
    target = policy.availability.target_pct
    budget = whole.allowed_downtime_seconds(target) / 60 if target is not None else None
    if as_of >= end:
        return {
            **availability_record(policy, whole, start, end, label),
            **{"complete": True, "as_of": None, "period_allowed_downtime_minutes": _number(budget)},
            "period_remaining_downtime_minutes": _remaining(budget, whole),
            **{"projected_downtime_minutes": None, "projected_availability_pct": None},
        }
    so_far = inputs.measure(policy, start, as_of)
    spent = budget is not None and so_far.downtime_seconds / 60 > budget
    return {
        **availability_record(policy, so_far, start, as_of, label),
        **{"met": False if spent else None, "credit_pct": None, "complete": False, "as_of": local(as_of, zone)},
        "period_allowed_downtime_minutes": _number(budget),
        "period_remaining_downtime_minutes": _remaining(budget, so_far),
        "projected_downtime_minutes": number(whole.downtime_seconds / 60),
        "projected_availability_pct": whole.percent,
    }


def _number(value: float | None) -> float | int | None:
    return None if value is None else number(value)


def _remaining(budget: float | None, spent: Measurement) -> float | int | None:
    """What is left of the whole period's budget after the downtime of ``spent``."""
    return None if budget is None else number(budget - spent.downtime_seconds / 60)


def daily_burn(inputs: Inputs, policy: Policy, start: datetime, end: datetime, as_of: datetime) -> list[dict[str, Any]]:
    """Each day of [start, end) in the policy's zone begun by ``as_of``: its downtime, the
    downtime since ``start`` by its end (or by ``as_of``, for today) and that share of the whole
    period's allowed downtime in percent (None without a target, or with no budget at all)."""
    zone = policy.calendar.zone
    target = policy.availability.target_pct
    budget = inputs.measure(policy, start, end).allowed_downtime_seconds(target) if target is not None else 0
    days, before = [], 0.0
    day = start.astimezone(zone).date()
    while datetime.combine(day, time(), zone) < min(end, as_of):
        day_end = min(datetime.combine(day + timedelta(days=1), time(), zone), end, as_of)
        spent = inputs.measure(policy, start, day_end).downtime_seconds
        days.append(
            {
                "date": day.isoformat(),
                "downtime_minutes": number((spent - before) / 60),
                "cumulative_downtime_minutes": number(spent / 60),
                "budget_used_pct": spent / budget * 100 if budget > 0 else None,
            }
        )
        before, day = spent, day + timedelta(days=1)
    return days


def period_availability(
    tracker: Tracker, policy: Policy, start: datetime, end: datetime, as_of: datetime, **options: Any
) -> dict[str, Any]:
    """:func:`period_record` of [start, end) as of ``as_of``; ``month``, ``service``."""
    inputs = gather(tracker, policy, start, end, as_of, options.get("service"))
    return period_record(inputs, policy, start, end, as_of, options.get("month"))


def explain(found: Inputs, policy: Policy, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Every interval of ``found`` counted, clipped or excluded over [start, end), and why.
    Keys: source, start, end, minutes, counts_as (maintenance, downtime or nothing), why."""
    lo, hi = start.timestamp(), end.timestamp()
    zone = policy.calendar.zone
    kinds = policy.availability.excluded_maintenance
    holes = union(clip(found.maintenance, lo, hi))
    rows = []

    def row(source: str, a: float, b: float, minutes: float, note: str, counts: str = NOTHING) -> None:
        start, end = (datetime.fromtimestamp(x, UTC).astimezone(zone) for x in (a, b))
        rows.append(
            {"source": source, "start": start, "end": end, "minutes": number(minutes), "counts_as": counts, "why": note}
        )

    by_id = dict(found.windows)
    for window_id, window in found.windows:
        a, b = (t.timestamp() for t in as_run(window))
        if window.status == WindowStatus.CANCELLED:
            row(f"maintenance {window_id}", a, b, 0, "cancelled: not maintenance")
        elif window.kind in kinds and b > a:
            counted = length(clip([(a, b)], lo, hi))
            narrowed = "; as it ran" if (a, b) != (window.start.timestamp(), window.end.timestamp()) else ""
            clipped = "; clipped to the period" if counted < b - a else ""
            note = f"{window.kind}: excluded from T{narrowed}{clipped}"
            row(f"maintenance {window_id}", a, b, counted / 60, note, MAINTENANCE)
        elif window.kind not in kinds and window.impact == MaintenanceImpact.NONE:
            row(f"maintenance {window_id}", a, b, 0, f"{window.kind}, impact none: not downtime")
    for window_id, stretch in found.window_downtime:
        window = by_id[window_id]
        why = "the policy does not exclude it" if window.kind not in kinds else "outside its planned span"
        note = f"{window.kind}, impact {window.impact}: downtime, {why}; weight {stretch.weight:g}"
        _downtime_row(row, f"maintenance {window_id}", stretch, holes, lo, hi, note)
    for incident in found.excluded_incidents:
        first, last = incident.stretches[0][0], incident.stretches[-1][1]
        for a, b in clip([(first, hi if last is None else last)], lo, hi):
            row(f"incident {incident.incident_id}", a, b, 0, f"excluded: {incident.excluded}")
    for incident, stretch in found.stretches:
        note = f"weight {stretch.weight:g} (severity {incident.severity} as of the read)"
        _downtime_row(row, f"incident {incident.incident_id}", stretch, holes, lo, hi, note)
    return rows


def _downtime_row(
    row: Callable[[str, float, float, float, str, str], None],
    source: str,
    stretch: Weighted,
    holes: list[Interval],
    lo: float,
    hi: float,
    note: str,
) -> None:
    """The part of ``stretch`` in [lo, hi), counted at its weight outside maintenance."""
    part = clip([(stretch.start, stretch.end)], lo, hi)
    if not part:
        return
    a, b = part[0]
    inside = length(clip(holes, a, b))
    notes = [note]
    if (a, b) != (stretch.start, stretch.end):
        notes.append("clipped to the period")
    if inside:
        notes.append(f"{format_duration(timedelta(seconds=inside))} inside maintenance")
    minutes = stretch.weight * (b - a - inside) / 60
    row(source, a, b, minutes, "; ".join(notes), DOWNTIME if minutes else NOTHING)


class Trend(NamedTuple):
    """Month by month up to the one ``as_of`` falls in: :func:`availability_record` rows
    plus ``bar``; and the current month's burn rate (downtime so far over the budget for
    the time elapsed; None without a target or budget)."""

    months: list[dict[str, Any]]
    burn_rate: float | None
    current_end: datetime  # the end of the last month, the one as_of falls in

    @property
    def missed(self) -> bool:
        return any(r["met"] is False for r in self.months)


def trend(tracker: Tracker, policy: Policy, count: int, as_of: datetime, service: str | None = None) -> Trend:
    zone = policy.calendar.zone
    periods = [(p.label, *p.bounds(zone)) for p in months_back(count, as_of, zone)]
    inputs = gather(tracker, policy, periods[0][1], periods[-1][2], as_of, service)  # read once for all months
    rows = []
    for label, lo, hi in periods:
        record = period_record(inputs, policy, lo, hi, as_of, label)
        rows.append({**record, "bar": bar(record["availability_pct"], policy)})
    target = policy.availability.target_pct
    so_far = inputs.measure(policy, periods[-1][1], as_of)  # unrounded, unlike the row's minutes
    budget_so_far = so_far.allowed_downtime_seconds(target) if target is not None else 0
    burn = so_far.downtime_seconds / budget_so_far if budget_so_far > 0 else None
    return Trend(rows, burn, periods[-1][2])


def bar(pct: float | None, policy: Policy, width: int = 20) -> str:
    """A text bar: full at 100%, empty at the target minus its own budget (or at 99%)."""
    if pct is None:
        return ""
    target = policy.availability.target_pct or 99.9
    floor = 2 * target - 100
    filled = round(width * min(1.0, max(0.0, (pct - floor) / (100 - floor))))
    return "#" * filled + "." * (width - filled)
