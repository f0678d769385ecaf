"""The command line: formats, batch input, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import marshal

import pytest
from conftest import user_error

from slacli.cli import COMMANDS, app
from slacli.paths import SHIPPED_POLICIES

DEADLINE = ["deadline", "openweb", "2", "--opened", "2026-11-21T12:00"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deadline", "nosuch", "1", "--opened", "2026-11-23T10:00"], "unknown policy 'nosuch'"),
        (["deadline", "openweb", "9", "--opened", "2026-11-23T10:00"], "unknown severity '9' for policy openweb"),
        (["deadline", "openweb", "1", "--opened", "yesterday-ish"], "malformed --opened 'yesterday-ish'"),
        (["deadline", "openweb", "1", "--opened", "2026-03-08T02:30"], "does not exist in America/New_York"),
        (["deadline", "openweb", "1", "--opened", "2026-11-01T01:30"], "is ambiguous in America/New_York"),
        (["deadline", "openweb", "1", "--opened", "2026-11-23T10:00", "--acked", "2026-11-23T09:00"], "before"),
        (["deadline", "openweb", "1"], "deadline needs POLICY SEVERITY --opened T"),
        (["calendar", "add", "--policy", "openweb", "2026-11-23T10:00", "--", "-4h"], "negative duration"),
        (["calendar", "add", "2026-11-23T10:00", "2d", "--policy", "openweb"], "days are ambiguous"),
        (["calendar", "between", "2026-11-23T10:00", "soon", "--policy", "openweb"], "malformed END 'soon'"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(cli, args, message):
    line = user_error(cli(*args, code=2))
    assert line.startswith("slacli: error: ")
    assert message in line


def test_ambiguous_time_with_offset_is_accepted(cli):
    data = json.loads(cli("deadline", "openweb", "1", "--opened", "2026-11-01T01:30-05:00", "-f", "json").stdout)
    assert data["opened"] == "2026-11-01T01:30:00-05:00"


def test_json_has_the_documented_keys(cli):
    data = json.loads(cli(*DEADLINE, "--format", "json").stdout)
    for key in ("policy", "severity", "opened", "response_due", "resolution_due"):
        assert key in data
    assert data["severity"] == "2"


def test_csv_is_one_header_and_one_row(cli):
    rows = list(csv.DictReader(io.StringIO(cli(*DEADLINE, "--format", "csv").stdout)))
    assert len(rows) == 1
    assert rows[0]["response_due"] == "2026-11-23T13:00:00-05:00"


def test_table_when_piped_is_plain_text(cli):
    out = cli(*DEADLINE).stdout
    assert "\x1b[" not in out and "│" not in out
    assert out.splitlines()[1].split() == ["target", "due", "rule", "anchor", "why"]


BATCH = """policy,severity,opened,acked
openweb,2,2026-11-21T12:00,
opencraft,critical,2026-11-25T15:00,2026-11-25T15:30
optimy,high,2026-11-23T10:00,
"""


def test_batch_csv_keeps_input_columns_and_order(cli, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(BATCH)
    rows = list(csv.DictReader(io.StringIO(cli("deadline", "--input", str(path), "-f", "csv").stdout)))
    assert [r["policy"] for r in rows] == ["openweb", "opencraft", "optimy"]
    assert list(rows[0]) == ["policy", "severity", "opened", "acked", "response_due", "resolution_due"]
    assert rows[1]["resolution_due"] == "2026-11-25T17:00:00-05:00"
    assert rows[2]["response_due"] == "" and rows[2]["resolution_due"] == ""


def test_batch_json_from_stdin(cli):
    data = json.loads(cli("deadline", "--input", "-", "-f", "json", input=BATCH).stdout)
    assert data[0]["response_due"] == "2026-11-23T13:00:00-05:00"
    assert data[2]["response_due"] is None
    assert data[0]["acked"] == ""


def test_batch_bad_row_names_its_line_and_prints_nothing(cli):
    bad = BATCH + "openweb,7,2026-11-23T10:00,\n"
    line = user_error(cli("deadline", "--input", "-", "-f", "csv", input=bad, code=2))
    assert "-: line 5: unknown severity '7'" in line


def test_batch_missing_column(cli):
    line = user_error(cli("deadline", "--input", "-", input="policy,severity\nopenweb,1\n", code=2))
    assert "missing column(s) opened" in line


def test_calendar_add_and_between(cli):
    add = json.loads(cli("calendar", "add", "2026-11-25T15:00", "4h30m", "--policy", "openweb", "-f", "json").stdout)
    assert add["result"] == "2026-11-27T11:30:00-05:00"
    days = cli("calendar", "add", "2026-11-25T15:00", "2 business days", "--policy", "openweb", "-f", "json").stdout
    assert json.loads(days)["result"] == "2026-11-30T15:00:00-05:00"
    back = cli("calendar", "between", "2026-11-27T11:30", "2026-11-25T15:00", "--policy", "openweb", "-f", "json")
    # B before A is not refused: SPEC 2.2 makes it the negative of A to B, time and minutes alike.
    assert (json.loads(back.stdout)["business_minutes"], json.loads(back.stdout)["business_time"]) == (
        -270,
        "4h 30m business (END is before START)",
    )


def test_csv_neutralises_formula_cells(cli, tmp_path):
    policies = tmp_path / "p.toml"
    policies.write_text(
        '[calendars.c]\ntimezone = "UTC"\nhours = { mon-fri = "09:00-17:00" }\n'
        '[policies.p]\ncalendar = "c"\ndescription = "=HYPERLINK(1)"\n[policies.p.severities.s]\nresponse = "1h"\n'
    )
    out = cli("--policies", str(policies), "policies", "list", "-f", "csv").stdout
    assert "'=HYPERLINK(1)" in out


def test_version(cli):
    assert cli("--version").stdout.startswith("slacli ")


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["policies"],
        ["policies", "list"],
        ["policies", "show"],
        ["policies", "check"],
        ["calendar"],
        ["calendar", "add"],
        ["calendar", "between"],
        *([name] for name in COMMANDS if name not in ("policies", "calendar")),
    ],
)
def test_every_command_has_help_with_an_example(cli, command):
    out = cli(*command, "--help").stdout
    assert "Example" in out and "slacli " in out


def test_tz_shows_instants_in_another_zone(cli):
    data = json.loads(cli(*DEADLINE, "--tz", "Europe/Paris", "-f", "json").stdout)
    assert data["response_due"] == "2026-11-23T19:00:00+01:00"
    line = user_error(cli(*DEADLINE, "--tz", "Mars/Base", code=2))
    assert "unknown time zone 'Mars/Base'" in line


def test_tab_completion_offers_policies_and_severities(cli):
    def complete(words: str) -> list[str]:
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)  # the word being completed
        env = {"_SLACLI_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return cli.runner.invoke(app, [], env=env, prog_name="slacli").stdout.split()

    assert complete("slacli deadline open") == ["opencraft", "openweb", "openmethods"]
    assert complete("slacli deadline protecto ") == ["critical", "high", "medium", "low"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["deadline", "openweb"], "deadline"),
        (["--policies", "p.toml", "--db", "x.db", "due"], "due"),
        (["--db=x.db", "due"], "due"),
        (["--version"], None),
        (["--help", "deadline"], None),  # the app's help, listing every command
        (["-h", "deadline"], None),
        (["--install-completion", "deadline"], None),
        (["nosuch"], None),
        ([], None),
    ],
)
def test_main_builds_only_the_command_being_run(args, expected):
    from slacli.cli import build_app, command_named

    assert command_named(args) == expected
    if expected:
        app = build_app(expected)
        assert [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups] == [expected]


def test_batch_accepts_a_byte_order_mark(cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(BATCH, encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(cli("deadline", "--input", str(path), "-f", "csv").stdout)))
    assert rows[0]["response_due"] == "2026-11-23T13:00:00-05:00"
    assert json.loads(cli("deadline", "--input", "-", "-f", "json", input="\ufeff" + BATCH).stdout)[0]["policy"]


def test_batch_accepts_spaces_after_the_commas(cli):
    # "policy, severity, opened, acked" as people type it: the same rows as without the spaces.
    spaced = "\n".join(", ".join(line.split(",")) for line in BATCH.splitlines()) + "\n"
    assert cli("deadline", "--input", "-", "-f", "csv", input=spaced).stdout == (
        cli("deadline", "--input", "-", "-f", "csv", input=BATCH).stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deadline", "openweb", "1", "--opened", "9999-12-31T23:59"], "out of the supported years"),
        (["deadline", "openweb", "1", "--opened", "0001-01-01T00:00+05:00"], "out of the supported years"),
        (["calendar", "add", "2026-11-23T09:00", "99999999999h", "--policy", "openweb"], "longer than 100 years"),
        (["calendar", "add", "2026-11-23T09:00", "P2D", "--policy", "openweb"], "days are ambiguous"),
        (["calendar", "add", "2026-11-23T09:00", "99999999 business days", "--policy", "openweb"], "100 years"),
        (["report", "--month", "0001-01"], "--month '0001-01' is out of the supported years (2-9998)"),
        (["report", "--week", "9999-W01"], "--week '9999-W01' is out of the supported years (2-9998)"),
        (["report", "--month", "2026-13"], "malformed --month '2026-13' (expected YYYY-MM)"),
        (["due", "--within", "0"], "--within: malformed duration '0' (a number and a unit, such as 30m"),
    ],
)
def test_extreme_input_is_a_one_line_error(cli, args, message):
    assert message in user_error(cli(*args, code=2))


def test_a_damaged_holiday_cache_is_rebuilt(cli, holiday_cache_dir):
    cache = holiday_cache_dir / "cache.marshal"
    cli(*DEADLINE)
    saved = cache.read_bytes()
    data = marshal.loads(saved)
    release, version = data["release"], data["format"]
    damages = [
        b"",
        b"{not marshal",
        saved[: len(saved) // 2],
        marshal.dumps([]),
        marshal.dumps({"release": "x", "format": version, "tables": {}, "documents": []}),
        marshal.dumps({"release": release, "format": version, "tables": [], "documents": []}),
        marshal.dumps({"release": release, "format": version, "tables": {"US||": "x"}, "documents": [[b"x"]]}),
    ]
    shipped = SHIPPED_POLICIES.read_bytes()  # a kept policy document that does not load: parsed again
    for document in (b"\xff", marshal.dumps([1]), marshal.dumps({"x": 1})[:-1]):
        damages.append(
            marshal.dumps({"release": release, "format": version, "tables": {}, "documents": [[shipped, document]]})
        )
    try:
        for damage in damages:
            cache.write_bytes(damage)
            data = json.loads(cli(*DEADLINE, "-f", "json").stdout)
            assert data["response_due"] == "2026-11-23T13:00:00-05:00"
    finally:
        cache.write_bytes(saved)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calendar", "add", "2026-11-23T10:00", "-4h", "--policy", "openweb"], "No such option: -4"),
        ([*DEADLINE, "--format", "xml"], "'xml' is not one of"),
        (["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line_too(cli, args, message):
    line = user_error(cli(*args, code=2))
    assert line.startswith("slacli: error: ") and message in line and "--help" in line
