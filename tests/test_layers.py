"""The library never imports typer, and Rich only lazily in render.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "slacli"
LIBRARY = sorted(p for p in PACKAGE.glob("*.py"))


def imported(tree: ast.AST) -> list[tuple[str, bool]]:
    """(module, at module level) for every import in ``tree``."""
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [(name.split(".")[0], node.col_offset == 0) for name in names]
    return found


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_library_module_imports(path):
    modules = imported(ast.parse(path.read_text()))
    assert not [m for m, _ in modules if m in ("typer", "click")]
    top_level_rich = [m for m, top in modules if m == "rich" and top]
    assert not top_level_rich
    if path.name != "render.py":
        assert "rich" not in [m for m, _ in modules]


def test_deadline_start_up_path_stays_light():
    """A piped `slacli deadline` imports none of the modules it does not need (start-up time)."""
    heavy = {"rich", "holidays", "pendulum", "platformdirs", "sqlite3"}
    code = (
        "import sys\n"
        "from slacli.cli import main\n"
        "sys.argv = ['slacli', 'deadline', 'openweb', '2', '--opened', '2026-11-21T12:00', '-f', 'csv']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(sorted({heavy!r} & set(sys.modules)), file=sys.stderr)\n"
    )
    # The first run fills the holiday cache.
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "response_due" in warm.stdout
    assert again.stderr.strip().splitlines()[-1] == "[]"
