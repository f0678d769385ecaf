"""slacli.texts: what a title, a name or a message may hold, and how long it may be."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slacli.errors import ExitCode, InputError
from slacli.texts import (
    MESSAGE_LIMIT,
    NAME_LIMIT,
    TITLE_LIMIT,
    UNSAFE,
    URL_LIMIT,
    as_bytes_text,
    checked_text,
    optional_text,
    replaced,
    undecodable,
)


def refusal(value: str, what: str = "title", limit: int = TITLE_LIMIT) -> str:
    with pytest.raises(InputError) as caught:
        checked_text(value, what, limit)
    assert caught.value.exit_code is ExitCode.INPUT
    return str(caught.value)


def test_the_limits_are_what_the_readme_says():
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    assert f"titles of incidents and maintenance windows {TITLE_LIMIT};" in readme
    assert f"names (`--by`, `$USER`, `--service`, `--ref`) {NAME_LIMIT};" in readme
    assert f"correction reasons and window notes {MESSAGE_LIMIT}; post-mortem links {URL_LIMIT}." in readme


@pytest.mark.parametrize(
    "value",
    [
        "Checkout 502s",
        "tab\tseparated",  # the one control character accepted
        "Café crème, 東京, Łódź 🚒",
        "\u05e9\u05dc\u05d5\u05dd \u200f(RTL mark)\u200e \u061c",  # marks reorder nothing
        "zero\u200bwidth \ufeff and NBSP\u00a0",
        "[red]x[/red] [link=https://evil.example]y[/link] =1+1",  # harmless as input; output escapes
        "",
    ],
)
def test_acceptable_text_comes_back_unchanged(value):
    assert checked_text(value, "title", TITLE_LIMIT) is value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\x1b[31mred", "title contains a control character (U+001B) at character 2"),
        ("\x00", "title contains a control character (U+0000) at character 1"),
        ("line\nbreak", "title contains a control character (U+000A) at character 5"),
        ("cr\r", "title contains a control character (U+000D) at character 3"),
        ("del\x7f", "title contains a control character (U+007F) at character 4"),
        ("csi\x9b31m", "title contains a control character (U+009B) at character 4"),
        ("nel\x85", "title contains a control character (U+0085) at character 4"),
        ("ls\u2028", "title contains a line separator (U+2028) at character 3"),
        ("ps\u2029", "title contains a line separator (U+2029) at character 3"),
        ("admin\u202e gnp.exe", "title contains a bidirectional control (U+202E) at character 6"),
        ("\u202a", "title contains a bidirectional control (U+202A) at character 1"),
        ("iso\u2066late\u2069", "title contains a bidirectional control (U+2066) at character 4"),
        ("caf\udce9", "title is not valid UTF-8 (character 4)"),
        ("\ud800", "title is not valid UTF-8 (character 1)"),
    ],
)
def test_controls_separators_bidi_overrides_and_lone_surrogates_are_refused(value, message):
    assert refusal(value) == message


def test_the_first_bad_character_is_named():
    assert refusal("ok \x07 then \x1b") == "title contains a control character (U+0007) at character 4"


def test_length_is_counted_in_characters_up_to_the_limit():
    assert checked_text("é" * TITLE_LIMIT, "title", TITLE_LIMIT) == "é" * TITLE_LIMIT
    assert refusal("x" * (NAME_LIMIT + 1), "--service", NAME_LIMIT) == (
        "--service is 101 characters long; at most 100 are accepted"
    )


def test_characters_are_checked_before_the_length():
    assert "control character" in refusal("\x1b" * (TITLE_LIMIT + 5))


def test_every_refused_character_is_in_unsafe_and_every_unsafe_one_but_tab_is_refused():
    unsafe = re.compile(f"[{UNSAFE}]")
    for code in [*range(0x250), *range(0x2000, 0x2070), *range(0xD7F0, 0xE010)]:
        char = chr(code)
        try:
            checked_text(char, "x", 1)
            accepted = True
        except InputError:
            accepted = False
        assert accepted == (char == "\t" or not unsafe.match(char)), hex(code)


@given(st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=50))
def test_text_without_controls_or_surrogates_is_refused_only_for_separators_and_bidi(value):
    refused = re.search("[\u2028\u2029\u202a-\u202e\u2066-\u2069]", value)
    try:
        assert checked_text(value, "title", TITLE_LIMIT) == value
        assert not refused
    except InputError:
        assert refused


def test_optional_text_passes_none():
    assert optional_text(None, "--ref", NAME_LIMIT) is None
    assert optional_text("INC-1", "--ref", NAME_LIMIT) == "INC-1"
    with pytest.raises(InputError, match="--ref contains a control character"):
        optional_text("INC\x1b", "--ref", NAME_LIMIT)


def test_undecodable_is_lone_surrogates_only():
    assert undecodable(os.fsdecode(b"caf\xe9"))
    assert undecodable("\ud83d")  # half an emoji
    assert not undecodable("café 🚒")
    assert not undecodable("plain")


def test_messages_show_the_original_bytes_and_replacements_are_u_fffd():
    bad = os.fsdecode(b"caf\xe9 \xff")
    assert as_bytes_text(bad) == "caf\\xe9 \\xff"
    assert as_bytes_text("\ud800x") == "\\ud800x"  # not from a byte: shown as the code point
    assert replaced(bad) == "caf\ufffd \ufffd"
    assert replaced("\ud800x") == "\ufffdx"
    assert replaced("café") == "café"
