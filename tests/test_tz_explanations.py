"""`--tz ZONE` shows the instants of explanations in ZONE too, not only the due instants; business
hours stay the policy's, named when ZONE is another (README "Commands").

The commands with --tz are `deadline` and `calendar add|between` (`calendar between` has no
explanation). Tokyo is UTC+9 all year; New York is EST (UTC-5) until Sun 8 Mar 2026 02:00, EDT
(UTC-4) after, so the gap between them shrinks from 14 to 13 hours across the week below. Expected
texts are worked out by hand in the comments.
"""

from __future__ import annotations

import json

import pytest

TOKYO = ("--tz", "Asia/Tokyo")


def explained(cli, *args: str) -> tuple[str, str]:
    found = json.loads(cli("deadline", *args, "-f", "json").stdout)
    return found["response_explanation"], found["resolution_explanation"]


@pytest.mark.parametrize(
    ("args", "response", "resolution"),
    [
        # openweb 2 opened Sat 7 Mar 12:00 EST (17:00 UTC = Sun 02:00 JST), out of hours: counts from Mon 9
        # Mar 09:00 EDT (13:00 UTC = 22:00 JST) after the spring-forward, +4h = 13:00 EDT = Tue 02:00 JST;
        # the end of the 3rd business day after Saturday, Wed 11 Mar 17:00 EDT = 21:00 UTC = Thu 06:00 JST.
        (("openweb", "2", "--opened", "2026-03-07T12:00"),
         "opened Sun 08 Mar 02:00 JST, out of hours in America/New_York; next opening Mon 09 Mar 22:00 JST; "
         "+4 business hours = Tue 10 Mar 02:00 JST",
         "opened Sun 08 Mar 02:00 JST, out of hours in America/New_York; end of 3rd business day after = "
         "Thu 12 Mar 06:00 JST"),
        # Fri 6 Mar 16:00 EST (21:00 UTC = Sat 06:00 JST), in hours: +4h wall = 01:00 UTC = Sat 10:00 JST;
        # the end of the 3rd business day after, Wed 11 Mar 17:00 EDT = 21:00 UTC = Thu 06:00 JST.
        (("openweb", "2", "--opened", "2026-03-06T16:00"),
         "opened Sat 07 Mar 06:00 JST, in hours in America/New_York; +4h wall = Sat 07 Mar 10:00 JST",
         "opened Sat 07 Mar 06:00 JST, in hours in America/New_York; end of 3rd business day after = "
         "Thu 12 Mar 06:00 JST"),
        # opencraft critical Wed 25 Nov 18:00 EST (Thu 08:00 JST): the next business day after Thanksgiving,
        # Fri 27 Nov 09:00 New York time = 14:00 UTC = 23:00 JST; acked 18:30 EST (Thu 08:30 JST), out of
        # hours: end of Friday's business day, 17:00 EST = 22:00 UTC = Sat 07:00 JST.
        (("opencraft", "critical", "--opened", "2026-11-25T18:00", "--acked", "2026-11-25T18:30"),
         "opened Thu 26 Nov 08:00 JST, out of hours in America/New_York; next business day at 09:00 "
         "America/New_York time = Fri 27 Nov 23:00 JST",
         "acked Thu 26 Nov 08:30 JST, out of hours in America/New_York; end of business day = Sat 28 Nov 07:00 JST"),
        # Not acknowledged: provisional from the response due instant, Fri 27 Nov 09:00 EST (23:00 JST).
        (("opencraft", "critical", "--opened", "2026-11-25T18:00"),
         "opened Thu 26 Nov 08:00 JST, out of hours in America/New_York; next business day at 09:00 "
         "America/New_York time = Fri 27 Nov 23:00 JST",
         "not acked yet, so from the response due Fri 27 Nov 23:00 JST (provisional), in hours in "
         "America/New_York; end of business day = Sat 28 Nov 07:00 JST"),
    ],
)  # fmt: skip
def test_deadline_explanations_in_the_zone_asked_for(cli, args, response, resolution):
    assert explained(cli, *args, *TOKYO) == (response, resolution)


def test_the_policys_own_zone_is_not_named(cli):
    # --tz naming the policy's zone is the same as no --tz: EST times, no "in America/New_York".
    args = ("openweb", "2", "--opened", "2026-11-21T12:00")
    plain = explained(cli, *args)
    assert plain == explained(cli, *args, "--tz", "America/New_York")
    assert plain[0] == (
        "opened Sat 21 Nov 12:00 EST, out of hours; next opening Mon 23 Nov 09:00 EST; "
        "+4 business hours = Mon 23 Nov 13:00 EST"
    )


def test_the_table_why_column_follows_tz(cli):
    lines = cli("deadline", "openweb", "2", "--opened", "2026-03-06T16:00", *TOKYO).stdout.splitlines()
    assert lines[0] == "openweb 2 (Significant), opened 2026-03-07T06:00:00+09:00"
    why = "opened Sat 07 Mar 06:00 JST, in hours in America/New_York; +4h wall = Sat 07 Mar 10:00 JST"
    assert lines[2].startswith("response    2026-03-07T10:00:00+09:00") and lines[2].endswith(why)


@pytest.mark.parametrize(
    ("start", "duration", "result", "explanation"),
    [
        # Wed 25 Nov 15:00 EST + 4h30m business: 2h Wed, Thanksgiving closed, 2h30 Fri = Fri 11:30 EST
        # = 16:30 UTC = Sat 01:30 JST.
        ("2026-11-25T15:00", "4h30m", "2026-11-28T01:30:00+09:00", "+4h 30m business = Sat 28 Nov 01:30 JST"),
        # Fri 6 Mar 16:00 EST + 2 business days of 8h: 1h Fri, 8h Mon (EDT), 7h Tue = Tue 10 Mar 16:00 EDT
        # = 20:00 UTC = Wed 05:00 JST.
        ("2026-03-06T16:00", "2 business days", "2026-03-11T05:00:00+09:00",
         "+2 business days of 8h = Wed 11 Mar 05:00 JST"),
        # Sat 7 Mar 12:00 EST, out of hours: next opening Mon 9 Mar 09:00 EDT (22:00 JST), +1h = 23:00 JST.
        ("2026-03-07T12:00", "1h", "2026-03-09T23:00:00+09:00",
         "next opening Mon 09 Mar 22:00 JST; +1 business hour = Mon 09 Mar 23:00 JST"),
    ],
)  # fmt: skip
def test_calendar_add_explains_in_the_zone_asked_for(cli, start, duration, result, explanation):
    found = json.loads(cli("calendar", "add", start, duration, "-p", "openweb", *TOKYO, "-f", "json").stdout)
    assert (found["result"], found["explanation"]) == (result, explanation)
