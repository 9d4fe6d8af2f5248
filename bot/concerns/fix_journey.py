"""Journey 2, first half: a triaged failure becomes a fix commit (fix PR or push) or suggestions.

The facts of the change are read from GitHub, the pure planner decides
(``bot/core/fix_plan.py``), the code of the failed head is read without a clone (the
tarball; in the Action the checked-out workspace), the static fixers run on it, the patch
is checked (``bot/core/patch_safety.py``), and the commit goes through the Git Data API.
Each step is recorded on the attempt's row, so a redelivery or a restart carries on
instead of starting again. Every "no" is published like every "yes".
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gidgethub import BadRequest

from bot.concerns.fix_publish import publish, view_of
from bot.concerns.ports import Ports
from bot.config.repo import RepoConfig, fix_selection
from bot.core.fix_attempt import AttemptState, FixAttempt, Step, advance, done
from bot.core.fix_plan import (
    ChangeFacts,
    Delivery,
    FixOutcome,
    FixPlan,
    FixTarget,
    NoFix,
    bot_streak,
    commit_message,
    is_fix_commit,
)
from bot.core.fixes.catalog import CATALOG
from bot.core.fixes.diff import render_patch
from bot.core.patch_safety import check_patch
from bot.core.payloads import WorkflowRun
from bot.core.render import fix_report as render
from bot.core.render.triage_report import TriageReport
from bot.core.scoring import Signals, score
from bot.core.triage import Failure
from bot.fixer.run import FixOptions, fix_tree
from bot.github.gitdata import BranchMoved, branch_head, create_commit, move_branch, put_bot_branch
from bot.github.source import SourceRefused, read_commit
from bot.validation.runner import validate_tree

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MadeFix:
    """What the fixers changed in the target files, or why nothing ships."""

    after: Mapping[str, str]
    applied: tuple[str, ...]
    patch: str
    executable: frozenset[str] = frozenset()
    lint: float | None = None
    refusal: tuple[NoFix, str] | None = None


async def change_facts(
    ports: Ports, run: WorkflowRun, pulls: Sequence[int], *, requested: bool
) -> tuple[ChangeFacts, str]:
    """The facts the planner needs, and the repository the head lives in (a fork's name)."""
    gh, repo = ports.gh, run.repo
    number = pulls[0] if pulls else None
    head_repo, author, fork, can_modify = repo, run.actor, False, False
    branch, current = run.head_branch, None
    default_branch = ""
    if number is not None:
        pull = await gh.getitem(f"/repos/{repo}/pulls/{number}")
        head = pull.get("head") or {}
        head_repo = str((head.get("repo") or {}).get("full_name") or repo)
        fork = head_repo.lower() != repo.lower()
        can_modify = bool(pull.get("maintainer_can_modify"))
        author = (pull.get("user") or {}).get("login") or author
        branch, current = str(head.get("ref") or branch), head.get("sha")
        default_branch = str(((pull.get("base") or {}).get("repo") or {}).get("default_branch"))
    else:
        current = await branch_head(gh, repo, branch)
        default_branch = str((await gh.getitem(f"/repos/{repo}")).get("default_branch"))
    streak = 0
    if is_fix_commit(run.head_message):  # only then is the branch's history worth a request
        commits = await gh.getitem(f"/repos/{head_repo}/commits?sha={run.head_sha}&per_page=10")
        streak = bot_streak([str((c.get("commit") or {}).get("message")) for c in commits])
    facts = ChangeFacts(
        repo=repo,
        run_id=run.run_id,
        failed_sha=run.head_sha,
        branch=branch,
        default_branch=default_branch,
        current_sha=current,
        pull_number=number,
        pull_author=author,
        fork=fork,
        maintainer_can_modify=can_modify,
        bot_streak=streak,
        requested=requested,
    )
    return facts, head_repo


def failures_of(report: TriageReport) -> list[Failure]:
    return [item.failure for item in report.items]


def _fix_files(
    root: Path, target: FixTarget, config: RepoConfig, executable: frozenset[str]
) -> MadeFix:
    """Run the fixers on ``root`` (no write), keep what they changed in the target files,
    check the patch, then write the fixed files into ``root`` and measure lint there."""
    # Scoped like the failed run: its rule codes (``format`` for a formatter check), in the
    # files it named, through the entries the repository's config allows.
    rules = (*target.rules, *(("format",) if "formatting" in target.fix_ids else ()))
    options = FixOptions(
        select=target.fix_ids, rules=rules, files=target.files, unsafe=target.unsafe, diff=True
    )
    report = fix_tree(root, options)
    wanted = set(target.files)
    after = {rel: text for rel, text in report.after.items() if rel in wanted}
    used = {fix for rel in after for fix in report.applied.get(rel, ())}
    applied = [entry.id for entry in CATALOG if entry.id in used]
    if not after:
        why = "the fixers changed nothing in the files the failed run named"
        return MadeFix({}, (), "", refusal=(NoFix.NO_CHANGE, why))
    patch = render_patch({rel: report.before[rel] for rel in after}, after)
    limits = config.patches
    safety = check_patch(
        patch,
        allow_workflows=limits.allow_workflows,
        max_bytes=limits.max_bytes,
        max_files=limits.max_files,
    )
    if not safety.ok:
        too_large = any(r.code == "too-large" for r in safety.refusals)
        reason = NoFix.TOO_LARGE if too_large else NoFix.UNSAFE_PATCH
        why = "the patch was refused: " + "; ".join(r.reason for r in safety.refusals)
        return MadeFix(after, tuple(applied), patch, refusal=(reason, why))
    for rel, text in after.items():
        (root / rel).write_text(text, encoding="utf-8", newline="")
    only_lint = dataclasses.replace(
        config.validation, tests=None, types=None, security=False, coverage=False
    )
    lint = validate_tree(root, sorted(after), only_lint).lint.value
    score = None if lint is None else float(lint)
    return MadeFix(after, tuple(applied), patch, executable, score)


def _workspace_head(path: Path) -> str | None:
    try:
        done_ = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done_.stdout.strip() if done_.returncode == 0 else None


async def make_fix(
    ports: Ports, run: WorkflowRun, target: FixTarget, config: RepoConfig
) -> MadeFix:
    """Read the failed head's code (tarball, or the Action's checkout) and fix it.

    The tarball comes from the base repository even for a fork's pull request: GitHub keeps
    a pull request's head there, and the installation may not reach the fork.
    """
    workspace = ports.workspace
    if workspace is not None:
        head = await asyncio.to_thread(_workspace_head, workspace.path)
        if head != run.head_sha:
            why = (
                f"the checkout is at {head[:7] if head else 'no commit'}, not at the failed head "
                f"{run.head_sha[:7]}: check out `github.event.workflow_run.head_sha`"
            )
            return MadeFix({}, (), "", refusal=(NoFix.UNREADABLE, why))
        return await asyncio.to_thread(_fix_files, workspace.path, target, config, frozenset())
    with tempfile.TemporaryDirectory(prefix="autopilot-fix-") as tmp:
        try:
            tree = await read_commit(ports.gh, run.repo, run.head_sha, Path(tmp))
        except SourceRefused as exc:
            return MadeFix({}, (), "", refusal=(NoFix.UNREADABLE, str(exc)))
        return await asyncio.to_thread(_fix_files, Path(tmp), target, config, tree.executable)


async def _find_fix_pull(ports: Ports, repo: str, bot_branch: str) -> Mapping[str, Any] | None:
    owner = repo.split("/")[0]
    found = await ports.gh.getitem(f"/repos/{repo}/pulls?state=open&head={owner}:{bot_branch}")
    return found[0] if found else None


async def _ship_pull_request(
    ports: Ports, attempt: FixAttempt, plan: FixPlan, body: str, title: str
) -> int:
    """The fix PR from the bot branch: opened once, its body updated on a redelivery."""
    repo, bot_branch = attempt.repo, plan.bot_branch
    assert attempt.fix_sha is not None
    await put_bot_branch(ports.gh, repo, bot_branch, attempt.fix_sha)
    existing = await _find_fix_pull(ports, repo, bot_branch)
    if existing is not None:
        if existing.get("body") != body or existing.get("title") != title:
            await ports.gh.patch(
                f"/repos/{repo}/pulls/{existing['number']}", data={"title": title, "body": body}
            )
        return int(existing["number"])
    created = await ports.gh.post(
        f"/repos/{repo}/pulls",
        data={
            "title": title,
            "head": bot_branch,
            "base": plan.branch,
            "body": body,
            "maintainer_can_modify": True,
        },
    )
    return int(created["number"])


async def _abandon(
    ports: Ports, attempt: FixAttempt, reason: NoFix, detail: str, **fields: Any
) -> FixAttempt:
    fields = {**fields, "detail": detail}
    moved = await ports.stores.fix_attempts.move(
        attempt,
        advance(attempt.state, Step.ABANDON),
        now=ports.clock(),
        reason=str(reason),
        **fields,
    )
    return moved or attempt


async def carry_out(
    ports: Ports,
    run: WorkflowRun,
    plan: FixPlan,
    facts: ChangeFacts,
    head_repo: str,
    config: RepoConfig,
) -> FixAttempt:
    """Take the planned attempt as far as it goes now: commit, then ship (or suggest)."""
    attempts = ports.stores.fix_attempts
    attempt = await attempts.begin(
        repo=run.repo,
        branch=plan.branch,
        failed_sha=run.head_sha,
        run_id=run.run_id,
        workflow=run.workflow,
        run_url=run.html_url,
        now=ports.clock(),
    )
    target, delivery = plan.target, plan.delivery
    assert target is not None and delivery is not None
    if attempt.state is AttemptState.ABANDONED or done(attempt.state, Step.SHIP):
        return attempt  # a redelivery or a rerun: the attempt already went this far
    if attempt.fix_sha is None:  # (again after a restart: the fixers are deterministic)
        await attempts.supersede(attempt, now=ports.clock())
        made = await make_fix(ports, run, target, config)
        fields: dict[str, Any] = {
            "delivery": str(delivery),
            "pull_number": facts.pull_number,
            "pull_author": facts.pull_author,
            "fix_ids": made.applied or target.fix_ids,
            "files": sorted(made.after) or target.files,
            "patch": made.patch,
            "lint": made.lint,
            "detail": plan.detail,
        }
        if made.refusal is not None:
            reason, why = made.refusal
            del fields["detail"]
            return await _abandon(ports, attempt, reason, why, **fields)
        attempt = await attempts.record(attempt, now=ports.clock(), **fields)
        if delivery is Delivery.SUGGESTIONS:
            return await _suggest(ports, attempt, made)
        message = commit_message(
            fix_ids=attempt.fix_ids,
            files=attempt.files,
            run_id=run.run_id,
            workflow=run.workflow,
            failed_sha=run.head_sha,
            lint=made.lint,
        )
        files = {rel: text.encode("utf-8") for rel, text in made.after.items()}
        sha = await create_commit(
            ports.gh,
            head_repo,
            parent=run.head_sha,
            files=files,
            message=message,
            executable=made.executable,
        )
        attempt = (
            await attempts.move(
                attempt, advance(attempt.state, Step.COMMIT), now=ports.clock(), fix_sha=sha
            )
            or await attempts.get(attempt.id)
            or attempt
        )
    if attempt.state is not AttemptState.COMMITTED or attempt.fix_sha is None:
        return attempt
    return await _ship(ports, attempt, plan, head_repo, config)


async def _ship(
    ports: Ports, attempt: FixAttempt, plan: FixPlan, head_repo: str, config: RepoConfig
) -> FixAttempt:
    assert attempt.fix_sha is not None
    attempts = ports.stores.fix_attempts
    if plan.delivery is Delivery.PUSH:
        try:
            await move_branch(ports.gh, head_repo, plan.branch, attempt.fix_sha)
        except BranchMoved as exc:
            return await _abandon(ports, attempt, NoFix.BRANCH_MOVED, str(exc))
        fields: dict[str, Any] = {}
    else:
        # The score so far: lint is measured; tests wait for CI on the fix.
        so_far = score(Signals(lint=attempt.lint), thresholds=config.thresholds)
        view = view_of(attempt, render.Stage.PROPOSED, score=so_far)
        number = await _ship_pull_request(
            ports, attempt, plan, render.pull_body(view), render.pull_title(view)
        )
        fields = {"fix_pull": number, "bot_branch": plan.bot_branch}
    moved = await attempts.move(
        attempt, advance(attempt.state, Step.SHIP), now=ports.clock(), **fields
    )
    return moved or await attempts.get(attempt.id) or attempt


async def _suggest(ports: Ports, attempt: FixAttempt, made: MadeFix) -> FixAttempt:
    """Fork PRs the bot may not write to: a review with suggestions; the patch is in the
    sticky comment either way (a suggestion GitHub cannot place is not lost)."""
    from bot.core.fix_suggestions import suggestions

    assert attempt.pull_number is not None
    comments = [
        {
            "path": s.path,
            "line": s.end,
            **({"start_line": s.start, "start_side": "RIGHT"} if s.start != s.end else {}),
            "side": "RIGHT",
            "body": render.suggestion(s.lines),
        }
        for s in suggestions(made.patch)
    ]
    body = (
        "CI Autopilot can fix what the failed run found, but may not push to this fork: "
        "here are the changes as suggestions (the whole patch is in the CI Autopilot comment)."
    )
    review = {"commit_id": attempt.failed_sha, "event": "COMMENT", "body": body}
    url = f"/repos/{attempt.repo}/pulls/{attempt.pull_number}/reviews"
    try:
        await ports.gh.post(url, data={**review, "comments": comments})
    except BadRequest as exc:
        if int(exc.status_code) != 422 or not comments:
            raise
        log.info(f"{attempt.repo}#{attempt.pull_number}: suggestions refused ({exc}); body only")
        await ports.gh.post(url, data=review)
    moved = await ports.stores.fix_attempts.move(
        attempt, advance(attempt.state, Step.SUGGEST), now=ports.clock()
    )
    return moved or attempt


async def fix_failed_run(
    ports: Ports,
    run: WorkflowRun,
    report: TriageReport,
    config: RepoConfig,
    pulls: Sequence[int],
    *,
    requested: bool = False,
) -> FixOutcome:
    """Plan, make and ship the fix of a triaged failed run; publish what happened."""
    from bot.core.fix_plan import plan_fix

    facts, head_repo = await change_facts(ports, run, pulls, requested=requested)
    selection = fix_selection(config)
    unsafe = config.fixes.unsafe if selection.unsafe else ()
    plan = plan_fix(
        failures_of(report), config.autofix, facts, select=selection.select, unsafe=unsafe
    )
    if not plan.ok:
        # A rerun of a head the bot already fixed keeps showing that fix.
        earlier = await ports.stores.fix_attempts.find(run.repo, plan.branch, run.head_sha)
        if earlier is not None and earlier.state is not AttemptState.ABANDONED:
            return await publish(ports, run, facts, plan=plan, attempt=earlier)
        return await publish(ports, run, facts, plan=plan, attempt=None)
    attempt = await carry_out(ports, run, plan, facts, head_repo, config)
    return await publish(ports, run, facts, plan=plan, attempt=attempt)
