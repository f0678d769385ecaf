"""Availability: interval arithmetic and the formula of SPEC section 4. Pure.

A = (T - M - D) / (T - M) x 100, where T is the period, M the union of the excluded
maintenance windows clipped to it, and D the downtime outside M: the union of the
incidents' impact intervals, each stretch weighted by its severity's downtime weight,
overlaps counted once at the heaviest weight. Intervals are half-open, in epoch seconds.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple

Interval = tuple[float, float]


class Weighted(NamedTuple):
    start: float
    end: float
    weight: float  # 1 a full outage, 0 none, a fraction for a partial outage


class Measurement(NamedTuple):
    """T, M and D of a period, in seconds: what A is computed from."""

    total_seconds: float
    maintenance_seconds: float
    downtime_seconds: float

    @property
    def percent(self) -> float | None:
        """A in percent, or None when the whole period is maintenance (no availability)."""
        counted = self.total_seconds - self.maintenance_seconds
        if counted <= 0:
            return None
        return (counted - self.downtime_seconds) / counted * 100

    def allowed_downtime_seconds(self, target_pct: float) -> float:
        """The downtime budget: (1 - target) x (T - M)."""
        return (1 - target_pct / 100) * (self.total_seconds - self.maintenance_seconds)


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, merged intervals; touching ones ([a, b) and [b, c)) become one."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], lo: float, hi: float) -> list[Interval]:
    return [(max(s, lo), min(e, hi)) for s, e in intervals if e > lo and s < hi]


def length(intervals: Iterable[Interval]) -> float:
    return sum(e - s for s, e in union(intervals))


def downtime(stretches: Iterable[Weighted], excluded: Iterable[Interval], lo: float, hi: float) -> float:
    """Weighted downtime in [lo, hi) outside ``excluded``: each instant counts once, at the
    heaviest weight of the stretches covering it. A sweep: O(n log n) in the stretches."""
    boundaries: list[tuple[float, int, float]] = []
    for start, end, weight in stretches:
        start, end = max(start, lo), min(end, hi)
        if end > start and weight > 0:
            boundaries += [(start, 1, weight), (end, -1, weight)]
    boundaries.sort()
    active: dict[float, int] = {}
    heaviest: list[Weighted] = []
    previous = lo
    for at, change, weight in boundaries:
        if active and at > previous:
            heaviest.append(Weighted(previous, at, max(active)))
        active[weight] = active.get(weight, 0) + change
        if not active[weight]:
            del active[weight]
        previous = at
    holes = union(clip(excluded, lo, hi))
    return sum(w.weight * (w.end - w.start - _overlap(w, holes)) for w in heaviest)


def _overlap(stretch: Weighted, holes: list[Interval]) -> float:
    """Length of ``stretch`` inside the sorted, disjoint ``holes``."""
    i = bisect_right(holes, (stretch.start, float("inf"))) - 1
    total = 0.0
    for start, end in holes[max(i, 0) :]:
        if start >= stretch.end:
            break
        total += max(0.0, min(end, stretch.end) - max(start, stretch.start))
    return total


def measure(stretches: Iterable[Weighted], maintenance: Iterable[Interval], lo: float, hi: float) -> Measurement:
    """T, M and D of the period [lo, hi)."""
    excluded = union(clip(maintenance, lo, hi))
    return Measurement(hi - lo, length(excluded), downtime(stretches, excluded, lo, hi))
