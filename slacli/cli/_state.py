"""What every command shares: where the policies are, loaded once on first use."""

from pathlib import Path

from slacli.holidaydata import HolidayCache
from slacli.paths import cache_dir, policies_file
from slacli.policy import PolicySet, load_policies


class AppState:
    def __init__(self, policies_option: str | None = None) -> None:
        self.policies_option = policies_option
        self._policies: PolicySet | None = None

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


def holiday_cache() -> HolidayCache:
    return HolidayCache(cache_dir() / "holidays.json")
