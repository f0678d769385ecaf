"""What every command shares: the policies and the incident database, opened on first use."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from slacli.errors import InputError
from slacli.holidaydata import HolidayCache
from slacli.paths import cache_dir, database_file, policies_file
from slacli.policy import PolicySet, load_policies
from slacli.texts import replaced

if TYPE_CHECKING:
    from slacli.tracker import Tracker


class AppState:
    def __init__(self, policies_option: str | None = None, db_option: str | None = None) -> None:
        self.policies_option = policies_option
        self.db_option = db_option
        self._policies: PolicySet | None = None
        self._tracker: Tracker | None = None

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

    def tracker(self, *, create: bool = True) -> Tracker:
        """The incident tracker over the database in use (opened, and migrated, on first use).

        ``create=False`` for commands about an existing incident: a mistyped --db must not
        leave a new, empty database behind."""
        if self._tracker is None:
            from slacli.storage import open_store  # lazily: deadline and policies never touch SQLite
            from slacli.tracker import Tracker

            path = database_file(self.db_option)
            if not create and not path.exists():
                raise InputError(f"no incidents yet: {path} does not exist")
            self._tracker = Tracker(open_store(path), self.policies(), holiday_cache(), recorder=login())
        return self._tracker


def login() -> str:
    """Who is running slacli: the author of what they record, unless --by says otherwise
    ($USER or $USERNAME, any byte that is not UTF-8 replaced by U+FFFD)."""
    return replaced(os.environ.get("USER") or os.environ.get("USERNAME") or "unknown")


def holiday_cache() -> HolidayCache:
    return HolidayCache(cache_dir() / "holidays.json")
