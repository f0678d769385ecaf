"""Regular maintenance as a series (optimy: "Regular maintenance once per week, outside of
Business hours"): `maintenance add --repeat daily|weekly|monthly --count N | --until T`.

2026 calendar: US and Canadian DST starts Sun 8 March (02:00 -> 03:00) and ends Sun
1 November (02:00 -> 01:00); 31 January, 31 March, 31 May, 31 July and 31 August exist,
the 31st of February, April and June does not. optimy: Toronto, Mon-Fri 09:00-17:30.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS, tracker_over, user_error
from hypothesis import example, given
from hypothesis import strategies as st

from slacli.errors import StoreError
from slacli.maintenance import MAX_OCCURRENCES, Series, occurrences
from slacli.recorded import Repeat

NY = ZoneInfo("America/New_York")


def added(cli, *args: str) -> list[dict]:
    out = cli("maintenance", "add", *args, "--announced", "2026-01-05T09:00", "--format", "json").stdout
    return json.loads(out)


def starts_and_ends(records: list[dict]) -> list[tuple[str, str]]:
    return [(r["start"], r["end"]) for r in records]


def test_weekly_sunday_0230_in_new_york_across_the_march_gap(cli, database):
    records = added(
        cli, "--policy", "openmethods", "--start", "2026-02-22T02:30", "--end", "2026-02-22T04:00",
        "--repeat", "weekly", "--count", "4",
    )  # fmt: skip
    assert starts_and_ends(records) == [
        ("2026-02-22T02:30:00-05:00", "2026-02-22T04:00:00-05:00"),
        ("2026-03-01T02:30:00-05:00", "2026-03-01T04:00:00-05:00"),
        # 02:30 does not exist on 8 March: read with the offset before the gap (RFC 5545
        # 3.3.5), 02:30 EST, which is 03:30 EDT (07:30 UTC as before); 90 minutes long.
        ("2026-03-08T03:30:00-04:00", "2026-03-08T05:00:00-04:00"),
        ("2026-03-15T02:30:00-04:00", "2026-03-15T04:00:00-04:00"),  # the wall time again, an hour earlier in UTC
    ]
    assert [r["id"] for r in records] == [1, 2, 3, 4]


def test_an_ambiguous_local_time_is_its_first_occurrence(cli, database):
    records = added(
        cli, "--policy", "openmethods", "--start", "2026-10-25T01:30", "--end", "2026-10-25T02:30",
        "--repeat", "weekly", "--count", "2",
    )  # fmt: skip
    # 1 November: 01:30 comes twice, the first (EDT) is meant; an hour later it is 01:30 EST.
    assert starts_and_ends(records)[1] == ("2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00")


def test_monthly_on_the_31st_skips_the_months_without_one(cli, database):
    records = added(
        cli, "--policy", "optimy", "--start", "2026-01-31T22:00", "--end", "2026-01-31T23:00",
        "--repeat", "monthly", "--count", "5", "--kind", "scheduled",
    )  # fmt: skip
    assert [r["start"][:10] for r in records] == ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31", "2026-08-31"]


@pytest.mark.parametrize(("until", "last"), [("2026-02-23T22:00", "2026-02-23"), ("2026-02-23T21:59:59", "2026-02-16")])
def test_until_exactly_on_an_occurrence_includes_it(cli, database, until, last):
    records = added(
        cli, "--policy", "optimy", "--start", "2026-02-02T22:00", "--end", "2026-02-02T23:00",
        "--repeat", "weekly", "--until", until,
    )  # fmt: skip
    assert [r["start"][:10] for r in records] == ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23"][
        : len(records)
    ]
    assert records[-1]["start"] == f"{last}T22:00:00-05:00"


def test_each_occurrence_is_a_window_of_its_own(cli, database):
    ids = cli(
        "maintenance", "add", "--policy", "optimy", "--start", "2026-11-07T22:00", "--end", "2026-11-07T23:00",
        "--announced", "2026-10-01T09:00", "--kind", "regular", "--repeat", "weekly", "--count", "3", "--quiet",
    ).stdout.split()  # fmt: skip
    assert ids == ["1", "2", "3"]
    cli("maintenance", "start", "1", "--at", "2026-11-07T22:05")
    cli("maintenance", "complete", "1", "--at", "2026-11-07T22:50")
    cli("maintenance", "cancel", "2", "--at", "2026-11-10T09:00")
    listed = json.loads(cli("maintenance", "list", "--policy", "optimy", "--format", "json").stdout)
    assert [w["status"] for w in listed] == ["completed", "cancelled", "scheduled"]


def test_the_rules_apply_to_each_occurrence(cli, database):
    result = cli(
        "maintenance", "add", "--policy", "optimy", "--start", "2026-12-04T16:30", "--end", "2026-12-04T19:00",
        "--announced", "2026-10-01T09:00", "--kind", "regular", "--repeat", "daily", "--count", "3",
    )  # fmt: skip
    # Fri 4 Dec 16:30 overlaps business hours by an hour; Sat 5 and Sun 6 do not, but are the
    # 2nd and 3rd regular windows of ISO week 2026-W49.
    assert result.stderr.splitlines() == [
        "slacli: warning: maintenance 1: regular maintenance overlaps business hours by 1h",
        "slacli: warning: maintenance 2: regular maintenance 2 times in ISO week 2026-W49 (the policy allows 1)",
        "slacli: warning: maintenance 3: regular maintenance 3 times in ISO week 2026-W49 (the policy allows 1)",
    ]
    assert result.stdout.splitlines()[0] == "Maintenance 1 to 3: 3 daily windows"


def test_a_window_alone_prints_as_before(cli, database):
    out = cli("maintenance", "add", "--policy", "optimy", "--start", "2026-12-05T22:00", "--end", "2026-12-05T23:00",
              "--announced", "2026-10-01T09:00", "--format", "json").stdout  # fmt: skip
    assert json.loads(out)["id"] == 1  # one object, not a list


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--repeat", "weekly"], "needs --count N or --until T"),
        (["--repeat", "weekly", "--count", "2", "--until", "2026-12-31T00:00"], "needs --count N or --until T"),
        (["--repeat", "weekly", "--count", "0"], f"--count: expected 1 to {MAX_OCCURRENCES} occurrences, got 0"),
        (["--repeat", "daily", "--count", "-3"], "--count: expected 1 to 366"),
        (["--repeat", "daily", "--count", str(MAX_OCCURRENCES + 1)], "--count: expected 1 to 366"),
        (["--repeat", "daily", "--until", "2028-01-01T00:00"], "the series has more than 366 occurrences"),
        (["--repeat", "weekly", "--until", "2026-12-04T00:00"], "--until 2026-12-04T00:00:00-05:00 is before --start"),
        (["--count", "3"], "--count and --until need --repeat"),
        (["--until", "2026-12-31T00:00"], "--count and --until need --repeat"),
        (["--repeat", "yearly", "--count", "3"], "'yearly' is not one of"),
        (["--repeat", "daily", "--count", "3", "--end", "2026-12-06T22:30"], "the occurrences overlap"),
        (["--repeat", "weekly", "--until", "2026-03-08T02:30"], "2026-03-08T02:30 does not exist"),
    ],
)
def test_an_unbounded_absurd_or_half_given_series_is_refused_and_writes_nothing(cli, database, extra, message):
    args = ["--policy", "optimy", "--start", "2026-12-05T22:00", "--end", "2026-12-05T23:00", *extra]
    assert message in user_error(cli("maintenance", "add", *args, code=2))
    assert not database.exists()


def test_all_occurrences_are_written_in_one_transaction_or_none(tmp_path, monkeypatch):
    document = {"calendars": OFFICE_CALENDARS, "policies": {"p": {"calendar": "office", "severities": {"1": {}}}}}
    tracker = tracker_over(document, tmp_path, datetime(2026, 11, 30, tzinfo=UTC))
    spans = occurrences(datetime(2026, 12, 5, 22, tzinfo=NY), datetime(2026, 12, 5, 23, tzinfo=NY), NY,
                        Series(Repeat.DAILY, 5))  # fmt: skip
    insert, calls = tracker.store.insert_window, []

    def failing_third(*args):
        calls.append(args)
        if len(calls) == 3:
            raise StoreError("disk full")
        return insert(*args)

    monkeypatch.setattr(tracker.store, "insert_window", failing_third)
    with pytest.raises(StoreError):
        tracker.add_windows("p", spans, author="ann", kind=None, announced=None, title="", service=None)
    assert tracker.windows(datetime(2027, 1, 1, tzinfo=UTC)) == []
    monkeypatch.setattr(tracker.store, "insert_window", insert)
    assert len(tracker.add_windows("p", spans, author="ann", kind=None, announced=None, title="", service=None)) == 5


# -- the rules of a series ------------------------------------------------------------------

ZONES = st.sampled_from([NY, ZoneInfo("America/Toronto"), ZoneInfo("Europe/London"), ZoneInfo("Australia/Sydney")])
LOCAL_STARTS = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), allow_imaginary=False).map(
    lambda t: t.replace(second=0, microsecond=0)
)


def wall(t: datetime, zone: ZoneInfo) -> datetime:
    return t.astimezone(zone).replace(tzinfo=None)


def exists(local: datetime, zone: ZoneInfo) -> bool:
    return wall(local.replace(tzinfo=zone).astimezone(UTC), zone) == local


@given(ZONES, LOCAL_STARTS, st.sampled_from(list(Repeat)), st.integers(1, 60), st.integers(1, 180))
@example(NY, datetime(2026, 3, 1, 2, 30), Repeat.DAILY, 10, 45)  # 8 March 02:30 does not exist
@example(ZoneInfo("Europe/London"), datetime(2026, 10, 18, 1, 15), Repeat.WEEKLY, 3, 30)  # 25 October: twice
# A first start given with fold=1 (no fold that day), repeated into Sydney's 5 October gap.
@example(ZoneInfo("Australia/Sydney"), datetime(2025, 9, 23, 2, 0, fold=1), Repeat.DAILY, 13, 1)
def test_every_occurrence_keeps_the_wall_time_weekday_and_count(zone, local, repeat, count, minutes):
    start = local.replace(tzinfo=zone)
    if repeat == Repeat.MONTHLY:
        start = start.replace(day=min(start.day, 28))  # every month has it: exactly count occurrences
    spans = occurrences(start, start + timedelta(minutes=minutes), zone, Series(repeat, count))
    assert len(spans) == count
    first = wall(spans[0][0], zone)
    for begin, end in spans:
        shown = wall(begin, zone)
        meant = datetime.combine(shown.date(), first.time().replace(fold=0))  # the rule's reading of a gap
        # The first's wall time, or (that time not existing that day) the offset before the gap.
        assert shown == meant or (
            not exists(meant, zone) and begin.timestamp() == meant.replace(tzinfo=zone).timestamp()
        )
        assert end - begin == timedelta(minutes=minutes)  # the same exact duration (RFC 5545 3.8.5.3)
        if repeat == Repeat.WEEKLY:
            assert shown.weekday() == first.weekday()
        if repeat == Repeat.MONTHLY:
            assert shown.day == first.day
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@given(ZONES, LOCAL_STARTS, st.sampled_from(list(Repeat)), st.integers(1, 40))
def test_until_a_given_occurrence_ends_the_series_there(zone, local, repeat, k):
    start = local.replace(tzinfo=zone)
    every = occurrences(start, start + timedelta(minutes=30), zone, Series(repeat, 40))
    until = every[k - 1][0]
    assert occurrences(start, start + timedelta(minutes=30), zone, Series(repeat, until=until)) == every[:k]


def test_a_series_of_one_is_a_list_of_one(cli, database):
    args = ["--policy", "optimy", "--start", "2026-12-05T22:00", "--end", "2026-12-05T23:00", "--repeat", "weekly"]
    assert cli("maintenance", "add", *args, "--count", "1").stdout.startswith("Maintenance 1 to 1: 1 weekly window\n")
    assert [w["id"] for w in json.loads(cli("maintenance", "add", *args, "--count", "1", "-f", "json").stdout)] == [2]
