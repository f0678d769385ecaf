"""The target syntax of policies.toml."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slacli.instants import MAX_SECONDS, DurationTooLong, bounded, parse_duration
from slacli.rules import (
    NONE_WORDS,
    SYNTAX_HELP,
    BusinessDays,
    BusinessDuration,
    EndOfBusinessDay,
    NextBusinessDayAt,
    Rule,
    WallDuration,
    _positive_int,
    parse_rule,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", WallDuration("4h", timedelta(hours=4))),
        ("4h30m", WallDuration("4h30m", timedelta(hours=4, minutes=30))),
        ("30 minutes", WallDuration("30 minutes", timedelta(minutes=30))),
        ("2d", WallDuration("2d", timedelta(days=2))),
        ("PT1H30M", WallDuration("PT1H30M", timedelta(hours=1, minutes=30))),
        ("4 business hours", BusinessDuration("4 business hours", timedelta(hours=4))),
        ("1.5 business hours", BusinessDuration("1.5 business hours", timedelta(minutes=90))),
        ("90 business minutes", BusinessDuration("90 business minutes", timedelta(minutes=90))),
        ("2 business days", BusinessDays("2 business days", 2)),
        ("2 Workdays", BusinessDays("2 Workdays", 2)),
        ("next business day 09:00", NextBusinessDayAt("next business day 09:00", 540)),
        ("Next business day at 12:00", NextBusinessDayAt("Next business day at 12:00", 720)),
        ("end of business day", EndOfBusinessDay("end of business day", 0)),
        ("end of next business day", EndOfBusinessDay("end of next business day", 1)),
        ("end of the 3rd business day after", EndOfBusinessDay("end of the 3rd business day after", 3)),
        ("end of 1st business day", EndOfBusinessDay("end of 1st business day", 1)),
    ],
)
def test_rule_syntax(text, expected):
    assert parse_rule(text) == expected


@pytest.mark.parametrize("text", ["none", "None", "no target", ""])
def test_no_target(text):
    assert parse_rule(text) is None


@pytest.mark.parametrize(
    "text",
    ["4 buisness hours", "-4h", "next business day 25:00", "end of 0th business day", "1.5 business days", "P1M"],
)
def test_bad_rules_name_the_problem(text):
    with pytest.raises(ValueError, match=r"\S"):
        parse_rule(text)


# The grammar as regular expressions, as rules.py matched it before it matched words: the
# reference (a stored rule text must never change meaning, nor stop being one).
_REFERENCE_BUSINESS = re.compile(
    r"^(\d+(?:\.\d+)?)\s+(?:business|working|work)\s+(minutes?|hours?|days?)$|^(\d+)\s+workdays?$"
)
_REFERENCE_NEXT_DAY = re.compile(r"^next\s+(?:business|working)\s+day\s+(?:at\s+)?(\d{1,2}):(\d{2})$")
_REFERENCE_END_OF_DAY = re.compile(
    r"^end\s+of\s+(?:the\s+)?(?:(next|\d+(?:st|nd|rd|th))\s+)?(?:business|working)\s+day(?:\s+after)?$"
)


def _reference_rule(text: str) -> Rule | None:
    """parse_rule as it was, on the regular expressions above."""
    normal = " ".join(text.lower().split())
    if normal in NONE_WORDS:
        return None
    if match := _REFERENCE_BUSINESS.match(normal):
        if match.group(3):
            return BusinessDays(text, _positive_int(match.group(3), text))
        amount, unit = float(match.group(1)), match.group(2)
        if unit.startswith("day"):
            if not amount.is_integer():
                raise ValueError(f"business days must be whole in {text!r}")
            return BusinessDays(text, _positive_int(str(int(amount)), text))
        seconds = amount * (3600 if unit.startswith("hour") else 60)
        return BusinessDuration(text, bounded(timedelta(seconds=min(seconds, MAX_SECONDS + 1)), text))
    if match := _REFERENCE_NEXT_DAY.match(normal):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ValueError(f"no such time of day in {text!r}")
        return NextBusinessDayAt(text, hour * 60 + minute)
    if match := _REFERENCE_END_OF_DAY.match(normal):
        which = match.group(1)
        after = 0 if which is None else 1 if which == "next" else _positive_int(which[:-2], text)
        return EndOfBusinessDay(text, after)
    try:
        return WallDuration(text, parse_duration(normal))
    except DurationTooLong:
        raise
    except ValueError:
        raise ValueError(f"unknown target {text!r}: {SYNTAX_HELP}") from None


def _outcome(parse: Callable[[str], Rule | None], text: str) -> object:
    try:
        rule = parse(text)
        return type(rule), rule  # rules are tuples: BusinessDays("x", 3) == EndOfBusinessDay("x", 3)
    except ValueError as error:
        return type(error), str(error)


_WORDS = (
    *("end", "of", "the", "next", "after", "at", "day", "days", "business", "working", "work", "workday"),
    *("workdays", "minute", "minutes", "hour", "hours", "busines", "days?", "hours.", "and", "none", "no", "target"),
    *("1st", "2nd", "3rd", "11th", "3th", "0th", "st", "th", "2", "0", "007", "1.5", "2.0", "1.", ".5", "1.5.2"),
    *("٣", "٣.٥", "²", "99999999", "9:00", "09:30", "9:5", "123:00", "24:00", "9:60", ":30", "٩:٠٠", "9:"),
    *("4h", "30m", "1d", "9,00", "PT1H", ""),
)
_SPACES = (" ", "  ", "\t", "\u00a0", " \n ")


_NUMBER = (("4", "1.5", "2.0", "007", "٣", "٣.٥", "99999999"), ("0", "1.", ".5", "²", "1e3", "-1", "1.5.2"))
_KIND = (("business", "working"), ("busines", "bussiness", "work day"))
_TIMES = (("9:00", "09:30", "23:59", "٩:٠٠", "24:00", "9:60"), ("9:5", "123:00", ":30", "9:", "9.00", "0930"))
# Each of the grammar's forms, slot by slot: (words that fit, near misses); "" leaves a slot out.
_FORMS = (
    (
        _NUMBER,
        (("business", "working", "work"), _KIND[1]),
        (("minute", "minutes", "hours", "day", "days"), ("hour.", "h", "")),
    ),
    (_NUMBER, (("workday", "workdays"), ("workdayss", "work-days"))),
    ((("next",), ("nexts", "")), _KIND, (("day",), ("days",)), (("at", ""), ("by",)), _TIMES),
    (
        (("end",), ("ends",)),
        (("of",), ("off", "")),
        (("the", ""), ("a", "the the")),
        (("next", "1st", "2nd", "11th", "3th", "0th", ""), ("th", "nxt", "2", "first")),
        _KIND,
        (("day",), ("days", "")),
        (("after", ""), ("before", "after after")),
    ),
)


@st.composite
def rule_texts(draw: st.DrawFn) -> str:
    """Texts near the grammar: one of its forms, with one slot or none given a near miss; or any words."""
    if draw(st.integers(0, 4)) == 0:
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=7))
    else:
        form = draw(st.sampled_from(_FORMS))
        spoiled = draw(st.integers(-1, len(form) - 1))
        words = [draw(st.sampled_from(slot[i == spoiled])) for i, slot in enumerate(form)]
    return "".join(draw(st.sampled_from(_SPACES)) + word for word in words)


@settings(max_examples=3000, deadline=None)
@given(rule_texts(), st.booleans())
def test_rule_words_read_as_the_regular_expressions_did(text, shout):
    text = text.upper() if shout else text
    assert _outcome(parse_rule, text) == _outcome(_reference_rule, text), text


@pytest.mark.parametrize(
    "text",
    [
        "end of the next business day after",
        "END OF 2ND WORKING DAY",
        "end of 3th business day",
        "next working day 9:05",
        "next business day at ٩:٠٠",
        "٣.٥ business hours",
        "2.0 business days",
        "12 workday",
        "1.5 workdays",
        "end of the the business day",
        "next business day at 9:00 after",
        "end of business day after after",
    ],
)
def test_edges_of_the_rule_words_read_as_the_regular_expressions_did(text):
    assert _outcome(parse_rule, text) == _outcome(_reference_rule, text)
