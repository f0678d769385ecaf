"""Exact behaviour, edges and texts of slacli.views.report, slacli.views.incidents.listing,
slacli.views.deadlines.batch, slacli.views.board.public, the update cadence of
slacli.incidents and the type names in slacli.policy.loader's messages.

The policy p: New York, Monday to Friday 09:00-17:00, no holidays; severity 1 responds in
2 wall hours, resolves in 8 business hours, posts an update every hour. q is the same in
another policy. November 2026 is EST (UTC-5) after 1 November. Expected values are worked
out by hand in the comments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import OFFICE_CALENDARS, incident, tracker_over

from slacli.errors import InputError, PolicyError
from slacli.periods import parse_period
from slacli.policy import policies_from_document
from slacli.recorded import EventKind
from slacli.tracker import Tracker
from slacli.views import public
from slacli.views.board import due_board
from slacli.views.deadlines import batch
from slacli.views.incidents import Which, listing
from slacli.views.report import build_report

NY = ZoneInfo("America/New_York")
K = EventKind
SEVERITY = {"response": "2h", "resolution": "8 business hours", "update_every": "1h"}
CALENDARS = OFFICE_CALENDARS
DOCUMENT = {
    "calendars": CALENDARS,
    "policies": {p: {"calendar": "office", "severities": {"1": SEVERITY}} for p in ("p", "q")},
}


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    return tracker_over(DOCUMENT, tmp_path, ny(12, 20, 12))


def test_the_next_update_ignores_pauses_before_the_last_update(tracker: Tracker) -> None:
    # Opened 10:00, paused 10:10-10:20, update at 10:30: the next is due 11:30; the pause
    # was over before the update, so it moves nothing.
    found = incident(
        tracker, "u", ny(11, 23, 10), (K.PAUSED, ny(11, 23, 10, 10)), (K.RESUMED, ny(11, 23, 10, 20)),
        (K.UPDATE, ny(11, 23, 10, 30)),
    )  # fmt: skip
    assert tracker.get(found).state.update_due == ny(11, 23, 11, 30)


def test_public_rows_drop_presentation_hints(tracker: Tracker) -> None:
    incident(tracker, "A", ny(11, 23, 10))
    row = due_board(tracker, ny(11, 23, 10, 30), None, None)[0]
    assert "_style" in row
    assert "_style" not in public(row)
    assert public(row)["title"] == "A"


def test_listing_filters_by_policy_service_and_opening(tracker: Tracker) -> None:
    web = incident(tracker, "web", ny(11, 23, 10), services=["web"])
    incident(tracker, "db", ny(11, 23, 10), services=["db"])
    incident(tracker, "other policy", ny(11, 23, 10), policy="q", services=["web"])
    later = incident(tracker, "later", ny(11, 24, 10), services=["web"])
    at = ny(11, 25, 12)
    assert [r["id"] for r in listing(tracker, Which(policy="p", service="web"), at)] == [web, later]
    assert [r["id"] for r in listing(tracker, Which(policy="p", service="web", until=ny(11, 24, 0)), at)] == [web]


def test_report_leaves_out_what_was_resolved_all_through_the_period(tracker: Tracker) -> None:
    november = parse_period(month_text="2026-11")
    lo, hi = ny(11, 1, 0), ny(12, 1, 0)  # 1 November 00:00 is EDT, 1 December 00:00 EST
    # Resolved at 00:00 on 1 November exactly, reopened 5 December: resolved all through it.
    incident(tracker, "gap from lo", ny(10, 30, 10), (K.RESOLVED, lo), (K.REOPENED, ny(12, 5, 10)))
    # Resolved 25 October, reopened at 00:00 on 1 December exactly: also all through it.
    incident(tracker, "gap to hi", ny(10, 20, 10), (K.RESOLVED, ny(10, 25, 10)), (K.REOPENED, hi))
    # Resolved 26 October, reopened 10 December: as of 2 December it is still resolved, before November.
    incident(tracker, "reopened after", ny(10, 21, 10), (K.RESOLVED, ny(10, 26, 10)), (K.REOPENED, ny(12, 10, 10)))
    # Opened and still open in November: the only row. Acked at once, never updated, paused
    # since Mon 23 Nov 11:00, when its first update fell due (so it stays overdue: not met);
    # the resolution (due Tue 24 Nov 10:05) is pushed back by the business time paused.
    kept = incident(tracker, "kept", ny(11, 23, 10), (K.ACKNOWLEDGED, ny(11, 23, 10, 5)), (K.PAUSED, ny(11, 23, 11)))
    report = build_report(tracker, [tracker.policies.get("p")], november, ny(12, 2, 12))
    assert [r["id"] for r in report.incidents] == [kept]
    assert report.incidents[0]["update_met"] is False
    # As of 11 December every reopening has happened: each of the three was resolved from
    # at or before 1 November 00:00 until at or after 1 December 00:00, so still left out.
    later = build_report(tracker, [tracker.policies.get("p")], november, ny(12, 11, 12))
    assert [r["id"] for r in later.incidents] == [kept]


def test_report_update_met_with_a_cadence_kept(tracker: Tracker) -> None:
    # Opened 10:00, update at 10:50 (due 11:00), resolved 11:20 (next update due 11:50): kept.
    incident(tracker, "kept", ny(11, 23, 10), (K.UPDATE, ny(11, 23, 10, 50)), (K.RESOLVED, ny(11, 23, 11, 20)))
    report = build_report(tracker, [tracker.policies.get("p")], parse_period(month_text="2026-11"), ny(12, 2, 12))
    assert report.incidents[0]["update_met"] is True


def test_report_of_a_month_not_begun_names_it(tracker: Tracker) -> None:
    with pytest.raises(InputError) as refused:
        build_report(tracker, [tracker.policies.get("p")], parse_period(month_text="2027-01"), ny(12, 2, 12))
    assert str(refused.value).startswith("2027-01 in the zone of p has not begun")


POLICIES = policies_from_document(DOCUMENT, Path("policies.toml"))


def test_batch_needs_no_acked_column_and_shows_the_zone_asked_for():
    # Naive instants are read in the policy's zone (New York): 10:00 EST is 15:00 UTC; acked
    # at the opening instant is allowed. Response 2 wall hours: 17:00 UTC.
    found = batch(POLICIES, "policy,severity,opened,acked\np,1,2026-11-23T10:00,2026-11-23T10:00\n", "in", UTC)
    assert found.rows[0]["response_due"].isoformat() == "2026-11-23T17:00:00+00:00"
    found = batch(POLICIES, "policy,severity,opened\np,1,2026-11-23T10:00\n", "in", None)
    assert found.rows[0]["response_due"].isoformat() == "2026-11-23T12:00:00-05:00"
    assert found.columns == ["policy", "severity", "opened", "response_due", "resolution_due"]


def test_batch_skips_blank_lines_counts_them_in_line_numbers_and_reads_short_rows_as_empty():
    # A blank line is no row; a row with fewer cells than the header leaves the others empty
    # (acked: not acknowledged). The error names the file's line, blank lines included.
    text = "policy,severity,opened,acked,note\n\np,1,2026-11-23T10:00\n\np,1,2026-11-23T11:00,,x\n"
    found = batch(POLICIES, text, "in", None)
    assert [(r["opened"], r["acked"], r["note"]) for r in found.rows] == [
        ("2026-11-23T10:00", None, None),
        ("2026-11-23T11:00", "", "x"),
    ]
    assert [r["response_due"].hour for r in found.rows] == [12, 13]  # 2 wall hours later
    with pytest.raises(InputError, match=r"^in: line 7: malformed opened 'bad'"):
        batch(POLICIES, text + "\np,1,bad\n", "in", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("policy\np\n", "in: line 1: missing column(s) severity, opened (header policy,severity,opened,acked)"),
        ("policy,severity,opened\np,1,x,y\n", "in: line 2: more fields than the header has"),
        ("policy,severity,opened\n,1,2026-11-23T10:00\n", "in: line 2: unknown policy '' in "),
        ("policy,severity,opened\np,,2026-11-23T10:00\n", "in: line 2: unknown severity '' for policy p"),
        ("policy,severity,opened\np,1,\n", "in: line 2: malformed opened '' (expected ISO 8601"),
        ("policy,severity,opened,acked\np,1,2026-11-23T10:00,bad\n", "in: line 2: malformed acked 'bad'"),
        ("policy,severity,opened,acked\np,1,2026-11-23T10:00,2026-11-23T09:00\n", "in: line 2: acked is before opened"),
    ],
)
def test_batch_refusals(text, message):
    with pytest.raises(InputError) as refused:
        batch(POLICIES, text, "in", None)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"calendars": [], "policies": {}}, "calendars: expected a table, got a list"),
        ({"policies": {"p": True}}, "policies.p: expected a table, got a boolean"),
        (
            {"policies": {"p": {"calendar": "24x7", "description": 5, "severities": {"1": {}}}}},
            "expected a string, got int",
        ),
        (
            {"policies": {"p": {"calendar": "24x7", "severities": {"1": {"postmortem": "yes"}}}}},
            "policies.p.severities.1.postmortem: expected true or false, got a string",
        ),
        (
            {"policies": {"p": {"calendar": "24x7", "severities": {"1": {"escalate": {}}}}}},
            "policies.p.severities.1.escalate: expected true or false, got a table",
        ),
    ],
)
def test_policy_errors_name_the_type_found(document, message):
    with pytest.raises(PolicyError) as refused:
        policies_from_document(document, Path("x.toml"))
    assert message in str(refused.value)
