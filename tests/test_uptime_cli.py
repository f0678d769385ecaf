"""`slacli uptime` through the CLI (SPEC 4)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from conftest import user_error

from slacli.cli import app
from slacli.paths import SHIPPED_POLICIES
from slacli.storage.sqlite import MIGRATIONS, open_sqlite


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path):
    monkeypatch.setenv("SLACLI_DB", str(tmp_path / "incidents.db"))
    return tmp_path / "incidents.db"


def uptime(cli, *args: str, code: int = 0) -> dict:
    return json.loads(cli("uptime", *args, "--format", "json", code=code).stdout)


def test_month_with_an_outage_partly_in_maintenance(cli):
    cli("open", "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-10T10:00", "-q")
    cli("resolve", "1", "--at", "2026-11-10T11:00")
    cli("open", "Slow", "--policy", "openweb", "--severity", "2", "--at", "2026-11-10T10:30", "-q")  # weight 0
    cli("maintenance", "add", "--policy", "openweb", "--start", "2026-11-10T10:30", "--end", "2026-11-10T12:00",
        "--kind", "scheduled", "--announced", "2026-11-01T09:00", "-q")  # fmt: skip
    data = uptime(cli, "--policy", "openweb", "--month", "2026-11")
    assert (data["total_minutes"], data["maintenance_minutes"], data["downtime_minutes"]) == (43_260, 90, 30)
    assert data["availability_pct"] == pytest.approx((43_260 - 90 - 30) / (43_260 - 90) * 100)
    assert data["allowed_downtime_minutes"] == pytest.approx(0.001 * 43_170, abs=0.01)
    assert data["met"] is True


def test_a_missed_target_exits_1_and_excluded_incidents_do_not_count(cli):
    cli("open", "Down", "--policy", "optimy", "--severity", "high", "--at", "2026-03-10T10:00", "-q")
    cli("resolve", "1", "--at", "2026-03-10T12:00")
    missed = uptime(cli, "--policy", "optimy", "--month", "2026-03", code=1)
    assert missed["downtime_minutes"] == 120 and missed["total_minutes"] == 44_580 and missed["met"] is False
    assert missed["remaining_downtime_minutes"] < 0
    cli("exclude", "1", "customer's ISP")
    assert uptime(cli, "--policy", "optimy", "--month", "2026-03")["downtime_minutes"] == 0


def test_credit_tiers_are_shown_when_the_policy_sets_them(cli, tmp_path, monkeypatch):
    cli("open", "Down", "--policy", "optimy", "--severity", "high", "--at", "2026-03-10T10:00", "-q")
    cli("resolve", "1", "--at", "2026-03-10T12:00")  # 120 min: A = 99.73%
    assert uptime(cli, "--policy", "optimy", "--month", "2026-03", code=1)["credit_pct"] is None
    assert "credit" not in cli("uptime", "--policy", "optimy", "--month", "2026-03", code=1).stdout
    tiers = "credits = [{ below = 99.0, credit = 25 }, { below = 99.9, credit = 10 }]\n"
    text = SHIPPED_POLICIES.read_text().replace(
        "[policies.optimy.availability]\n", f"[policies.optimy.availability]\n{tiers}"
    )
    (tmp_path / "credits.toml").write_text(text)
    monkeypatch.setenv("SLACLI_POLICIES", str(tmp_path / "credits.toml"))
    assert uptime(cli, "--policy", "optimy", "--month", "2026-03", code=1)["credit_pct"] == 10
    assert re.search(r"credit_pct +10\n", cli("uptime", "--policy", "optimy", "--month", "2026-03", code=1).stdout)
    assert uptime(cli, "--policy", "optimy", "--month", "2026-04")["credit_pct"] == 0
    cli("open", "Down again", "--policy", "optimy", "--severity", "high", "--at", "2026-03-20T10:00", "-q")
    cli("resolve", "2", "--at", "2026-03-20T16:40")  # 520 min in all: A = 98.83%
    assert uptime(cli, "--policy", "optimy", "--month", "2026-03", code=1)["credit_pct"] == 25


def test_open_incident_counts_to_the_end_of_the_period_and_table_never_shows_100(cli):
    cli("open", "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-10-31T23:59:59", "-q")
    table = cli("uptime", "--policy", "openweb", "--month", "2026-10").stdout
    assert "99.9999" in table and "100.000%" not in table


def test_bad_periods(cli):
    assert "malformed --month" in user_error(cli("uptime", "--policy", "openweb", "--month", "2026-13", code=2))
    assert "give --month" in user_error(cli("uptime", "--policy", "openweb", code=2))
    far = cli("uptime", "--policy", "openweb", "--from", "2026-01-01", "--to", "9999-12-31T23:00", code=2)
    assert "--to '9999-12-31T23:00' is out of the supported years" in user_error(far)


def test_trend_of_months_up_to_now(cli, database):
    open_sqlite(database).close()  # an empty database: reads never create one
    out = json.loads(cli("uptime", "--policy", "openweb", "--months", "3", "--format", "json").stdout)
    assert len(out["months"]) == 3 and out["burn_rate"] == 0
    assert [m["availability_pct"] for m in out["months"]] == [100, 100, 100]
    table = cli("uptime", "--policy", "openweb", "--months", "2").stdout
    assert "budget burn this month" in table and "####################" in table


def test_explain_lists_every_interval_and_why(cli):
    cli("open", "B", "--policy", "openweb", "--severity", "1", "--at", "2026-11-10T10:00", "-q")
    cli("resolve", "1", "--at", "2026-11-10T11:00")
    cli("open", "C", "--policy", "openweb", "--severity", "1", "--at", "2026-11-10T10:30", "-q")
    cli("resolve", "2", "--at", "2026-11-10T11:30")
    cli("maintenance", "add", "--policy", "openweb", "--start", "2026-11-10T11:15", "--end", "2026-11-10T12:00",
        "--kind", "scheduled", "--announced", "2026-11-01T09:00", "-q")  # fmt: skip
    cli("maintenance", "add", "--policy", "openweb", "--start", "2026-11-12T11:15", "--end", "2026-11-12T12:00",
        "--kind", "emergency", "--announced", "2026-11-01T09:00", "-q")  # fmt: skip
    data = uptime(cli, "--policy", "openweb", "--month", "2026-11", "--explain", code=1)  # 120 min > 43 allowed
    why = {(r["source"], r["minutes"]): r["why"] for r in data["explain"]}
    assert why[("maintenance 1", 45)] == "scheduled: excluded from T"
    assert why[("maintenance 2", 45)] == "emergency, impact full: downtime, the policy does not exclude it; weight 1"
    assert "15m inside maintenance" in why[("incident 2", 45)]
    # 10:00-11:15 once, though the stretches sum to 105; and the emergency window's 45.
    assert data["downtime_minutes"] == 120


def test_an_incident_reported_after_the_month_counts_in_it(cli):
    cli("open", "T", "--policy", "optimy", "--severity", "high", "--at", "2026-11-01T02:00",
        "--started", "2026-10-31T22:00", "-q")  # fmt: skip
    cli("resolve", "1", "--at", "2026-11-01T03:00")
    assert uptime(cli, "--policy", "optimy", "--month", "2026-10", code=1)["downtime_minutes"] == 120
    assert "malformed --month" in user_error(cli("uptime", "--policy", "optimy", "--month", "2026-011", code=2))


def test_incidents_written_before_the_downtime_column_count_the_same(cli, database, tmp_path, monkeypatch):
    cli("open", "Down", "--policy", "openweb", "--severity", "2", "--at", "2026-10-10T10:00", "-q")
    cli("severity", "1", "1", "--at", "2026-10-10T10:30")  # 0 weight, then 1
    cli("resolve", "1", "--at", "2026-10-10T11:00")
    cli("open", "Still down", "--policy", "openweb", "--severity", "1", "--at", "2026-10-31T23:00", "-q")
    fresh = uptime(cli, "--policy", "openweb", "--month", "2026-10", code=1)
    assert fresh["downtime_minutes"] == 30 + 60
    # The same incidents in a file of schema 3, before the column: migrated, then read from their states.
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as db:
        for step in MIGRATIONS[:3]:
            step(db)
        db.execute("PRAGMA user_version = 3")
        with sqlite3.connect(database) as current:
            rows = current.execute("SELECT policy, severity, status, service, opened, resolved, state FROM incidents")
            db.executemany("INSERT INTO incidents (policy, severity, status, service, opened, resolved, state) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", rows.fetchall())  # fmt: skip
            snapshots = current.execute("SELECT digest, name, tables FROM policy_snapshots").fetchall()
            db.executemany("INSERT INTO policy_snapshots VALUES (?, ?, ?)", snapshots)
    monkeypatch.setenv("SLACLI_DB", str(old))
    assert uptime(cli, "--policy", "openweb", "--month", "2026-10", code=1) == fresh
    with sqlite3.connect(old) as db, sqlite3.connect(database) as current:
        query = "SELECT id, downtime FROM incidents ORDER BY id"
        assert db.execute(query).fetchall() == current.execute(query).fetchall()  # worked out once, and kept
    assert uptime(cli, "--policy", "openweb", "--month", "2026-10", code=1) == fresh


def test_markdown_is_for_people_like_the_table(cli):
    cli("open", "Blip", "--policy", "openweb", "--severity", "1", "--at", "2026-10-10T10:00:00", "-q")
    cli("resolve", "1", "--at", "2026-10-10T10:00:01")
    markdown = cli("uptime", "--policy", "openweb", "--month", "2026-10", "--explain", "-f", "markdown").stdout
    assert "| availability_pct | 99.99996% |" in markdown and "| 100 |" not in markdown
    assert "### Explained" in markdown and "| incident 1 |" in markdown


def test_every_event_keeps_the_stored_downtime_in_step(cli, tmp_path, monkeypatch):
    def downtime() -> float:
        result = cli.runner.invoke(app, ["uptime", "--policy", "openweb", "--month", "2026-10", "-f", "json"])
        assert result.exit_code in (0, 1), result.stderr  # 1: the target missed
        return json.loads(result.stdout)["downtime_minutes"]

    cli("open", "Slow", "--policy", "openweb", "--severity", "2", "--at", "2026-10-10T10:00", "-q")
    assert downtime() == 0  # severity 2 is no downtime
    cli("severity", "1", "1", "--at", "2026-10-10T11:00")
    cli("resolve", "1", "--at", "2026-10-10T12:00")
    assert downtime() == 60
    cli("exclude", "1", "third party", "--at", "2026-10-10T12:10")
    assert downtime() == 0
    cli("exclude", "1", "--clear", "--at", "2026-10-10T12:20")
    assert downtime() == 60
    cli("reopen", "1", "--at", "2026-10-10T13:00")
    cli("resolve", "1", "--at", "2026-10-10T13:30")
    assert downtime() == 90
    cli("reopen", "1", "--at", "2026-10-10T14:00")  # open to the month's end: 21 days 10 hours more
    assert downtime() == 90 + (21 * 24 + 10) * 60
    quote = '# "minutes that the OpenWeb is not available for use (i.e. Priority 1 ...)"\ndowntime = 1'
    halved = SHIPPED_POLICIES.read_text().replace(quote, "downtime = 0.5")
    assert halved != SHIPPED_POLICIES.read_text()
    (tmp_path / "halved.toml").write_text(halved)
    monkeypatch.setenv("SLACLI_POLICIES", str(tmp_path / "halved.toml"))
    cli("recompute", "1")
    assert downtime() == (90 + (21 * 24 + 10) * 60) / 2


def test_service_counts_its_incidents_and_its_own_or_everyones_maintenance(cli):
    for number, (service, day, minutes) in enumerate([("api", 10, 60), ("web", 11, 30), (None, 12, 20)], start=1):
        where = ["--service", service] if service else []
        cli("open", "Down", "--policy", "openweb", "--severity", "1", "--at", f"2026-10-{day}T10:00", *where, "-q")
        cli(
            "resolve",
            str(number),
            "--at",
            f"2026-10-{day}T10:{minutes:02d}" if minutes < 60 else f"2026-10-{day}T11:00",
        )
    for service, start, end in [
        ("api", "10T10:30", "10T11:30"),
        ("web", "11T10:00", "11T10:15"),
        (None, "20T01:00", "20T02:00"),
    ]:
        where = ["--service", service] if service else []
        cli("maintenance", "add", "--policy", "openweb", "--start", f"2026-10-{start}", "--end", f"2026-10-{end}",
            "--kind", "scheduled", "--announced", "2026-10-01T00:00", *where, "-q")  # fmt: skip
    api = uptime(cli, "--policy", "openweb", "--month", "2026-10", "--service", "api")
    assert (api["maintenance_minutes"], api["downtime_minutes"]) == (120, 30)
    everything = uptime(cli, "--policy", "openweb", "--month", "2026-10", code=1)
    assert (everything["maintenance_minutes"], everything["downtime_minutes"]) == (135, 30 + 15 + 20)


def test_a_rolling_window_ends_at_the_read_instant_in_real_time(cli):
    # 30d before Tue 1 Dec 00:00 EST is 720 hours: Sun 1 Nov 01:00 EDT, though the clocks fell back in between.
    cli("open", "Down", "--policy", "openweb", "--severity", "1", "--at", "2026-11-01T00:30-04:00", "-q")
    cli("resolve", "1", "--at", "2026-11-01T01:30-04:00")
    found = uptime(cli, "--policy", "openweb", "--last", "30d", "--at", "2026-12-01T00:00")
    assert (found["from"], found["to"]) == ("2026-11-01T01:00:00-04:00", "2026-12-01T00:00:00-05:00")
    assert (found["total_minutes"], found["downtime_minutes"], found["complete"]) == (30 * 24 * 60, 30, True)
    # 7 x 24 hours back from Thu 5 Nov 12:00 EST, across the fall-back, is Thu 29 Oct 13:00 EDT.
    week = uptime(cli, "--policy", "openweb", "--last", "7d", "--at", "2026-11-05T12:00", code=1)
    same = uptime(cli, "--policy", "openweb", "--from", "2026-10-29T13:00", "--to", "2026-11-05T12:00",
                  "--at", "2026-11-05T12:00", code=1)  # fmt: skip
    assert week == same and week["total_minutes"] == 7 * 24 * 60
    shown = cli("uptime", "--policy", "openweb", "--last", "7d", "--at", "2026-11-05T12:00", code=1).stdout
    assert "\nmonth " not in shown  # a rolling window is no month


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--last", "0d"), "--last: '0d' is not a positive duration"),
        (("--last", "a month"), "--last: malformed duration"),
        (("--last", "7d", "--month", "2026-11"), "give one of --month, --from and --to, --months or --last"),
    ],
)
def test_a_rolling_window_refuses_what_is_not_one(cli, args, message):
    assert message in user_error(cli("uptime", "--policy", "openweb", *args, code=2))


@pytest.mark.parametrize(("lower", "upper"), [("2026-11-20", "2026-11-10"), ("2026-11-20T09:00", "2026-11-20T09:00")])
def test_a_period_that_ends_before_or_where_it_starts_is_refused(cli, lower, upper):
    line = user_error(cli("uptime", "--policy", "openweb", "--from", lower, "--to", upper, code=2))
    assert line == f"slacli: error: --to ({upper}) is not after --from ({lower})"
