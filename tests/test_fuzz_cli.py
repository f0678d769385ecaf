"""Reliability proof 3 (issue 9): hostile arguments for every command.

Hypothesis builds argument lists for each command of ``slacli --help`` from values that
break naive code: instants in the DST gap and overlap of New York (with and without an
offset), years 1 to 9999, ``now``, garbage; huge and negative ids (2**63, 2**64, -1, 0,
10**30); huge durations (``99999999d``, ``1e308h``); Unicode (emoji, right-to-left text,
combining marks); control characters (NUL, ESC sequences, CR, LF); undecodable bytes as
Python gives them in argv (``\\udcff``: os.fsdecode's surrogateescape); broken policy
files (truncated TOML, wrong types, deep nesting, a directory, /dev/null, bytes that are
not UTF-8) and broken ``--input`` files and stdin. Each list runs through the CLI entry
point in-process (typer's CliRunner, so ErrorBoundary.main) against a copy of a database
seeded with a few incidents and windows. The target behaviour, asserted for every run:

- an answer within SLACLI_FUZZ_TIME_LIMIT seconds (default 3; the run is interrupted then);
- the exit status is 0, 1 or 2 (3, the internal error, and anything else fail);
- no exception escapes, and no "Traceback" on stdout or stderr;
- exit 2 is one line on stderr, ``slacli: error: ...`` (warnings aside), nothing on stdout;
- no raw control character reaches the terminal: stdout and stderr hold none but
  newline and tab (a value echoed back must be escaped, as ``repr`` does);
- text that a write command would store (a title, message, reason, name, service, ref,
  link) with a control character or an undecodable byte in it is refused (exit 2);
- "nothing written": after a command that exits 2, and after any read, the database
  file is byte-for-byte what it was (see ``settled_digest`` for what that means with
  WAL); after a write that succeeds, the file is consistent (integrity check, every
  stored state the replay of its events).

Failures are not marked xfail: today's code fails several of these (issue 9), and each
failure is one thing to fix. ``SLACLI_FUZZ_EXAMPLES`` sets the examples per command
(default 15, derandomized: the same examples every run); ``SLACLI_FUZZ_SHRINK=1``
shrinks a failing example to a minimal argument list; ``SLACLI_FUZZ_SURVEY=FILE``
records every problem met into FILE as JSON instead of failing at the first, for a
list of all of them.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import time
import traceback
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import typer
import typer.testing
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reliability_workers import consistency_problems, record_figures
from typer.testing import CliRunner

from slacli.cli import build_app

settings.register_profile(
    "slacli-fuzz",
    max_examples=int(os.environ.get("SLACLI_FUZZ_EXAMPLES", "15")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    # Shrinking a failure to its minimal argument list costs ~10x the search: on when asked.
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
        *([Phase.shrink] if os.environ.get("SLACLI_FUZZ_SHRINK") else []),
    ],
)
FUZZ = settings.get_profile("slacli-fuzz")
SURVEY = os.environ.get("SLACLI_FUZZ_SURVEY")
SHIPPED = Path(__file__).parents[1] / "slacli" / "policies.toml"


class Value(NamedTuple):
    text: str
    stored: bool = False  # text a write command keeps in the database


# -- values ------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "Checkout 502s",
    "",
    " ",
    "🔥 checkout down 🔥",
    "👩🏽‍💻",
    "עברית: השרת נפל",
    "خادم معطل",
    "\u202eevil\u202c.exe",
    "e\u0301\u0301\u0301\u0301",
    "Z\u0334\u0327\u031b\u0353a\u0335l\u0338g\u0336o\u0337",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;owned\x07",
    "line one\nline two",
    "carriage\rreturn",
    "\t",
    "\x7f",
    "\x85",
    "\u2028",
    "\udcff\udcfe",
    "caf\udce9",
    '=HYPERLINK("http://x")',
    "-rf",
    "--help",
    "x" * 5000,
]


def mostly(valid: list[str], hostile: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid value two times in three, else a hostile one: an argument list then has
    one or two hostile values among valid ones, and reaches past the first check."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), hostile)


HOSTILE_TEXTS = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(
        alphabet=st.sampled_from(["a", "Z", " ", "7", "é", "🔥", "א", "\u0301", "\x00", "\x1b", "\n", "\r", "\udcff"]),
        max_size=12,
    ),
)
TEXTS = mostly(["Checkout 502s", "waiting on the customer", "https://wiki.example.com/pm/1", "ann"], HOSTILE_TEXTS)
INSTANT_TEXTS = [
    "2026-03-08T02:30",  # New York's spring gap
    "2026-03-08T02:30-05:00",
    "2026-03-08T02:30-04:00",
    "2026-03-08T02:00",
    "2026-11-01T01:30",  # New York's fall overlap
    "2026-11-01T01:30-04:00",
    "2026-11-01T01:30-05:00",
    "2026-11-01T01:00",
    "NOW",
    " now ",
    "0001-01-01T00:00",
    "0001-01-01",
    "0001-01-01T00:00+23:59",
    "0002-01-01T00:00",
    "9998-12-31T23:00",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59-23:59",
    "10000-01-01T00:00",
    "2026-02-30T10:00",
    "2026-11-23T24:00",
    "2026-11-23T10:00+25:00",
    "2026-11-23T10:00:00.9999999",
    "2026-11-23 10:00",
    "20261123T1000",
    "2026-W48-1",
    "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0663T10:00",
    "2026-11-23T10:00\x00",
    "2026-11-23T10:00\udcff",
    "yesterday",
    "",
    "-1",
    "1e308",
]
# Valid instants: after every seeded event (the last is 2026-11-28T01:00), before now.
INSTANTS = mostly(
    ["2026-11-30T10:00", "2026-11-29T23:00-05:00", "2026-11-30T15:00Z", "now", "2026-11-23T10:00"],
    st.one_of(
        st.sampled_from(INSTANT_TEXTS),
        st.integers(1, 9999).map(lambda year: f"{year:04d}-06-15T12:00"),
        st.tuples(st.integers(1, 9999), st.sampled_from(["Z", "-12:00", "+14:00", "-23:59"])).map(
            lambda t: f"{t[0]:04d}-01-01T00:00{t[1]}"
        ),
        HOSTILE_TEXTS,
    ),
)
IDS = mostly(
    ["1", "2", "3", "4", "5"],
    st.one_of(
        st.sampled_from(["99", "0", "-1", "2147483648", str(2**63 - 1), str(2**63), str(2**64), str(10**30)]),
        st.sampled_from(["1e3", "0x10", " 1", "\uff11", "\u0663", "1\x00", "", "nan"]),
        st.integers(-(2**70), 2**70).map(str),
    ),
)
DURATIONS = mostly(
    ["4h", "30m", "4h30m", "2 business days", "end of business day", "90 business minutes"],
    st.one_of(
        st.sampled_from(["0m", "-5h", "99999999d", "1e308h", "1e309h", "inf h", "nan h", "1e-308s", "PT4H"]),
        st.sampled_from(["P99999999D", "P1Y", "1e308 business hours", "2d", "", "99999999 business days"]),
        st.sampled_from(["end of 99999999th business day", "next business day 25:00", "4h\x1b[31m", "\u0664h"]),
        st.sampled_from(["9" * 400 + "h", "1e308 business minutes", "99999999 business hours"]),
        HOSTILE_TEXTS,
    ),
)
PAIRS = [("openweb", "2"), ("protecto", "high"), ("opencraft", "major"), ("openmethods", "1"), ("optimy", "high")]
POLICY_NAMES = mostly(
    [p for p, _ in PAIRS], st.one_of(st.sampled_from(["OpenWeb", "nope", "24x7", "open", "../policies"]), HOSTILE_TEXTS)
)
SEVERITIES = mostly(
    ["1", "2", "sev1", "critical", "high", "P1", "S2", "significant"],
    st.one_of(st.sampled_from(["0", "99", "-1", str(2**64)]), HOSTILE_TEXTS),
)
POLICY_AND_SEVERITY = st.one_of(st.sampled_from(PAIRS), st.sampled_from(PAIRS), st.tuples(POLICY_NAMES, SEVERITIES))
FORMATS = st.one_of(*[st.sampled_from(["table", "json", "csv", "markdown"])] * 5, st.sampled_from(["xml", "", "\x00"]))
MONTHS = mostly(
    ["2026-11", "2026-10", "2026-03"],
    st.one_of(
        st.sampled_from(["2026-13", "2026-00", "0001-01", "9999-12", "0000-01", "10000-01", "2026-1", "2026-11-01"]),
        st.sampled_from(["now", "2027-01", "\u0662\u0660\u0662\u0666-11", "2026-11\x00", ""]),
        st.integers(1, 9999).map(lambda year: f"{year:04d}-12"),
    ),
)
WEEKS = mostly(
    ["2026-W48", "2026-W45"],
    st.sampled_from(["2026-W53", "2020-W53", "2026-W00", "0001-W01", "9999-W52", "9999-W53", "2026W48", "2027-W01"]),
)
ZONES = mostly(
    ["America/New_York", "UTC", "Europe/London", "Asia/Kolkata"],
    st.sampled_from(
        [
            *("Mars/Olympus", "../../../etc/passwd", "/etc/localtime", "", "\x00", "EST5EDT", "Etc/GMT+14"),
            *("America/New_York\x00", "\udcff", "posix/America/New_York", "right/UTC", "."),
        ]
    ),
)
REPEATS = mostly(["daily", "weekly", "monthly"], st.sampled_from(["yearly", "Weekly", "", "\x00"]))
KINDS = mostly(["scheduled", "regular", "emergency"], st.sampled_from(["Emergency", "", "\x1b", "unplanned"]))
SHARES = mostly(["0", "29.99", "30", "100"], st.sampled_from(["-0.1", "100.01", "nan", "inf", "-inf", "1e309", ""]))
MONTH_COUNTS = mostly(["1", "3", "12"], st.sampled_from(["0", "120", "121", "-1", str(2**63), "1e3", ""]))


# -- argument lists ------------------------------------------------------------------------


def arg(values: st.SearchStrategy[str], stored: bool = False) -> st.SearchStrategy[list[Value]]:
    return values.map(lambda v: [Value(v, stored)])


def opt(name: str, values: st.SearchStrategy[str], stored: bool = False) -> st.SearchStrategy[list[Value]]:
    return st.one_of(st.just([]), values.map(lambda v: [Value(name), Value(v, stored)]))


def required(name: str, values: st.SearchStrategy[str], stored: bool = False) -> st.SearchStrategy[list[Value]]:
    """Usually given (the command gets past its usage check), now and then not."""
    given_ = values.map(lambda v: [Value(name), Value(v, stored)])
    return st.one_of(given_, given_, given_, st.just([]))


def flag(*names: str) -> st.SearchStrategy[list[Value]]:
    return st.sampled_from([[], *([Value(n)] for n in names)])


def words(*names: str) -> st.SearchStrategy[list[Value]]:
    return st.just([Value(n) for n in names])


def command(*parts: st.SearchStrategy[list[Value]]) -> st.SearchStrategy[list[Value]]:
    return st.tuples(*parts).map(lambda lists: [v for part in lists for v in part])


FMT = opt("--format", FORMATS)
AT = opt("--at", INSTANTS)
BY = opt("--by", TEXTS, stored=True)


def event(name: str, *middle: st.SearchStrategy[list[Value]]) -> st.SearchStrategy[list[Value]]:
    return command(words(name), arg(IDS), *middle, AT, BY, FMT)


def window_action(action: str) -> st.SearchStrategy[list[Value]]:
    return command(words("maintenance", action), arg(IDS), AT, BY, FMT)


INPUT_FILES = ["good.csv", "hostile.csv", "latin1.csv", "empty.csv", "-", "/dev/null", ".", "missing.csv"]
COMMANDS: dict[str, st.SearchStrategy[list[Value]]] = {
    "deadline": st.one_of(
        command(
            words("deadline"),
            POLICY_AND_SEVERITY.map(lambda pair: [Value(pair[0]), Value(pair[1])]),
            *(opt("--opened", INSTANTS), opt("--acked", INSTANTS), FMT, opt("--tz", ZONES)),
        ),
        command(words("deadline", "--input"), arg(st.sampled_from(INPUT_FILES)), FMT, opt("--tz", ZONES)),
    ),
    "classify": command(
        words("classify"),
        arg(POLICY_NAMES),
        st.one_of(opt("--affected", SHARES), command(opt("--agents", IDS), opt("--of", IDS))),
        FMT,
    ),
    "open": command(
        words("open"),
        arg(TEXTS, stored=True),
        st.one_of(
            POLICY_AND_SEVERITY.map(lambda p: [Value("--policy"), Value(p[0]), Value("--severity"), Value(p[1])]),
            command(required("--policy", POLICY_NAMES), required("--severity", SEVERITIES)),
        ),
        AT,
        opt("--started", INSTANTS),
        opt("--service", TEXTS, stored=True),
        opt("--ref", TEXTS, stored=True),
        flag("--premium"),
        BY,
        flag("--quiet"),
        FMT,
    ),
    "ack": event("ack"),
    "update": event("update", arg(TEXTS, stored=True)),
    "pause": event("pause", required("--reason", TEXTS, stored=True)),
    "resume": event("resume"),
    "severity": event("severity", arg(SEVERITIES)),
    "resolve": event("resolve"),
    "reopen": event("reopen"),
    "exclude": event("exclude", st.one_of(st.just([]), arg(TEXTS, stored=True)), flag("--clear")),
    "postmortem": event("postmortem", required("--link", TEXTS, stored=True)),
    "list": command(
        words("list"),
        flag("--open", "--resolved", "--all"),
        opt("--policy", POLICY_NAMES),
        opt("--severity", SEVERITIES),
        opt("--service", TEXTS),
        opt("--since", INSTANTS),
        opt("--until", INSTANTS),
        AT,
        FMT,
    ),
    "show": command(words("show"), arg(IDS), AT, FMT),
    "recompute": command(words("recompute"), st.one_of(st.just([]), arg(IDS)), flag("--all"), AT, BY),
    "due": command(words("due"), opt("--within", DURATIONS), opt("--policy", POLICY_NAMES), AT, FMT),
    "breaches": command(
        words("breaches"), opt("--since", INSTANTS), opt("--until", INSTANTS), opt("--policy", POLICY_NAMES), AT, FMT
    ),
    "maintenance add": command(
        words("maintenance", "add"),
        required("--policy", POLICY_NAMES),
        required("--start", INSTANTS),
        required("--end", INSTANTS),
        opt("--announced", INSTANTS),
        opt("--kind", KINDS),
        opt("--title", TEXTS, stored=True),
        opt("--service", TEXTS, stored=True),
        opt("--repeat", REPEATS),
        opt("--count", IDS),
        opt("--until", INSTANTS),
        BY,
        flag("--quiet"),
        FMT,
    ),
    "maintenance list": command(words("maintenance", "list"), opt("--policy", POLICY_NAMES), AT, FMT),
    "maintenance start": window_action("start"),
    "maintenance complete": window_action("complete"),
    "maintenance cancel": window_action("cancel"),
    "uptime": command(
        words("uptime"),
        required("--policy", POLICY_NAMES),
        st.one_of(
            opt("--month", MONTHS),
            command(opt("--from", INSTANTS), opt("--to", INSTANTS)),
            command(opt("--months", MONTH_COUNTS), opt("--month", MONTHS)),
        ),
        opt("--service", TEXTS),
        flag("--explain"),
        AT,
        FMT,
    ),
    "report": command(
        words("report"),
        st.one_of(opt("--month", MONTHS), opt("--week", WEEKS), command(opt("--month", MONTHS), opt("--week", WEEKS))),
        opt("--policy", POLICY_NAMES),
        flag("--summary"),
        AT,
        FMT,
    ),
    "policies list": command(words("policies", "list"), FMT),
    "policies show": command(words("policies", "show"), arg(POLICY_NAMES), flag("--toml"), FMT),
    "policies check": command(words("policies", "check"), st.one_of(st.just([]), arg(st.just("<policy file>")))),
    "calendar add": command(
        words("calendar", "add"),
        arg(INSTANTS),
        arg(DURATIONS),
        required("--policy", POLICY_NAMES),
        FMT,
        opt("--tz", ZONES),
    ),
    "calendar between": command(
        words("calendar", "between"),
        arg(INSTANTS),
        arg(INSTANTS),
        required("--policy", POLICY_NAMES),
        FMT,
        opt("--tz", ZONES),
    ),
}
READS = {"deadline", "classify", "list", "show", "due", "breaches", "maintenance list", "uptime", "report"}
READS |= {"policies list", "policies show", "policies check", "calendar add", "calendar between"}
# Broken policy files (see policy_files) for --policies and `policies check FILE`; None: the presets.
POLICY_FILES = ["truncated-string", "truncated-table", "wrong-types-calendar", "wrong-types-policy"]
POLICY_FILES += ["wrong-types-availability", "wrong-types-severity", "bad-values", "huge-values", "deep-nesting"]
POLICY_FILES += ["not-utf8", "not-a-table", "directory", "/dev/null", "missing", "undecodable-name"]
STDINS = st.sampled_from(
    [
        "policy,severity,opened,acked\nopenweb,2,2026-11-23T10:00,\n",
        "policy,severity,opened,acked\nopenweb,2,2026-03-08T02:30,\noptimy,high,9999-12-31T23:59,\n",
        "policy,severity,opened,acked\n\x1b[31mopenweb,2,2026-11-23T10:00,\n",
        "\ufeffpolicy,severity,opened,acked\n" + "openweb,1,2026-11-23T10:00,\n" * 3,
        b"policy,severity,opened,acked\nopenweb,2,2026-11-23T10:00\xff,\n",
        b"\xff\xfe\x00\x00",
        "",
        "policy\n" + "x" * 100_000 + "\n",
    ]
)


# -- the seeded database and the broken files ---------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, holiday_cache_dir: Path) -> dict[str, Any]:
    """A database with incidents in every status and maintenance windows, its WAL folded
    into the file; the broken policy and input files; one CLI app for every run."""
    home = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(home)
        patch.setenv("SLACLI_CACHE_DIR", str(holiday_cache_dir))
        patch.delenv("SLACLI_POLICIES", raising=False)
        patch.setenv("NO_COLOR", "1")
        database = home / "seed.db"
        runner, app = CliRunner(), build_app()
        seeds = [
            ["open", "Checkout 502s", "-p", "openweb", "-s", "1", "--at", "2026-11-23T09:10", "-q"],
            ["ack", "1", "--at", "2026-11-23T09:25"],
            ["open", "Exports fail", "-p", "protecto", "-s", "medium", "--at", "2026-11-23T11:00", "-q"],
            ["pause", "2", "--reason", "waiting on the customer", "--at", "2026-11-23T11:30"],
            ["open", "Search slow", "-p", "opencraft", "-s", "major", "--at", "2026-11-16T10:00", "-q"],
            ["resolve", "3", "--at", "2026-11-17T10:00"],
            ["open", "Login loop", "-p", "optimy", "-s", "high", "--at", "2026-11-24T18:30", "--service", "web", "-q"],
            ["update", "4", "Failing over", "--at", "2026-11-24T19:00"],
            ["open", "Media bar down", "-p", "openmethods", "-s", "1", "--at", "2026-11-25T08:00", "-q"],
            [
                "maintenance",
                "add",
                "-p",
                "optimy",
                "--start",
                "2026-11-24T17:00",
                "--end",
                "2026-11-24T19:00",
                "--announced",
                "2026-11-10T09:00",
            ],
            [
                "maintenance",
                "add",
                "-p",
                "openweb",
                "--start",
                "2026-11-28T01:00",
                "--end",
                "2026-11-28T03:00",
                "--announced",
                "2026-11-20T09:00",
            ],
            ["maintenance", "start", "2", "--at", "2026-11-28T01:00"],
        ]
        for args in seeds:
            result = runner.invoke(app, ["--db", str(database), *args])
            assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
        del result
    gc.collect()  # the CLI's connections are closed: the WAL is folded in and removed
    digest = settled_digest(database)
    assert not Path(f"{database}-wal").exists() or Path(f"{database}-wal").stat().st_size == 0
    files = policy_files(home)
    inputs = input_files(home)
    return {"home": home, "database": database, "digest": digest, "files": files, "inputs": inputs, "app": app}


def policy_files(home: Path) -> dict[str, str]:
    shipped = SHIPPED.read_text()
    cut = shipped.index('response = "next business day 12:00"') + 20
    table = shipped.index("[policies.optimy.availability]")
    broken = {
        "truncated-string": shipped[:cut],  # inside a string
        "truncated-table": shipped[:table] + "[policies.optimy.avail",  # inside a table header
        "wrong-types-calendar": '[calendars.c]\ntimezone = 5\nhours = "mon-fri"\n[policies.p]\ncalendar = "c"\n',
        "wrong-types-policy": (
            '[policies.p]\ncalendar = ["24x7"]\ndescription = 7\n[policies.p.severities.1]\nresponse = 4\n'
        ),
        "wrong-types-availability": (
            '[policies.p]\ncalendar = "24x7"\n[policies.p.availability]\ntarget = "99.9"\ncredits = 5\n'
            '[policies.p.severities.1]\nresponse = "4h"\n'
        ),
        "wrong-types-severity": (
            '[policies.p]\ncalendar = "24x7"\n[policies.p.severities.1]\nresponse = { in_hours = 4 }\n'
            'aliases = "x"\ndowntime = "lots"\nupdate_every = -5\nname = []\n'
        ),
        "bad-values": (
            '[calendars.c]\ntimezone = "Mars/Olympus"\nhours = { mon-fri = "25:00-26:00" }\n'
            'holidays = { country = "XX", extra = ["2026-02-30"] }\n[policies.p]\ncalendar = "c"\n'
        ),
        "huge-values": (
            '[policies.p]\ncalendar = "24x7"\nreport_within = "99999999d"\n'
            "[policies.p.availability]\ntarget = nan\ncredits = [{ below = inf, credit = 1e400 }]\n"
            '[policies.p.maintenance]\nnotice = "99999999 business days"\nregular_per_week = 9223372036854775807\n'
            '[policies.p.severities.1]\nresponse = "1e308 business hours"\nresolution = "99999999d"\n'
        ),
        "deep-nesting": "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "not-a-table": "policies = 5\ncalendars = []\n",
    }
    files = {}
    for name, text in broken.items():
        (home / f"{name}.toml").write_text(text)
        files[name] = str(home / f"{name}.toml")
    (home / "not-utf8.toml").write_bytes(b'[policies.\xff]\ncalendar = "24x7"\n')
    files["not-utf8"] = str(home / "not-utf8.toml")
    (home / "policy-dir").mkdir()
    files |= {"directory": str(home / "policy-dir"), "/dev/null": "/dev/null", "missing": str(home / "missing.toml")}
    files["undecodable-name"] = str(home / "\udcffpolicies.toml")  # a file name that is not UTF-8
    return files


def input_files(home: Path) -> dict[str, str]:
    (home / "good.csv").write_text("policy,severity,opened,acked\nopenweb,2,2026-11-23T10:00,\n")
    (home / "hostile.csv").write_text(
        "policy,severity,opened,acked\nopenweb,1,2026-03-08T02:30,\nopenweb,1,0001-01-01T00:00,9999-12-31T23:59\n"
        "\x1b[2Jopenweb,2,2026-11-23T10:00,\n"
    )
    (home / "latin1.csv").write_bytes(b"policy,severity,opened,acked\nopenw\xe9b,2,2026-11-23T10:00,\n")
    (home / "empty.csv").write_text("")
    return {name: name if name in ("-", "/dev/null", ".") else str(home / name) for name in INPUT_FILES}


def settled_digest(database: Path) -> str:
    """The SHA-256 of the database file once every committed write is in it.

    In WAL mode a commit lands in ``-wal``, and the main file changes only at a
    checkpoint; a read may also leave ``-wal``/``-shm`` files behind. So "byte-for-byte
    unchanged" is read as: after a TRUNCATE checkpoint (which folds every committed frame
    into the main file and empties the WAL, and changes nothing when no frame was
    committed), the main file's bytes equal the seeded file's. A committed write is
    seen; a transaction rolled back (or never begun) leaves no frame and no change."""
    for _ in range(3):
        db = sqlite3.connect(database)
        try:
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            db.close()
        if not busy:
            break
        gc.collect()  # a connection the CLI left open and unused: let it go
    else:
        raise AssertionError(f"{database}: the WAL could not be checkpointed")
    return hashlib.sha256(database.read_bytes()).hexdigest()


def dump_difference(before: Path, after: Path) -> list[str]:
    """The SQL lines that differ between two databases, to say what a refused command wrote."""
    dumps = []
    for path in (before, after):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            dumps.append(set(db.iterdump()))
        finally:
            db.close()
    return sorted(f"- {line}" for line in dumps[0] - dumps[1]) + sorted(f"+ {line}" for line in dumps[1] - dumps[0])


# -- running one argument list --------------------------------------------------------------

ALLOWED_CONTROLS = {"\n", "\t"}
FIGURES: Counter[str] = Counter()
PROBLEMS: list[dict[str, Any]] = []
REASONS: Counter[str] = Counter()  # what exit 2 said, quoted values and numbers left out


# Every command answers at once (~10 ms in-process); one that computes for seconds on
# a hostile argument is a denial of service, interrupted here so the run stays short.
TIME_LIMIT = float(os.environ.get("SLACLI_FUZZ_TIME_LIMIT", "3"))
SLOWEST = [0.0]


class TooSlow(Exception):
    pass


def _too_slow(signum: int, frame: Any) -> None:
    raise TooSlow(f"still running after {TIME_LIMIT:g} s")


def forbidden(text: str) -> bool:
    """Control characters (C0 but tab, DEL, C1) and undecodable bytes (lone surrogates)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c != "\t" for c in text)


