"""A fix attempt's life as a pure state machine: planned → committed → validating → scored → end.

The store keeps one row per attempt (``bot/store/fix_attempts.py``); a worker that restarts
reads the state and carries on from there. ``advance`` is the only way a state changes;
``done`` tells a redelivered step that it already happened, so it is skipped, not repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import AutopilotError


class AttemptState(StrEnum):
    """Where a fix attempt is."""

    PLANNED = "planned"
    COMMITTED = "committed"
    VALIDATING = "validating"
    SCORED = "scored"
    MERGED = "merged"
    OPEN = "open"
    QUEUED = "queued"
    ABANDONED = "abandoned"


class Step(StrEnum):
    """What happened to the attempt."""

    COMMIT = "commit"  # the fix commit exists (Git Data API)
    SHIP = "ship"  # the fix PR is open, the commit is on the branch, or suggestions posted
    SCORE = "score"  # CI on the fix commit completed and the signals were scored
    MERGE = "merge"  # the validated SHA merged
    LEAVE_OPEN = "leave_open"  # the fix PR stays open for a person
    QUEUE = "queue"  # the fix waits in the review queue
    ABANDON = "abandon"  # nothing more will happen (refused, moved on, failed)
    SUGGEST = "suggest"  # no write allowed: the fix was posted as review suggestions


TERMINAL = frozenset({AttemptState.MERGED, AttemptState.ABANDONED})
#: States an attempt passes through on its own; a newer failed head abandons them.
MOVING = frozenset(
    {AttemptState.PLANNED, AttemptState.COMMITTED, AttemptState.VALIDATING, AttemptState.SCORED}
)
_NEXT: dict[tuple[AttemptState, Step], AttemptState] = {
    (AttemptState.PLANNED, Step.COMMIT): AttemptState.COMMITTED,
    # Suggestions wait for a person; no commit, no CI of the bot's own.
    (AttemptState.PLANNED, Step.SUGGEST): AttemptState.OPEN,
    (AttemptState.COMMITTED, Step.SHIP): AttemptState.VALIDATING,
    (AttemptState.VALIDATING, Step.SCORE): AttemptState.SCORED,
    (AttemptState.SCORED, Step.MERGE): AttemptState.MERGED,
    (AttemptState.SCORED, Step.LEAVE_OPEN): AttemptState.OPEN,
    (AttemptState.SCORED, Step.QUEUE): AttemptState.QUEUED,
    # A person approves a queued or open fix: it merges.
    (AttemptState.QUEUED, Step.MERGE): AttemptState.MERGED,
    (AttemptState.OPEN, Step.MERGE): AttemptState.MERGED,
}
#: The order of the forward path, to tell whether a step is already behind an attempt.
_ORDER = (
    AttemptState.PLANNED,
    AttemptState.COMMITTED,
    AttemptState.VALIDATING,
    AttemptState.SCORED,
)
_AFTER = {Step.COMMIT: 1, Step.SHIP: 2, Step.SCORE: 3, Step.SUGGEST: 1}


class InvalidTransition(AutopilotError):
    """A step that cannot happen in the attempt's state."""


@dataclass(frozen=True)
class Transition:
    """A step applied to a state, and the state it led to."""

    source: AttemptState
    step: Step
    target: AttemptState


def advance(state: AttemptState, step: Step) -> Transition:
    """The state after ``step``; abandoning works from any state that has not ended."""
    if step is Step.ABANDON and state not in TERMINAL:
        return Transition(state, step, AttemptState.ABANDONED)
    target = _NEXT.get((state, step))
    if target is None:
        raise InvalidTransition(f"a fix attempt that is {state} cannot take the step {step}")
    return Transition(state, step, target)


def done(state: AttemptState, step: Step) -> bool:
    """Whether ``step`` is already behind an attempt in ``state`` (a redelivery skips it)."""
    if state in (AttemptState.MERGED, AttemptState.OPEN, AttemptState.QUEUED):
        return step in (Step.COMMIT, Step.SHIP, Step.SCORE, Step.SUGGEST) or (
            step is Step.MERGE and state is AttemptState.MERGED
        )
    if state is AttemptState.ABANDONED:
        return True
    needed = _AFTER.get(step)
    return needed is not None and _ORDER.index(state) >= needed


def ended(state: AttemptState) -> bool:
    """No automatic step is left (a person may still approve a queued or open fix)."""
    return state in TERMINAL or state in (AttemptState.OPEN, AttemptState.QUEUED)


@dataclass(frozen=True, kw_only=True)
class FixAttempt:
    """One stored fix attempt: what failed, what the bot did about it, where it stands."""

    id: int
    repo: str
    branch: str
    failed_sha: str
    run_id: int
    workflow: str
    state: AttemptState
    run_url: str = ""
    delivery: str | None = None
    pull_number: int | None = None
    pull_author: str | None = None
    fix_ids: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    patch: str = ""
    fix_sha: str | None = None
    bot_branch: str | None = None
    fix_pull: int | None = None
    lint: float | None = None
    score: float | None = None
    route: str | None = None
    reason: str | None = None
    detail: str | None = None
    queue_id: int | None = None
