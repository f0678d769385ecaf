"""Notices (hotfixes) as records.

Keys (COLUMNS): id, kind, policy, at, title, services (a list), message, by. Instants are
in the policy's zone.
"""

from __future__ import annotations

from typing import Any

from slacli.notices import Notice
from slacli.policy import PolicySet
from slacli.views import local

COLUMNS = ("id", "kind", "policy", "at", "title", "services", "message", "by")


def notice_record(policies: PolicySet, notice_id: int, notice: Notice) -> dict[str, Any]:
    zone = policies.get(notice.policy).calendar.zone
    return {
        "id": notice_id,
        "kind": notice.kind,
        "policy": notice.policy,
        "at": local(notice.at, zone),
        "title": notice.title,
        "services": list(notice.services),
        "message": notice.message,
        "by": notice.author,
    }
