"""Severities are matched alike in every command that takes one: by key, name or alias,
case, spaces, hyphens and underscores aside, for every severity of every shipped policy;
without --policy, ``list --severity`` reads it by each policy's own names. An unknown one
is exit 2 and one stderr line naming the choices (keys with names); two severities named
alike are refused by the loader, so no precedence is ever needed."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import tomllib
from typing import Any

import pytest
from conftest import user_error
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from slacli.cli import build_app
from slacli.paths import SHIPPED_POLICIES

SHIPPED = tomllib.loads(SHIPPED_POLICIES.read_text())["policies"]
OPENED = "2026-11-24T10:00"  # a Tuesday in hours, no holiday near: every target has a distinct due


def folded(text: str) -> str:
    """The rule, as the README states it: case, spaces, hyphens and underscores aside."""
    return re.sub(r"[\s_-]+", "", text).casefold()


def spellings(key: str, raw: dict[str, Any]) -> list[str]:
    """Every way the policy file names a severity: its key, its name, each alias."""
    return list(dict.fromkeys([key, raw.get("name", key), *raw.get("aliases", [])]))


def variants(spelling: str) -> list[str]:
    """How people type it: as written, in capitals, title-cased, "sev 1" for "sev1", "p-1"."""
    spaced = re.sub(r"(?<=[^\W\d])(?=\d)", " ", spelling)
    hyphenated = re.sub(r"(?<=[^\W\d])(?=\d)", "-", spelling).lower()
    return list(dict.fromkeys([spelling, spelling.upper(), spelling.title(), spaced, hyphenated]))


EVERY_SEVERITY = [(policy, key) for policy, raw in SHIPPED.items() for key in raw["severities"]]
EVERY_SPELLING = [
    (policy, key, spelling)
    for policy, key in EVERY_SEVERITY
    for spelling in spellings(key, SHIPPED[policy]["severities"][key])
]


# EVERY_SPELLING with the keys of each policy taking turns (a change to the severity an
# incident has is refused, so one incident a policy can go through them all).
ROUND_ROBIN = [
    found
    for policy in SHIPPED
    for turn in itertools.zip_longest(
        *([(p, k, s) for p, k, s in EVERY_SPELLING if (p, k) == (policy, key)] for key in SHIPPED[policy]["severities"])
    )
    for found in turn
    if found is not None
]


def named(spelling: str) -> set[tuple[str, str]]:
    """The (policy, key) pairs ``spelling`` names, read from the policy file by the rule."""
    return {
        (policy, key)
        for policy, key in EVERY_SEVERITY
        if folded(spelling) in map(folded, spellings(key, SHIPPED[policy]["severities"][key]))
    }


class Run:
    """One slacli command, built as ``slacli`` builds it when that command is run."""

    def __init__(self) -> None:
        self.runner = CliRunner()
        self.apps: dict[str, Any] = {}

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Any:
        app = self.apps.setdefault(args[0], build_app(args[0]))
        result = self.runner.invoke(app, list(args), input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def run() -> Run:
    return Run()


def test_every_shipped_name_is_distinct_within_its_policy_by_the_rule():
    # What makes matching unambiguous in the shipped file (the loader refuses otherwise).
    for policy, key, spelling in EVERY_SPELLING:
        assert {k for p, k in named(spelling) if p == policy} == {key}, (policy, spelling)


def test_the_rule_is_case_space_hyphen_and_underscore_blind():
    assert variants("sev1") == ["sev1", "SEV1", "Sev1", "sev 1", "sev-1"]
    assert folded("Sev 1") == folded("SEV_1") == folded("sev-1") == folded("sev1")
    assert named("Tier-3") == named("tier3") == {("opencraft", "support")}


@pytest.mark.parametrize(("policy", "key"), EVERY_SEVERITY)
def test_deadline_reads_every_spelling_of_every_severity(run, policy, key):
    for spelling in spellings(key, SHIPPED[policy]["severities"][key]):
        for typed in (spelling, spelling.swapcase()):  # every variant: the CSV test below
            found = run.json("deadline", policy, typed, "--opened", OPENED)
            assert (found["policy"], found["severity"]) == (policy, key), typed


@pytest.mark.parametrize("policy", SHIPPED)
def test_deadline_input_cells_read_every_spelling(run, policy):
    severities = SHIPPED[policy]["severities"]
    rows = [(key, typed) for key in severities for s in spellings(key, severities[key]) for typed in variants(s)]
    by_key = {key: run.json("deadline", policy, key, "--opened", OPENED) for key in severities}
    # Where the dues differ by severity, the right instants prove the right one was read;
    # optimy sets no response or resolution target: there every spelling is read, no more.
    distinct = len({(d["response_due"], d["resolution_due"]) for d in by_key.values()}) == len(severities)
    assert distinct or policy == "optimy"
    text = "policy,severity,opened\n" + "".join(f'{policy},"{typed}",{OPENED}\n' for _, typed in rows)
    out = list(csv.DictReader(io.StringIO(run("deadline", "--input", "-", "--format", "csv", input=text).stdout)))
    assert [row["severity"] for row in out] == [typed for _, typed in rows]  # the input, as typed
    for (key, typed), row in zip(rows, out, strict=True):
        due = by_key[key]  # JSON's null is CSV's empty cell
        assert (row["response_due"], row["resolution_due"]) == (
            due["response_due"] or "",
            due["resolution_due"] or "",
        ), typed


@pytest.fixture
def one_of_each(run: Run, database: Any) -> dict[tuple[str, str], int]:
    """An incident of every severity of every policy, opened by the key."""
    ids = {}
    for policy, key in EVERY_SEVERITY:
        opened = run("open", f"{policy} {key}", "-p", policy, "-s", key, "--at", OPENED, "--quiet")
        ids[policy, key] = int(opened.stdout)
    return ids


def test_open_reads_every_spelling(run, database):
    for policy, _, spelling in EVERY_SPELLING:
        run("open", spelling, "--policy", policy, "--severity", spelling, "--at", OPENED, "--quiet")
    found = [(row["policy"], row["severity"]) for row in run.json("list", "--all")]
    assert found == [(policy, key) for policy, key, _ in EVERY_SPELLING]


def test_severity_changes_read_every_spelling(run, database):
    first = {policy: next(iter(raw["severities"])) for policy, raw in SHIPPED.items()}
    incidents = {
        p: run("open", "x", "-p", p, "-s", key, "--at", OPENED, "-q").stdout.strip() for p, key in first.items()
    }
    current, minutes = dict(first), iter(range(1, 1000))

    def change(policy: str, severity: str) -> str:
        minute = next(minutes)
        at = f"2026-11-24T{10 + minute // 60:02}:{minute % 60:02}"
        return run.json("severity", incidents[policy], severity, "--at", at)["severity"]

    for policy, key, spelling in ROUND_ROBIN:
        if current[policy] == key:  # a change to the severity it has is refused: move away first
            current[policy] = change(policy, next(k for k in SHIPPED[policy]["severities"] if k != key))
        current[policy] = change(policy, spelling)
        assert current[policy] == key, (policy, spelling)


def test_list_reads_every_spelling_with_and_without_policy(run, one_of_each):
    for policy, key, spelling in EVERY_SPELLING:
        found = run.json("list", "--policy", policy, "--severity", spelling)
        assert [row["id"] for row in found] == [one_of_each[policy, key]], (policy, spelling)
        across = run.json("list", "--severity", spelling)
        assert [row["id"] for row in across] == sorted(one_of_each[pair] for pair in named(spelling)), spelling


def test_list_across_policies_reads_each_policys_own_names(run, one_of_each):
    def policies_of(spelling: str) -> list[tuple[str, str]]:
        return [(row["policy"], row["severity"]) for row in run.json("list", "--severity", spelling)]

    # sev1 is every policy's first severity; "critical" only where a policy calls one so.
    assert policies_of("Sev 1") == [
        ("opencraft", "critical"),
        ("openweb", "1"),
        ("protecto", "critical"),
        ("openmethods", "1"),
        ("optimy", "high"),
    ]
    assert policies_of("critical") == [("opencraft", "critical"), ("openweb", "1"), ("protecto", "critical")]
    assert policies_of("minor") == [("opencraft", "minor"), ("openmethods", "3")]  # a key, an alias


def choices_named(line: str, policy: str) -> None:
    """``line`` names every severity of ``policy`` by key, with its name where it differs."""
    for key, raw in SHIPPED[policy]["severities"].items():
        name = raw.get("name", key)
        assert (key if folded(name) == folded(key) else f"{key} ({name})") in line, (policy, key, line)


UNKNOWN_IN_ONE_POLICY = [
    ["deadline", "{policy}", "sev9", "--opened", OPENED],
    ["open", "x", "--policy", "{policy}", "--severity", "sev9"],
    ["severity", "{incident}", "sev9"],
    ["list", "--policy", "{policy}", "--severity", "sev9"],
]


@pytest.mark.parametrize("policy", SHIPPED)
@pytest.mark.parametrize("command", UNKNOWN_IN_ONE_POLICY, ids=lambda c: c[0])
def test_an_unknown_severity_is_exit_2_naming_the_policys_choices(run, database, policy, command):
    incident = run("open", "x", "-p", policy, "-s", "sev1", "--at", OPENED, "-q").stdout.strip()
    before = run("show", incident, "--format", "json").stdout
    args = [arg.format(policy=policy, incident=incident) for arg in command]
    line = user_error(run(*args, code=2))
    assert f"unknown severity 'sev9' for policy {policy} (known: " in line
    choices_named(line, policy)
    assert run("show", incident, "--format", "json").stdout == before  # nothing written
    assert len(run.json("list", "--all")) == 1


def test_an_unknown_severity_in_a_csv_cell_names_its_line_and_the_choices(run):
    text = f"policy,severity,opened\nopenweb,sev1,{OPENED}\nopenweb,Sev 9,{OPENED}\n"
    line = user_error(run("deadline", "--input", "-", code=2, input=text))
    assert line.startswith("slacli: error: -: line 3: unknown severity 'Sev 9' for policy openweb (known: ")
    choices_named(line, "openweb")


def test_a_severity_no_policy_has_is_exit_2_naming_every_policys_choices(run, database):
    line = user_error(run("list", "--severity", "sev9", code=2))
    assert "unknown severity 'sev9': no policy has it (known: opencraft: critical, " in line
    for policy in SHIPPED:
        assert f"{policy}: " in line
        choices_named(line, policy)
    empty = user_error(run("list", "--severity", "", code=2))  # no filter, said as one, is a mistake
    assert "unknown severity '': no policy has it" in empty


POLICY_FILE = """
[calendars.office]
timezone = "America/New_York"
hours = {{ mon-fri = "09:00-17:00" }}

