"""Case work beyond the clocks: the fields a case needs, recoveries from backup, time worked. Pure.

- **Case fields** (optimy 4.2, openweb's case prerequisites): a policy lists the fields
  an incident needs (``required_fields``); one without them all is *incomplete*. It is
  still opened and its clocks still run: the contracts ask for the information, they do
  not stop the clock for it.
- **Recovery** (optimy 2.3, opencraft's daily backups): restoring a snapshot loses the
  data gathered from the snapshot to the failure; more than the policy's
  ``recovery_point`` is flagged. The failure is the incident's impact start.
- **Work** (opencraft: "Minor incidents ... are charged by the hour"): each entry is
  billable or included by the severity in force when it was done.
"""

# Annotations evaluated (no `from __future__ import annotations`): a NamedTuple compiles each
# field's annotation text at import, and every command that reads incidents imports this module.
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from slacli.errors import InputError
from slacli.texts import field_key


def parse_field(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` as (key, value); the value may hold ``=``."""
    key, sep, value = text.partition("=")
    if not sep:
        raise InputError(f"expected KEY=VALUE, got {text!r}")
    return checked_field(key, value)


def checked_field(key: str, value: str) -> tuple[str, str]:
    """A field as stored: its name normalized (:func:`field_key`), its value not blank."""
    name = field_key(key)
    if not value.strip():
        raise InputError(f"field {name}: the value is empty")
    return name, value


def missing_fields(required: Iterable[str], given: Mapping[str, str]) -> list[str]:
    """The required fields not given, in the policy's order."""
    return [key for key in required if key not in given]


class Recovery(NamedTuple):
    at: datetime  # when the backup was restored
    snapshot: datetime  # when the restored snapshot was taken
    notified: datetime | None  # when the customer was told (optimy 2.3.2: perhaps only after)


def data_lost(failure: datetime, snapshot: datetime) -> timedelta:
    """What restoring ``snapshot`` loses: the data gathered from the snapshot to the failure;
    nothing when the snapshot is later than the failure."""
    return max(failure - snapshot, timedelta(0))


def within_recovery_point(lost: timedelta, recovery_point: timedelta | None) -> bool | None:
    """Whether ``lost`` is within the recovery point objective ("shall not exceed": equal is
    within); None when the policy sets none."""
    return None if recovery_point is None else lost <= recovery_point


class Judged(NamedTuple):
    """A recovery with the data it lost, judged against the recovery point."""

    recovery: Recovery
    lost: timedelta
    met: bool | None  # None: the policy sets no recovery point


def judged_recoveries(
    failure: datetime, recoveries: Iterable[Recovery], recovery_point: timedelta | None
) -> list[Judged]:
    """Each of ``recoveries`` of a failure at ``failure``: what it lost, and whether that is
    within ``recovery_point``."""
    judged = []
    for recovery in recoveries:
        lost = data_lost(failure, recovery.snapshot)
        judged.append(Judged(recovery, lost, within_recovery_point(lost, recovery_point)))
    return judged


class Work(NamedTuple):
    at: datetime  # when it was logged as done
    minutes: float
    severity: str  # the severity in force then: it says whether the work is billable


def work_minutes(work: Iterable[Work], billable: Callable[[str], bool]) -> tuple[float, float]:
    """(billable, included) minutes of ``work``; ``billable(severity)`` says which is which."""
    billed = included = 0.0
    for entry in work:
        if billable(entry.severity):
            billed += entry.minutes
        else:
            included += entry.minutes
    return billed, included
