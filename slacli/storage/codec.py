"""Stored forms: incident states, maintenance windows and downtime as JSON-ready data.

Instants are ISO 8601 text. Every store keeps these documents as they are, so the codec
is shared by all of them and no store knows the fields inside. One table of field kinds
serves both records: what is dumped one way is loaded back the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from slacli.impact import impact
from slacli.incidents import State
from slacli.maintenance import Window
from slacli.policy import Policy
from slacli.vocabulary import ClockKind, MaintenanceKind, Status, WindowAction, WindowStatus


def _instant(value: Any, load: bool) -> Any:
    if value is None:
        return None
    return datetime.fromisoformat(value) if load else value.isoformat()


def _instant_pairs(value: Any, load: bool) -> Any:
    if load:
        return tuple((datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in value)
    return [[a.isoformat(), b.isoformat()] for a, b in value]


def _changes(value: Any, load: bool) -> Any:  # (when, the severity before it)
    if load:
        return tuple((datetime.fromisoformat(at), before) for at, before in value)
    return [[at.isoformat(), before] for at, before in value]


def _window_changes(value: Any, load: bool) -> Any:  # (when, the action done)
    if load:
        return tuple((datetime.fromisoformat(at), WindowAction(action)) for at, action in value)
    return [[at.isoformat(), str(action)] for at, action in value]


def _texts(value: Any, load: bool) -> Any:
    return tuple(value) if load else list(value)


def _enum(kind: type[Any]) -> Callable[[Any, bool], Any]:
    def convert(value: Any, load: bool) -> Any:
        return None if value is None else kind(value) if load else str(value)

    return convert


_INSTANT_FIELDS = ("opened", "started", "acked", "resolved", "paused_since", "last_update", "last_event", "reopened")
_STATE_FIELDS: dict[str, Callable[[Any, bool], Any]] = {
    **dict.fromkeys((*_INSTANT_FIELDS, "response_due", "resolution_due", "update_due"), _instant),
    **dict.fromkeys(("pauses", "late_updates", "resolved_gaps"), _instant_pairs),
    "severity_changes": _changes,
    "status": _enum(Status),
    "response_clock": _enum(ClockKind),
    "resolution_clock": _enum(ClockKind),
}
_WINDOW_FIELDS: dict[str, Callable[[Any, bool], Any]] = {
    **dict.fromkeys(("start", "end", "announced"), _instant),
    "warnings": _texts,
    "changes": _window_changes,
    "kind": _enum(MaintenanceKind),
    "status": _enum(WindowStatus),
}


def _dump(record: State | Window, kinds: Mapping[str, Callable[[Any, bool], Any]]) -> dict[str, Any]:
    return {key: kinds[key](value, False) if key in kinds else value for key, value in record._asdict().items()}


def _loaded(data: Mapping[str, Any], kinds: Mapping[str, Callable[[Any, bool], Any]]) -> dict[str, Any]:
    return {key: kinds[key](value, True) if key in kinds else value for key, value in data.items()}


def dump_state(state: State) -> dict[str, Any]:
    return _dump(state, _STATE_FIELDS)


def load_state(data: Mapping[str, Any]) -> State:
    return State(**_loaded(data, _STATE_FIELDS))


def dump_window(window: Window) -> dict[str, Any]:
    return _dump(window, _WINDOW_FIELDS)


def load_window(data: Mapping[str, Any]) -> Window:
    return Window(**_loaded(data, _WINDOW_FIELDS))


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
