"""What a contract asks of a missed or met target beyond its clock: which event met the
resolution (a workaround or the resolution), the exception documenting a late one, and
how far up the escalation matrix an unresolved breach has gone (issue 10).

Keys of :func:`target_fields`: resolution_met_by (``workaround``, ``resolve`` or None;
resolution rows only), excepted, exception (the reason), exception_plan, escalation_level
(the number of the matrix level reached), escalate_to (that level's who), escalated_to
(whom the latest escalation told), escalation_due (reached and nobody told since).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from slacli.incidents import State
from slacli.policy import EscalationLevel, Policy, Severity
from slacli.views.clocks import Clock
from slacli.vocabulary import TargetName

EXCEPTION_KEYS = ("exception", "exception_plan")  # an excepted target's reason and plan
ESCALATION_KEYS = ("escalation_level", "escalate_to", "escalated_to")  # the matrix level reached, who was told
TARGET_KEYS = ("resolution_met_by", "excepted", *EXCEPTION_KEYS, *ESCALATION_KEYS, "escalation_due")


class Escalation(NamedTuple):
    """Where an unresolved breach stands on its policy's escalation matrix."""

    level: EscalationLevel | None  # None: no matrix (the severity alone asks for escalation)
    escalated_to: str | None  # the latest escalation recorded, if any
    due: bool  # the level is reached and no escalation was recorded since


def escalation(policy: Policy, severity: Severity, state: State, due: datetime, as_of: datetime) -> Escalation | None:
    """The escalation a breach of a target due at ``due`` calls for as of ``as_of``: None
    when the severity does not escalate, the incident is resolved, or no level is reached.

    Without a matrix the breach itself is the one level. An escalation answers every level
    reached by its instant: reaching the next level asks again.
    """
    if not severity.escalate or not state.is_open or as_of <= due:
        return None
    level = policy.escalation_level(as_of - due)
    if policy.escalation and level is None:
        return None  # not far enough past due for the first level
    reached = due + (level.after if level else timedelta())
    told = [who for at, who in state.escalations if at >= reached]
    last = state.escalations[-1][1] if state.escalations else None
    return Escalation(level, last, not told)


def missed_due(clocks: dict[TargetName, Clock], state: State) -> datetime | None:
    """The earliest due instant of a target the incident missed (breached or met late, a
    late status update included): an unresolved incident's escalation counts from it."""
    dues = [c.due for c in clocks.values() if c.due is not None and c.status.missed]
    dues += [due for due, _ in state.late_updates]
    return min(dues, default=None)


def target_fields(
    policy: Policy,
    state: State,
    clocks: dict[TargetName, Clock],
    as_of: datetime,
    missed: tuple[str, datetime] | None,  # a TargetName, or recovery_point
) -> dict[str, Any]:
    """TARGET_KEYS for a missed target (``missed``: which, and its due instant), or for the
    incident as a whole (``missed`` None: its missed targets, from the earliest due); an
    exception excepts a missed resolution only."""
    severity = policy.severity(state.severity)
    target, due = missed if missed else (None, missed_due(clocks, state))
    resolution = target in (None, TargetName.RESOLUTION)
    judged = clocks[TargetName.RESOLUTION]
    excepted = resolution and judged.status.missed and state.exception_reason is not None
    found = escalation(policy, severity, state, due, as_of) if due is not None else None
    return {
        "resolution_met_by": state.resolution_met_by if resolution and judged.due is not None else None,
        "excepted": excepted,
        "exception": state.exception_reason if excepted else None,
        "exception_plan": state.exception_plan if excepted else None,
        "escalation_level": found.level.number if found and found.level else None,
        "escalate_to": found.level.who if found and found.level else None,
        "escalated_to": found.escalated_to if found else None,
        "escalation_due": bool(found and found.due),
    }
