"""The rules of case work (slacli.casework) and their fold (slacli.incidents), as properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slacli.casework import Work, data_lost, missing_fields, parse_field, within_recovery_point, work_minutes
from slacli.errors import InputError
from slacli.incidents import Event, replay
from slacli.recorded import EventKind

START = datetime(2026, 11, 23, 9, tzinfo=UTC)
instants = st.integers(min_value=-5 * 86400, max_value=5 * 86400).map(lambda s: START + timedelta(seconds=s))
objectives = st.none() | st.integers(min_value=1, max_value=3 * 86400).map(lambda s: timedelta(seconds=s))


@settings(max_examples=200, deadline=None)
@given(failure=instants, snapshot=instants, objective=objectives)
def test_data_lost_is_failure_minus_snapshot_and_flagged_iff_beyond_the_recovery_point(failure, snapshot, objective):
    lost = data_lost(failure, snapshot)
    assert lost == (failure - snapshot if snapshot <= failure else timedelta(0))
    met = within_recovery_point(lost, objective)
    assert met is (None if objective is None else failure - snapshot <= objective)


def test_exactly_the_recovery_point_is_within_it():
    assert within_recovery_point(timedelta(hours=24), timedelta(hours=24)) is True
    assert within_recovery_point(timedelta(hours=24, seconds=1), timedelta(hours=24)) is False


SEVERITIES = ("critical", "major", "minor")
# A step of an incident's life: work of some minutes, or a change to a severity.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("work"), st.integers(min_value=1, max_value=600)),
        st.tuples(st.just("severity"), st.sampled_from(SEVERITIES)),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(steps=steps, billable=st.frozensets(st.sampled_from(SEVERITIES)))
def test_worklog_sums_split_by_the_severity_in_force_when_the_work_was_done(steps, billable):
    opening = {"policy": "p", "title": "t", "severity": "minor", "started": START.isoformat()}
    log = [Event(EventKind.OPENED, START, "ann", opening)]
    severity, expected = "minor", {True: 0, False: 0}
    for n, (kind, value) in enumerate(steps, start=1):
        at = START + timedelta(minutes=n)
        if kind == "work":
            log.append(Event(EventKind.WORKLOG, at, "ann", {"minutes": value}))
            expected[severity in billable] += value
        elif value != severity:
            log.append(Event(EventKind.SEVERITY_CHANGED, at, "ann", {"from": severity, "severity": value}))
            severity = value
    state = replay(log)
    assert work_minutes(state.work, billable.__contains__) == (expected[True], expected[False])
    assert sum(w.minutes for w in state.work) == sum(v for k, v in steps if k == "work")


def test_work_minutes_of_nothing_is_zero_each():
    assert work_minutes([], lambda _: True) == (0, 0)
    assert work_minutes([Work(START, 30, "minor")], lambda s: s == "minor") == (30, 0)


@given(
    required=st.lists(st.sampled_from("abcdef"), unique=True),
    given_keys=st.sets(st.sampled_from("abcdefgh")),
)
def test_missing_fields_are_the_required_ones_not_given_in_the_policys_order(required, given_keys):
    lacking = missing_fields(required, dict.fromkeys(given_keys, "x"))
    assert lacking == [k for k in required if k not in given_keys]


def test_a_field_value_may_hold_an_equals_sign_and_its_name_is_lower_case():
    assert parse_field("Browser=Firefox = latest") == ("browser", "Firefox = latest")
    with pytest.raises(InputError, match="field name"):
        parse_field("=x")


def test_a_recovery_from_a_snapshot_taken_after_it_is_refused_by_the_fold():
    opening = {"policy": "p", "title": "t", "severity": "minor", "started": START.isoformat()}
    later = (START + timedelta(hours=2)).isoformat()
    log = [Event(EventKind.OPENED, START, "ann", opening), Event(EventKind.RECOVERY, START, "ann", {"snapshot": later})]
    with pytest.raises(InputError, match="the snapshot is after the recovery"):
        replay(log)
