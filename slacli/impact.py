"""An incident's impact as weighted stretches of time, for availability (SPEC 4). Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from slacli.incidents import State


def impact(
    state: State, weight: Callable[[str], float], until: datetime | None = None
) -> list[tuple[datetime, datetime | None, float]]:
    """The incident's impact as (start, end, weight) stretches (SPEC 4).

    Impact runs from when it began (``started``) to the resolution, or while open to
    ``until`` (without ``until``: the last stretch has no end, None), without the time
    between a resolution and a reopening. Each stretch is weighted by the severity in force
    then; the opening severity also covers the time before the incident was opened.
    """
    end = min(state.resolved, until) if state.resolved and until else state.resolved or until or _OPEN_END
    bounds = [state.started, *(at for at, _ in state.severity_changes), end]
    severities = [*(before for _, before in state.severity_changes), state.severity]
    stretches: list[tuple[datetime, datetime | None, float]] = []
    for start, stop, severity in zip(bounds, bounds[1:], severities, strict=False):
        pieces = [(max(start, state.started), min(stop, end))]
        for gap_start, gap_end in state.resolved_gaps:
            pieces = [p for a, b in pieces for p in ((a, min(b, gap_start)), (max(a, gap_end), b)) if p[1] > p[0]]
        stretches += [(a, None if b == _OPEN_END else b, weight(severity)) for a, b in pieces if b > a]
    return stretches


_OPEN_END = datetime.max.replace(tzinfo=UTC)  # an open incident's impact without an ``until``
