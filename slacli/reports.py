"""What the store says about a period: availability with its reasons (SPEC 4), incident
records, and the month or ISO-week incident report with its per-policy summary.

A report lists the incidents active in the period (opened before its end, not resolved
before its start), each as it stands when the report runs: a post-mortem linked or an
exclusion decided after the month counts, and escalations are what is unresolved now.
MTTA and MTTR count the incidents opened in the period (PagerDuty's attribution), in wall
time from opening, whenever they were acknowledged or resolved.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from statistics import mean, median
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from slacli.errors import InputError
from slacli.incidents import clocks
from slacli.instants import FIRST_YEAR, LAST_YEAR, iso
from slacli.maintenance import Window, excluded
from slacli.policy import Policy, Severity
from slacli.render import number
from slacli.tracker import Downtime, Incident, Tracker
from slacli.uptime import Availability, Weighted, availability, clip, iso_week, length, month, union


class Inputs(NamedTuple):
    """What availability is computed from, with where each piece came from."""

    stretches: list[tuple[Downtime, Weighted]]
    excluded_incidents: list[Downtime]
    windows: list[tuple[int, Window]]

    def availability(self, policy: Policy, start: datetime, end: datetime) -> Availability:
        """T, M and D over [start, end), which lies within the span gathered."""
        maintenance = excluded([w for _, w in self.windows], policy.availability.excluded_maintenance)
        return availability([s for _, s in self.stretches], maintenance, start.timestamp(), end.timestamp())


def gather(tracker: Tracker, policy: Policy, start: datetime, end: datetime, service: str | None) -> Inputs:
    """The weighted impact and the maintenance windows that bear on [start, end); an open
    incident's impact runs to ``end`` (SPEC 4: "to the end of the period while still open")."""
    stretches, left_out = [], []
    hi = end.timestamp()
    # No bound on when it was opened: an incident reported after the period may have begun in it.
    for found in tracker.downtime(policy.name, start, service):
        if found.excluded:
            left_out.append(found)
            continue
        stretches += [(found, Weighted(a, hi if b is None else b, weight)) for a, b, weight in found.stretches]
    windows = [
        (i, w) for i, w in tracker.windows(policy.name, (start, end)) if service is None or w.service in (None, service)
    ]
    return Inputs(stretches, left_out, windows)


def measure(
    tracker: Tracker, policy: Policy, start: datetime, end: datetime, service: str | None = None
) -> Availability:
    """T, M and D of ``policy`` over [start, end)."""
    return gather(tracker, policy, start, end, service).availability(policy, start, end)


def refuse_future(start: datetime, now: datetime, what: str) -> None:
    """A period that has not begun has no availability yet: an input error, not 100%."""
    if start > now:
        raise InputError(f"{what} has not begun (it starts {start.isoformat()})")


def availability_record(
    policy: Policy, result: Availability, lo: datetime, hi: datetime, month_text: str | None
) -> dict[str, Any]:
    """T, M, D, A, the target, the budget and what is left of it, met, the credit earned."""
    target = policy.availability.target_pct
    allowed = result.allowed_downtime_seconds(target) / 60 if target is not None else None
    pct = result.percent
    return {
        "policy": policy.name,
        "month": month_text,
        "from": iso(lo, policy.calendar.zone),
        "to": iso(hi, policy.calendar.zone),
        "total_minutes": number(result.total_seconds / 60),
        "maintenance_minutes": number(result.maintenance_seconds / 60),
        "downtime_minutes": number(result.downtime_seconds / 60),
        "availability_pct": pct,
        "target_pct": target,
        "allowed_downtime_minutes": number(allowed) if allowed is not None else None,
        "remaining_downtime_minutes": number(allowed - result.downtime_seconds / 60) if allowed is not None else None,
        "met": None if target is None or pct is None else pct >= target,
        "credit_pct": policy.availability.credit_pct(pct),
    }


