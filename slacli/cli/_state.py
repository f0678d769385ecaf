"""What every command shares: the policies and the incident database, opened on first use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from slacli.holidaydata import HolidayCache
from slacli.paths import cache_dir, database_file, policies_file
from slacli.policy import PolicySet, load_policies

if TYPE_CHECKING:
    from slacli.storage.base import OpenMode, Store
    from slacli.tracker import Tracker


class AppState:
    def __init__(self, policies_option: str | None = None, db_option: str | None = None) -> None:
        self.policies_option = policies_option
        self.db_option = db_option
        self._policies: PolicySet | None = None
        self._store: Store | None = None
        self._tracker: Tracker | None = None
        self._mode: OpenMode = "read"

    @property
    def policies_path(self) -> Path:
        return policies_file(self.policies_option)

    def policies(self, path: Path | None = None) -> PolicySet:
        """The policy set in use (or the one at ``path``), validated."""
        if path is not None:
            return load_policies(path, holiday_cache())
        if self._policies is None:
            self._policies = load_policies(self.policies_path, holiday_cache())
        return self._policies

    def store(self, mode: OpenMode) -> Store:
        """The incident database in use, opened (and migrated) on first use for ``mode``:
        ``read`` (list, show, due, ...) and ``write`` (ack, resolve, ...) need an existing
        database, so a mistyped --db never leaves a new, empty one behind; only ``create``
        (open, maintenance add) makes it. A database opened for more is reused."""
        from slacli.storage.base import OPEN_MODES  # lazily, like the store: deadline never needs one

        if self._store is None or OPEN_MODES.index(self._mode) < OPEN_MODES.index(mode):
            from slacli.storage import open_store

            self.close()
            self._store, self._mode = open_store(database_file(self.db_option), mode), mode
        return self._store

    def tracker(self, mode: OpenMode) -> Tracker:
        """The incident tracker over :meth:`store` opened for ``mode``, with the policies in use;
        ``create`` opens (and makes) the database only when the tracker first writes."""
        from slacli.tracker import Tracker

        if mode == "create" and self._store is None:
            self._tracker = Tracker(lambda: self.store(mode), self.policies(), holiday_cache(), recorder=login())
        elif self._tracker is None or self._tracker.store is not self.store(mode):
            self._tracker = Tracker(self.store(mode), self.policies(), holiday_cache(), recorder=login())
        return self._tracker

    def close(self) -> None:
        """Close the database, if one was opened (when the command is done)."""
        if self._store is not None:
            self._store.close()
        self._store = self._tracker = None


def login() -> str:
    """Who is running slacli: the author of what they record, unless --by says otherwise.
    $USER, else $LOGNAME (cron sets it), else $USERNAME (Windows), else the account's name,
    else its number: never a made-up name. Bytes that are not UTF-8 become U+FFFD."""
    from slacli.texts import replaced  # lazily: only commands that record anything ask

    for variable in ("USER", "LOGNAME", "USERNAME"):
        if name := os.environ.get(variable, "").strip():
            return replaced(name)
    return _account()


def _account() -> str:
    """The name of the account this process runs as, or ``uid N`` when it has none (a
    container's random uid)."""
    try:
        import pwd  # lazily, and POSIX only
    except ImportError:
        return "unnamed account"
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid {os.getuid()}"


def holiday_cache() -> HolidayCache:
    return HolidayCache(cache_dir() / "cache.marshal")