def raw_controls(text: str) -> list[str]:
    return sorted({repr(c) for c in text if unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS})


def where_raised(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/slacli/" in f.filename.replace(os.sep, "/")]
    top = (ours or frames)[-1] if frames else None
    place = f"{Path(top.filename).name}:{top.lineno} in {top.name}" if top else "?"
    return f"{type(error).__name__} at {place}: {str(error)[:160]}"


def run_once(name: str, values: list[Value], policies: str | None, stdin: str | bytes | None, seeded: dict[str, Any]):
    """Run one argument list on a fresh copy of the seeded database; the problems found."""
    FIGURES["examples"] += 1
    FIGURES[f"command {name}"] += 1
    home: Path = seeded["home"]
    work = home / "work" / f"{FIGURES['examples']}.db"
    work.parent.mkdir(exist_ok=True)
    shutil.copyfile(seeded["database"], work)
    argv = [v.text for v in values]
    if name == "policies check" and argv[2:]:
        argv[2] = seeded["files"].get(policies or "", str(SHIPPED))
        policies = None
    if name == "deadline" and "--input" in argv:
        argv[2] = seeded["inputs"][argv[2]]
    policy_option = ["--policies", seeded["files"][policies]] if policies else []
    full = ["--db", str(work), *policy_option, *argv]
    began = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    try:
        result = CliRunner().invoke(seeded["app"], full, input=stdin if "-" in argv else None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    SLOWEST[0] = max(SLOWEST[0], time.perf_counter() - began)
    FIGURES[f"exit {result.exit_code}"] += 1
    if result.exit_code == 2:
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        REASONS[re.sub(r"'[^']*'|/\S*|\d+", "_", last)[:90]] += 1
    problems = []
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    if isinstance(escaped, TooSlow):
        problems.append(f"no answer within {TIME_LIMIT:g} s (interrupted {where_raised(escaped)})")
    elif escaped is not None:
        problems.append(f"exception escaped: {where_raised(escaped)}")
    elif result.exit_code not in (0, 1, 2):
        problems.append(f"exit {result.exit_code}: {result.stderr.strip()[-300:]}")
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if "Traceback" in text:
            problems.append(f"a traceback on {stream}: {text.strip().splitlines()[-1][:200]}")
        if controls := raw_controls(text):
            problems.append(f"raw control characters on {stream}: {', '.join(controls)}")
    if result.exit_code == 2 and escaped is None:
        lines = [line for line in result.stderr.splitlines() if not line.startswith("slacli: warning: ")]
        if len(lines) != 1 or not lines[0].startswith("slacli: error: "):
            problems.append(f"exit 2 without one error line on stderr: {result.stderr[:200]!r}")
        if result.stdout:
            problems.append(f"exit 2 with output on stdout: {result.stdout[:100]!r}")
    code = result.exit_code
    del result
    changed = settled_digest(work) != seeded["digest"]
    if changed and (code == 2 or escaped is not None or name in READS):
        difference = dump_difference(seeded["database"], work)
        problems.append(f"the database changed ({'exception' if escaped else f'exit {code}'}): {difference[:4]}")
    stored = [v.text for v in values if v.stored and forbidden(v.text)]
    if stored and changed and code == 0:  # a write that wrote (not --help, say)
        problems.append(f"stored text with control characters or undecodable bytes accepted: {stored[0][:40]!r}")
    if changed and code == 0:
        problems += [f"inconsistent after a write: {p}" for p in consistency_problems(work)]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    if problems:
        FIGURES["examples with a problem"] += 1
    return full, problems


@pytest.fixture(scope="module", autouse=True)
def figures(seeded: dict[str, Any]):
    """One CLI command object for every run (typer would rebuild it each time); the figures
    and, in a survey, the problems, written at the end."""
    command = typer.main.get_command(seeded["app"])
    original = typer.testing._get_command
    FIGURES.clear()
    PROBLEMS.clear()
    REASONS.clear()
    SLOWEST[0] = 0.0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", lambda app: command if app is seeded["app"] else original(app))
        began = time.perf_counter()
        yield
        wall = time.perf_counter() - began
    exits = {k.split()[1]: v for k, v in FIGURES.items() if k.startswith("exit ")}
    per_command = {k.split(" ", 1)[1]: v for k, v in FIGURES.items() if k.startswith("command ")}
    distinct = Counter(p for entry in PROBLEMS for p in entry["problems"])
    record_figures(
        "fuzz",
        {
            "examples": FIGURES["examples"],
            "examples_with_a_problem": FIGURES["examples with a problem"],
            "exit_statuses": exits,
            "examples_per_command": per_command,
            "max_examples_per_command": FUZZ.max_examples,
            "commonest_refusals": dict(REASONS.most_common(12)),
            "slowest_command_seconds": round(SLOWEST[0], 3),
            "wall_seconds": round(wall, 2),
        },
    )
    if SURVEY:
        Path(SURVEY).write_text(json.dumps({"problems": PROBLEMS, "distinct": distinct.most_common()}, indent=1))


@pytest.mark.parametrize("name", list(COMMANDS))
@FUZZ
@given(data=st.data())
def test_hostile_arguments_are_refused_cleanly_and_write_nothing(name, data, seeded):
    values = data.draw(COMMANDS[name], label="arguments")
    # The presets four times in five, else a broken policy file.
    policies = data.draw(st.one_of(*[st.none()] * 4, st.sampled_from(POLICY_FILES)), label="policy file")
    stdin = data.draw(STDINS, label="stdin") if any(v.text == "-" for v in values) else None
    full, problems = run_once(name, values, policies, stdin, seeded)
    if SURVEY:
        if problems:
            PROBLEMS.append({"command": name, "argv": full, "problems": problems})
        return
    assert not problems, f"slacli {' '.join(map(repr, full))}: " + "; ".join(problems)


# -- the failures found, one minimal command line each ----------------------------------------


def case(name: str, *args: str | Value, policies: str | None = None, stdin: str | bytes | None = None) -> Any:
    """A fixed argument list (``Value(text, True)``: text a write would store)."""
    values = [a if isinstance(a, Value) else Value(a) for a in args]
    return pytest.param(name, values, policies, stdin, id=f"{name}: {' '.join(v.text for v in values)!r}"[:90])


def stored(text: str) -> Value:
    return Value(text, True)


OPEN = ("--policy", "openweb", "--severity", "2")
WINDOW = ("maintenance", "add", "-p", "openweb", "--start", "2026-11-28T01:00", "--end", "2026-11-28T02:00")
# Each distinct failure the fuzz found (first pass, issue 9), reduced to a minimal command
# line, and a few neighbours that pass today, so that a fix is seen case by case.
KNOWN = [
    # ids beyond SQLite's 64-bit integers: OverflowError from the store
    case("ack", "ack", "9223372036854775808"),
    case("show", "show", str(2**64)),
    case("recompute", "recompute", str(10**30)),
    case("maintenance start", "maintenance", "start", "9223372036854775808"),
    case("ack", "ack", "9223372036854775807"),  # the largest id: "no incident", exit 2
    # a policy file nested deeper than Python's recursion limit: RecursionError from tomllib
    case("policies list", "policies", "list", policies="deep-nesting"),
    case("policies check", "policies", "check", "<policy file>", policies="deep-nesting"),
    # undecodable bytes (surrogateescape) in argv: UnicodeEncodeError from sqlite3 or the output
    case("open", "open", stored("caf\udce9"), *OPEN),  # stored, then the print fails: written AND a traceback
    case("open", "open", "x", *OPEN, "--service", stored("\udcff"), "-q"),
    case("open", "open", "x", *OPEN, "--ref", stored("\udcff"), "-q"),
    case("update", "update", "1", stored("\udcff"), "-f", "json"),
    case("pause", "pause", "1", "--reason", "waiting", "--by", stored("\udcff")),
    case("maintenance add", *WINDOW, "--title", stored("\udcff"), "-q"),
    case("list", "list", "--service", "\udcff"),
    case("uptime", "uptime", "--policy", "openweb", "--month", "2026-11", "--service", "\udcff"),
    # undecodable stdin: UnicodeDecodeError from deadline --input -
    case("deadline", "deadline", "--input", "-", stdin=b"policy,severity,opened,acked\n\xff\n"),
    # control characters stored, and printed raw to the terminal
    case("open", "open", stored("\x1b[31mred\x1b[0m"), *OPEN),
    case("open", "open", stored("line one\nline two"), *OPEN, "-q"),
    case("open", "open", stored("a\x00b"), *OPEN, "-q"),
    case("update", "update", "1", stored("\x1b]0;owned\x07"), "-f", "json"),
    case("pause", "pause", "1", "--reason", stored("waiting\rdone"), "-f", "json"),
    case("exclude", "exclude", "1", stored("\x7f"), "-f", "json"),
    case("postmortem", "postmortem", "1", "--link", stored("\x1b]0;owned\x07")),
    case("resume", "resume", "2", "--by", stored("\x00")),
    case("maintenance add", *WINDOW, "--title", stored("\x1b[2J"), "-q"),
    case("open", "open", stored("\u202eevil\u202c 🔥 e\u0301"), *OPEN, "-q"),  # bidi and emoji are text: accepted
    # no answer: business minutes between the first and the last supported year
    case("calendar between", "calendar", "between", "0002-01-01T00:00", "9998-12-31T23:00", "--policy", "openweb"),
    case("calendar between", "calendar", "between", "2000-01-01T00:00", "2100-01-01T00:00", "--policy", "openweb"),
]


@pytest.mark.parametrize(("name", "values", "policies", "stdin"), KNOWN)
def test_known_hostile_case(name, values, policies, stdin, seeded):
    full, problems = run_once(name, values, policies, stdin, seeded)
    assert not problems, f"slacli {' '.join(map(repr, full))}: " + "; ".join(problems)
