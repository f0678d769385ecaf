"""Stored forms: incident states, maintenance windows, notices and downtime as JSON-ready data.

Instants are ISO 8601 text. Every store keeps these documents as they are, so the codec
is shared by all of them and no store knows the fields inside. One table of field kinds
serves both records: what is dumped one way is loaded back the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from slacli.casework import Recovery, Work
from slacli.impact import impact
from slacli.incidents import PublicUpdate, State
from slacli.maintenance import Window
from slacli.notices import Notice
from slacli.policy import Policy
from slacli.recorded import MaintenanceImpact, PublicState, Status, WindowAction, WindowStatus
from slacli.vocabulary import ClockKind, MaintenanceKind


class Field(NamedTuple):
    """How one kind of field is stored (``dump``) and read back (``load``); None stays None."""

    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


INSTANT = Field(datetime.isoformat, datetime.fromisoformat)


def _text(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


INSTANT_PAIRS = Field(
    lambda pairs: [[a.isoformat(), b.isoformat()] for a, b in pairs],
    lambda pairs: tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in pairs),
)
DATED_TEXTS = Field(  # (when, a text): severity changes (the severity before it), escalations (to whom)
    lambda changes: [[at.isoformat(), before] for at, before in changes],
    lambda changes: tuple((datetime.fromisoformat(at), before) for at, before in changes),
)
WINDOW_CHANGES = Field(  # (when, the action done)
    lambda changes: [[at.isoformat(), str(action)] for at, action in changes],
    lambda changes: tuple((datetime.fromisoformat(at), WindowAction(action)) for at, action in changes),
)
TEXTS = Field(list, tuple)
RECOVERIES = Field(  # (restored, snapshot, customer notified or None)
    lambda recoveries: [[r.at.isoformat(), r.snapshot.isoformat(), _text(r.notified)] for r in recoveries],
    lambda recoveries: tuple(
        Recovery(datetime.fromisoformat(at), datetime.fromisoformat(snapshot), _instant(notified))
        for at, snapshot, notified in recoveries
    ),
)
WORK = Field(  # (when, minutes, the severity then)
    lambda work: [[w.at.isoformat(), w.minutes, w.severity] for w in work],
    lambda work: tuple(Work(datetime.fromisoformat(at), minutes, severity) for at, minutes, severity in work),
)

PUBLIC_UPDATES = Field(  # (when, the public state after it, its message or None)
    lambda updates: [[u.at.isoformat(), str(u.state), u.message] for u in updates],
    lambda updates: tuple(
        PublicUpdate(datetime.fromisoformat(at), PublicState(state), message) for at, state, message in updates
    ),
)


def enum(kind: type[Any]) -> Field:
    return Field(str, kind)


_INSTANT_FIELDS = (
    *("opened", "started", "acked", "resolved", "paused_since", "last_update", "last_event", "reopened"),
    *("workaround", "resolution_workaround"),
)
_STATE_FIELDS: dict[str, Field] = {
    **dict.fromkeys((*_INSTANT_FIELDS, "response_due", "resolution_due", "update_due", "update_since"), INSTANT),
    **dict.fromkeys(("pauses", "late_updates", "resolved_gaps"), INSTANT_PAIRS),
    **dict.fromkeys(("severity_changes", "escalations"), DATED_TEXTS),
    "recoveries": RECOVERIES,
    "work": WORK,
    "public_updates": PUBLIC_UPDATES,
    "public_state": enum(PublicState),
    "resolution_accepts": TEXTS,
    "services": TEXTS,
    "status": enum(Status),
    "response_clock": enum(ClockKind),
    "resolution_clock": enum(ClockKind),
}
_WINDOW_FIELDS: dict[str, Field] = {
    **dict.fromkeys(("start", "end", "announced"), INSTANT),
    "warnings": TEXTS,
    "changes": WINDOW_CHANGES,
    "kind": enum(MaintenanceKind),
    "status": enum(WindowStatus),
    "impact": enum(MaintenanceImpact),
}

_NOTICE_FIELDS: dict[str, Field] = {"at": INSTANT, "services": TEXTS}


def _dump(record: State | Window | Notice, fields: Mapping[str, Field]) -> dict[str, Any]:
    return {
        key: value if value is None or key not in fields else fields[key].dump(value)
        for key, value in record._asdict().items()
    }


def _loaded(data: Mapping[str, Any], fields: Mapping[str, Field], known: tuple[str, ...]) -> dict[str, Any]:
    """The stored keys that are still ``known`` fields of the record, read back; a key
    an older slacli kept and this one dropped is ignored."""
    return {
        key: value if value is None or key not in fields else fields[key].load(value)
        for key, value in data.items()
        if key in known
    }


def dump_state(state: State) -> dict[str, Any]:
    return _dump(state, _STATE_FIELDS)


def load_state(data: Mapping[str, Any]) -> State:
    if "services" not in data and data.get("service"):  # stored when an incident had one service
        data = {**data, "services": [data["service"]]}
    return State(**_loaded(data, _STATE_FIELDS, State._fields))


def dump_window(window: Window) -> dict[str, Any]:
    return _dump(window, _WINDOW_FIELDS)


def load_window(data: Mapping[str, Any]) -> Window:
    return Window(**_loaded(data, _WINDOW_FIELDS, Window._fields))


def dump_notice(notice: Notice) -> dict[str, Any]:
    return _dump(notice, _NOTICE_FIELDS)


def load_notice(data: Mapping[str, Any]) -> Notice:
    return Notice(**_loaded(data, _NOTICE_FIELDS, Notice._fields))


def state_text(state: State) -> str:
    return json.dumps(dump_state(state))


def state_of(text: str) -> State:
    return load_state(json.loads(text))


Stretch = tuple[float, float | None, float]  # (start, end or None while open, weight > 0), epoch seconds


def downtime_stretches(state: State, policy: Policy) -> list[Stretch]:
    """The stretches of ``state``'s impact that count as downtime under ``policy`` (its snapshot)."""
    return [
        (start.timestamp(), end.timestamp() if end else None, weight)
        for start, end, weight in impact(state, lambda key: policy.severity(key).downtime)
        if weight > 0
    ]


def downtime_text(state: State, policy: Policy) -> str | None:
    """The downtime stretches as stored for availability; None when no stretch counts."""
    stretches = downtime_stretches(state, policy)
    return json.dumps({"excluded": state.excluded, "stretches": stretches}) if stretches else None
