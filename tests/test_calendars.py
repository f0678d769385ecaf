"""The calendar engine on hand-worked examples (SPEC section 2)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from slacli.calendars import Calendar, WeeklyHours, always_open
from slacli.errors import CalendarError
from slacli.holidaydata import HolidayCache
from slacli.policy.loader import _Built

NY = ZoneInfo("America/New_York")
TORONTO = ZoneInfo("America/Toronto")
NINE_TO_FIVE = ((9 * 60, 17 * 60),)
LUNCH_BREAK = ((9 * 60, 12 * 60), (13 * 60, 17 * 60))


def weekdays(intervals, weekend=()):
    return WeeklyHours((intervals,) * 5 + (weekend, weekend))


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return HolidayCache(tmp_path_factory.mktemp("holidays") / "holidays.json")


@pytest.fixture
def us(cache):
    return Calendar("us", NY, weekdays(NINE_TO_FIVE), holidays=cache.source("US"))


def ny(*args):
    return datetime(*args, tzinfo=NY)


def test_eight_hours_from_monday_opening_is_monday_close(us):
    assert us.add(ny(2026, 11, 23, 9), timedelta(hours=8)) == ny(2026, 11, 23, 17)


def test_zero_duration_is_the_start_even_out_of_hours(us):
    saturday = ny(2026, 11, 21, 12)
    assert us.add(saturday, timedelta(0)) == saturday


def test_out_of_hours_start_counts_from_next_opening(us):
    assert us.add(ny(2026, 11, 21, 12), timedelta(hours=4)) == ny(2026, 11, 23, 13)
    assert us.add(ny(2026, 11, 23, 17), timedelta(minutes=1)) == ny(2026, 11, 24, 9, 1)


def test_open_instant_is_in_hours_close_instant_is_not(us):
    assert us.is_open(ny(2026, 11, 23, 9))
    assert us.is_open(ny(2026, 11, 23, 16, 59, 59))
    assert not us.is_open(ny(2026, 11, 23, 17))
    assert not us.is_open(ny(2026, 11, 23, 8, 59, 59))


def test_thanksgiving_and_the_observed_fourth_of_july_are_closed(us):
    assert not us.is_business_day(date(2026, 11, 26))
    assert us.holiday(date(2026, 7, 3)) == "Independence Day (observed)"
    assert us.add(ny(2026, 11, 25, 16), timedelta(hours=2)) == ny(2026, 11, 27, 10)
    assert us.add(ny(2026, 7, 2, 16), timedelta(hours=2)) == datetime(2026, 7, 6, 10, tzinfo=NY)


def test_good_friday_is_closed_in_canada(cache):
    ca = Calendar("ca", TORONTO, weekdays(((540, 1050),)), holidays=cache.source("CA"))
    assert ca.holiday(date(2026, 4, 3)) == "Good Friday"
    thursday = datetime(2026, 4, 2, 17, tzinfo=TORONTO)
    assert ca.add(thursday, timedelta(hours=1)) == datetime(2026, 4, 6, 9, 30, tzinfo=TORONTO)


def test_elapsed_is_signed(us):
    a, b = ny(2026, 11, 20, 16), ny(2026, 11, 23, 10)
    assert us.elapsed(a, b) == timedelta(hours=2)
    assert us.elapsed(b, a) == timedelta(hours=-2)


def test_negative_duration_is_refused(us):
    with pytest.raises(CalendarError):
        us.add(ny(2026, 11, 23, 9), timedelta(hours=-1))


def test_next_open(us):
    assert us.next_open(ny(2026, 11, 25, 17)) == ny(2026, 11, 27, 9)
    inside = ny(2026, 11, 25, 10)
    assert us.next_open(inside) == inside


def test_multi_interval_day_skips_the_break():
    cal = Calendar("lunch", NY, weekdays(LUNCH_BREAK))
    monday = ny(2026, 11, 23, 11)
    assert cal.add(monday, timedelta(hours=1)) == ny(2026, 11, 23, 12)  # lands on the break's close
    assert cal.add(monday, timedelta(hours=1, minutes=1)) == ny(2026, 11, 23, 13, 1)
    assert not cal.is_open(ny(2026, 11, 23, 12, 30))
    assert cal.elapsed(ny(2026, 11, 23, 9), ny(2026, 11, 23, 17)) == timedelta(hours=7)


def test_dst_inside_open_hours_changes_the_day_length():
    always = always_open(NY)
    assert always.elapsed(ny(2026, 3, 8), ny(2026, 3, 9)) == timedelta(hours=23)
    assert always.elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == timedelta(hours=25)
    night = Calendar("night", NY, WeeklyHours((((0, 360),),) * 7))  # 00:00-06:00 daily
    assert night.elapsed(ny(2026, 3, 8), ny(2026, 3, 8, 12)) == timedelta(hours=5)
    assert night.elapsed(ny(2026, 11, 1), ny(2026, 11, 1, 12)) == timedelta(hours=7)


def test_dst_outside_open_hours_changes_nothing(us):
    assert us.elapsed(ny(2026, 3, 6, 9), ny(2026, 3, 9, 17)) == timedelta(hours=16)
    assert us.add(ny(2026, 10, 30, 13), timedelta(hours=8)) == ny(2026, 11, 2, 13)


def test_business_days_on_a_uniform_calendar_are_whole_day_lengths(us):
    assert us.add_business_days(ny(2026, 11, 23, 12), 2) == ny(2026, 11, 25, 12)
    assert us.add_business_days(ny(2026, 11, 21, 12), 1) == ny(2026, 11, 23, 17)


def test_business_days_on_a_non_uniform_calendar_keep_the_wall_time():
    friday_short = WeeklyHours((NINE_TO_FIVE,) * 4 + (((9 * 60, 13 * 60),), (), ()))
    cal = Calendar("short-friday", NY, friday_short)
    assert cal.add_business_days(ny(2026, 11, 23, 10), 2) == ny(2026, 11, 25, 10)
    # Thursday 15:00 + 1 business day: Friday closes at 13:00, so the close.
    assert cal.add_business_days(ny(2026, 11, 26, 15), 1) == ny(2026, 11, 27, 13)
    # From Saturday: rolled forward to Monday 09:00, then Tuesday 09:00.
    assert cal.add_business_days(ny(2026, 11, 28, 12), 1) == ny(2026, 12, 1, 9)


def test_extra_and_removed_dates(cache):
    cal = Calendar(
        "custom",
        NY,
        weekdays(NINE_TO_FIVE),
        holidays=cache.source("US"),
        extra={date(2026, 12, 24): "Christmas Eve"},
        removed=frozenset({date(2026, 11, 26)}),
    )
    assert cal.holiday(date(2026, 12, 24)) == "Christmas Eve"
    assert cal.is_business_day(date(2026, 11, 26))


def test_ninety_business_days_span_years(us):
    due = us.add_business_days(ny(2026, 11, 23, 9), 90)
    assert due == datetime(2027, 4, 2, 17, tzinfo=NY)
    assert us.elapsed(ny(2026, 11, 23, 9), due) == timedelta(hours=720)


def _weekdays_between(start: date, end: date) -> int:
    """Weekdays in ``[start, end)``, counted by whole weeks and the days left over."""
    days = (end - start).days
    return days // 7 * 5 + sum((start + timedelta(days=i)).weekday() < 5 for i in range(days // 7 * 7, days))


@pytest.mark.parametrize("end", [date(2200, 6, 30), date(2200, 12, 31)])
def test_spans_of_two_hundred_calendar_years_are_measured(end):
    # The limit is on calendar years, whatever the months: 2000 to 2200 is 200 of them.
    cal = Calendar("plain", NY, weekdays(NINE_TO_FIVE))
    start = date(2000, 1, 3)
    elapsed = cal.elapsed(ny(start.year, start.month, start.day, 9), ny(end.year, end.month, end.day, 9))
    assert elapsed == timedelta(hours=8 * _weekdays_between(start, end))


def test_spans_of_more_than_two_hundred_calendar_years_are_refused():
    cal = Calendar("plain", NY, weekdays(NINE_TO_FIVE))
    with pytest.raises(CalendarError, match="spans of more than 200 years"):
        cal.elapsed(ny(2000, 12, 29, 9), ny(2201, 1, 2, 9))


def closed_until(year):
    """A holiday source that closes every day of the years before ``year``."""

    def source(y):
        if y >= year:
            return {}
        first = date(y, 1, 1)
        return {first + timedelta(days=i): "closed" for i in range((date(y + 1, 1, 1) - first).days)}

    return source


@pytest.mark.parametrize(("reopens", "found"), [(2150, True), (2201, True), (2202, False)])
def test_business_time_is_searched_for_two_hundred_whole_years(reopens, found):
    # The timeline doubles as a far target needs, up to the end of the year 201 years after
    # the start: business time is found anywhere in the 200 whole years after this one.
    cal = Calendar("closed", NY, weekdays(NINE_TO_FIVE), holidays=closed_until(reopens))
    start = ny(2000, 6, 15, 12)
    if not found:
        with pytest.raises(CalendarError, match="no business time within 200 years"):
            cal.add(start, timedelta(hours=1))
        return
    first_open = cal.next_open(start)
    assert first_open.year == reopens and first_open.hour == 9
    assert first_open.date() == next(date(reopens, 1, d) for d in range(1, 8) if date(reopens, 1, d).weekday() < 5)
    assert cal.add(start, timedelta(hours=1)) == first_open + timedelta(hours=1)


def test_holidays_cache_is_reused_without_importing_again(tmp_path):
    path = tmp_path / "holidays.json"
    first = HolidayCache(path).source("US")(2026)
    assert path.is_file()
    second = HolidayCache(path).source("US")(2026)
    assert first == second and date(2026, 11, 26) in second


def test_a_policy_file_is_kept_only_once_it_validated_whole(tmp_path):
    # A file with an error in one policy is refused on every run, whichever policy is asked
    # for: it is never kept, so never built only in part.
    from slacli.errors import PolicyError
    from slacli.policy import load_policies

    cache, policies = tmp_path / "cache.marshal", tmp_path / "policies.toml"
    good = '[policies.p]\ncalendar = "24x7"\n[policies.p.severities.1]\nresponse = "30m"\n'
    policies.write_text(good + good.replace(".p]", ".q]").replace(".p.", ".q.").replace("30m", "soon"))
    for _ in range(3):
        with pytest.raises(PolicyError, match=re.escape("policies.q.severities.1.response")):
            load_policies(policies, HolidayCache(cache))
        assert HolidayCache(cache).document(policies.read_bytes()) is None


def test_a_kept_policy_file_builds_what_is_asked_and_answers_alike(tmp_path, monkeypatch):
    # Once the presets validated whole, a run builds only the policies and calendars it looks
    # up, and every deadline they give is the one the whole build gives.
    from slacli.paths import SHIPPED_POLICIES
    from slacli.policy import load_policies, loader

    cache = tmp_path / "cache.marshal"
    whole = load_policies(SHIPPED_POLICIES, HolidayCache(cache))
    built: list[str] = []
    for kind in ("policy", "calendar"):
        real = getattr(loader._Loader, kind)
        monkeypatch.setattr(
            loader._Loader, kind, lambda self, name, *a, real=real: built.append(name) or real(self, name, *a)
        )
    lazy = load_policies(SHIPPED_POLICIES, HolidayCache(cache))
    assert built == []
    lazy.get("openweb")
    assert built == ["openweb", "new-york-9-17"]
    assert list(lazy) and [p.name for p in lazy] == [p.name for p in whole] == list(whole.policies)
    assert len(lazy.calendars) == len(whole.calendars) and list(lazy.calendars) == list(whole.calendars)
    opened = datetime(2026, 12, 24, 16, 30, tzinfo=ZoneInfo("UTC"))
    for mine, theirs in zip(lazy, whole, strict=True):
        assert mine._replace(calendar=None, severities=()) == theirs._replace(calendar=None, severities=())
        for a, b in zip(mine.severities, theirs.severities, strict=True):
            assert repr(a.calendar) == repr(b.calendar)
            assert [d.at for d in mine.deadlines(a, opened, opened)] == [
                d.at for d in theirs.deadlines(b, opened, opened)
            ]


def test_end_of_business_day_compares_instants_across_the_fold():
    # Sundays 00:00-01:30; on 2026-11-01 01:20 EST (the second 01:20) is after the close
    # at 01:30 EDT, so the end of business day is the next Sunday's close.
    from slacli.rules import parse_rule

    cal = Calendar("fold", NY, WeeklyHours(((),) * 6 + (((0, 90),),)))
    anchor = datetime(2026, 11, 1, 1, 20, fold=1, tzinfo=NY)
    due = parse_rule("end of business day").due(anchor, cal)
    assert due.timestamp() == datetime(2026, 11, 8, 1, 30, tzinfo=NY).timestamp()


def test_a_policy_file_is_parsed_once_for_its_exact_bytes(tmp_path, monkeypatch):
    # The cache keeps the parsed document of each policy file's bytes: the same bytes again are
    # not parsed, any other bytes are (an edit is never missed), and a document marshal cannot
    # hold (a TOML date) is parsed every time.
    from slacli.policy import load_policies, loader

    cache = tmp_path / "cache.marshal"
    policies = tmp_path / "policies.toml"
    text = '[policies.p]\ncalendar = "24x7"\n[policies.p.severities.1]\nresponse = "30m"\n'
    policies.write_text(text)
    assert load_policies(policies, HolidayCache(cache)).get("p").severity("1").response.in_hours.text == "30m"
    parsed = []
    real = loader._parse
    monkeypatch.setattr(loader, "_parse", lambda raw, path: parsed.append(raw) or real(raw, path))
    assert load_policies(policies, HolidayCache(cache)).get("p").severity("1").response.in_hours.text == "30m"
    assert parsed == []
    policies.write_text(text.replace("30m", "45m"))
    assert load_policies(policies, HolidayCache(cache)).get("p").severity("1").response.in_hours.text == "45m"
    dated = '[calendars.c]\ntimezone = "UTC"\nhours = { mon = "09:00-17:00" }\nholidays = { extra = [2026-11-23] }\n'
    policies.write_text(dated + text)
    for _ in range(2):
        load_policies(policies, HolidayCache(cache))
    assert len(parsed) == 3


def _utc(*args):
    return datetime(*args, tzinfo=UTC)


def _answer(question):
    try:
        return question()
    except CalendarError as error:
        return str(error)


FAR_QUESTIONS = {
    # The limits follow the question, not what the calendar built before for others.
    "a deadline 201 years ahead": lambda cal: cal.add(_utc(2000, 1, 15), _utc(2201, 6, 1) - _utc(2000, 1, 15)),
    "two years after a 200-year span": lambda cal: cal.add(_utc(2200, 6, 30), timedelta(days=730)),
    "201 years between": lambda cal: cal.elapsed(_utc(2000, 1, 3), _utc(2201, 6, 1)),
    "200 years between": lambda cal: cal.elapsed(_utc(2000, 1, 3), _utc(2200, 6, 30)),
}
ASKED_BEFORE = {
    "a year earlier": lambda cal: cal.is_open(_utc(1999, 2, 1)),
    "a 200-year span": lambda cal: cal.elapsed(_utc(2000, 1, 3), _utc(2200, 6, 30)),
    "a span, then past it": lambda cal: (
        cal.elapsed(_utc(2000, 1, 3), _utc(2200, 6, 30)),
        cal.is_open(_utc(2201, 6, 1)),
    ),
    "a deadline 199 years ahead": lambda cal: cal.add(_utc(2000, 3, 1), timedelta(days=199 * 365)),
}


@pytest.mark.parametrize("asked", ASKED_BEFORE)
@pytest.mark.parametrize("question", FAR_QUESTIONS)
def test_far_answers_do_not_depend_on_what_was_asked_before(question, asked):
    kept = always_open()
    ASKED_BEFORE[asked](kept)
    assert _answer(lambda: FAR_QUESTIONS[question](kept)) == _answer(lambda: FAR_QUESTIONS[question](always_open()))


def test_far_answers_are_the_documented_ones():
    cal = always_open
    assert FAR_QUESTIONS["a deadline 201 years ahead"](cal()) == _utc(2201, 6, 1)
    assert FAR_QUESTIONS["two years after a 200-year span"](cal()) == _utc(2202, 6, 30)
    assert "spans of more than 200 years" in _answer(lambda: FAR_QUESTIONS["201 years between"](cal()))
    assert FAR_QUESTIONS["200 years between"](cal()) == _utc(2200, 6, 30) - _utc(2000, 1, 3)


def test_a_key_error_while_building_a_policy_is_not_read_as_an_unknown_name():
    # Policies and calendars are built when first looked up; Mapping.get would turn a
    # KeyError raised by a build (a defect) into "no such policy".
    def build(name, table):
        raise KeyError("raised while building")

    built = _Built({"known": {}}, build)
    assert built.get("unknown") is None
    with pytest.raises(KeyError, match="raised while building"):
        built.get("known")
