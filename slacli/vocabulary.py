"""The words of policies that slacli compares: targets, clocks, anchors, maintenance kinds,
what meets a resolution.

Each is a ``StrEnum`` whose values are the texts stored in the database and printed in
JSON and CSV, so stored data and output keep their spelling while code compares members.
The words of what is recorded are in ``slacli.recorded``, apart because computing a
deadline needs none of them and each enum costs start-up time to create.
"""

from __future__ import annotations

from enum import StrEnum


class TargetName(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"
    UPDATE = "update"  # the next status update of a cadence (SPEC 2.12)


class MetBy(StrEnum):
    """The events that may meet a resolution target (``resolution_met_by``)."""

    WORKAROUND = "workaround"
    RESOLVE = "resolve"


class ClockKind(StrEnum):
    """What a target counts on, and so what a pause moves it by (SPEC 2.11)."""

    BUSINESS = "business"  # the policy's calendar
    WALL = "wall"  # real elapsed time


class Anchor(StrEnum):
    OPENED = "opened"
    ACKED = "acked"


class MaintenanceKind(StrEnum):
    SCHEDULED = "scheduled"
    REGULAR = "regular"
    EMERGENCY = "emergency"
