"""Classification hints: the severity a share of affected agents or interactions suggests
(openmethods: "30% or more of agents" is a system outage, "less than 30%" a major
impairment, "one agent" a minor loss of service, none affected no loss of service). Pure.

A severity's :class:`~slacli.policy.Hint` names conditions on what is affected: a share
(``min_pct`` at least, ``below_pct`` under) and an exact ``count``; every condition it
gives must hold. A share alone says no count, except that 0% is none (count 0). When
several hints match, the most specific wins: one naming a count before one naming only a
share, then the narrower share range, then the more severe (listed first). So 1 agent of 40
(2.5%) is "one agent", not "under 30%", while 1 agent of 1 (100%) is at least 30%.
Shares are compared exactly (fractions), so 3 agents of 10 is exactly 30%.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from slacli.errors import InputError
from slacli.policy import Hint, Policy, Severity


class Affected(NamedTuple):
    """What is affected: a share in percent, and how many of how many when counted."""

    pct: Fraction
    agents: int | None = None
    of: int | None = None

    @classmethod
    def share(cls, pct: float) -> Affected:
        if not 0 <= pct <= 100:  # NaN too
            raise InputError(f"--affected: expected a share from 0 to 100 (percent), got {pct:g}")
        return cls(Fraction(pct), 0 if pct == 0 else None)

    @classmethod
    def counted(cls, agents: int, of: int) -> Affected:
        if of < 1:
            raise InputError(f"--of: expected at least 1 (how many agents or interactions there are), got {of}")
        if not 0 <= agents <= of:
            raise InputError(f"--agents: expected 0 to {of} (the --of), got {agents}")
        return cls(Fraction(100 * agents, of), agents, of)

    def describe(self) -> str:
        # A share as given; a count's share cut, not rounded, to 4 decimals: never rounded up
        # to the other side of a hint (29.9999 is not 30).
        shown = float(self.pct) if self.of is None else math.floor(self.pct * 10_000) / 10_000
        pct = f"{shown!r}".removesuffix(".0") + "%"
        return pct if self.of is None else f"{self.agents} of {self.of} ({pct})"


class Suggestion(NamedTuple):
    severity: Severity | None  # None: no hint covers it
    also: tuple[Severity, ...]  # the other severities whose hints match, less specific
    why: str


def matches(hint: Hint, affected: Affected) -> bool:
    if hint.exact_count is not None and affected.agents != hint.exact_count:
        return False
    if hint.min_pct is not None and affected.pct < Fraction(hint.min_pct):
        return False
    return hint.below_pct is None or affected.pct < Fraction(hint.below_pct)


def _specificity(hint: Hint) -> tuple[bool, float]:
    """Smaller is more specific: a count first, then the narrower share range."""
    low = hint.min_pct or 0.0
    high = 100.0 if hint.below_pct is None else hint.below_pct
    return hint.exact_count is None, high - low


def suggest(policy: Policy, affected: Affected) -> Suggestion:
    """The severity ``policy``'s hints suggest for ``affected``, and why (InputError when
    the policy has no hints at all)."""
    hinted = [(s, s.hint) for s in policy.severities if s.hint is not None]
    if not hinted:
        raise InputError(f"policy {policy.name} has no classification hints (see README, Policies: hint)")
    ranked = sorted(((s, h) for s, h in hinted if matches(h, affected)), key=lambda pair: _specificity(pair[1]))
    if not ranked:
        return Suggestion(None, (), f"{affected.describe()} affected: no hint of policy {policy.name} covers it")
    (best, hint), others = ranked[0], ranked[1:]
    why = f"{affected.describe()} affected matches severity {best.key}'s hint ({hint.describe()})"
    if others:
        also = ", ".join(f"{s.key}'s ({h.describe()})" for s, h in others)
        why += f"; severity {also} {'match' if len(others) > 1 else 'matches'} too, the more specific hint wins"
    return Suggestion(best, tuple(s for s, _ in others), why)
