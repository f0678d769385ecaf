"""The shipped completion scripts are what the app generates today, and what slacli answers
them: policies and severities of the policy file in use."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import working_tree_env
from typer.testing import CliRunner

from slacli.cli import app

GENERATOR = Path(__file__).parents[1] / "completions" / "generate.py"
spec = importlib.util.spec_from_file_location("generate_completions", GENERATOR)
assert spec and spec.loader
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


@pytest.mark.parametrize(("shell", "name"), generate.FILES.items())
def test_completion_script_is_fresh(shell, name):
    shipped = (generate.HERE / name).read_text()
    assert shipped == generate.script(shell), "stale: run python completions/generate.py"
    assert "_SLACLI_COMPLETE" in shipped


# Completion of policies and severities, through the mechanism the shipped scripts use: the
# shell calls slacli back with _SLACLI_COMPLETE set and the command line in the environment.
POLICIES = """
[calendars.office]
timezone = "America/New_York"
hours = { mon-fri = "09:00-17:00" }

[policies.acme]
calendar = "office"

[policies.acme.severities.p1]
name = "Page now"
aliases = ["sev1", "urgent"]
response = "1h"

[policies.acme.severities.p2]
name = "Soon"
aliases = ["sev2"]
response = "4h"

[policies.globex]
calendar = "office"

