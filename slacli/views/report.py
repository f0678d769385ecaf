"""The month, ISO-week or quarter incident report with its per-policy summary, as of an instant.

A report lists the incidents active in the period (opened before its end, not resolved
before its start) in the order they were opened (ties by id), each as it stands at the
as-of instant: a post-mortem linked or an exclusion decided after the month counts, and
escalations are what is unresolved then.
MTTA and MTTR count the incidents opened in the period (PagerDuty's attribution), in wall
time from opening, whenever they were acknowledged or resolved. Rows carry
REPORT_COLUMNS (an incident record plus update_met, minutes_to_ack, minutes_to_resolve,
data_lost_minutes (the most any recovery from backup lost), recovery_point_met,
billable_minutes and included_minutes (all the work logged on it); postmortem reads
MISSING when one is required and none is linked) and the TARGET_KEYS of
:mod:`slacli.views.targets`; summaries carry SUMMARY_COLUMNS, whose billable and
included minutes are those of the incidents opened in the period. Escalations are the
unresolved incidents past a target whose escalation is due (the level reached, nobody
told since). Adherence (the quarterly audit) counts, per policy, severity and target, the
incidents opened in the period that met it, missed it, and missed it with an exception. A
period still in progress is measured so far (SPEC 4): ``complete`` is false,
availability is up to the as-of instant and ``projected_availability_pct`` beside it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from statistics import mean, median
from typing import Any, NamedTuple

from slacli.casework import judged_recoveries
from slacli.periods import Period, refuse_future
from slacli.policy import Policy, Severity
from slacli.recorded import ClockStatus, PeriodKind
from slacli.storage.base import IncidentFilter
from slacli.tracker import Incident, Tracker
from slacli.views import local, number
from slacli.views.availability import period_availability
from slacli.views.casework import worked
from slacli.views.clocks import clocks
from slacli.views.incidents import incident_record
from slacli.views.targets import TARGET_KEYS, target_fields
from slacli.vocabulary import TargetName

REPORT_COLUMNS = (
    *("id", "title", "policy", "severity", "status", "service", "services", "opened", "acked"),
    "resolved",
    *("response_due", "response_met", "resolution_due", "resolution_met", "update_met"),
    *("minutes_to_ack", "minutes_to_resolve"),
    *("paused_minutes", "excluded", "postmortem"),
    *("incomplete", "missing_fields", "data_lost_minutes", "recovery_point_met"),
    *("billable_minutes", "included_minutes"),
    *TARGET_KEYS,
)
SUMMARY_COLUMNS = (
    *("policy", "period", "from", "to", "incidents", "opened", "resolved", "still_open", "by_severity"),
    *("availability_pct", "target_pct", "availability_met", "credit_pct", "downtime_minutes"),
    *("complete", "projected_availability_pct"),
    *("mtta_minutes", "mttr_minutes", "median_tta_minutes", "median_ttr_minutes"),
    *("breaches", "escalations", "missing_postmortems"),
    *("incomplete", "billable_minutes", "included_minutes"),
)
ADHERENCE_COLUMNS = (
    *("policy", "severity", "target", "judged", "met", "missed", "excepted", "pending"),
    *("met_pct", "missed_pct", "excepted_pct"),
)
MISSING = "missing"  # the post-mortem cell of a resolved incident that needs one and has none
# The status_reports a period selects; a quarter selects none.
CADENCE = {PeriodKind.MONTH: "monthly", PeriodKind.WEEK: "weekly"}


class Report(NamedTuple):
    period: Period
    incidents: list[dict[str, Any]]  # one row per incident, REPORT_COLUMNS and more
    summaries: list[dict[str, Any]]  # one per policy, SUMMARY_COLUMNS
    status_reports: list[dict[str, Any]]  # incidents whose severity asks for a report of this period's kind
    escalations: list[dict[str, Any]]  # unresolved, past a target, escalation due
    missing_postmortems: list[dict[str, Any]]  # resolved, post-mortem required, none recorded
    adherence: list[dict[str, Any]]  # per policy, severity and target: ADHERENCE_COLUMNS

    @property
    def found_something(self) -> bool:
        """A missed availability target or a missed deadline: exit 1 for cron."""
        return any(s["availability_met"] is False or s["breaches"] for s in self.summaries)


def build_report(tracker: Tracker, policies: list[Policy], period: Period, as_of: datetime) -> Report:
    """The report of ``period`` for each of ``policies``, each in its own zone."""
    report = Report(period, [], [], [], [], [], [])
    for policy in policies:
        lo, hi = period.bounds(policy.calendar.zone)
        refuse_future(lo, as_of, f"{period.label} in the zone of {policy.name}")
        rows, escalations, missing = [], [], []
        for incident in tracker.find(IncidentFilter(policy=policy.name, unresolved_at=lo, until=hi), as_of):
            if any(start <= lo and hi <= end for start, end in incident.state.resolved_gaps):
                continue  # resolved all through the period, reopened only after it
            severity = tracker.policy_of(incident.state).severity(incident.state.severity)
            row = _report_row(tracker, incident, as_of, severity)
            rows.append(row)
            if period.kind in CADENCE and severity.status_reports == CADENCE[period.kind]:
                report.status_reports.append(row)
            if row["escalation_due"]:
                escalations.append(row)
            if row["postmortem"] == MISSING:
                missing.append(row)
        report.incidents.extend(rows)
        report.escalations.extend(escalations)
        report.missing_postmortems.extend(missing)
        figures = period_availability(tracker, policy, lo, hi, as_of, month=period.label)
        summary = _summary(policy, period, (lo, hi), rows, figures)
        report.summaries.append({**summary, "escalations": len(escalations), "missing_postmortems": len(missing)})
        report.adherence.extend(adherence(policy, [r for r in rows if r["opened"] >= lo]))
    for listed in (report.incidents, report.status_reports, report.escalations, report.missing_postmortems):
        listed.sort(key=_opening_order)  # across policies too: each was read policy by policy
    return report


def _opening_order(row: dict[str, Any]) -> tuple[float, int]:
    """Rows in the order their incidents were opened, ties by id (instants, whatever their zones)."""
    return row["opened"].timestamp(), row["id"]


def _report_row(tracker: Tracker, incident: Incident, as_of: datetime, severity: Severity) -> dict[str, Any]:
    state = incident.state
    policy = tracker.policy_of(state)
    by_name = clocks(state, as_of, severity.calendar)
    row = incident_record(tracker, incident, as_of, by_name)
    row["minutes_to_ack"] = _minutes(state.opened, state.acked)
    row["minutes_to_resolve"] = _minutes(state.opened, state.resolved)
    row |= target_fields(policy, state, by_name, as_of, None)
    update = by_name.get(TargetName.UPDATE)
    overdue = update is not None and update.status == ClockStatus.BREACHED
    row["update_met"] = False if state.late_updates or overdue else True if severity.update_every else None
    if severity.postmortem and not state.postmortem and not state.is_open:
        row["postmortem"] = MISSING
    judged = judged_recoveries(state.started, state.recoveries, policy.recovery_point)
    most = max((lost for _, lost, _ in judged), default=None)
    row["data_lost_minutes"] = number(most.total_seconds() / 60) if most is not None else None
    met = [m for _, _, m in judged if m is not None]
    row["recovery_point_met"] = all(met) if met else None
    row.update(worked(state, policy))
    return row


def adherence(policy: Policy, opened: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ADHERENCE_COLUMNS for each target of each of ``policy``'s severities, over the report
    rows of the incidents ``opened`` in the period; an excepted miss is still a miss."""
    found = []
    for severity in policy.severities:
        rows = [r for r in opened if r["severity"] == severity.key]
        for target, has_it in (
            (TargetName.RESPONSE, severity.response),
            (TargetName.RESOLUTION, severity.resolution),
            (TargetName.UPDATE, severity.update_every),
        ):
            if has_it:
                found.append(_adherence_row(policy.name, severity.key, target, rows))
    return found


