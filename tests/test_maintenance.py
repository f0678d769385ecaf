"""Maintenance windows: classification by notice, warnings, states (SPEC 3, optimy)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slacli.errors import InputError
from slacli.holidaydata import HolidayCache
from slacli.maintenance import Window, as_run, excluded, new_window, notice, transition
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.recorded import WindowAction, WindowStatus
from slacli.vocabulary import MaintenanceKind

TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2026, 11, 2, 9, tzinfo=TORONTO)  # when windows without --announced are announced


@pytest.fixture(scope="module")
def optimy(tmp_path_factory):
    cache = HolidayCache(tmp_path_factory.mktemp("h") / "holidays.json")
    return load_policies(Path(SHIPPED_POLICIES), cache).get("optimy")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TORONTO)


@pytest.mark.parametrize(
    ("announced", "start", "kind"),
    [
        ("2026-11-23T10:00", "2026-11-30T09:00", "emergency"),  # 5 business days: Mon 30 10:00
        ("2026-11-23T10:00", "2026-11-30T10:00", "scheduled"),  # exactly the notice
        ("2026-11-25T12:00", "2026-11-28T22:00", "emergency"),  # across a weekend
        ("2026-12-21T10:00", "2026-12-28T22:00", "emergency"),  # Christmas is not a business day
        ("2026-12-21T10:00", "2026-12-29T22:00", "scheduled"),
    ],
)
def test_emergency_when_announced_with_less_than_five_business_days(optimy, announced, start, kind):
    assert notice(optimy, t(start), t(announced)).kind == kind


def test_warnings_for_business_hours_and_a_second_regular_window_in_a_week(optimy):
    daytime = new_window(
        optimy, t("2026-11-24T17:00"), t("2026-11-24T19:00"), kind=None, announced=t("2026-11-10T09:00"), now=NOW,
        title="", service=None, others=[],
    )  # fmt: skip
    assert daytime.kind == "scheduled"
    assert daytime.warnings == ("scheduled maintenance overlaps business hours by 30m",)
    first = new_window(
        optimy, t("2026-11-24T22:00"), t("2026-11-24T23:00"), kind="regular", announced=None, now=NOW,
        title="", service=None, others=[],
    )  # fmt: skip
    assert first.warnings == ()
    second = new_window(
        optimy, t("2026-11-27T22:00"), t("2026-11-27T23:00"), kind="regular", announced=None, now=NOW,
        title="", service=None, others=[first],
    )  # fmt: skip
    assert second.warnings == ("regular maintenance 2 times in ISO week 2026-W48 (the policy allows 1)",)


def test_states_and_exclusion(optimy):
    window = new_window(
        optimy, t("2026-11-24T22:00"), t("2026-11-24T23:00"), kind=None, announced=None, now=NOW,
        title="", service=None, others=[],
    )  # fmt: skip
    running = transition(window, "start", window.start)
    assert transition(running, "complete", window.end).status == "completed"
    with pytest.raises(InputError):
        transition(running, "cancel", window.end)
    assert excluded([window, transition(window, "cancel", window.start)], ["scheduled"]) == [
        (window.start.timestamp(), window.end.timestamp())
    ]
    with pytest.raises(InputError):
        new_window(
            optimy, window.end, window.start, kind=None, announced=None, now=NOW, title="", service=None, others=[]
        )


def test_an_explicit_kind_against_the_notice_rule_is_warned(optimy):
    window = new_window(
        optimy, t("2026-11-28T22:00"), t("2026-11-28T23:00"), kind="scheduled", announced=t("2026-11-27T10:00"),
        now=NOW, title="", service=None, others=[],
    )  # fmt: skip
    assert window.kind == "scheduled"
    assert window.warnings[0].startswith("announced with less notice than policy optimy asks")


def _window(*changes: tuple[int, int, str]) -> Window:
    """A scheduled window planned Sat 28 Nov 22:00 - Sun 01:00 UTC, with its actions."""
    planned = Window("optimy", MaintenanceKind.SCHEDULED, WindowStatus.SCHEDULED, utc(28, 22), utc(29, 1))
    for day, hour, action in changes:
        planned = transition(planned, WindowAction(action), utc(day, hour))
    return planned


def utc(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "span"),
    [
        ((), (utc(28, 22), utc(29, 1))),  # nothing recorded: as planned
        (((28, 23, "start"),), (utc(28, 23), utc(29, 1))),  # started an hour late
        (((28, 21, "start"),), (utc(28, 22), utc(29, 1))),  # started early: not before the plan
        (((28, 22, "start"), (28, 23, "complete")), (utc(28, 22), utc(28, 23))),  # done early
        (((28, 22, "start"), (29, 3, "complete")), (utc(28, 22), utc(29, 1))),  # an overrun is not maintenance
        (((28, 23, "complete"),), (utc(28, 22), utc(28, 23))),  # completed without a recorded start
    ],
)
def test_a_window_counts_as_it_ran(changes, span):
    window = _window(*changes)
    assert as_run(window) == span
    assert excluded([window], [MaintenanceKind.SCHEDULED]) == [(span[0].timestamp(), span[1].timestamp())]


def test_a_window_started_after_its_planned_end_excludes_nothing():
    assert excluded([_window((29, 2, "start"))], [MaintenanceKind.SCHEDULED]) == []
