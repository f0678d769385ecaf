"""``slacli demo``: a realistic week against the five presets, shown as slacli shows it."""

import sys
from datetime import timedelta
from typing import Annotated

import typer

from slacli.cli._state import AppState
from slacli.instants import iso, parse_instant
from slacli.render import write_table

EPILOG = "Example: slacli demo --week-of 2026-11-23"

# (policy, severity, day offset from Monday, local time, acked after minutes or None, title)
WEEK = (
    ("openweb", "1", -2, "23:40", 25, "Comments widget down for every publisher"),
    ("opencraft", "critical", -1, "12:00", None, "LMS returns 502 for all learners"),
    ("openmethods", "1", 0, "05:10", 12, "Agents cannot log in to the media bar"),
    ("protecto", "high", 0, "10:15", 40, "Data sync lagging for most tenants"),
    ("openweb", "2", 1, "16:50", 70, "Moderation queue slow"),
    ("optimy", "high", 2, "09:05", 5, "Platform unreachable after DNS change"),
    ("openmethods", "2", 2, "15:30", None, "Screen pops fail for one site"),
    ("opencraft", "major", 2, "16:30", 45, "Course search degraded"),
    ("protecto", "medium", 3, "11:00", None, "Intermittent export failures"),
    ("openweb", "3", 4, "14:00", None, "Typo in the admin console"),
)


def demo(
    ctx: typer.Context,
    week_of: Annotated[
        str, typer.Option(help="The Monday of the week to replay (the holiday week of Thanksgiving 2026 by default).")
    ] = "2026-11-23",
) -> None:
    """Replay a realistic on-call week against the shipped presets."""
    state: AppState = ctx.obj
    policies = state.policies()
    rows = []
    for policy_name, severity_key, day, clock, acked_after, title in WEEK:
        policy = policies.get(policy_name)
        severity = policy.severity(severity_key)
        zone = policy.calendar.zone
        monday = parse_instant(week_of, zone, what="--week-of")
        opened = parse_instant(f"{(monday + timedelta(days=day)).date()}T{clock}", zone)
        acked = opened + timedelta(minutes=acked_after) if acked_after is not None else None
        response, resolution = policy.deadlines(severity, opened, acked)
        rows.append(
            {
                "policy": policy.name,
                "sev": severity.key,
                "title": title,
                "opened": iso(opened, zone)[:16].replace("T", " "),
                "response due": iso(response.at, zone)[:16].replace("T", " ") if response.at else "no target",
                "resolution due": (
                    iso(resolution.at, zone)[:16].replace("T", " ") + ("*" if resolution.provisional else "")
                    if resolution.at
                    else "no target"
                ),
                "why (resolution)": resolution.explanation,
            }
        )
    write_table(rows, list(rows[0]), sys.stdout, title=f"Deadlines for the week of {week_of} (* provisional)")


COMMANDS = {"demo": (demo, EPILOG)}
