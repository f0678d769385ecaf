"""Every file location slacli uses, in one place.

Policies: ``--policies PATH``, else ``$SLACLI_POLICIES``, else ``./policies.toml``, else
``policies.toml`` in the user config dir, else the presets shipped in the package.
Caches (holiday tables): ``$SLACLI_CACHE_DIR``, else the user cache dir.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "slacli"
SHIPPED_POLICIES = Path(__file__).with_name("policies.toml")


def policies_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The policy file to read, by the lookup order above."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get("SLACLI_POLICIES"):
        return Path(env)
    local = Path("policies.toml")
    if local.is_file():
        return local
    user = user_config_dir() / "policies.toml"
    if user.is_file():
        return user
    return SHIPPED_POLICIES


def user_config_dir() -> Path:
    import platformdirs  # lazily: most runs never get this far down the lookup order

    return Path(platformdirs.user_config_dir(APP))


def cache_dir() -> Path:
    if env := os.environ.get("SLACLI_CACHE_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP))
