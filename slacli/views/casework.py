"""Case work as records (the rules are in :mod:`slacli.casework`), as of an instant.

Keys of a case field row (CASE_FIELD_COLUMNS): field, value (None: not given), required.
Keys of a recovery row (RECOVERY_COLUMNS and ``data_lost_minutes``): restored, snapshot,
failure (the impact start), data_lost, recovery_point, recovery_point_met (None: the
policy sets no recovery point), customer_notified. Instants are in the policy's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slacli.casework import judged_recoveries, work_minutes
from slacli.incidents import State
from slacli.instants import format_duration
from slacli.policy import Policy
from slacli.views import local, number

CASE_FIELD_COLUMNS = ("field", "value", "required")
RECOVERY_COLUMNS = (
    *("restored", "snapshot", "failure", "data_lost", "recovery_point", "recovery_point_met"),
    "customer_notified",
)
RECOVERY_DROP = ("customer_notified", "restored", "failure", "recovery_point")  # on a narrow terminal, first first


def case_fields(state: State, policy: Policy) -> list[dict[str, Any]]:
    """The required fields in the policy's order, given or not, then the others given."""
    required = policy.required_fields
    others = [key for key in state.fields if key not in required]
    return [{"field": key, "value": state.fields.get(key), "required": key in required} for key in (*required, *others)]


def recoveries(state: State, policy: Policy, as_of: datetime) -> list[dict[str, Any]]:
    """Each recovery from backup with the data it lost, judged against the recovery point."""
    zone = policy.calendar.zone
    rows = []
    for recovery, lost, met in judged_recoveries(state.started, state.recoveries, policy.recovery_point):
        notified = recovery.notified if recovery.notified is not None and recovery.notified <= as_of else None
        rows.append(
            {
                "restored": local(recovery.at, zone),
                "snapshot": local(recovery.snapshot, zone),
                "failure": local(state.started, zone),
                "data_lost": format_duration(lost),
                "data_lost_minutes": number(lost.total_seconds() / 60),
                "recovery_point": format_duration(policy.recovery_point) if policy.recovery_point else None,
                "recovery_point_met": met,
                "customer_notified": local(notified, zone),
            }
        )
    return rows


def worked(state: State, policy: Policy) -> dict[str, float | int]:
    """The time worked on an incident: billable (its severity then was billable) and included."""
    billable, included = work_minutes(state.work, lambda key: policy.severity(key).billable)
    return {"billable_minutes": number(billable), "included_minutes": number(included)}
