"""`slacli maintenance` through the CLI."""

from __future__ import annotations

import json

import pytest
from conftest import user_error


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))


def add(cli, *args: str) -> int:
    return int(cli("maintenance", "add", "--policy", "optimy", *args, "--quiet").stdout)


def test_add_classify_warn_and_list(cli):
    late = cli("maintenance", "add", "--policy", "optimy", "--start", "2026-11-24T22:00", "--end",
               "2026-11-24T23:00", "--announced", "2026-11-23T10:00", "--format", "json")  # fmt: skip
    assert json.loads(late.stdout)["kind"] == "emergency"
    daytime = cli("maintenance", "add", "--policy", "optimy", "--start", "2026-12-08T17:00", "--end",
                  "2026-12-08T18:00", "--announced", "2026-11-20T10:00", "-q")  # fmt: skip
    assert "overlaps business hours by 30m" in daytime.stderr
    items = json.loads(cli("maintenance", "list", "--policy", "optimy", "--format", "json").stdout)
    assert [(i["id"], i["kind"], i["status"]) for i in items] == [
        (1, "emergency", "scheduled"),
        (2, "scheduled", "scheduled"),
    ]
    assert items[1]["warnings"] == ["scheduled maintenance overlaps business hours by 30m"]
    for key in ("id", "policy", "kind", "status", "start", "end", "announced", "warnings"):
        assert key in items[0]


def test_states(cli):
    number = str(
        add(cli, "--start", "2026-12-05T22:00", "--end", "2026-12-06T01:00", "--announced", "2026-11-20T10:00")
    )
    assert json.loads(cli("maintenance", "start", number, "-f", "json").stdout)["status"] == "in progress"
    assert "cannot cancel maintenance that is in progress" in user_error(cli("maintenance", "cancel", number, code=2))
    assert json.loads(cli("maintenance", "complete", number, "-f", "json").stdout)["status"] == "completed"
    assert "no maintenance window 9" in user_error(cli("maintenance", "start", "9", code=2))


def test_end_before_start_is_refused(cli):
    line = user_error(cli("maintenance", "add", "--policy", "optimy", "--start", "2026-12-05T22:00", "--end",
                          "2026-12-05T21:00", code=2))  # fmt: skip
    assert line == "slacli: error: --end 2026-12-05T21:00:00-05:00 is not after --start 2026-12-05T22:00:00-05:00"
