"""An incident's impact as weighted stretches (SPEC 4), from its events."""

from __future__ import annotations

from datetime import UTC, datetime

from slacli.impact import impact
from slacli.incidents import Event, replay

WEIGHTS = {"1": 1.0, "2": 0.3, "3": 0.0}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


def opened(severity: str, hour: int, started: datetime | None = None) -> Event:
    details = {"policy": "p", "title": "t", "severity": severity}
    if started:
        details["started"] = started.isoformat()
    return Event("opened", at(hour), details=details)


def test_impact_is_weighted_by_the_severity_in_force():
    state = replay(
        [
            opened("2", 10, started=at(9)),  # impact began an hour before it was opened
            Event("severity_changed", at(11), details={"severity": "1"}),
            Event("severity_changed", at(12), details={"severity": "3"}),
            Event("resolved", at(13)),
        ]
    )
    assert impact(state, WEIGHTS.__getitem__, at(23)) == [
        (at(9), at(11), 0.3),
        (at(11), at(12), 1.0),
        (at(12), at(13), 0.0),
    ]


def test_open_incidents_run_to_the_end_and_reopen_gaps_do_not_count():
    state = replay([opened("1", 10), Event("resolved", at(11)), Event("reopened", at(14))])
    assert impact(state, WEIGHTS.__getitem__, at(16)) == [(at(10), at(11), 1.0), (at(14), at(16), 1.0)]


def test_without_an_end_an_open_incident_has_an_open_last_stretch():
    state = replay([opened("2", 10), Event("severity_changed", at(11), details={"severity": "1"})])
    assert impact(state, WEIGHTS.__getitem__) == [(at(10), at(11), 0.3), (at(11), None, 1.0)]
    resolved = replay([opened("2", 10), Event("resolved", at(11))])
    assert impact(resolved, WEIGHTS.__getitem__) == [(at(10), at(11), 0.3)]
