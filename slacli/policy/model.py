"""The policy model: calendars, severities and their targets, availability targets, and
the due instants of an incident's targets (SPEC 2.2-2.9). Built by :mod:`slacli.policy.loader`."""

# Annotations evaluated (no `from __future__ import annotations`): a NamedTuple compiles each
# field's annotation text at import, and every command imports this module.
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from slacli.calendars import Calendar
from slacli.errors import InputError
from slacli.instants import before, short
from slacli.rules import Rule
from slacli.vocabulary import Anchor, MaintenanceKind, MetBy, TargetName


class Target(NamedTuple):
    """A response or resolution target: a rule per anchor situation, and its anchor."""

    in_hours: Rule | None
    out_of_hours: Rule | None
    anchor: Anchor = Anchor.OPENED

    def rule_for(self, anchor_in_hours: bool) -> Rule | None:
        return self.in_hours if anchor_in_hours else self.out_of_hours

    def describe(self) -> str:
        texts = [rule.text if rule else "none" for rule in (self.in_hours, self.out_of_hours)]
        text = texts[0] if texts[0] == texts[1] else f"{texts[0]} in hours, {texts[1]} out of hours"
        return text if self.anchor == Anchor.OPENED else f"{text} (from acked)"


class Due(NamedTuple):
    """One computed target: when it falls due, from what anchor, by which rule.

    ``at`` is None when there is no target (or an acked-anchored one cannot be placed
    yet); ``provisional`` marks one counted from the response due instant (SPEC 2.9).
    """

    name: TargetName
    at: datetime | None
    rule: Rule | None
    anchor: Anchor
    anchor_at: datetime | None
    anchor_in_hours: bool | None
    provisional: bool
    calendar: Calendar
    late_ack: datetime | None = None  # an acknowledgement after the response due: counted from that

    def explained_in(self, zone: ZoneInfo) -> str:
        """Why the target falls due when it does, in words, its instants shown in ``zone``
        (built only when asked for); in or out of hours is the calendar's, named when
        ``zone`` is another."""
        if self.anchor_in_hours is None and self.anchor_at is not None:
            return "no target"
        if self.anchor_at is None:
            return "counts from acked; not acknowledged yet and no response due to count from"
        if self.provisional:
            lead = f"not acked yet, so from the response due {short(self.anchor_at, zone)} (provisional)"
        elif self.late_ack is not None:
            lead = f"acked late ({short(self.late_ack, zone)}), so from the response due {short(self.anchor_at, zone)}"
        else:
            lead = f"{self.anchor} {short(self.anchor_at, zone)}"
        lead += ", in hours" if self.anchor_in_hours else ", out of hours"
        if zone != self.calendar.zone:
            lead += f" in {self.calendar.zone.key}"
        if self.rule is None or self.at is None:
            return f"{lead}; no target"
        return f"{lead}; {self.rule.explain(self.anchor_at, self.calendar, self.at, zone)}"


class Hint(NamedTuple):
    """A severity's classification hint (openmethods): the seed's words, and what must be
    affected for it to apply; every condition given must hold (see :mod:`slacli.classification`)."""

    text: str
    min_pct: float | None = None  # the affected share is at least this
    below_pct: float | None = None  # the affected share is under this
    exact_count: int | None = None  # exactly this many are affected (agents, interactions): key count

    def describe(self) -> str:
        """The conditions in words: "at least 30%", "exactly 1 and under 30%"."""
        count = self.exact_count
        parts = [] if count is None else ["none affected" if count == 0 else f"exactly {count}"]
        if self.min_pct is not None:
            parts.append(f"at least {self.min_pct:g}%")
        if self.below_pct is not None:
            parts.append(f"under {self.below_pct:g}%")
        return " and ".join(parts)


class Severity(NamedTuple):
    key: str
    name: str
    aliases: tuple[str, ...]
    calendar: Calendar
    response: Target | None
    resolution: Target | None
    downtime: float
    update_every: timedelta | None
    postmortem: bool
    status_reports: str | None
    escalate: bool  # unresolved past a target: up the policy's escalation matrix
    billable: bool = False  # work on it is charged by the hour, not included in the contract
    hint: Hint | None = None
    resolution_met_by: tuple[MetBy, ...] = (MetBy.RESOLVE,)  # the events that meet the resolution target

    def names(self) -> tuple[str, ...]:
        return (self.key, self.name, *self.aliases)

    def choice(self) -> str:
        """The severity as an error message lists it: its key, and its name when that says more."""
        return self.key if folded(self.name) == folded(self.key) else f"{self.key} ({self.name})"


def folded(text: str) -> str:
    """A severity as matched: case, spaces, hyphens and underscores aside, so that "Sev 1",
    "SEV-1" and "sev1" are one name (the loader refuses two severities folding alike)."""
    return "".join(text.replace("_", " ").replace("-", " ").split()).casefold()


# Atlassian Statuspage counts a partial outage at 30% of its time (SPEC 4).
PARTIAL_WEIGHT = 0.3


class AvailabilityTarget(NamedTuple):
    """What a policy promises of availability (measured by :mod:`slacli.uptime`)."""

    target_pct: float | None
    excluded_maintenance: tuple[MaintenanceKind, ...]
    credits: tuple[tuple[float, float], ...] = ()  # (below %, credit %), highest threshold first
    partial_weight: float = PARTIAL_WEIGHT  # how much of a partial outage's time counts

    def credit_pct(self, availability_pct: float | None) -> float | None:
        """The service credit earned by a period's A: the tier of the lowest threshold A is
        below (tiers do not add up); 0 when A is below none; None when no tiers are set."""
        if not self.credits:
            return None
        if availability_pct is None:
            return 0.0
        return max((credit for below, credit in self.credits if availability_pct < below), default=0.0)


