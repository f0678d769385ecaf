"""The shipped completion scripts are what the app generates today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

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
