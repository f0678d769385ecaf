"""Availability arithmetic (SPEC section 4) on hand-computed cases and properties."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from slacli.periods import iso_week, month
from slacli.uptime import Weighted, downtime, measure, union

NY = ZoneInfo("America/New_York")
H = 3600.0
DAY = 86400.0


def minutes(period: tuple) -> float:
    start, end = period
    return (end.timestamp() - start.timestamp()) / 60


def test_month_lengths_in_new_york_follow_dst():
    assert minutes(month(2026, 3, NY)) == 44_580
    assert minutes(month(2026, 11, NY)) == 43_260
    assert minutes(month(2026, 12, NY)) == 44_640  # December runs into January


def test_iso_weeks_run_monday_to_monday_in_the_zone():
    start, _ = iso_week(2026, 1, NY)
    assert start.isoformat() == "2025-12-29T00:00:00-05:00"  # week 1 holds the year's first Thursday
    assert minutes(iso_week(2026, 44, NY)) == 7 * 1440 + 60  # clocks go back on 1 November
    assert minutes(iso_week(2026, 10, NY)) == 7 * 1440 - 60  # and forward on 8 March
    assert minutes(iso_week(2026, 53, NY)) == 7 * 1440  # 2026 has 53 ISO weeks


def test_overlapping_outages_count_once_and_touching_ones_merge():
    assert downtime([Weighted(0, 2 * H, 1), Weighted(H, 3 * H, 1)], [], 0, DAY) == 3 * H
    assert union([(0, H), (H, 2 * H)]) == [(0, 2 * H)]


def test_outage_partly_inside_maintenance():
    result = measure([Weighted(0, 2 * H, 1)], [(H, 3 * H)], 0, DAY)
    assert (result.maintenance_seconds, result.downtime_seconds) == (2 * H, H)
    assert result.percent == (DAY - 2 * H - H) / (DAY - 2 * H) * 100


def test_partial_weights_and_the_heaviest_wins_on_overlap():
    assert downtime([Weighted(0, 10 * H, 0.3)], [], 0, DAY) == 3 * H
    mixed = downtime([Weighted(0, 10 * H, 0.3), Weighted(5 * H, 6 * H, 1)], [], 0, DAY)
    assert abs(mixed - (0.3 * 9 * H + H)) < 1e-6


def test_clipping_to_the_period_and_open_incidents():
    # An outage from before the period to after it counts only inside it.
    assert downtime([Weighted(-DAY, 2 * DAY, 1)], [], 0, DAY) == DAY


def test_no_incidents_is_100_and_all_maintenance_has_no_availability():
    assert measure([], [], 0, DAY).percent == 100
    assert measure([Weighted(0, H, 1)], [(-1, DAY + 1)], 0, DAY).percent is None


def test_never_100_percent_when_there_is_downtime():
    result = measure([Weighted(0, 1, 1)], [], 0, 31 * DAY)
    assert result.downtime_seconds == 1 and result.percent < 100


def test_allowed_downtime():
    result = measure([], [(0, DAY)], 0, 31 * DAY)
    assert round(result.allowed_downtime_seconds(99.9)) == round(0.001 * 30 * DAY)


spans = st.lists(
    st.tuples(st.integers(-100, 1000), st.integers(1, 300), st.sampled_from([0.0, 0.3, 0.5, 1.0])), max_size=12
)
windows = st.lists(st.tuples(st.integers(-100, 1000), st.integers(1, 300)), max_size=6)


def stretches(raw):
    return [Weighted(s, s + n, w) for s, n, w in raw]


def holes(raw):
    return [(s, s + n) for s, n in raw]


def brute(raw, maint, lo, hi):
    """Second by second: the heaviest covering weight, outside maintenance."""
    total = 0.0
    for t in range(lo, hi):
        if any(a <= t < b for a, b in holes(maint)):
            continue
        total += max((w for s, n, w in raw if s <= t < s + n), default=0.0)
    return total


@settings(max_examples=150, deadline=None)
@given(spans, windows)
def test_downtime_matches_brute_force(raw, maint):
    assert abs(downtime(stretches(raw), holes(maint), 0, 900) - brute(raw, maint, 0, 900)) < 1e-6


@settings(max_examples=150, deadline=None)
@given(spans, windows, st.integers(0, 800), st.integers(1, 100), st.integers(0, 100))
def test_availability_properties(raw, maint, outage, outage_length, cut):
    raw = [*raw, (outage, outage_length, 1.0)]
    base = measure(stretches(raw), holes(maint), 0, 900)
    if base.percent is not None:
        assert 0 <= base.percent <= 100
    # Maintenance declared over part of a full outage never lowers A (it moves time from
    # D to M); over uptime it does lower A slightly, as T - M shrinks while D stays.
    inside = (outage, outage + min(cut, outage_length))
    widened = measure(stretches(raw), [*holes(maint), inside], 0, 900)
    if base.percent is not None and widened.percent is not None:
        assert widened.percent >= base.percent - 1e-9
    worse = measure([*stretches(raw), Weighted(100, 200, 1)], holes(maint), 0, 900)
    if base.percent is not None:
        assert worse.percent <= base.percent + 1e-9  # more downtime never raises it


@settings(max_examples=100, deadline=None)
@given(spans, windows, st.integers(1, 899))
def test_splitting_the_period_gives_the_same_downtime(raw, maint, cut):
    whole = downtime(stretches(raw), holes(maint), 0, 900)
    parts = downtime(stretches(raw), holes(maint), 0, cut) + downtime(stretches(raw), holes(maint), cut, 900)
    assert abs(whole - parts) < 1e-6
