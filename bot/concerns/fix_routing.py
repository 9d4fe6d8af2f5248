"""Journey 2, second half: CI on the fix commit completed → signals → score → route.

``auto_merge`` merges the fix PR with ``sha`` set to the scored head (or enables auto-merge
with ``expectedHeadOid`` where branch protection wants it); ``pull_request`` leaves it open
and asks the author of the failing change to review; ``manual_review`` queues it. A fix
whose CI failed never merges by itself, and its PR says why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from gidgethub import BadRequest

from bot.concerns.fix_publish import lease_names, outcome, set_outputs, show, view_of
from bot.concerns.ports import Ports
from bot.config.repo import RepoConfig
from bot.core.fix_attempt import AttemptState, FixAttempt, Step, advance
from bot.core.fix_plan import (
    TRAILER_FAILED,
    TRAILER_FIXES,
    TRAILER_LINT,
    TRAILER_RUN,
    Delivery,
    FixOutcome,
    bot_branch,
    is_bot_branch,
    trailers,
)
from bot.core.fix_signals import CheckResult, pending, signals_from
from bot.core.fixes.catalog import CATALOG
from bot.core.payloads import WorkflowRun
from bot.core.render import fix_report as render
from bot.core.scoring import Route, ScoreResult, Signals, score

log = logging.getLogger(__name__)
ENABLE_AUTO_MERGE = """mutation($pullRequestId: ID!, $expectedHeadOid: GitObjectID!,
  $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId,
    expectedHeadOid: $expectedHeadOid, mergeMethod: $mergeMethod}) {
    pullRequest { id autoMergeRequest { enabledAt } }
  }
}"""


async def _results(ports: Ports, repo: str, sha: str, config: RepoConfig) -> list[CheckResult]:
    url = f"/repos/{repo}/actions/runs?head_sha={sha}&per_page=100"
    runs = await ports.gh.getitem(url)
    found = [
        CheckResult(str(r.get("name")), str(r.get("status")), r.get("conclusion"))
        for r in runs.get("workflow_runs") or ()
    ]
    # Check runs too: other CI apps report there, and named checks give the other signals.
    async for run in ports.gh.getiter(
        f"/repos/{repo}/commits/{sha}/check-runs?per_page=100", iterable_key="check_runs"
    ):
        status, conclusion = str(run.get("status")), run.get("conclusion")
        found.append(CheckResult(str(run.get("name")), status, conclusion, False))
    return found


def _unsafe(fix_ids: Sequence[str]) -> list[str]:
    unsafe = {entry.id for entry in CATALOG if not entry.safe}
    return [fix for fix in fix_ids if fix in unsafe]


async def _attempt_from_commit(ports: Ports, run: WorkflowRun) -> FixAttempt | None:
    """An attempt rebuilt from GitHub (the Action keeps no store): the fix commit's trailers
    say what it fixed and for which run; the fix PR is found by its branch name."""
    found = trailers(run.head_message)
    if TRAILER_FIXES not in found or TRAILER_FAILED not in found:
        return None
    repo, gh = run.repo, ports.gh
    owner = repo.split("/")[0]
    fix_pull: Mapping[str, Any] | None = None
    if is_bot_branch(run.head_branch):
        pulls = await gh.getitem(f"/repos/{repo}/pulls?state=open&head={owner}:{run.head_branch}")
        fix_pull = pulls[0] if pulls else None
        if fix_pull is None:
            return None
        branch = str(fix_pull["base"]["ref"])
        delivery = Delivery.PULL_REQUEST
    else:
        branch, delivery = run.head_branch, Delivery.PUSH
    pull_number = run.pulls[0] if run.pulls and delivery is Delivery.PUSH else None
    if delivery is Delivery.PULL_REQUEST:
        originals = await gh.getitem(f"/repos/{repo}/pulls?state=open&head={owner}:{branch}")
        pull_number = int(originals[0]["number"]) if originals else None
    lint_text = found.get(TRAILER_LINT, "null")
    attempts = ports.stores.fix_attempts
    attempt = await attempts.begin(
        repo=repo,
        branch=branch,
        failed_sha=found[TRAILER_FAILED],
        run_id=int(found.get(TRAILER_RUN) or 0),
        workflow=run.workflow,
        now=ports.clock(),
    )
    patch = ""
    if fix_pull is not None:
        files = await gh.getitem(f"/repos/{repo}/pulls/{fix_pull['number']}/files")
        patch = "".join(
            f"--- a/{f['filename']}\n+++ b/{f['filename']}\n{f.get('patch', '')}\n" for f in files
        )
    attempt = await attempts.record(
        attempt,
        now=ports.clock(),
        delivery=str(delivery),
        pull_number=pull_number,
        fix_ids=tuple(found[TRAILER_FIXES].split(",")),
        patch=patch,
        fix_sha=run.head_sha,
        bot_branch=bot_branch(branch) if fix_pull is not None else None,
        fix_pull=None if fix_pull is None else int(fix_pull["number"]),
        lint=None if lint_text == "null" else float(lint_text),
    )
    for step in (Step.COMMIT, Step.SHIP):
        attempt = (
            await attempts.move(attempt, advance(attempt.state, step), now=ports.clock()) or attempt
        )
    return attempt


async def on_fix_run_completed(ports: Ports, run: WorkflowRun) -> FixOutcome | None:
    """Route the fix whose commit ``run`` ran on, once every run on it has completed."""
    attempt = await ports.stores.fix_attempts.by_fix_sha(run.repo, run.head_sha)
    if attempt is None and ports.workspace is not None:
        attempt = await _attempt_from_commit(ports, run)
    if attempt is None:
        return None  # not a fix commit
    pulls = [n for n in (attempt.pull_number, attempt.fix_pull) if n]
    async with ports.lock(*lease_names(attempt.repo, pulls, attempt.branch)):
        return await _route_when_done(ports, run, attempt.id)


async def _route_when_done(ports: Ports, run: WorkflowRun, attempt_id: int) -> FixOutcome | None:
    attempt = await ports.stores.fix_attempts.get(attempt_id)  # as it is under the lease
    if attempt is None or attempt.state is not AttemptState.VALIDATING:
        return None  # already routed (a redelivery, or another worker was first)
    config = await ports.repo_config.at(run.repo, run.head_sha)
    results = await _results(ports, run.repo, run.head_sha, config)
    waiting = pending(results)
    if waiting:
        log.info(f"{run.repo} fix {run.head_sha[:7]}: waiting for {', '.join(waiting)}")
        return None
    signals = signals_from(results, config.autofix.checks, lint=attempt.lint)
    return await route_fix(ports, attempt, signals, config)


async def route_fix(
    ports: Ports, attempt: FixAttempt, signals: Signals, config: RepoConfig
) -> FixOutcome:
    """Score the validated fix and send it where its score allows."""
    result = score(signals, thresholds=config.thresholds, unsafe_fixes=_unsafe(attempt.fix_ids))
    attempts = ports.stores.fix_attempts
    scored = await attempts.move(
        attempt,
        advance(attempt.state, Step.SCORE),
        now=ports.clock(),
        score=result.score,
        route=result.route.value,
    )
    if scored is None:
        return outcome(view_of(attempt, render.Stage.VALIDATING))
    attempt = scored
    if ports.dry_run:
        view = view_of(attempt, render.Stage.OPEN, score=result)
        return outcome(view)
    if result.route is Route.AUTO_MERGE:
        attempt, stage, notes = await _merge(ports, attempt, config)
    elif result.route is Route.PULL_REQUEST:
        attempt, stage, notes = await _leave_open(ports, attempt, result)
    else:
        attempt, stage, notes = await _queue(ports, attempt, result)
    failed = signals.tests is not None and signals.tests < 1.0
    if failed and stage is not render.Stage.MERGED:
        stage = render.Stage.FAILED
    view = view_of(attempt, stage, score=result, notes=notes)
    await show(ports, view, pull_number=attempt.pull_number, fix_pull=attempt.fix_pull)
    done = outcome(view)
    set_outputs(ports, done)
    return done


async def merge_validated(
    ports: Ports, attempt: FixAttempt, merge_method: str
) -> tuple[bool, str | None, str]:
    """Merge the fix PR at exactly ``attempt.fix_sha``: (merged, merge commit, note)."""
    assert attempt.fix_pull is not None and attempt.fix_sha is not None
    url = f"/repos/{attempt.repo}/pulls/{attempt.fix_pull}/merge"
    try:
        merged = await ports.gh.put(
            url, data={"sha": attempt.fix_sha, "merge_method": merge_method}
        )
        return True, str(merged.get("sha")), ""
    except BadRequest as exc:
        status = int(exc.status_code)
        if status == 409:
            return False, None, "the fix pull request's head moved after validation: not merged"
        if status != 405:
            raise
    pull = await ports.gh.getitem(f"/repos/{attempt.repo}/pulls/{attempt.fix_pull}")
    await ports.gh.graphql(
        ENABLE_AUTO_MERGE,
        endpoint=f"{ports.settings.api_url.rstrip('/')}/graphql",
        pullRequestId=pull["node_id"],
        expectedHeadOid=attempt.fix_sha,
        mergeMethod=merge_method.upper(),
    )
    note = (
        "branch protection does not allow a merge yet: auto-merge is on for exactly "
        f"{attempt.fix_sha[:7]}, so GitHub merges it once the required checks and reviews pass"
    )
    return False, None, note


async def _merge(
    ports: Ports, attempt: FixAttempt, config: RepoConfig
) -> tuple[FixAttempt, render.Stage, list[str]]:
    attempts = ports.stores.fix_attempts
    if attempt.delivery == Delivery.PUSH:  # the validated commit is already on the branch
        moved = await attempts.move(attempt, advance(attempt.state, Step.MERGE), now=ports.clock())
        return moved or attempt, render.Stage.MERGED, []
    merged, _, note = await merge_validated(ports, attempt, config.autofix.merge_method)
    step = Step.MERGE if merged else Step.LEAVE_OPEN
    moved = await attempts.move(attempt, advance(attempt.state, step), now=ports.clock())
    stage = render.Stage.MERGED if merged else render.Stage.OPEN
    return moved or attempt, stage, [note] if note else []


async def _leave_open(
    ports: Ports, attempt: FixAttempt, result: ScoreResult
) -> tuple[FixAttempt, render.Stage, list[str]]:
    notes = ["not merged: " + "; ".join(result.reasons)]
    author = attempt.pull_author
    if attempt.fix_pull is not None and author and not author.endswith("[bot]"):
        url = f"/repos/{attempt.repo}/pulls/{attempt.fix_pull}/requested_reviewers"
        try:
            await ports.gh.post(url, data={"reviewers": [author]})
            notes.append(f"review requested from the author of the failing change, {author}")
        except BadRequest as exc:
            if int(exc.status_code) != 422:
                raise
            notes.append(f"{author} could not be asked for a review (not a collaborator)")
    moved = await ports.stores.fix_attempts.move(
        attempt, advance(attempt.state, Step.LEAVE_OPEN), now=ports.clock()
    )
    return moved or attempt, render.Stage.OPEN, notes


async def _queue(
    ports: Ports, attempt: FixAttempt, result: ScoreResult
) -> tuple[FixAttempt, render.Stage, list[str]]:
    item: int | None = None
    notes: list[str] = []
    if ports.workspace is None:
        item = await _enqueue(ports, attempt, result)
    else:  # the Action's store ends with the job: the label is the queue
        notes.append(
            f"the Action keeps no review queue: the label `{render.REVIEW_LABEL}` marks the "
            "fix for a person, who merges it after review"
        )
    number = attempt.fix_pull or attempt.pull_number
    if number is not None:
        await ports.gh.post(
            f"/repos/{attempt.repo}/issues/{number}/labels", data={"labels": [render.REVIEW_LABEL]}
        )
    moved = await ports.stores.fix_attempts.move(
        attempt, advance(attempt.state, Step.QUEUE), now=ports.clock(), queue_id=item
    )
    return moved or attempt, render.Stage.QUEUED, notes


async def _enqueue(ports: Ports, attempt: FixAttempt, result: ScoreResult) -> int:
    import asyncio

    queue = ports.stores.review_queue
    item = await asyncio.to_thread(
        queue.enqueue,
        result,
        diff=attempt.patch,
        now=datetime.fromtimestamp(ports.clock(), UTC),
        repo=attempt.repo,
        pr_number=attempt.fix_pull or attempt.pull_number,
        head_sha=attempt.fix_sha or attempt.failed_sha,
        fix_ids=attempt.fix_ids,
    )
    return item.id
