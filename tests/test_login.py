"""Who recorded it when --by is not given: $USER, $LOGNAME (cron), $USERNAME, then the account's name or
number, never a made-up name (issue 11)."""

from __future__ import annotations

import json
import os
import pwd

import pytest


def opened_by(cli) -> tuple[str, str]:
    cli("open", "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-30T06:00", "-q")
    [event] = json.loads(cli("show", "1", "--format", "json").stdout)["timeline"]
    return event["by"], event["recorded_by"]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"USER": "ann", "LOGNAME": "bob", "USERNAME": "cy"}, "ann"),
        ({"USER": "", "LOGNAME": "bob", "USERNAME": "cy"}, "bob"),  # cron sets LOGNAME
        ({"USERNAME": "cy"}, "cy"),
    ],
)
def test_the_first_login_variable_set_names_the_author(cli, database, monkeypatch, environment, expected):
    for variable in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert opened_by(cli) == (expected, expected)


def test_without_any_the_account_names_the_author_or_its_number(cli, database, monkeypatch):
    for variable in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.delenv(variable, raising=False)
    assert opened_by(cli) == (pwd.getpwuid(os.getuid()).pw_name,) * 2


def test_an_account_without_a_name_is_its_uid(cli, database, monkeypatch):
    for variable in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.delenv(variable, raising=False)

    def nameless(uid: int):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", nameless)
    assert opened_by(cli) == (f"uid {os.getuid()}",) * 2
