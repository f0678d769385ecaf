"""The words of what is recorded: event kinds, incident, clock and window statuses, window
actions, maintenance impacts, repeats and periods.

``StrEnum``s like those of ``slacli.vocabulary`` (their values are the stored and printed
texts), kept apart from it so that commands which record nothing do not create them.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    OPENED = "opened"
    ACKNOWLEDGED = "acknowledged"
    SEVERITY_CHANGED = "severity_changed"
    PAUSED = "paused"
    RESUMED = "resumed"
    UPDATE = "update"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    EXCLUDED = "excluded"
    POSTMORTEM = "postmortem"
    RECOMPUTED = "recomputed"
    CORRECTED = "corrected"  # voids or re-dates an earlier event (SPEC 2.13)
    FIELD = "field"  # a case field given (optimy 4.2, openweb's case prerequisites)
    RECOVERY = "recovery"  # restored from a backup snapshot (optimy 2.3)
    WORKLOG = "worklog"  # time worked on the incident (opencraft: minor incidents are billed)
    WORKAROUND = "workaround"  # an interim fix: the incident stays open
    EXCEPTION = "exception"  # the resolution will be late: why, and the mitigation plan
    ESCALATED = "escalated"  # told someone up the escalation matrix


class Status(StrEnum):
    """An incident's status."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    PAUSED = "paused"
    RESOLVED = "resolved"


class PublicState(StrEnum):
    """Where an incident stands on the status page (SPEC 3, openmethods), apart from its clocks."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class ClockStatus(StrEnum):
    """Where one target of one incident stands as of an instant."""

    PENDING = "pending"
    PAUSED = "paused"
    MET = "met"
    MET_LATE = "met late"
    BREACHED = "breached"
    NO_TARGET = "no target"

    @property
    def running(self) -> bool:
        return self in (ClockStatus.PENDING, ClockStatus.PAUSED, ClockStatus.BREACHED)

    @property
    def missed(self) -> bool:
        return self in (ClockStatus.MET_LATE, ClockStatus.BREACHED)


class MaintenanceImpact(StrEnum):
    """What a maintenance window does to the service while it runs (SPEC 4)."""

    FULL = "full"  # unavailable: downtime at weight 1 where not excluded
    PARTIAL = "partial"  # degraded: the policy's partial weight
    NONE = "none"  # no downtime at all (a hotfix)


class WindowStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Repeat(StrEnum):
    """How a maintenance series repeats: an RFC 5545 RRULE FREQ."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class WindowAction(StrEnum):
    START = "start"
    COMPLETE = "complete"
    CANCEL = "cancel"


class PeriodKind(StrEnum):
    MONTH = "month"
    WEEK = "week"
    QUARTER = "quarter"
