"""Every file location slacli uses, in one place.

Policies: ``--policies PATH``, else ``$SLACLI_POLICIES``, else ``./policies.toml``, else
``policies.toml`` in the user config dir, else the presets shipped in the package.
Incidents: ``--db PATH``, else ``$SLACLI_DB``, else ``incidents.db`` in the user data dir.
Caches (holiday tables): ``$SLACLI_CACHE_DIR``, else the user cache dir.
An option given empty (``--db ''``) is an error; a variable set empty counts as unset.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from slacli.errors import InputError

APP = "slacli"
SHIPPED_POLICIES = Path(__file__).with_name("policies.toml")
# The XDG base directories: (variable, default under the home directory).
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
    "data": ("XDG_DATA_HOME", ".local/share"),
}


def policies_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The policy file to read, by the lookup order above."""
    if explicit is not None:
        return _given(explicit, "--policies")
    if env := os.environ.get("SLACLI_POLICIES"):
        return Path(env)
    local = Path("policies.toml")
    if _is_file(local):
        return local
    user = user_dir("config") / "policies.toml"
    if _is_file(user):
        return user
    return SHIPPED_POLICIES


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; one this user may not even look at is not theirs to use."""
    try:
        return path.is_file()
    except PermissionError:
        return False


def cache_dir() -> Path:
    if env := os.environ.get("SLACLI_CACHE_DIR"):
        return Path(env)
    return user_dir("cache")


def database_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The incident database: ``--db PATH``, else ``$SLACLI_DB``, else in the user data dir."""
    if explicit is not None:
        return _given(explicit, "--db")
    if env := os.environ.get("SLACLI_DB"):
        return Path(env)
    return user_dir("data") / "incidents.db"


def _given(value: str | os.PathLike[str], option: str) -> Path:
    if not os.fspath(value):
        raise InputError(f"{option} is empty: give a file path")
    return Path(value)


def user_dir(kind: str) -> Path:
    """The user ``config``, ``cache`` or ``data`` dir of slacli, as platformdirs gives it."""
    if sys.platform == "linux":
        # Nearly every run looks here, and importing platformdirs costs ~4 ms, a tenth of
        # a cron run's start-up budget; on Linux its answer is this XDG rule.
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "")
        return (Path(base) if os.path.isabs(base) else Path.home() / default) / APP
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP))