def _adherence_row(policy: str, severity: str, target: TargetName, rows: list[dict[str, Any]]) -> dict[str, Any]:
    results = [r[f"{target}_met"] for r in rows]
    met, missed = results.count(True), results.count(False)
    excepted = sum(r["excepted"] for r in rows if r[f"{target}_met"] is False) if target == TargetName.RESOLUTION else 0
    judged = met + missed
    return {
        "policy": policy,
        "severity": severity,
        "target": target,
        "judged": judged,
        "met": met,
        "missed": missed,
        "excepted": excepted,
        "pending": len(results) - judged,
        **{
            f"{name}_pct": number(100 * count / judged) if judged else None
            for name, count in (("met", met), ("missed", missed), ("excepted", excepted))
        },
    }


def _missed(row: dict[str, Any]) -> bool:
    """A target missed: a response, a resolution or a status update, late or overdue, or a
    recovery from backup that lost more data than the recovery point allows."""
    return False in (row["response_met"], row["resolution_met"], row["update_met"], row["recovery_point_met"])


def _minutes(start: datetime, end: datetime | None) -> float | int | None:
    return number((end - start).total_seconds() / 60) if end else None


def _summary(
    policy: Policy,
    period: Period,
    bounds: tuple[datetime, datetime],
    rows: list[dict[str, Any]],
    figures: dict[str, Any],
) -> dict[str, Any]:
    """One policy's line: counts, availability, MTTA/MTTR of the incidents opened in the period."""
    lo = bounds[0]
    opened = [r for r in rows if r["opened"] >= lo]
    to_ack = [r["minutes_to_ack"] for r in opened if r["minutes_to_ack"] is not None]
    to_resolve = [r["minutes_to_resolve"] for r in opened if r["minutes_to_resolve"] is not None]
    counts = Counter(r["severity"] for r in rows)
    zone = policy.calendar.zone
    return {
        "policy": policy.name,
        "period": period.label,
        "from": local(bounds[0], zone),
        "to": local(bounds[1], zone),
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
        "complete": figures["complete"],
        "projected_availability_pct": figures["projected_availability_pct"],
        "mtta_minutes": number(mean(to_ack)) if to_ack else None,
        "mttr_minutes": number(mean(to_resolve)) if to_resolve else None,
        "median_tta_minutes": number(median(to_ack)) if to_ack else None,
        "median_ttr_minutes": number(median(to_resolve)) if to_resolve else None,
        "breaches": sum(_missed(r) for r in rows),
        "incomplete": sum(r["incomplete"] for r in rows),
        # Work is counted with the incident it was logged on, in the period it was opened in (as MTTA).
        "billable_minutes": number(sum(r["billable_minutes"] for r in opened)),
        "included_minutes": number(sum(r["included_minutes"] for r in opened)),
    }
