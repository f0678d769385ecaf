"""Maintenance windows as records, as of an instant.

Keys (COLUMNS): id, policy, kind, impact (full, partial or none), status, start, end, announced, title, service,
warnings (a list of texts); and, beside them for JSON, kind_reason: why it is of its kind, as decided
when it was added (None for a window recorded before slacli said so). Instants are in the policy's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slacli.maintenance import Window
from slacli.policy import PolicySet
from slacli.tracker import Tracker
from slacli.views import local

COLUMNS = ("id", "policy", "kind", "impact", "status", "start", "end", "announced", "title", "service", "warnings")
# A narrow terminal leaves out these columns, the first first, and prints the warnings under the table.
DROP = ("announced", "service", "impact", "policy", "end")
NOTES = ("warnings",)


def window_record(policies: PolicySet, window_id: int, window: Window) -> dict[str, Any]:
    zone = policies.get(window.policy).calendar.zone
    return {
        "id": window_id,
        "policy": window.policy,
        "kind": window.kind,
        "impact": window.impact,
        "status": window.status,
        "start": local(window.start, zone),
        "end": local(window.end, zone),
        "announced": local(window.announced, zone),
        "title": window.title,
        "service": window.service,
        "warnings": list(window.warnings),
        "kind_reason": window.kind_reason or None,
    }


def window_list(tracker: Tracker, as_of: datetime, policy: str | None = None) -> list[dict[str, Any]]:
    """Every window announced by ``as_of``, by start, as it stood then."""
    return [window_record(tracker.policies, i, w) for i, w in tracker.windows(as_of, policy)]
