"""The fix planner: from a failed run's triage, the config and the change, fix or say why not.

Pure: the concern gathers the facts (fork or not, who may write, whether the head moved, how
many bot commits in a row the branch has) and this module decides. Every "no" carries a
reason people read in the sticky comment and on the ``autopilot/fix`` check run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.fixes.catalog import CATALOG, FixEntry
from bot.core.triage import Failure

#: Every bot branch starts with this; the rest names the failing branch (one target, one branch).
BRANCH_PREFIX = "autopilot/fix/"
#: Trailers of a fix commit's message: GitHub itself then says which commits are the bot's.
TRAILER_FIXES = "Autopilot-Fixes"
TRAILER_RUN = "Autopilot-Run"
TRAILER_FAILED = "Autopilot-Failed-Head"
TRAILER_LINT = "Autopilot-Lint"
_UNSAFE_BRANCH = re.compile(r"[^A-Za-z0-9._/-]+")


class ShipMode(StrEnum):
    """How a fix reaches the failing branch (config ``autofix.ship``)."""

    PULL_REQUEST = "pull_request"
    PUSH = "push"


class Delivery(StrEnum):
    """What the bot does with this fix: a fix PR, a commit on the PR branch, or suggestions."""

    PULL_REQUEST = "pull_request"
    PUSH = "push"
    SUGGESTIONS = "suggestions"


class NoFix(StrEnum):
    """Why no fix was made; each one is shown to the user."""

    NOTHING_FIXABLE = "nothing_fixable"
    DISABLED = "disabled"
    FORK_WITHOUT_WRITE = "fork_without_write"
    LOOP_GUARD = "loop_guard"
    FIX_OF_A_FIX = "fix_of_a_fix"
    HEAD_MOVED = "head_moved"
    TOO_LARGE = "too_large"
    NO_CHANGE = "no_change"
    UNSAFE_PATCH = "unsafe_patch"
    UNREADABLE = "unreadable"
    BRANCH_MOVED = "branch_moved"
    NO_FAILED_RUN = "no_failed_run"


@dataclass(frozen=True, kw_only=True)
class MergeChecks:
    """Which checks give which signal (names of workflows or check runs); None: see docs."""

    tests: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    security: tuple[str, ...] | None = None
    coverage: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class AutofixPolicy:
    """``autofix`` in ``.github/autopilot.yml``: when and how the bot ships fixes."""

    enabled: bool = True
    ship: ShipMode = ShipMode.PULL_REQUEST
    max_bot_commits: int = 2
    push_to_forks: bool = False
    merge_method: str = "squash"
    checks: MergeChecks = field(default_factory=MergeChecks)


@dataclass(frozen=True, kw_only=True)
class ChangeFacts:
    """What the concern learned about the failed change before planning."""

    repo: str
    run_id: int
    failed_sha: str
    branch: str
    default_branch: str
    #: The branch's head now (None: unknown); a different SHA means somebody pushed since.
    current_sha: str | None
    pull_number: int | None = None
    pull_author: str | None = None
    #: The PR's head is in another repository (a fork).
    fork: bool = False
    maintainer_can_modify: bool = False
    #: Consecutive bot fix commits at the tip of the branch.
    bot_streak: int = 0
    #: The run was asked for by a person (``/autopilot fix``), not an automatic reaction.
    requested: bool = False


@dataclass(frozen=True, kw_only=True)
class FixTarget:
    """What to fix: catalog entries, restricted to the files the failed run named."""

    fix_ids: tuple[str, ...]
    files: tuple[str, ...]
    rules: tuple[str, ...] = ()
    unsafe: bool = False


@dataclass(frozen=True, kw_only=True)
class FixPlan:
    """The planner's answer: a target and a delivery, or a reason not to fix."""

    target: FixTarget | None
    delivery: Delivery | None
    reason: NoFix | None
    detail: str
    #: The branch the fix is for (the PR's head branch, or the default branch).
    branch: str

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def bot_branch(self) -> str:
        return bot_branch(self.branch)


@dataclass(frozen=True, kw_only=True)
class FixOutcome:
    """What a fix journey step did, for a command's reply or the Action's outputs."""

    ok: bool
    summary: str
    reason: NoFix | None = None
    fix_sha: str | None = None
    pull_number: int | None = None
    route: str | None = None
    score: float | None = None


def bot_branch(branch: str) -> str:
    """The one bot branch for fixes of ``branch`` (same input, same name)."""
    cleaned = _UNSAFE_BRANCH.sub("-", branch).strip("/.") or "branch"
    return BRANCH_PREFIX + cleaned.replace("..", ".")


def is_bot_branch(branch: str) -> bool:
    return branch.startswith(BRANCH_PREFIX)


def target_of(
    failures: Iterable[Failure],
    *,
    select: Sequence[str] | None = None,
    unsafe: Sequence[str] = (),
) -> FixTarget | None:
    """The catalog entries answering the auto-fixable failures, in the files they name.

    ``select`` None: every safe entry may run; ``unsafe`` ids run only when listed. A failure
    without a file is not scoped, so it is not fixed (never a repository-wide restyle).
    """
    allowed = [
        entry
        for entry in CATALOG
        if (entry.safe and (select is None or entry.id in select)) or entry.id in unsafe
    ]
    chosen: dict[str, FixEntry] = {}
    files: dict[str, None] = {}
    rules: dict[str, None] = {}
    for failure in failures:
        if failure.file is None:
            continue
        answering = [e for e in allowed if e.answers(str(failure.category), failure.rule)]
        if not answering:
            continue
        for entry in answering:
            chosen[entry.id] = entry
        files[failure.file] = None
        if failure.rule:
            rules[failure.rule.upper()] = None
    if not chosen:
        return None
    order = {entry.id: n for n, entry in enumerate(CATALOG)}
    ids = tuple(sorted(chosen, key=order.__getitem__))
    return FixTarget(
        fix_ids=ids,
        files=tuple(sorted(files)),
        rules=tuple(sorted(rules)),
        unsafe=any(not chosen[i].safe for i in ids),
    )


