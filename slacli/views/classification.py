"""``slacli classify``: the severity a policy's hints suggest for what is affected.

Keys of :func:`classification_record`: policy, affected_pct, agents and of (the counts
given, else None), severity, severity_name and hint (None when no hint covers it),
also_matched (the keys of less specific hints that match too), why.
"""

from __future__ import annotations

from typing import Any

from slacli.classification import Affected, suggest
from slacli.policy import Policy


def classification_record(policy: Policy, affected: Affected) -> dict[str, Any]:
    found = suggest(policy, affected)
    chosen = found.severity
    return {
        "policy": policy.name,
        "affected_pct": float(affected.pct),  # unrounded: 29.999 is not 30, on the other side of a hint
        "agents": affected.agents if affected.of is not None else None,
        "of": affected.of,
        "severity": chosen.key if chosen else None,
        "severity_name": chosen.name if chosen else None,
        "hint": chosen.hint.text if chosen and chosen.hint else None,
        "also_matched": [s.key for s in found.also],
        "why": found.why,
    }
