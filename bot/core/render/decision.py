"""What journey 1 decided, in words: the decision line of the Action's job summary."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.core.render.markdown import code, text
from bot.core.render.triage_report import CHECK_NAME


class Decision(StrEnum):
    """What a handler of journey 1 did with one ``workflow_run`` (the Action's output)."""

    PUBLISHED = "published"
    UNCHANGED = "unchanged"
    DRY_RUN = "dry-run"
    INVALID_CONFIG = "invalid-config"
    RESOLVED = "resolved"
    NOTHING_TO_RESOLVE = "nothing-to-resolve"


def _pulls(pulls: Sequence[int]) -> str:
    return ", ".join(f"#{n}" for n in pulls)


def triage_decision(decision: Decision, *, run_id: int, attempt: int, pulls: Sequence[int]) -> str:
    """The line under a failed run's report saying what was written to GitHub."""
    run = f"run {run_id} (attempt {attempt})"
    if decision is Decision.PUBLISHED:
        where = f"the sticky comment on {_pulls(pulls)}" if pulls else "no pull request comment"
        return f"**Decision:** published the {code(CHECK_NAME)} check run of {run} and {where}."
    if decision is Decision.UNCHANGED:
        return f"**Decision:** nothing to write: {run} was already published."
    if decision is Decision.DRY_RUN:
        return f"**Decision:** dry-run: {run} was triaged and nothing was written to GitHub."
    return f"**Decision:** {text(str(decision))}."


def resolution(workflow: str, *, resolved: Sequence[int], looked_at: Sequence[int]) -> str:
    """The job summary section of a passing run: which sticky comments now say so."""
    heading = f"### CI Autopilot: {text(workflow)} passes"
    if resolved:
        line = f"**Decision:** the sticky comment on {_pulls(resolved)} now says it passes again."
    elif looked_at:
        line = (
            f"**Decision:** nothing to resolve: no triage comment of {text(workflow)} "
            f"on {_pulls(looked_at)}."
        )
    else:
        line = "**Decision:** nothing to resolve: the run has no pull request."
    return f"{heading}\n\n{line}\n"