def _no(reason: NoFix, detail: str, branch: str) -> FixPlan:
    return FixPlan(target=None, delivery=None, reason=reason, detail=detail, branch=branch)


def plan_fix(
    failures: Sequence[Failure],
    policy: AutofixPolicy,
    facts: ChangeFacts,
    *,
    select: Sequence[str] | None = None,
    unsafe: Sequence[str] = (),
) -> FixPlan:
    """Decide whether and how to fix the failed run described by ``facts``."""
    branch = facts.branch
    if is_bot_branch(branch):
        why = (
            "this run failed on a fix the bot made; a fix is never fixed again, so the "
            "failure is left to a person"
        )
        return _no(NoFix.FIX_OF_A_FIX, why, branch)
    if not policy.enabled and not facts.requested:
        why = "automatic fixes are off (`autofix.enabled: false`); comment `/autopilot fix` to ask"
        return _no(NoFix.DISABLED, why, branch)
    if facts.bot_streak >= policy.max_bot_commits:
        why = (
            f"the branch already ends with {facts.bot_streak} fix commits by the bot in a row "
            f"(limit `autofix.max_bot_commits: {policy.max_bot_commits}`); a person takes over"
        )
        return _no(NoFix.LOOP_GUARD, why, branch)
    if facts.current_sha is not None and facts.current_sha != facts.failed_sha:
        why = (
            f"the branch moved on since the failed run (now at `{facts.current_sha[:7]}`, the "
            f"run was on `{facts.failed_sha[:7]}`); the new commit's CI decides"
        )
        return _no(NoFix.HEAD_MOVED, why, branch)
    target = target_of(failures, select=select, unsafe=unsafe)
    if target is None:
        why = (
            "none of the failures is one a mechanical fixer answers in a named file "
            "(tests, types and runtime errors need a person)"
        )
        return _no(NoFix.NOTHING_FIXABLE, why, branch)
    delivery = _delivery(policy, facts)
    detail = _delivery_detail(delivery, policy, facts)
    return FixPlan(target=target, delivery=delivery, reason=None, detail=detail, branch=branch)


def _delivery(policy: AutofixPolicy, facts: ChangeFacts) -> Delivery:
    if facts.fork:
        if policy.push_to_forks and facts.maintainer_can_modify:
            return Delivery.PUSH
        return Delivery.SUGGESTIONS
    on_default = facts.pull_number is None or facts.branch == facts.default_branch
    if policy.ship is ShipMode.PUSH and not on_default:
        return Delivery.PUSH
    return Delivery.PULL_REQUEST


def _delivery_detail(delivery: Delivery, policy: AutofixPolicy, facts: ChangeFacts) -> str:
    if delivery is Delivery.SUGGESTIONS:
        if not facts.maintainer_can_modify:
            return "the pull request comes from a fork that does not allow edits by maintainers"
        return "pushing to forks is off (`autofix.push_to_forks: false`)"
    if delivery is Delivery.PUSH:
        return f"the fix commit goes onto `{facts.branch}` (`autofix.ship: push`)"
    if policy.ship is ShipMode.PUSH:
        return f"`{facts.branch}` is the default branch: the fix goes through a pull request"
    return f"a fix pull request into `{facts.branch}` (`autofix.ship: pull_request`)"


def commit_message(
    *,
    fix_ids: Sequence[str],
    files: Sequence[str],
    run_id: int,
    workflow: str,
    failed_sha: str,
    lint: float | None = None,
) -> str:
    """The fix commit's message: what it fixes, for which run, and the bot's trailers."""
    shown = ", ".join(fix_ids)
    subject = f"autopilot: fix {shown}"
    if len(subject) > 72:
        subject = f"autopilot: fix {len(fix_ids)} kinds of findings"
    body = [
        f"Answers the failed {workflow} run {run_id} on {failed_sha[:12]}.",
        "",
        "Files: " + ", ".join(files),
        "",
        f"{TRAILER_FIXES}: {','.join(fix_ids)}",
        f"{TRAILER_RUN}: {run_id}",
        f"{TRAILER_FAILED}: {failed_sha}",
        f"{TRAILER_LINT}: {'null' if lint is None else lint}",
    ]
    return subject + "\n\n" + "\n".join(body) + "\n"


def trailers(message: str) -> dict[str, str]:
    """The ``Autopilot-*`` trailers of a commit message (empty: not the bot's commit)."""
    found: dict[str, str] = {}
    for line in message.splitlines():
        name, sep, value = line.partition(": ")
        if sep and name.startswith("Autopilot-") and name.replace("-", "").isalnum():
            found[name] = value.strip()
    return found


def is_fix_commit(message: str) -> bool:
    """Whether a commit message is one of the bot's fix commits."""
    return TRAILER_FIXES in trailers(message)


def bot_streak(messages: Sequence[str]) -> int:
    """How many of the newest commits (newest first) are bot fix commits, in a row."""
    count = 0
    for message in messages:
        if not is_fix_commit(message):
            break
        count += 1
    return count
