"""Free text at the edges: what slacli accepts as a title, a name or a message.

Accepted text is valid Unicode with no character that moves the cursor, starts a terminal
escape sequence or reorders what follows it, and no longer than its limit:

- no lone surrogates: Python decodes argv and the environment with surrogateescape, so
  bytes that were not UTF-8 arrive as U+DC80-U+DCFF; SQLite, JSON and the terminal cannot
  carry them;
- no C0 control except tab (U+0000-U+001F, so CR and LF too: one line each), no DEL
  (U+007F) and no C1 control (U+0080-U+009F: U+009B is a one-byte CSI to many terminals);
- no line or paragraph separator (U+2028, U+2029: line breaks in disguise);
- no bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069, "Trojan
  Source": what is shown is not what is stored). The marks U+200E, U+200F and U+061C stay
  allowed: right-to-left text needs them and they reorder nothing.

Limits count characters (code points). :data:`UNSAFE` is the same set, tab included, as
a regular expression class: ``slacli.output`` shows any of them escaped, never raw.
"""

from __future__ import annotations

import re

from slacli.errors import InputError

TITLE_LIMIT = 200  # incident and maintenance window titles
NAME_LIMIT = 100  # authors (--by, $USER), services, external refs (--ref)
MESSAGE_LIMIT = 2000  # update messages; pause, exclusion and correction reasons; window notes
URL_LIMIT = 2000  # post-mortem links (what browsers and wikis reliably keep)

# The characters refused (tab aside) and escaped in output, as a regular expression class.
_SURROGATES = r"\ud800-\udfff"
_REFUSED_CLASS = r"\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069" + _SURROGATES
UNSAFE = r"\t" + _REFUSED_CLASS
# Patterns, not compiled ones: re compiles each on first use and keeps it, and a run that
# checks no text (a deadline) then never pays for it at start-up.
_REFUSED = f"[{_REFUSED_CLASS}]"
_SURROGATE = f"[{_SURROGATES}]"


def checked_text(value: str, what: str, limit: int) -> str:
    """``value`` unchanged when it is acceptable text (see the module) of at most
    ``limit`` characters; else InputError naming ``what`` (e.g. ``title``, ``--service``)."""
    if found := re.search(_REFUSED, value):
        char, position = found.group(), found.start() + 1
        if re.match(_SURROGATE, char):
            raise InputError(f"{what} is not valid UTF-8 (character {position})")
        raise InputError(f"{what} contains {_kind(char)} (U+{ord(char):04X}) at character {position}")
    if len(value) > limit:
        raise InputError(f"{what} is {len(value)} characters long; at most {limit} are accepted")
    return value


# Set arithmetic, not a regular expression: every command loads the policies, which name
# case fields, and compiling one costs start-up time.
FIELD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def field_key(text: str) -> str:
    """A field's name as stored: lower case letters, digits, ``-`` and ``_``."""
    key = text.strip().lower()
    if not key or key[0] in "_-" or not FIELD_CHARACTERS.issuperset(key) or len(key) > NAME_LIMIT:
        raise InputError(
            f"field name {text!r}: expected up to {NAME_LIMIT} letters, digits, '-' or '_' (for example project)"
        )
    return key


def _kind(char: str) -> str:
    if char in "\u2028\u2029":
        return "a line separator"
    return "a bidirectional control" if "\u202a" <= char <= "\u2069" else "a control character"


def optional_text(value: str | None, what: str, limit: int) -> str | None:
    """:func:`checked_text` for an optional value: None stays None."""
    return None if value is None else checked_text(value, what, limit)


def undecodable(value: str) -> bool:
    """Whether ``value`` carries bytes that were not UTF-8 (lone surrogates)."""
    return not value.isascii() and re.search(_SURROGATE, value) is not None


def as_bytes_text(value: str) -> str:
    """``value`` with the bytes that were not UTF-8 shown as ``\\xNN``, for a message
    (other lone surrogates as ``\\udNNN``)."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no undecodable byte makes
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def replaced(value: str) -> str:
    """``value`` with each byte that was not UTF-8 replaced by U+FFFD."""
    if not undecodable(value):
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate no undecodable byte makes
        return re.sub(_SURROGATE, "\ufffd", value)