class MaintenanceRules(NamedTuple):
    notice: Rule | None  # announced later than this before the start: emergency
    outside_hours: bool
    regular_per_week: int | None


class EscalationLevel(NamedTuple):
    """A step of an escalation matrix: whom to tell once a target is this long past due."""

    number: int  # 1 for the first level
    after: timedelta
    who: str


class Policy(NamedTuple):
    name: str
    description: str
    calendar: Calendar
    severities: tuple[Severity, ...]
    availability: AvailabilityTarget
    maintenance: MaintenanceRules
    report_within: timedelta | None
    recovery_point: timedelta | None  # the most data a recovery from backup may lose
    required_fields: tuple[str, ...] = ()  # case fields an incident needs to be complete
    escalation: tuple[EscalationLevel, ...] = ()  # by ``after``, shortest first

    def escalation_level(self, past_due: timedelta) -> EscalationLevel | None:
        """The highest level of the matrix a target ``past_due`` late has reached (None: none yet)."""
        return next((level for level in reversed(self.escalation) if level.after <= past_due), None)

    def severity(self, text: str) -> Severity:
        """The severity whose key, name or alias is ``text`` (:func:`folded`); InputError
        naming the choices when none is."""
        found = self.find_severity(text)
        if found is None:
            raise InputError(f"unknown severity {text!r} for policy {self.name} (known: {self.severity_choices()})")
        return found

    def find_severity(self, text: str) -> Severity | None:
        """The severity whose key, name or alias is ``text`` (:func:`folded`), else None."""
        for severity in self.severities:  # a stored key, as every read asks: no folding
            if severity.key == text:
                return severity
        wanted = folded(text)
        return next((s for s in self.severities if wanted in map(folded, s.names())), None)

    def severity_choices(self) -> str:
        return ", ".join(s.choice() for s in self.severities)

    def deadlines(
        self, severity: Severity, opened: datetime, acked: datetime | None = None, response_due: datetime | None = None
    ) -> tuple[Due, Due]:
        """Response and resolution due instants of an incident (SPEC 2.2-2.9); ``response_due``:
        the response due instant as pauses moved it, when they did."""
        response = _due(TargetName.RESPONSE, severity.response, severity.calendar, opened, None)
        if severity.resolution and severity.resolution.anchor == Anchor.ACKED:
            latest = response_due or response.at  # SPEC 2.9: a late acknowledgement does not extend it
            anchor = latest if acked is not None and latest is not None and before(latest, acked) else acked
            resolution = _due(TargetName.RESOLUTION, severity.resolution, severity.calendar, anchor, latest)
            if anchor is not acked:
                resolution = resolution._replace(late_ack=acked)
        else:  # from opened too: whether that is in hours is known when the response has a target
            in_hours = response.anchor_in_hours
            resolution = _due(TargetName.RESOLUTION, severity.resolution, severity.calendar, opened, None, in_hours)
        return response, resolution


def _due(
    name: TargetName,
    target: Target | None,
    calendar: Calendar,
    anchor_at: datetime | None,
    response: datetime | None,
    in_hours: bool | None = None,  # whether anchor_at is in hours, when known
) -> Due:
    if target is None:
        return Due(name, None, None, Anchor.OPENED, anchor_at, None, False, calendar)
    provisional = False
    if anchor_at is None:  # acked-anchored and not acknowledged yet (SPEC 2.9)
        if response is None:
            return Due(name, None, None, target.anchor, None, None, False, calendar)
        anchor_at, provisional = response, True
    if in_hours is None:
        in_hours = calendar.is_open(anchor_at)
    rule = target.rule_for(in_hours)
    at = rule.due(anchor_at, calendar) if rule else None
    return Due(name, at, rule, target.anchor, anchor_at, in_hours, provisional, calendar)


class PolicySet:
    """Everything one policy file defines; iterating it gives its policies."""

    __slots__ = ("calendars", "document", "path", "policies")

    def __init__(
        self, path: Path, calendars: Mapping[str, Calendar], policies: Mapping[str, Policy], document: Mapping[str, Any]
    ) -> None:
        self.path = path
        self.calendars = calendars
        self.policies = policies
        self.document = document

    def get(self, name: str) -> Policy:
        policy = self.policies.get(name) or self.policies.get(name.strip().lower())
        if policy is None:
            known = ", ".join(self.policies) or "none"
            raise InputError(f"unknown policy {name!r} in {self.path} (known: {known})")
        return policy

    def severities(self, text: str, policy: str | None = None) -> dict[str, Severity]:
        """What ``--severity text`` names in each policy (only ``policy`` when given), by the
        policy's own keys, names and aliases: "sev1" is every policy's first severity,
        "critical" only the policies that call one so. InputError naming the choices when
        no policy knows it."""
        if policy is not None:
            chosen = self.get(policy)
            return {chosen.name: chosen.severity(text)}
        found = {p.name: s for p in self if (s := p.find_severity(text)) is not None}
        if not found:
            known = "; ".join(f"{p.name}: {p.severity_choices()}" for p in self)
            raise InputError(f"unknown severity {text!r}: no policy has it (known: {known})")
        return found

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies.values())
