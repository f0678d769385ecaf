"""The [statuspage] table of a policy file: the page's title, time zone and services."""

from __future__ import annotations

import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import user_error

from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies
from slacli.policy.loader import page_settings

POLICY = """
[policies.acme]
calendar = "24x7"

[policies.acme.severities.p1]
response = "2 business hours"
"""
PAGE = """
[statuspage]
title = "Acme status"
timezone = "Europe/London"
services = [{ key = "api", name = "Public API" }, { key = "web" }]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(textwrap.dedent(POLICY + text))
    return path


def test_the_page_takes_its_title_zone_and_services_in_order(tmp_path):
    page = page_settings(load_policies(write(tmp_path, PAGE)))
    assert (page.title, page.zone, page.services) == (
        "Acme status",
        ZoneInfo("Europe/London"),
        (("api", "Public API"), ("web", "web")),
    )
    assert (page.name_of("api"), page.name_of("db")) == ("Public API", "db")


def test_without_the_table_the_page_has_defaults(tmp_path):
    page = page_settings(load_policies(write(tmp_path, "")))
    assert (page.title, page.zone, page.services) == ("Status", None, ())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('title = "Acme status"', 'title = " "'), "statuspage.title: empty"),
        (('title = "Acme status"', "title = 3"), "statuspage.title: expected a string"),
        (('"Europe/London"', '"Mars/Olympus"'), "statuspage.timezone: unknown time zone 'Mars/Olympus'"),
        (('title = "Acme status"', 'colour = "red"'), "statuspage.colour: unknown key"),
        (('{ key = "web" }', '{ key = "api" }'), "statuspage.services[1].key: 'api' is listed twice"),
        (('{ key = "web" }', '{ name = "Web" }'), "statuspage.services[1].key: missing"),
        (('{ key = "web" }', '{ key = "web", order = 1 }'), "statuspage.services[1].order: unknown key"),
        (('name = "Public API"', "name = 7"), "statuspage.services[0].name: expected a string"),
        (('[{ key = "api", name = "Public API" }, { key = "web" }]', '"api"'), "services: expected an array"),
    ],
)
def test_errors_name_the_key(cli, tmp_path, change, message):
    path = write(tmp_path, PAGE.replace(*change))
    line = user_error(cli("--policies", str(path), "policies", "check", code=2))
    assert line.startswith(f"slacli: error: {path}") and message in line


def test_the_shipped_page_lists_openmethods_services():
    page = page_settings(load_policies(SHIPPED_POLICIES))
    assert page.title and all(key and name for key, name in page.services)
