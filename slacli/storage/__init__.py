"""Stores behind one contract (:mod:`.base`); :func:`open_store` picks one by location.

Only :mod:`.sqlite` imports ``sqlite3``, and only when a store is opened, so commands
that never touch incidents (``deadline``, ``policies``) start without it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from slacli.errors import StoreError

if TYPE_CHECKING:
    from slacli.storage.base import OpenMode, Store


def open_store(location: Path, mode: OpenMode) -> Store:
    """The store at ``location`` opened for ``mode`` (see :data:`.base.OpenMode`): today
    always a SQLite file (a server URL later). Only ``create`` makes a missing one."""
    from slacli.storage.sqlite import open_sqlite

    return open_sqlite(location, mode)


def store_failure(error: BaseException) -> StoreError | None:
    """A store's own error that escaped it as a StoreError (a damaged file, say), else None.
    A store that was never opened raised nothing: its module is not even imported."""
    sqlite = sys.modules.get("slacli.storage.sqlite")
    return sqlite.store_failure(error) if sqlite is not None else None
