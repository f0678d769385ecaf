"""Holiday tables from the ``holidays`` package, and parsed policy files, cached on disk.

Importing ``holidays`` and building a country's table costs ~130 ms, more than the
rest of a ``slacli deadline`` run. The tables a run needs are therefore kept in a file
in the cache dir, keyed by country, subdivision, categories and year, and thrown away
as a whole when the installed ``holidays`` release or the Python version changes. The
same file keeps the last few policy files read that validated, as their exact bytes and
the document tomllib parsed from them: importing tomllib and parsing the presets costs ~4 ms
a run, and a file known to be valid needs only the tables a command uses built. Kept
documents are thrown away with the rest when slacli's version changes, since validation may.
The file is in ``marshal`` format (built in, so nothing to import, and ~20x faster to
read than JSON). The cache is only an optimisation: when it is missing, damaged or
cannot be written, slacli works as before, just slower.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import marshal
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from slacli import __version__
from slacli.calendars import HolidaySource
from slacli.errors import PolicyError

# Years fetched together on a miss, around the one asked for: deadlines look a few
# months ahead, reports a year back.
YEARS_BEFORE, YEARS_AFTER = 2, 5
Table = dict[date, str]


@functools.cache
def holidays_release() -> str:
    """The installed ``holidays`` distribution (name and version), found without importing it."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        raise PolicyError("the holidays package is not installed")
    try:  # a listing, not Path.glob: that compiles a regular expression on every run
        names = os.listdir(Path(spec.origin).parent.parent)
    except OSError:
        names = []
    dists = sorted(n for n in names if n.startswith("holidays-") and n.endswith(".dist-info"))
    return dists[-1] if dists else spec.origin


def _table(rows: object) -> Table:
    if not isinstance(rows, list):
        raise TypeError("no rows")
    return {date.fromisoformat(day): str(name) for day, name in rows}


def _is_kept_document(entry: object) -> bool:
    return isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, bytes) for part in entry)


DOCUMENTS_KEPT = 4  # policy files: the one in use, and a few others a user switches between
_FORMAT = f"{sys.version_info[:2]} marshal {marshal.version} slacli {__version__}"


class HolidayCache:
    """Loads and fills the on-disk cache; hands out per-calendar holiday sources."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._tables: dict[str, dict[str, list[list[str]]]] | None = None
        self._documents: list[list[bytes]] = []  # [file bytes, marshalled document], newest first
        self._release = ""

    def document(self, raw: bytes) -> dict[str, Any] | None:
        """The document parsed from a policy file of exactly these bytes, when kept (a fresh copy)."""
        self._load()
        for kept, document in self._documents:
            if kept == raw:
                with contextlib.suppress(EOFError, ValueError, TypeError):
                    found = marshal.loads(document)
                    return found if isinstance(found, dict) else None
        return None

    def keep_document(self, raw: bytes, document: dict[str, Any]) -> None:
        """Keep what ``raw`` parses to, once it validated, for the next run (not when it holds
        what marshal cannot, such as TOML dates)."""
        try:
            dumped = marshal.dumps(document)
        except ValueError:
            return
        self._load()
        self._documents = [[raw, dumped], *(d for d in self._documents if d[0] != raw)][:DOCUMENTS_KEPT]
        self._save()

    def source(
        self,
        country: str,
        subdiv: str | None = None,
        categories: Sequence[str] = (),
        *,
        where: tuple[str, str] = ("", ""),
    ) -> HolidaySource:
        """A function year -> holidays for this country; ``where`` is (file, key) for errors."""
        key = "|".join((country, subdiv or "", ",".join(categories)))
        parsed: dict[int, Table] = {}

        def holidays_of(year: int) -> Mapping[date, str]:
            if year not in parsed:
                try:
                    parsed[year] = _table(self._rows(key, year))
                except (TypeError, ValueError, AttributeError):  # missing or damaged: rebuild it
                    parsed[year] = _table(self._fetch(key, country, subdiv, categories, year, where))
            return parsed[year]

        return holidays_of

    def _load(self) -> dict[str, dict[str, list[list[str]]]]:
        if self._tables is None:
            self._release = holidays_release()
            self._tables = {}
            if self.path is not None:
                with contextlib.suppress(OSError, EOFError, ValueError, TypeError, AttributeError):
                    data = marshal.loads(self.path.read_bytes())
                    if data.get("release") == self._release and data.get("format") == _FORMAT:
                        tables, documents = data["tables"], data["documents"]
                        if isinstance(tables, dict) and all(_is_kept_document(d) for d in documents):
                            self._tables, self._documents = tables, documents
        return self._tables

    def _rows(self, key: str, year: int) -> object:
        return self._load().get(key, {}).get(str(year))

    def _fetch(
        self,
        key: str,
        country: str,
        subdiv: str | None,
        categories: Sequence[str],
        year: int,
        where: tuple[str, str],
    ) -> list[list[str]]:
        import holidays  # lazily: see the module docstring

        years = range(max(1, year - YEARS_BEFORE), min(9999, year + YEARS_AFTER) + 1)
        options: dict[str, Any] = {"years": years}
        if subdiv:
            options["subdiv"] = subdiv
        if categories:
            options["categories"] = tuple(categories)
        try:
            table = holidays.country_holidays(country, **options)
        except (NotImplementedError, ValueError, KeyError) as error:
            raise PolicyError(f"holidays: {error}", file=where[0], key=where[1]) from None
        by_year: dict[str, list[list[str]]] = {str(y): [] for y in years}
        for day, name in sorted(table.items()):
            by_year.setdefault(str(day.year), []).append([day.isoformat(), name])
        self._load().setdefault(key, {}).update(by_year)
        self._save()
        return by_year[str(year)]

    def _save(self) -> None:
        if self.path is None:
            return
        data = {"release": self._release, "format": _FORMAT, "tables": self._tables, "documents": self._documents}
        import tempfile  # lazily: only a cache miss writes

        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".holidays-")
            with os.fdopen(fd, "wb") as out:
                marshal.dump(data, out)
            os.replace(tmp, self.path)
