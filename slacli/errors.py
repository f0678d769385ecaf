"""The library's error hierarchy.

Every error a user can cause derives from :class:`SlacliError` and carries the exit
status the command line should end with. The CLI turns them into one line on stderr in
exactly one place (``slacli.cli``); nothing else maps errors to exit codes.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FOUND = 1  # a breach or a missed target was found: cron mails the output
    INPUT = 2  # usage or input error; nothing was written
    INTERNAL = 3  # an unexpected internal error (a bug): never 1, which cron reads as "found"
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it
    BROKEN_PIPE = 141  # the reader of stdout went away (`slacli list | head -1`): 128 + SIGPIPE


class SlacliError(Exception):
    """Base class of every error slacli reports to users."""

    exit_code: ExitCode = ExitCode.INPUT


class InputError(SlacliError):
    """A value given on the command line or in an input file is wrong."""


class PolicyError(SlacliError):
    """The policy file is unreadable, malformed or inconsistent.

    The message names the file, the key path inside it and what is wrong.
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None) -> None:
        where = ": ".join(part for part in (file, key) if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        self.key = key


class CalendarError(SlacliError):
    """A calendar cannot answer, for example because it has no business hours at all."""


class StoreError(SlacliError):
    """The incident database cannot be opened or written (a bad --db path, say)."""