def explain(found: Inputs, policy: Policy, start: datetime, end: datetime) -> list[dict]:
    """Every interval of ``found`` counted, clipped or excluded over [start, end), and why (--explain)."""
    lo, hi = start.timestamp(), end.timestamp()
    zone = policy.calendar.zone
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
        first, last = incident.stretches[0][0], incident.stretches[-1][1]
        for a, b in clip([(first, hi if last is None else last)], lo, hi):
            row(f"incident {incident.incident_id}", a, b, 0, f"excluded: {incident.excluded}")
    for incident, stretch in found.stretches:
        part = clip([(stretch.start, stretch.end)], lo, hi)
        if not part:
            continue
        a, b = part[0]
        inside = length(clip(holes, a, b))
        notes = [f"weight {stretch.weight:g} (severity {incident.severity} now)"]
        if (a, b) != (stretch.start, stretch.end):
            notes.append("clipped to the period")
        if inside:
            notes.append(f"{number(inside / 60)} min inside maintenance")
        row(f"incident {incident.incident_id}", a, b, stretch.weight * (b - a - inside) / 60, "; ".join(notes))
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


# -- periods --------------------------------------------------------------------------------


class Period(NamedTuple):
    """A calendar month or an ISO week, placed in a policy's zone by :meth:`bounds`."""

    kind: str  # "month" or "week"
    label: str  # 2026-11 or 2026-W47
    year: int
    number: int

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return (month if self.kind == "month" else iso_week)(self.year, self.number, zone)


PERIOD_SHAPES = {"month": (r"([0-9]{4})-([0-9]{2})", "YYYY-MM"), "week": (r"([0-9]{4})-W([0-9]{2})", "YYYY-Www")}


def parse_period(month_text: str | None = None, week_text: str | None = None) -> Period:
    """``--month YYYY-MM`` or ``--week YYYY-Www`` (exactly one of them)."""
    if bool(month_text) == bool(week_text):
        raise InputError("give --month YYYY-MM or --week YYYY-Www")
    kind, text = ("month", month_text) if month_text else ("week", week_text or "")
    shape, example = PERIOD_SHAPES[kind]
    try:
        found = re.fullmatch(shape, text)
        if not found or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
            raise ValueError(text)
        period = Period(kind, text, int(found[1]), int(found[2]))
        period.bounds(UTC)  # month 13, week 54, week 53 of a 52-week year
    except ValueError:
        raise InputError(f"malformed --{kind} {text!r} (expected {example})") from None
    return period


# -- the incident report ----------------------------------------------------------------------

REPORT_COLUMNS = (
    *("id", "title", "policy", "severity", "status", "service", "opened", "acked", "resolved"),
    *("response_due", "response_met", "resolution_due", "resolution_met", "update_met"),
    *("minutes_to_ack", "minutes_to_resolve"),
    *("paused_minutes", "excluded", "postmortem"),
)
SUMMARY_COLUMNS = (
    *("policy", "period", "from", "to", "incidents", "opened", "resolved", "still_open", "by_severity"),
    *("availability_pct", "target_pct", "availability_met", "credit_pct", "downtime_minutes"),
    *("mtta_minutes", "mttr_minutes", "median_tta_minutes", "median_ttr_minutes"),
    *("breaches", "escalations", "missing_postmortems"),
)


MISSING = "missing"  # the post-mortem cell of a resolved incident that needs one and has none


class Report(NamedTuple):
    period: Period
    incidents: list[dict[str, Any]]  # one row per incident, REPORT_COLUMNS and more
    summaries: list[dict[str, Any]]  # one per policy, SUMMARY_COLUMNS
    status_reports: list[dict[str, Any]]  # incidents whose severity asks for a report of this period's kind
    escalations: list[dict[str, Any]]  # unresolved, past a target, severity to be escalated
    missing_postmortems: list[dict[str, Any]]  # resolved, post-mortem required, none recorded

    @property
    def found_something(self) -> bool:
        """A missed availability target or a missed deadline: exit 1 for cron."""
        return any(s["availability_met"] is False or s["breaches"] for s in self.summaries)


