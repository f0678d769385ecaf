"""Notices for the status page. Pure. A hotfix is work applied without downtime that the
page documents as a post-mortem entry (openmethods' HOTFIX): no clocks, no impact, just
what was done, when, to which services."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

HOTFIX = "hotfix"


class Notice(NamedTuple):
    kind: str  # HOTFIX
    policy: str
    at: datetime  # UTC: when it was applied
    title: str
    services: tuple[str, ...] = ()
    message: str | None = None
    author: str = ""