[policies.globex.severities.gold]
aliases = ["sev1"]
response = "2h"
"""
SHELLS = ("bash", "zsh", "fish")


def shell_environment(shell: str, line: str) -> dict[str, str]:
    """What the shipped script of ``shell`` puts in slacli's environment for ``line``, the
    cursor at its end (bash: the words and the index of the one completed)."""
    if shell == "bash":
        words = line.split()
        return {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - (0 if line.endswith(" ") else 1))}
    fish = {"_TYPER_COMPLETE_FISH_ACTION": "get-args"} if shell == "fish" else {}
    return {"_TYPER_COMPLETE_ARGS": line, **fish}


def candidates(shell: str, output: str) -> list[tuple[str, str]]:
    """(value, help) of what slacli answered ``shell`` (bash has no help)."""
    if shell == "bash":
        return [(line, "") for line in output.splitlines() if line]  # none: an empty line
    if shell == "fish":
        return [(*line.split("\t"), "")[:2] for line in output.splitlines() if line]  # type: ignore[misc]
    if output.strip() == "_files":  # zsh: nothing to offer, so files
        return []
    items = output.strip().removeprefix("_arguments '*: :((").removesuffix("))'").splitlines()
    return [tuple(part.strip('"') for part in (*item.split('":"'), "")[:2]) for item in items]  # type: ignore[misc]


def complete(shell: str, line: str, **env: str) -> list[tuple[str, str]]:
    """The candidates slacli offers ``shell`` for ``line``, run in-process as the full app."""
    environment = {"_SLACLI_COMPLETE": f"complete_{shell}", **shell_environment(shell, line), **env}
    result = CliRunner().invoke(app, [], env=environment, prog_name="slacli")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and result.stderr == ""
    return candidates(shell, result.stdout)


def values(shell: str, line: str, **env: str) -> list[str]:
    return [value for value, _ in complete(shell, line, **env)]


# Every parameter that takes a policy, and a command line completing it.
POLICY_LINES = {
    ("deadline", "policy"): "slacli deadline ",
    ("classify", "policy"): "slacli classify ",
    ("policies show", "name"): "slacli policies show ",
    **{
        (path, "policy"): f"slacli {path} --policy "
        for path in (
            "open",
            "hotfix",
            "list",
            "due",
            "breaches",
            "uptime",
            "report",
            "maintenance add",
            "maintenance list",
        )
    },
    ("calendar add", "policy"): "slacli calendar add 2026-11-23T10:00 4h -p ",
    ("calendar between", "policy"): "slacli calendar between --policy ",
}
# Every parameter that takes a severity, and a command line completing it for policy acme.
SEVERITY_LINES = {
    ("deadline", "severity"): "slacli deadline acme ",
    ("open", "severity"): "slacli open x --policy acme --severity ",
    ("list", "severity"): "slacli list -p acme -s ",
    ("severity", "new_severity"): "slacli severity {acme_incident} ",
}


def test_every_parameter_taking_a_policy_or_a_severity_completes():
    from typer.main import get_command

    found = set()

    def walk(command: Any, path: str) -> None:
        for param in command.params:
            if param.name in ("policy", "severity", "new_severity") or (path, param.name) == ("policies show", "name"):
                assert param._custom_shell_complete is not None, (path, param.name)
                found.add((path, param.name))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    assert found == {*POLICY_LINES, *SEVERITY_LINES}


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(POLICIES)
    return path


@pytest.fixture
def acme_incident(cli: Any, database: Path, policies: Path) -> str:
    """An incident of acme, after one of globex: `severity ID` offers the incident's policy's."""
    for policy, severity in (("globex", "gold"), ("acme", "p2")):
        opened = cli("--policies", str(policies), "open", "x", "-p", policy, "-s", severity, "-q").stdout.strip()
    return opened


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line", POLICY_LINES.values())
def test_policies_complete_from_the_file_in_use(shell, line, policies):
    given = line.replace("slacli ", f"slacli --policies {policies} ", 1)
    assert values(shell, given) == ["acme", "globex"]
    assert values(shell, line, SLACLI_POLICIES=str(policies)) == ["acme", "globex"]
    assert values(shell, given.removesuffix(" ") + " g") == ["globex"]
    assert "opencraft" in values(shell, line)  # no file named: the presets


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("line", SEVERITY_LINES.values())
def test_severities_narrow_to_the_policy_on_the_command_line(shell, line, policies, acme_incident):
    line = line.format(acme_incident=acme_incident).replace("slacli ", f"slacli --policies {policies} ", 1)
    found = complete(shell, line)
    assert [value for value, _ in found] == ["p1", "p2"]  # keys until something is typed
    if shell != "bash":  # zsh and fish show what each names
        assert found == [("p1", "Page now"), ("p2", "Soon")]
    assert values(shell, line + "s") == ["sev1", "soon", "sev2"]  # then names and aliases too
    assert values(shell, line + "u") == ["urgent"]
    assert values(shell, line + "P") == []  # "Page now" has a space: it needs quotes, not offered
    assert (values(shell, line + "So"), values(shell, line + "so")) == (["Soon"], ["soon"])  # either case


@pytest.mark.parametrize("shell", SHELLS)
def test_severities_of_every_policy_without_one(shell, policies):
    line = f"slacli --policies {policies} list --severity "
    assert values(shell, line) == ["p1", "p2", "gold"]
    found = complete(shell, line + "sev")
    assert [value for value, _ in found] == ["sev1", "sev2"]
    if shell != "bash":
        assert found == [("sev1", "acme p1, globex gold"), ("sev2", "acme p2")]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_severity_change_without_a_database_offers_every_policys(shell, policies, tmp_path):
    line = f"slacli --policies {policies} --db {tmp_path / 'none.db'} severity 1 "
    assert values(shell, line) == ["p1", "p2", "gold"]
    assert not (tmp_path / "none.db").exists()  # completing never makes a database


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("broken", ["[policies.x\n", "[policies.x]\ncalendar = 'nowhere'\n", None])
def test_a_broken_or_missing_policy_file_completes_nothing(shell, broken, tmp_path):
    path = tmp_path / "broken.toml"
    if broken is not None:
        path.write_text(broken)
    for line in (*POLICY_LINES.values(), "slacli list --severity ", "slacli deadline acme "):
        assert values(shell, line.replace("slacli ", f"slacli --policies {path} ", 1)) == [], line
        assert values(shell, line, SLACLI_POLICIES=str(path)) == [], line


@pytest.mark.parametrize("shell", SHELLS)
def test_an_unknown_policy_on_the_line_completes_no_severity(shell, policies):
    assert values(shell, f"slacli --policies {policies} open x -p nope -s ") == []


@pytest.mark.parametrize("shell", SHELLS)
def test_the_installed_command_completes_as_the_scripts_call_it(shell, policies):
    # A real process, through main(): what a shell runs when the user presses Tab.
    line = f"slacli --policies {policies} deadline acme s"
    env = working_tree_env(_SLACLI_COMPLETE=f"complete_{shell}", **shell_environment(shell, line))
    done = subprocess.run([sys.executable, "-m", "slacli"], env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert [value for value, _ in candidates(shell, done.stdout)] == ["sev1", "soon", "sev2"]
