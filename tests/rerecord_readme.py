"""Re-record the README's console examples from real runs: ``python tests/rerecord_readme.py``.

A developer's tool, not a test: after a change to what slacli prints, it replays every
section that ``test_readme.py`` replays, the same way (same database per section, same
frozen clock, same login), and writes what slacli printed under each ``$ slacli`` line
that shows output. ``git diff README.md`` then shows the change for review.
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
from contextlib import nullcontext

import time_machine
from test_readme import README, SECTIONS  # the script's directory is on sys.path
from typer.testing import CliRunner

from slacli.cli import app


def rerecorded(block: str, runner: CliRunner) -> str:
    steps = re.split(r"^\$ ", block, flags=re.M)[1:]
    out, code = [], 0
    for step in steps:
        line, _, shown = step.partition("\n")
        out.append(f"$ {line}\n")
        if line == "echo $?":
            out.append(f"{code}\n")
            continue
        for command in re.split(r"; (?=slacli )", line):
            result = runner.invoke(app, shlex.split(command)[1:])
            code = result.exit_code
            if code not in (0, 1):
                raise SystemExit(f"{command}: exit {code}\n{result.stderr}")
        if shown:
            out.append(result.stdout)
    return "".join(out)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        os.environ.update(SLACLI_CACHE_DIR=f"{tmp}/cache", XDG_CONFIG_HOME=f"{tmp}/config", NO_COLOR="1", COLUMNS="200")
        os.environ.pop("SLACLI_POLICIES", None)
        for n, (section, recorded) in enumerate(SECTIONS):
            os.environ["SLACLI_DB"] = f"{tmp}/{n}.db"
            os.environ["USER"] = "dana" if recorded else os.environ.get("USER", "dana")
            start = text.index(section)
            end = text.index("\n### ", start + len(section))
            runner = CliRunner()
            with time_machine.travel(recorded, tick=False) if recorded else nullcontext():
                part = re.sub(
                    r"```console\n(.*?)```",
                    lambda m, runner=runner: f"```console\n{rerecorded(m.group(1), runner)}```",
                    text[start:end],
                    flags=re.S,
                )
            text = text[:start] + part + text[end:]
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
