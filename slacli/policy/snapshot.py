"""Snapshot identity: what the incident store keeps of the policy an incident's deadlines
came from. Stored deadlines keep the digest of the tables that computed them, so an
edited policy file changes nothing until ``slacli recompute``. Stored snapshots keep the
*text* of rules and are parsed again for old incidents: the rule grammar may grow, but an
existing rule text must never change meaning (see :mod:`slacli.rules`)."""

from __future__ import annotations

from typing import Any

from slacli.holidaydata import holidays_release
from slacli.policy.model import PolicySet


def standalone(policies: PolicySet, name: str) -> dict[str, Any]:
    """The TOML tables of policy ``name`` and the calendars it uses, as a file of its own."""
    key = policies.get(name).name
    raw = policies.document["policies"][key]
    used = [raw.get("calendar")] + [s.get("calendar") for s in raw.get("severities", {}).values()]
    calendars = {n: policies.document["calendars"][n] for n in used if n in policies.document.get("calendars", {})}
    return {"calendars": calendars, "policies": {key: raw}}


def digest(policies: PolicySet, name: str) -> str:
    """Identifies what computes policy ``name``'s deadlines: its tables, its calendars'
    tables and the holiday data release."""
    import hashlib  # lazily: only the incident store needs digests
    import json

    tables: dict[str, Any] = {**standalone(policies, name), "holidays": holidays_release()}
    return hashlib.sha256(json.dumps(tables, sort_keys=True, default=str).encode()).hexdigest()[:16]