def build_report(tracker: Tracker, policies: list[Policy], period: Period, now: datetime) -> Report:
    """The report of ``period`` for each of ``policies``, each in its own zone."""
    report = Report(period, [], [], [], [], [])
    cadence = {"month": "monthly", "week": "weekly"}[period.kind]
    for policy in policies:
        lo, hi = period.bounds(policy.calendar.zone)
        refuse_future(lo, now, f"{period.label} in the zone of {policy.name}")
        rows, opened = [], []
        flagged = len(report.escalations), len(report.missing_postmortems)
        for incident in tracker.find(policy=policy.name, unresolved_at=lo, until=hi):
            if any(start <= lo and hi <= end for start, end in incident.state.resolved_gaps):
                continue  # resolved all through the period, reopened only after it
            severity = tracker.policy_of(incident.state).severity(incident.state.severity)
            row = _report_row(tracker, incident, now, severity)
            rows.append(row)
            if incident.state.opened >= lo:
                opened.append(row)
            if severity.status_reports == cadence:
                report.status_reports.append(row)
            if incident.state.is_open and severity.escalate and _missed(row):
                report.escalations.append(row)
            if row["postmortem"] == MISSING:
                report.missing_postmortems.append(row)
        report.incidents.extend(rows)
        found = measure(tracker, policy, lo, hi)
        flags = len(report.escalations) - flagged[0], len(report.missing_postmortems) - flagged[1]
        report.summaries.append(_summary(policy, period, (lo, hi), rows, opened, found, flags))
    return report


def _report_row(tracker: Tracker, incident: Incident, as_of: datetime, severity: Severity) -> dict[str, Any]:
    state = incident.state
    row = incident_record(tracker, incident, as_of)
    row["minutes_to_ack"] = _minutes(state.opened, state.acked)
    row["minutes_to_resolve"] = _minutes(state.opened, state.resolved)
    overdue = any(c.name == "update" and c.status == "breached" for c in clocks(state, as_of, severity.calendar))
    row["update_met"] = False if state.late_updates or overdue else True if severity.update_every else None
    if severity.postmortem and not state.postmortem and not state.is_open:
        row["postmortem"] = MISSING
    return row


def _missed(row: dict[str, Any]) -> bool:
    """A target missed: a response, a resolution or a status update, late or overdue."""
    return False in (row["response_met"], row["resolution_met"], row["update_met"])


def _minutes(start: datetime, end: datetime | None) -> float | int | None:
    return number((end - start).total_seconds() / 60) if end else None


def _summary(
    policy: Policy,
    period: Period,
    bounds: tuple[datetime, datetime],
    rows: list[dict[str, Any]],
    opened: list[dict[str, Any]],
    found: Availability,
    flags: tuple[int, int],
) -> dict[str, Any]:
    """One policy's line: counts, availability, MTTA/MTTR (of the incidents opened in the
    period); ``flags``: how many of its incidents are to escalate, and miss a post-mortem."""
    to_ack = [r["minutes_to_ack"] for r in opened if r["minutes_to_ack"] is not None]
    to_resolve = [r["minutes_to_resolve"] for r in opened if r["minutes_to_resolve"] is not None]
    counts = Counter(r["severity"] for r in rows)
    figures = availability_record(policy, found, *bounds, period.label)
    return {
        "policy": policy.name,
        "period": period.label,
        "from": iso(bounds[0], policy.calendar.zone),
        "to": iso(bounds[1], policy.calendar.zone),
        "incidents": len(rows),
        "opened": len(opened),
        "resolved": sum(r["resolved"] is not None for r in rows),
        "still_open": sum(r["resolved"] is None for r in rows),
        "by_severity": ", ".join(f"{s.key}={counts[s.key]}" for s in policy.severities if counts[s.key]),
        "availability_pct": figures["availability_pct"],
        "target_pct": figures["target_pct"],
        "availability_met": figures["met"],
        "credit_pct": figures["credit_pct"],
        "downtime_minutes": figures["downtime_minutes"],
        "mtta_minutes": number(mean(to_ack)) if to_ack else None,
        "mttr_minutes": number(mean(to_resolve)) if to_resolve else None,
        "median_tta_minutes": number(median(to_ack)) if to_ack else None,
        "median_ttr_minutes": number(median(to_resolve)) if to_resolve else None,
        "breaches": sum(_missed(r) for r in rows),
        "escalations": flags[0],
        "missing_postmortems": flags[1],
    }
