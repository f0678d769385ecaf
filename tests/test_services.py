"""Incidents affect services, one or several: `open --service` repeated, the filters of
`list` and `uptime --service`, and databases written when an incident had one service."""

from __future__ import annotations

import json
import sqlite3

from conftest import user_error

from slacli.storage.sqlite import MIGRATIONS, _incident_services

OUTAGE = ("--policy", "openweb", "--severity", "1")


def record(cli, *args: str, code: int = 0):
    return json.loads(cli(*args, "--format", "json", code=code).stdout)


def ids(cli, *args: str) -> list[int]:
    return [row["id"] for row in record(cli, "list", "--all", *args)]


def test_an_incident_affects_each_service_given_once(cli, database):
    opened = record(
        cli, "open", "Checkout and search down", *OUTAGE, "--service", "api", "--service", "ui", "--service", "api"
    )
    assert (opened["service"], opened["services"]) == ("api", ["api", "ui"])
    csv_row = cli("show", str(opened["id"]), "--format", "csv").stdout.splitlines()[1]
    assert "api; ui" in csv_row


def test_the_service_filters_match_any_service_it_affects(cli, database):
    both = record(cli, "open", "Both", *OUTAGE, "--service", "api", "--service", "ui", "--at", "2026-11-23T10:00")["id"]
    api = record(cli, "open", "API", *OUTAGE, "--service", "api", "--at", "2026-11-23T11:00")["id"]
    record(cli, "open", "Nothing named", *OUTAGE, "--at", "2026-11-23T12:00")
    assert (ids(cli, "--service", "api"), ids(cli, "--service", "ui"), ids(cli, "--service", "db")) == (
        [both, api],
        [both],
        [],
    )


def test_availability_of_each_service_counts_the_incidents_affecting_it(cli, database):
    cli("open", "Both", *OUTAGE, "--service", "api", "--service", "ui", "--at", "2026-11-10T10:00", "-q")
    cli("resolve", "1", "--at", "2026-11-10T11:00", "-q")
    cli("open", "API only", *OUTAGE, "--service", "api", "--at", "2026-11-12T10:00", "-q")
    cli("resolve", "2", "--at", "2026-11-12T10:30", "-q")

    def downtime(service: str, code: int) -> float:  # exit 1: over the month's budget
        found = record(cli, "uptime", "--policy", "openweb", "--month", "2026-11", "--service", service, code=code)
        return found["downtime_minutes"]

    assert (downtime("api", 1), downtime("ui", 1), downtime("db", 0)) == (90, 60, 0)


def test_an_empty_service_is_refused(cli, database):
    assert "--service is empty" in user_error(cli("open", "x", *OUTAGE, "--service", " ", code=2))


def test_a_database_from_when_incidents_had_one_service_reads_alike(cli, database):
    record(cli, "open", "API", *OUTAGE, "--service", "api", "--at", "2026-11-23T10:00")
    record(cli, "open", "None", *OUTAGE, "--at", "2026-11-23T11:00")
    # As the schema stood before: no table of services (nor what came later), and states
    # with one "service".
    with sqlite3.connect(database) as db:
        db.execute("DROP TABLE incident_services")
        db.execute("DROP TABLE notices")
        db.execute("UPDATE incidents SET state = json_set(json_remove(state, '$.services'), '$.service', service)")
        db.execute(f"PRAGMA user_version = {MIGRATIONS.index(_incident_services)}")
    assert ids(cli, "--service", "api") == [1]
    assert [(r["service"], r["services"]) for r in record(cli, "list", "--all")] == [("api", ["api"]), (None, [])]
