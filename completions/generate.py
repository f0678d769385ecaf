"""Write the shell completion scripts of slacli: `python completions/generate.py`.

The scripts are Typer's: small shims that call slacli back for the candidates, so they
stay valid as commands change. tests/test_completions.py fails when they are stale.
"""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from slacli.cli import app

HERE = Path(__file__).parent
NO_DETECTION = "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"
FILES = {"bash": "slacli.bash", "zsh": "_slacli", "fish": "slacli.fish"}


def script(shell: str) -> str:
    # Typer detects the running shell unless told not to; the option then takes a name.
    # It reads this when it builds the command, so it must be set before invoking.
    os.environ[NO_DETECTION] = "1"
    try:
        result = CliRunner().invoke(app, ["--show-completion", shell], prog_name="slacli")
    finally:
        del os.environ[NO_DETECTION]
    assert result.exit_code == 0, result.output
    return result.stdout


if __name__ == "__main__":
    for shell, name in FILES.items():
        (HERE / name).write_text(script(shell))
        print(f"wrote completions/{name}")
