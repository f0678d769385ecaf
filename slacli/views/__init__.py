"""The read layer: questions answered as plain records, as of one instant (SPEC 2.14).

Each module answers one kind of question over a :class:`slacli.tracker.Tracker` (the due
board and breaches, incidents, maintenance, availability and its trend, the report, the
deadline batch) and returns records: mappings with documented keys whose instants are
aware datetimes in the zone they are shown in and whose quantities are rounded numbers.
Commands, the demo and later the status page call these; none of them chooses a format
(the few texts in records, such as time left, are part of what JSON carries).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


def number(value: float) -> float | int:
    """A measured quantity: an int when whole, else rounded to 2 decimals."""
    return int(value) if float(value).is_integer() else round(value, 2)


def local(t: datetime | None, zone: ZoneInfo) -> datetime | None:
    """``t`` in ``zone`` (where records show it), None stays None."""
    return t.astimezone(zone) if t is not None else None


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A row without its presentation hints (``_style``), for JSON."""
    return {k: v for k, v in row.items() if not k.startswith("_")}
