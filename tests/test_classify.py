"""Classification hints (openmethods, SPEC 3): `slacli classify` and the hint keys of policies.toml."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import OFFICE_CALENDARS, user_error
from hypothesis import given
from hypothesis import strategies as st

from slacli.classification import Affected, suggest
from slacli.errors import PolicyError
from slacli.holidaydata import HolidayCache
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies, policies_from_document

OPENMETHODS = load_policies(Path(SHIPPED_POLICIES), HolidayCache(None)).get("openmethods")


def classified(cli, *args: str) -> dict:
    return json.loads(cli("classify", "openmethods", *args, "--format", "json").stdout)


def test_twelve_agents_of_forty_is_an_outage_and_the_table_says_why(cli):
    out = cli("classify", "openmethods", "--agents", "12", "--of", "40").stdout
    assert out.splitlines()[0] == "Classification for openmethods"
    assert "severity       1" in out
    assert "why            12 of 40 (30%) affected matches severity 1's hint (at least 30%)" in out


@pytest.mark.parametrize(
    ("args", "severity", "also"),
    [
        (["--affected", "30"], "1", []),  # "30% or more": 30% exactly is an outage
        (["--affected", "29.99"], "2", []),
        (["--affected", "100"], "1", []),
        (["--affected", "0"], "4", ["2"]),  # 0% is none affected, more specific than "under 30%"
        (["--affected", "0.5"], "2", []),  # a share alone names no count: not "one agent"
        (["--agents", "3", "--of", "10"], "1", []),  # exactly 30%, compared exactly
        (["--agents", "2", "--of", "7"], "2", []),  # 28.57%
        (["--agents", "1", "--of", "40"], "3", ["2"]),  # one agent, more specific than a share
        (["--agents", "1", "--of", "3"], "1", []),  # one agent of three is 33%: the share rule first
        (["--agents", "1", "--of", "1"], "1", []),  # the only agent down: an outage
        (["--agents", "0", "--of", "5"], "4", ["2"]),
        (["--agents", "2", "--of", "40"], "2", []),
    ],
)
def test_the_openmethods_hints(cli, args, severity, also):
    record = classified(cli, *args)
    assert (record["severity"], record["also_matched"]) == (severity, also)
    assert record["hint"] == OPENMETHODS.severity(severity).hint.text


def test_the_record_keys(cli):
    assert classified(cli, "--agents", "1", "--of", "40") == {
        "policy": "openmethods",
        "affected_pct": 2.5,
        "agents": 1,
        "of": 40,
        "severity": "3",
        "severity_name": "Minor Loss of Service",
        "hint": "one-off agent issues",
        "also_matched": ["2"],
        "why": "1 of 40 (2.5%) affected matches severity 3's hint (exactly 1 and under 30%); "
        "severity 2's (under 30%) matches too, the more specific hint wins",
    }
    assert classified(cli, "--affected", "12")["agents"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agents", "41", "--of", "40"], "--agents: expected 0 to 40 (the --of), got 41"),
        (["--agents", "-1", "--of", "40"], "--agents: expected 0 to 40"),
        (["--agents", "1", "--of", "0"], "--of: expected at least 1"),
        (["--agents", "1", "--of", "-4"], "--of: expected at least 1"),
        (["--affected", "-0.1"], "--affected: expected a share from 0 to 100 (percent), got -0.1"),
        (["--affected", "100.5"], "--affected: expected a share from 0 to 100"),
        (["--affected", "nan"], "--affected: expected a share from 0 to 100"),
        ([], "classify needs --affected PCT, or --agents N --of M"),
        (["--affected", "5", "--agents", "1", "--of", "3"], "classify needs --affected PCT, or --agents N --of M"),
        (["--agents", "1"], "--agents and --of go together"),
        (["--of", "10"], "--agents and --of go together"),
    ],
)
def test_what_cannot_be_a_share_is_refused(cli, args, message):
    assert message in user_error(cli("classify", "openmethods", *args, code=2))


def test_a_policy_without_hints_is_an_input_error(cli):
    assert "policy openweb has no classification hints" in user_error(
        cli("classify", "openweb", "--affected", "5", code=2)
    )


def test_no_hint_covering_the_share_says_so(cli, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[calendars.office]\ntimezone = "America/New_York"\nhours = { mon-fri = "09:00-17:00" }\n'
                    '[policies.p]\ncalendar = "office"\n[policies.p.severities.1]\n'
                    'hint = { text = "half", min_pct = 50 }\n')  # fmt: skip
    record = json.loads(cli("--policies", str(path), "classify", "p", "--affected", "20", "-f", "json").stdout)
    assert (record["severity"], record["why"]) == (None, "20% affected: no hint of policy p covers it")


def test_policies_show_prints_the_hints(cli):
    data = json.loads(cli("policies", "show", "openmethods", "-f", "json").stdout)
    assert [s["hint"] for s in data["severity_targets"]] == [
        "30% or more of agents or interactions affected (at least 30%)",
        "a subset, less than 30% of agents or interactions (under 30%)",
        "one-off agent issues (exactly 1 and under 30%)",
        "no loss of service (none affected)",
    ]
    assert "hint" in cli("policies", "show", "openmethods").stdout
    assert json.loads(cli("policies", "show", "openweb", "-f", "json").stdout)["severity_targets"][0]["hint"] is None


def hinted(hint: object) -> dict:
    return {
        "calendars": OFFICE_CALENDARS,
        "policies": {"p": {"calendar": "office", "severities": {"1": {"hint": hint}}}},
    }


@pytest.mark.parametrize(
    ("hint", "key", "message"),
    [
        ("30%", "policies.p.severities.1.hint", "expected a table"),
        ({"min_pct": 30}, "policies.p.severities.1.hint.text", "missing"),
        ({"text": " ", "min_pct": 30}, "policies.p.severities.1.hint.text", "missing"),
        ({"text": "t"}, "policies.p.severities.1.hint", "a hint needs min_pct, below_pct or count"),
        ({"text": "t", "share": 30}, "policies.p.severities.1.hint.share", "unknown key"),
        ({"text": "t", "min_pct": 101}, "policies.p.severities.1.hint.min_pct", "expected a share from 0 to 100"),
        ({"text": "t", "min_pct": -1}, "policies.p.severities.1.hint.min_pct", "expected a share from 0 to 100"),
        ({"text": "t", "min_pct": float("nan")}, "policies.p.severities.1.hint.min_pct", "expected a share"),
        ({"text": "t", "min_pct": True}, "policies.p.severities.1.hint.min_pct", "expected a share"),
        ({"text": "t", "min_pct": 30, "below_pct": 30}, "hint.below_pct", "expected more than min_pct (30)"),
        ({"text": "t", "below_pct": 0}, "policies.p.severities.1.hint.below_pct", "expected more than 0"),
        ({"text": "t", "count": -1}, "policies.p.severities.1.hint.count", "a whole number of at least 0"),
        ({"text": "t", "count": 1.5}, "policies.p.severities.1.hint.count", "a whole number of at least 0"),
        ({"text": "t", "count": True}, "policies.p.severities.1.hint.count", "a whole number of at least 0"),
        ({"text": "t", "count": 0, "min_pct": 10}, "policies.p.severities.1.hint", "can never both hold"),
    ],
)
def test_a_bad_hint_is_one_error_naming_its_key(hint, key, message):
    with pytest.raises(PolicyError) as caught:
        policies_from_document(hinted(hint), Path("p.toml"))
    assert key in str(caught.value)
    assert message in str(caught.value)


SHARES = st.fractions(min_value=0, max_value=100)


def severity_at(affected: Affected) -> int:
    found = suggest(OPENMETHODS, affected).severity
    assert found is not None  # the seed's hints cover every share
    return int(found.key)


@given(SHARES, SHARES)
def test_a_larger_share_never_suggests_a_milder_severity(a, b):
    low, high = sorted((a, b))
    assert severity_at(Affected.share(float(high))) <= severity_at(Affected.share(float(low)))


@given(st.integers(1, 500).flatmap(lambda of: st.tuples(st.integers(0, of), st.integers(0, of), st.just(of))))
def test_more_agents_of_the_same_team_never_suggest_a_milder_severity(counts):
    a, b, of = counts
    low, high = sorted((a, b))
    assert severity_at(Affected.counted(high, of)) <= severity_at(Affected.counted(low, of))
    assert (severity_at(Affected.counted(high, of)) == 1) == (Fraction(100 * high, of) >= 30)