[policies.p]
calendar = "office"

[policies.p.severities.1]
aliases = [{one}]
response = "1h"

[policies.p.severities.2]
name = "Two"
aliases = [{two}]
response = "2h"
"""


@pytest.mark.parametrize(
    ("one", "two", "named"),
    [
        ('"2"', "", "'2' names both severity 1 and 2"),  # an alias that is another's key
        ('"sev2"', '"SEV-2"', "'SEV-2' names both severity 1 and 2"),  # alike by the rule
        ('"two"', "", "'Two' names both severity 1 and 2"),  # an alias that is another's name
        ('"s 1", "s_1"', "", None),  # the same severity twice: harmless
        ('" - "', "", "policies.p.severities.1: ' - ' is empty without spaces, hyphens, underscores"),
    ],
)
def test_the_loader_refuses_two_severities_named_alike(run, tmp_path, one, two, named):
    path = tmp_path / "policies.toml"
    path.write_text(POLICY_FILE.format(one=one, two=two))
    if named is None:
        assert run("policies", "check", str(path)).exit_code == 0
        assert run.json("deadline", "p", "S-1", "--opened", OPENED)["severity"] == "1"
        return
    line = user_error(run("policies", "check", str(path), code=2))
    assert named in line


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("aZ1 _-\t\n\u00a0\u2003\u3000ßİ")) | st.text())
def test_the_library_folds_severities_as_the_readme_states(text):
    from slacli.policy.model import folded as library_folded

    assert library_folded(text) == folded(text)
