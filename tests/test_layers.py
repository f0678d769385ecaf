"""The layers hold: the library never imports typer or the CLI, Rich only lazily in the
output module, SQL only in the SQLite store, CLI modules only the shared _options/_state."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import working_tree_env

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "slacli"
# __main__ is the entry point: `python -m slacli` runs the CLI.
LIBRARY = sorted(
    p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py"
)
CLI = sorted((PACKAGE / "cli").glob("*.py"))


def imported(tree: ast.AST) -> list[tuple[str, bool]]:
    """(dotted module, at module level) for every import in ``tree``."""
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [(name, node.col_offset == 0) for name in names]
    return found


def name_of(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", LIBRARY, ids=name_of)
def test_library_module_imports(path):
    modules = imported(ast.parse(path.read_text()))
    tops = [m.split(".")[0] for m, _ in modules]
    assert not {"typer", "click"} & set(tops)
    assert not [m for m, _ in modules if m.startswith("slacli.cli")]
    assert not [m for m, top in modules if m.split(".")[0] == "rich" and top]  # lazily, if at all
    if name_of(path) != "output.py":
        assert "rich" not in tops
    if name_of(path) != "storage/sqlite.py":
        assert "sqlite3" not in tops
    if name_of(path).startswith("views/"):
        assert "slacli.output" not in [m for m, _ in modules]  # views return records, never text


@pytest.mark.parametrize("path", CLI, ids=name_of)
def test_commands_import_no_other_command_module(path):
    modules = [m for m, _ in imported(ast.parse(path.read_text()))]
    others = [
        m for m in modules if m.startswith("slacli.cli.") and m not in ("slacli.cli._options", "slacli.cli._state")
    ]
    assert not others
    assert "sqlite3" not in modules and "slacli.storage.sqlite" not in modules


def test_the_working_tree_is_what_tests_import():
    import slacli

    assert Path(slacli.__file__).resolve().parent == PACKAGE.resolve()


def test_deadline_start_up_path_stays_light():
    """A piped `slacli deadline` imports none of the modules it does not need (start-up time)."""
    heavy = {"rich", "holidays", "pendulum", "platformdirs", "sqlite3"}
    code = (
        "import sys, slacli\n"
        "from slacli.cli import main\n"
        "sys.argv = ['slacli', 'deadline', 'openweb', '2', '--opened', '2026-11-21T12:00', '-f', 'csv']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(slacli.__file__, sorted({heavy!r} & set(sys.modules)), file=sys.stderr)\n"
    )
    run = [sys.executable, "-c", code]
    # The first run fills the holiday cache.
    warm = subprocess.run(run, capture_output=True, text=True, check=True, env=working_tree_env(), cwd=ROOT)
    again = subprocess.run(run, capture_output=True, text=True, check=True, env=working_tree_env(), cwd=ROOT)
    assert "response_due" in warm.stdout
    where, modules = again.stderr.strip().splitlines()[-1].split(" ", 1)
    assert Path(where).resolve().parent == PACKAGE.resolve()
    assert modules == "[]"
