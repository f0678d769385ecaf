"""``slacli classify``: which severity the policy's classification hints suggest."""

from typing import Annotated

import typer

from slacli.classification import Affected
from slacli.cli._options import FormatOption, complete_policy
from slacli.cli._state import AppState
from slacli.errors import InputError
from slacli.output import Document, Fields, Format, render
from slacli.views.classification import classification_record


def classify(
    ctx: typer.Context,
    policy: Annotated[str, typer.Argument(help="Policy name, e.g. openmethods.", autocompletion=complete_policy)],
    affected: Annotated[
        float | None, typer.Option(metavar="PCT", help="Share of agents or interactions affected, 0 to 100.")
    ] = None,
    agents: Annotated[int | None, typer.Option(metavar="N", help="How many agents are affected (with --of).")] = None,
    of: Annotated[int | None, typer.Option(metavar="M", help="Out of how many agents.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The severity a share (or count) of affected agents or interactions suggests, and why."""
    state: AppState = ctx.obj
    chosen = state.policies().get(policy)
    if (affected is None) == (agents is None and of is None):
        raise InputError("classify needs --affected PCT, or --agents N --of M (not both)")
    if affected is not None:
        measured = Affected.share(affected)
    elif agents is None or of is None:
        raise InputError("--agents and --of go together: N agents affected of M")
    else:
        measured = Affected.counted(agents, of)
    record = classification_record(chosen, measured)
    render(Document([Fields(record, f"Classification for {chosen.name}")], record), fmt)


COMMANDS = {"classify": (classify, "Example: slacli classify openmethods --agents 12 --of 40")}
