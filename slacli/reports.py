"""What the store says about a period: availability with its reasons (SPEC 4), incident
records, and the month or ISO-week incident report with its per-policy summary.

A report lists the incidents active in the period (opened before its end, not resolved
before its start) as they stood at the period's end (or now, for the current period), so
a past month reads the same whenever it is run. MTTA and MTTR count the incidents opened
in the period (PagerDuty's attribution), in wall time from opening.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from slacli.incidents import clocks, impact
from slacli.instants import iso
from slacli.maintenance import Window, excluded
from slacli.policy import Policy
from slacli.render import number
from slacli.tracker import Incident, Tracker
from slacli.uptime import Availability, Weighted, availability, clip, length, union


class Inputs(NamedTuple):
    """What a period's availability is computed from, with where each piece came from."""

    stretches: list[tuple[Incident, Weighted]]
    excluded_incidents: list[Incident]
    windows: list[tuple[int, Window]]


def gather(tracker: Tracker, policy: Policy, start: datetime, end: datetime, service: str | None) -> Inputs:
    stretches, left_out = [], []
    # No bound on when it was opened: an incident reported after the period may have begun in it.
    for incident in tracker.find(policy=policy.name, unresolved_at=start, service=service):
        if incident.state.excluded:
            left_out.append(incident)
            continue
        rules = tracker.policy_of(incident.state)
        for a, b, weight in impact(incident.state, lambda key, rules=rules: rules.severity(key).downtime, end):
            stretches.append((incident, Weighted(a.timestamp(), b.timestamp(), weight)))
    windows = [(i, w) for i, w in tracker.windows(policy.name) if service is None or w.service in (None, service)]
    return Inputs(stretches, left_out, windows)


def measure(
    tracker: Tracker, policy: Policy, start: datetime, end: datetime, service: str | None = None
) -> Availability:
    """T, M and D of ``policy`` over [start, end)."""
    found = gather(tracker, policy, start, end, service)
    maintenance = excluded([w for _, w in found.windows], policy.availability.excluded_maintenance)
    return availability([s for _, s in found.stretches], maintenance, start.timestamp(), end.timestamp())


def explain(tracker: Tracker, policy: Policy, start: datetime, end: datetime, service: str | None) -> list[dict]:
    """Every interval counted, clipped or excluded, and why (--explain)."""
    lo, hi = start.timestamp(), end.timestamp()
    zone = policy.calendar.zone
    found = gather(tracker, policy, start, end, service)
    kinds = policy.availability.excluded_maintenance
    holes = union(clip(excluded([w for _, w in found.windows], kinds), lo, hi))
    rows = []

    def row(source: str, a: float, b: float, minutes: float, note: str) -> None:
        shown = [iso(datetime.fromtimestamp(x, UTC), zone) for x in (a, b)]
        rows.append({"source": source, "start": shown[0], "end": shown[1], "minutes": number(minutes), "why": note})

    for window_id, window in found.windows:
        a, b = window.start.timestamp(), window.end.timestamp()
        counted = length(clip([(a, b)], lo, hi))
        if window.status == "cancelled":
            row(f"maintenance {window_id}", a, b, 0, "cancelled: not maintenance")
        elif window.kind not in kinds:
            row(f"maintenance {window_id}", a, b, 0, f"{window.kind}: the policy does not exclude it")
        else:
            clipped = "; clipped to the period" if counted < b - a else ""
            row(f"maintenance {window_id}", a, b, counted / 60, f"{window.kind}: excluded from T{clipped}")
    for incident in found.excluded_incidents:
        row(
            f"incident {incident.id}", incident.state.started.timestamp(), hi, 0, f"excluded: {incident.state.excluded}"
        )
    for incident, stretch in found.stretches:
        part = clip([(stretch.start, stretch.end)], lo, hi)
        if not part:
            continue
        a, b = part[0]
        inside = length(clip(holes, a, b))
        notes = [f"weight {stretch.weight:g} (severity {incident.state.severity} now)"]
        if (a, b) != (stretch.start, stretch.end):
            notes.append("clipped to the period")
        if inside:
            notes.append(f"{number(inside / 60)} min inside maintenance")
        row(f"incident {incident.id}", a, b, stretch.weight * (b - a - inside) / 60, "; ".join(notes))
    return rows


def incident_record(tracker: Tracker, incident: Incident, as_of: datetime) -> dict[str, Any]:
    """An incident as JSON/CSV/table data, instants in its policy's zone."""
    state = incident.state
    policy = tracker.policy_of(state)
    zone = policy.calendar.zone
    by_name = {c.name: c for c in clocks(state, as_of, policy.severity(state.severity).calendar)}

    def shown(t: datetime | None) -> str | None:
        return iso(t, zone) if t else None

    def met(name: str) -> bool | None:
        status = by_name[name].status
        return True if status == "met" else False if status in ("met late", "breached") else None

    update = by_name.get("update")
    return {
        "id": incident.id,
        "title": state.title,
        "policy": state.policy,
        "severity": state.severity,
        "status": state.status,
        "service": state.service,
        "ref": state.ref,
        "opened": shown(state.opened),
        "started": shown(state.started),
        "acked": shown(state.acked),
        "resolved": shown(state.resolved),
        "response_due": shown(by_name["response"].due),
        "response_met": met("response"),
        "resolution_due": shown(by_name["resolution"].due),
        "resolution_met": met("resolution"),
        "next_update_due": shown(update.due) if update and state.is_open else None,
        "late_updates": len(state.late_updates),
        "paused_minutes": number(state.paused_seconds(as_of) / 60),
        "excluded": state.excluded,
        "postmortem": state.postmortem,
        "provisional": by_name["resolution"].provisional,
        "late_report": state.late_report,
    }
