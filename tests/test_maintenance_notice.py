"""`maintenance add` says the kind it chose and why, by each notice rule, at its ties (README
"Maintenance and availability", SPEC 3 optimy: "less than 5 Business days advance notice" is
emergency, so exactly 5 is enough); and refuses a window that ends first or was announced after it
started.

Every expected text is worked out by hand in the comments. optimy: Toronto, Mon-Fri 09:00-17:30 (days
of 8h30), Canadian public holidays. The other rules run on a New York calendar, Mon-Fri 09:00-17:00
(days of 8h), no holidays, written below; "short" has Fridays 09:00-13:00, so its business days are
not one length (SPEC 2.4: the start's wall time on the Nth business day). Now is frozen at Mon 30 Nov
2026 12:00 UTC (07:00 EST). In November 2026 New York and Toronto are EST (UTC-5), in October EDT.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import user_error

from slacli.maintenance import notice
from slacli.paths import SHIPPED_POLICIES
from slacli.policy import load_policies

POLICIES = """
[calendars.office]
timezone = "America/New_York"
hours = { mon-fri = "09:00-17:00" }

[calendars.short]
timezone = "America/New_York"
hours = { mon-thu = "09:00-17:00", fri = "09:00-13:00" }

[policies.wall]
calendar = "office"
maintenance = { notice = "48h" }
severities = { 1 = {} }

[policies.hours]
calendar = "office"
maintenance = { notice = "4 business hours" }
severities = { 1 = {} }

[policies.nextday]
calendar = "office"
maintenance = { notice = "next business day 09:00" }
severities = { 1 = {} }

