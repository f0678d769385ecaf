"""Shared fixtures: every test runs away from the user's real files and terminal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from typer.testing import CliRunner

from slacli.cli import app
from slacli.recorded import EventKind
from slacli.tracker import Tracker

ROOT = Path(__file__).parents[1]
# A business calendar for tests that build their own policies: New York, Mon-Fri 09:00-17:00, no holidays.
OFFICE_CALENDARS = {"office": {"timezone": "America/New_York", "hours": {"mon-fri": "09:00-17:00"}}}


def working_tree_env(**extra: str) -> dict[str, str]:
    """The environment of a subprocess that must import this checkout, never an installed copy."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


@pytest.fixture(scope="session")
def holiday_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for the session: the holiday tables are built once, as in real use.
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, holiday_cache_dir: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no ./policies.toml unless a test writes one
    monkeypatch.setenv("SLACLI_CACHE_DIR", str(holiday_cache_dir))
    monkeypatch.delenv("SLACLI_POLICIES", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


class Cli:
    """Runs slacli in-process and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0):
        result = self.runner.invoke(app, list(args), input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli()


FROZEN_NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # "now" of the `database` fixture's tests


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """$SLACLI_DB in the test's directory, the login bob, and now frozen at FROZEN_NOW
    (files that need another database set-up define their own fixture of this name)."""
    path = tmp_path / "incidents.db"
    monkeypatch.setenv("SLACLI_DB", str(path))
    monkeypatch.setenv("USER", "bob")
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield path


def user_error(result) -> str:
    """The one stderr line a user error must produce; nothing on stdout, no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


def incident(tracker: Tracker, title: str, at: datetime, *events: tuple[EventKind, datetime], **options: Any) -> int:
    """Open an incident of severity 1 (policy ``p`` unless ``policy=`` says), then record ``events``."""
    found = tracker.open(title, options.pop("policy", "p"), "1", at=at, author="ann", **options).incident.id
    for kind, when in events:
        tracker.act(found, kind, at=when, author="bob")
    return found


def tracker_over(document: dict[str, Any], tmp_path: Path, now: datetime) -> Tracker:
    """A tracker over a fresh SQLite file and the policies of ``document``, its clock fixed at ``now``."""
    from slacli.policy import policies_from_document
    from slacli.storage.sqlite import open_sqlite

    policies = policies_from_document(document, tmp_path / "policies.toml")
    return Tracker(open_sqlite(tmp_path / "x.db"), policies, clock=lambda: now)


def iso_record(row: dict[str, Any]) -> dict[str, Any]:
    """A record with its instants as ISO text, so the zone they are shown in is compared too."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
