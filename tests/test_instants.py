"""Reading and comparing instants: the fast paths of slacli.instants against plain definitions.

``localize`` builds aware datetimes with constructors and asks the zone for offsets, and
``before`` compares wall times when it can; both are checked here against what they stand
for (the stdlib's fold pair, epoch seconds) on every minute around DST changes, in zones
that change by an hour, by half an hour (Lord Howe) and with a negative-DST rule (Dublin).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slacli.errors import InputError
from slacli.instants import before, instant_text, localize

ZONES = [ZoneInfo(name) for name in ("America/New_York", "Australia/Lord_Howe", "Europe/Dublin", "Asia/Kolkata")]


def _changes(zone: ZoneInfo, year: int) -> list[datetime]:
    """Naive local wall times, a minute apart, over the 3 hours around each offset change of ``year``."""
    walls = []
    t = datetime(year, 1, 1, tzinfo=UTC)
    while t.year == year:
        after = t + timedelta(hours=1)
        if t.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            local = t.astimezone(zone).replace(tzinfo=None)
            walls += [local + timedelta(minutes=m) for m in range(-60, 120)]
        t = after
    return walls


@pytest.mark.parametrize("zone", ZONES, ids=str)
def test_localize_refuses_exactly_the_wall_times_the_fold_pair_disagrees_on(zone: ZoneInfo) -> None:
    walls = _changes(zone, 2026)
    assert walls or zone.key == "Asia/Kolkata"
    for wall in [*walls, datetime(2026, 7, 1, 12, 30)]:
        first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
        if first.utcoffset() == second.utcoffset():
            got = localize(wall, zone)
            assert (got, got.fold, got.tzinfo, got.utcoffset()) == (first, 0, zone, first.utcoffset())
        else:
            with pytest.raises(InputError, match=r"does not exist|is ambiguous"):
                localize(wall, zone)


def test_localize_keeps_seconds_and_microseconds() -> None:
    got = localize(datetime(2026, 7, 1, 12, 30, 5, 250), ZoneInfo("America/New_York"))
    assert instant_text(got) == "2026-07-01T12:30:05.000250-04:00"


def _instants(zone: ZoneInfo) -> list[datetime]:
    """Every wall time of the changes of 2026 as aware datetimes, both folds, normalised through UTC."""
    found = []
    for wall in _changes(zone, 2026)[::7]:
        for fold in (0, 1):
            found.append(datetime.fromtimestamp(wall.replace(tzinfo=zone, fold=fold).timestamp(), zone))
    return found


@pytest.mark.parametrize("zone", ZONES[:3], ids=str)
def test_before_orders_instants_not_wall_times_in_one_zone(zone: ZoneInfo) -> None:
    instants = _instants(zone)
    folds = sum(t.fold for t in instants)
    assert folds  # the repeated hour is there, where wall order and instant order differ
    for a in instants:
        for b in instants[::5]:
            assert before(a, b) == (a.timestamp() < b.timestamp()), (a, b)


def test_before_with_a_fold_one_instant_earlier_on_the_wall() -> None:
    # New York, 1 November 2026: 01:50 EDT (05:50 UTC) is before 01:10 EST (06:10 UTC).
    ny = ZoneInfo("America/New_York")
    edt, est = datetime(2026, 11, 1, 1, 50, tzinfo=ny), datetime(2026, 11, 1, 1, 10, tzinfo=ny, fold=1)
    assert before(edt, est) and not before(est, edt)
    assert not before(edt, edt)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
    st.sampled_from([*ZONES, UTC, timezone(timedelta(hours=-5))]),
    st.sampled_from([*ZONES, UTC, timezone(timedelta(hours=5, minutes=30))]),
    st.sampled_from([0, 1]),
)
def test_before_is_the_order_of_epoch_seconds(a: datetime, b: datetime, za, zb, fold: int) -> None:
    x, y = a.replace(tzinfo=za, fold=fold), b.replace(tzinfo=zb)
    assert before(x, y) == (x.timestamp() < y.timestamp())