[policies.short]
calendar = "short"
maintenance = { notice = "2 business days" }
severities = { 1 = {} }
"""
NEEDS = "the 5 business days the policy requires"


@pytest.fixture(autouse=True)
def policies(database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The presets and the rules above, side by side in one file.
    path = tmp_path / "policies.toml"
    path.write_text(Path(SHIPPED_POLICIES).read_text() + POLICIES)
    monkeypatch.setenv("SLACLI_POLICIES", str(path))


def add(cli, policy: str, start: str, *options: str, code: int = 0):
    end = (datetime.fromisoformat(start) + timedelta(hours=1)).isoformat()
    return cli("maintenance", "add", "--policy", policy, "--start", start, "--end", end, *options, code=code)


def judged(cli, policy: str, start: str, announced: str, *options: str) -> tuple[str, str]:
    found = json.loads(add(cli, policy, start, "--announced", announced, *options, "-f", "json").stdout)
    return found["kind"], found["kind_reason"]


@pytest.mark.parametrize(
    ("announced", "start", "kind", "reason"),
    [
        # Mon 23 Nov 10:00 to Mon 30 Nov 10:00: five whole days of 8h30 (no holiday): exactly enough.
        ("2026-11-23T10:00", "2026-11-30T10:00", "scheduled",
         f"announced Mon 23 Nov 10:00 EST, 5 business days before the start: at least {NEEDS}, so scheduled"),
        # A minute early: 4 days and 8h29m of the fifth.
        ("2026-11-23T10:00", "2026-11-30T09:59", "emergency",
         "announced Mon 23 Nov 10:00 EST, 4 business days and 8h 29m business before the start: "
         f"less than {NEEDS}, so emergency"),
        ("2026-11-23T10:00", "2026-11-30T10:01", "scheduled",
         "announced Mon 23 Nov 10:00 EST, 5 business days and 1m business before the start: "
         f"at least {NEEDS}, so scheduled"),
        # Across a weekend: Fri 20 Nov 12:00-17:30 (5h30), Mon-Thu (34h), Fri 27 09:00-12:00 (3h) = 42h30 = 5 days.
        ("2026-11-20T12:00", "2026-11-27T12:00", "scheduled",
         f"announced Fri 20 Nov 12:00 EST, 5 business days before the start: at least {NEEDS}, so scheduled"),
        # Across Good Friday (3 April 2026, a Canadian holiday): Mon 30 Mar 12:00 to Tue 7 Apr 12:00 is 5 days.
        ("2026-03-30T12:00", "2026-04-07T12:00", "scheduled",
         f"announced Mon 30 Mar 12:00 EDT, 5 business days before the start: at least {NEEDS}, so scheduled"),
        ("2026-03-30T12:00", "2026-04-07T11:59", "emergency",
         "announced Mon 30 Mar 12:00 EDT, 4 business days and 8h 29m business before the start: "
         f"less than {NEEDS}, so emergency"),
        # Across the fall-back (Sun 1 Nov 2026, a weekend: business days unchanged), named EDT then EST.
        ("2026-10-28T10:00", "2026-11-04T10:00", "scheduled",
         f"announced Wed 28 Oct 10:00 EDT, 5 business days before the start: at least {NEEDS}, so scheduled"),
        # Announced out of hours (Saturday): counted from Monday's opening; Mon-Tue is 2 days.
        ("2026-11-21T10:00", "2026-11-24T20:00", "emergency",
         f"announced Sat 21 Nov 10:00 EST, 2 business days before the start: less than {NEEDS}, so emergency"),
        # Announced at the start itself: no notice at all, yet not refused.
        ("2026-11-24T20:00", "2026-11-24T20:00", "emergency",
         f"announced Tue 24 Nov 20:00 EST, 0 business days before the start: less than {NEEDS}, so emergency"),
    ],
)  # fmt: skip
def test_optimy_counts_business_days_on_its_calendar(cli, announced, start, kind, reason):
    assert judged(cli, "optimy", start, announced) == (kind, reason)


@pytest.mark.parametrize(
    ("policy", "announced", "start", "kind", "reason"),
    [
        # 48h of real time: Fri 30 Oct 12:00 EDT to Sun 1 Nov 11:00 EST is 48 hours (the night of the
        # fall-back has 25): exactly enough; a minute less is not. 48h is written 2d.
        ("wall", "2026-10-30T12:00", "2026-11-01T11:00-05:00", "scheduled",
         "announced Fri 30 Oct 12:00 EDT, 2d wall before the start: at least the 2d wall the policy requires, "
         "so scheduled"),
        ("wall", "2026-10-30T12:00", "2026-11-01T10:59-05:00", "emergency",
         "announced Fri 30 Oct 12:00 EDT, 1d 23h 59m wall before the start: less than the 2d wall the policy requires, "
         "so emergency"),
        # 4 business hours: Fri 20 Nov 15:00-17:00 and Mon 23 09:00-11:00.
        ("hours", "2026-11-20T15:00", "2026-11-23T11:00", "scheduled",
         "announced Fri 20 Nov 15:00 EST, 4 business hours before the start: at least the 4 business hours "
         "the policy requires, so scheduled"),
        ("hours", "2026-11-20T15:00", "2026-11-23T10:59", "emergency",
         "announced Fri 20 Nov 15:00 EST, 3h 59m business before the start: less than the 4 business hours "
         "the policy requires, so emergency"),
        ("hours", "2026-11-20T15:00", "2026-11-23T09:00", "emergency",
         "announced Fri 20 Nov 15:00 EST, 2 business hours before the start: less than the 4 business hours "
         "the policy requires, so emergency"),
        # No amount to count: the rule's due instant, Mon 23 Nov 09:00, against the start.
        ("nextday", "2026-11-20T15:00", "2026-11-23T09:00", "scheduled",
         "announced Fri 20 Nov 15:00 EST; the notice the policy requires (next business day 09:00) runs to "
         "Mon 23 Nov 09:00 EST, at or before the start (Mon 23 Nov 09:00 EST), so scheduled"),
        ("nextday", "2026-11-20T15:00", "2026-11-23T08:59", "emergency",
         "announced Fri 20 Nov 15:00 EST; the notice the policy requires (next business day 09:00) runs to "
         "Mon 23 Nov 09:00 EST, after the start (Mon 23 Nov 08:59 EST), so emergency"),
        # Unequal days: 2 business days from Thu 19 Nov 10:00 is Mon 23 Nov 10:00 (the wall time, two
        # business days on). A minute before: 1 day (to Fri 10:00), then Fri 10:00-13:00 and Mon 09:00-09:59.
        ("short", "2026-11-19T10:00", "2026-11-23T10:00", "scheduled",
         "announced Thu 19 Nov 10:00 EST, 2 business days before the start: at least the 2 business days "
         "the policy requires, so scheduled"),
        ("short", "2026-11-19T10:00", "2026-11-23T09:59", "emergency",
         "announced Thu 19 Nov 10:00 EST, 1 business day and 3h 59m business before the start: less than "
         "the 2 business days the policy requires, so emergency"),
        ("openweb", "2026-11-20T15:00", "2026-11-20T16:00", "scheduled",
         "announced Fri 20 Nov 15:00 EST; policy openweb asks no notice, so scheduled"),
    ],
)  # fmt: skip
def test_each_notice_rule_in_its_own_unit(cli, policy, announced, start, kind, reason):
    assert judged(cli, policy, start, announced) == (kind, reason)


def test_the_counted_days_and_the_kind_agree_at_every_minute_around_the_ties(tmp_path):
    # The text's whole days and the kind come from two computations (counting days, the rule's due
    # instant): they must agree, minute by minute across Friday's close, the weekend and Monday.
    optimy = load_policies(Path(SHIPPED_POLICIES)).get("optimy")
    toronto = ZoneInfo("America/Toronto")
    announced = datetime(2026, 11, 13, 17, 0, tzinfo=toronto)
    for minute in [*range(120), *range(120, 4 * 24 * 60, 7)]:  # each minute across the tie, Fri 17:00
        start = datetime(2026, 11, 20, 16, 0, tzinfo=toronto).astimezone(UTC) + timedelta(minutes=minute)
        found = notice(optimy, start, announced)
        days = int(re.search(r", (\d+) business days? ", found.reason).group(1))
        assert (found.kind == "scheduled") == (days >= 5), (start, found.reason)


def test_without_announced_it_is_now_and_says_so(cli):
    # Now is Mon 30 Nov 07:00 EST, before the opening: Mon and Tue are 2 days by Wed 2 Dec 07:00.
    found = json.loads(add(cli, "optimy", "2026-12-02T07:00", "-f", "json").stdout)
    assert (found["kind"], found["announced"]) == ("emergency", "2026-11-30T07:00:00-05:00")
    assert found["kind_reason"] == (
        "announced now (Mon 30 Nov 07:00 EST, no --announced given), 2 business days before the start: "
        f"less than {NEEDS}, so emergency"
    )
    free = json.loads(add(cli, "openweb", "2026-12-02T07:00", "-f", "json").stdout)  # a policy asking no notice
    assert free["kind_reason"].startswith("announced now (Mon 30 Nov 07:00 EST, no --announced given); ")


def test_a_kind_given_says_so_and_the_notice_it_contradicts(cli):
    assert judged(cli, "optimy", "2026-11-30T20:00", "2026-11-10T09:00", "--kind", "regular") == (
        "regular",
        "kind regular given with --kind",
    )
    taken_now = json.loads(add(cli, "optimy", "2026-12-20T22:00", "--kind", "regular", "-f", "json").stdout)
    assert (
        taken_now["kind_reason"]
        == "kind regular given with --kind; announced now (Mon 30 Nov 07:00 EST, no --announced given)"
    )
    # Fri 27 Nov 10:00 to Mon 30 Nov 20:00: Fri 7h30 and Mon 8h30, 1 day and 7h30.
    late = add(cli, "optimy", "2026-11-30T20:00", "--announced", "2026-11-27T10:00", "--kind", "scheduled", "-f",
               "json")  # fmt: skip
    assert json.loads(late.stdout)["kind_reason"] == (
        "kind scheduled given with --kind (by the notice: announced Fri 27 Nov 10:00 EST, 1 business day and "
        f"7h 30m business before the start: less than {NEEDS}, so emergency)"
    )
    assert "announced with less notice than policy optimy asks" in late.stderr


def test_the_reason_is_a_note_under_the_table_and_not_in_csv(cli):
    table = add(cli, "optimy", "2026-11-30T20:00", "--announced", "2026-11-10T09:00").stdout.splitlines()
    # Tue 10 Nov 09:00 to Mon 30 Nov 20:00: Tue-Fri, two weeks and Monday, 15 days (Remembrance Day, 11
    # November, is no national public holiday).
    assert table[0] == "Maintenance 1"
    assert table[-1] == (
        f"scheduled: announced Tue 10 Nov 09:00 EST, 15 business days before the start: at least {NEEDS}, so scheduled"
    )
    csv = add(cli, "optimy", "2026-12-01T20:00", "--announced", "2026-11-10T09:00", "-f", "csv").stdout
    assert "kind_reason" not in csv and "announced Tue" not in csv and len(csv.splitlines()) == 2


def test_a_series_gives_each_window_its_reason(cli):
    # Daily from Sun 6 Dec 20:00, announced now (Mon 30 Nov 07:00): Mon-Fri is 5 days by Sunday,
    # and Monday's 8h30 more by Monday night.
    lines = add(cli, "optimy", "2026-12-06T20:00", "--repeat", "daily", "--count", "2").stdout.splitlines()
    now = "announced now (Mon 30 Nov 07:00 EST, no --announced given)"
    assert lines[-2:] == [
        f"maintenance 1, scheduled: {now}, 5 business days before the start: at least {NEEDS}, so scheduled",
        f"maintenance 2, scheduled: {now}, 6 business days before the start: at least {NEEDS}, so scheduled",
    ]


def windows(cli) -> list:
    return json.loads(cli("maintenance", "list", "-f", "json").stdout)


@pytest.mark.parametrize(
    ("start", "end", "options", "message"),
    [
        ("2026-12-05T22:00", "2026-12-05T22:00", (),
         "--end 2026-12-05T22:00:00-05:00 is not after --start 2026-12-05T22:00:00-05:00"),
        ("2026-12-05T22:00", "2026-12-05T21:59", ("--announced", "2026-11-20T10:00"),
         "--end 2026-12-05T21:59:00-05:00 is not after --start 2026-12-05T22:00:00-05:00"),
        ("2026-11-24T20:00", "2026-11-24T21:00", ("--announced", "2026-11-24T20:01"),
         "--announced 2026-11-24T20:01:00-05:00 is after --start 2026-11-24T20:00:00-05:00: "
         "a window is announced before it starts"),
        # Without --announced it is announced now: a window that started already needs its real one,
        # whatever the policy (openweb asks no notice) and with --kind too.
        ("2026-11-30T06:59", "2026-11-30T08:00", ("--kind", "scheduled"),
         "--start 2026-11-30T06:59:00-05:00 is before now (2026-11-30T07:00:00-05:00): a window recorded after "
         "it started needs --announced T, when it was announced"),
        ("2026-11-24T20:00", "2026-11-24T21:00", ("--repeat", "weekly", "--count", "3"),
         "--start 2026-11-24T20:00:00-05:00 is before now (2026-11-30T07:00:00-05:00): a window recorded after "
         "it started needs --announced T, when it was announced"),
        ("2026-11-24T20:00", "2026-11-24T21:00", ("--announced", "2026-11-25T10:00", "--repeat", "weekly",
                                                  "--until", "2026-12-29T20:00"),
         "--announced 2026-11-25T10:00:00-05:00 is after --start 2026-11-24T20:00:00-05:00: "
         "a window is announced before it starts"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("policy", ["optimy", "openweb"])
def test_refused_with_nothing_written(cli, policy, start, end, options, message):
    add(cli, policy, "2026-12-20T20:00", "--announced", "2026-11-20T10:00", "-q")  # the database exists
    result = cli("maintenance", "add", "--policy", policy, "--start", start, "--end", end, *options, code=2)
    assert user_error(result) == f"slacli: error: {message}"
    assert len(windows(cli)) == 1


def test_a_window_starting_now_without_announced_is_taken(cli):
    found = json.loads(add(cli, "optimy", "2026-11-30T07:00", "-f", "json").stdout)
    assert (found["kind"], found["kind_reason"]) == (
        "emergency",
        "announced now (Mon 30 Nov 07:00 EST, no --announced given), 0 business days before the start: "
        f"less than {NEEDS}, so emergency",
    )
