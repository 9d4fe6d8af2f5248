"""Journey 2: a fixable CI failure becomes a fix, CI validates it, the score routes it.

The first half runs right after triage (``ci_failure`` hands its report to ``after_triage``);
the second half runs when CI on the fix commit completes (this module's router). Both take
the pull request's one-writer lease (``ports.lock``), so concurrent deliveries never double
a fix.
``fix_pull_request`` and ``ship_queued_fix`` serve ``/autopilot fix`` and ``/autopilot approve``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from gidgethub.routing import Router

from bot.concerns.fix_journey import fix_failed_run
from bot.concerns.fix_publish import lease_names, outcome, show, view_of
from bot.concerns.fix_routing import merge_validated, on_fix_run_completed, route_fix
from bot.concerns.ports import Ports
from bot.config.repo import RepoConfig
from bot.core.config_check import ConfigError
from bot.core.events import Event
from bot.core.fix_attempt import AttemptState, FixAttempt, Step, advance
from bot.core.fix_plan import Delivery, FixOutcome, NoFix, is_fix_commit
from bot.core.payloads import RunConclusion, WorkflowRun
from bot.core.render import fix_report as render
from bot.core.render.triage_report import TriageReport
from bot.core.review import QueueState, format_item_id
from bot.core.scoring import Signals
from bot.github.runs import latest_failed_run
from bot.store.review_queue import AlreadyDecided, ItemNotFound

log = logging.getLogger(__name__)
router = Router()

__all__ = [
    "FixOutcome",
    "after_triage",
    "fix_pull_request",
    "router",
    "ship_queued_fix",
    "validate_in_job",
]


async def interrupted(ports: Ports, run: WorkflowRun) -> bool:
    """Whether a fix for this failed head started and was cut short (a worker died): then a
    redelivery carries it on even though the triage was published already."""
    attempt = await ports.stores.fix_attempts.find(run.repo, run.head_branch, run.head_sha)
    return attempt is not None and attempt.state in (AttemptState.PLANNED, AttemptState.COMMITTED)


async def after_triage(
    ports: Ports,
    run: WorkflowRun,
    report: TriageReport,
    config: RepoConfig,
    pulls: Sequence[int],
    *,
    requested: bool = False,
) -> FixOutcome | None:
    """The first half of the journey for a triaged failed run; None for the bot's own fixes
    (their CI result is the second half's business, never a reason to fix again)."""
    if await ports.stores.fix_attempts.by_fix_sha(run.repo, run.head_sha) is not None:
        return None
    if ports.workspace is not None and is_fix_commit(run.head_message):
        return None  # the Action has no store: the commit's trailers say it is the bot's fix
    async with ports.lock(*lease_names(run.repo, pulls, run.head_branch)):
        result = await fix_failed_run(ports, run, report, config, pulls, requested=requested)
        workspace = ports.workspace
        if workspace is None or not workspace.validate_in_job or result.fix_sha is None:
            return result
        owner = run.repo.split("/")[0].lower()
        if (run.head_owner or "").lower() != owner:
            return result  # a fork's code never runs in a job whose token can write
        attempt = await ports.stores.fix_attempts.by_fix_sha(run.repo, result.fix_sha)
        if attempt is None or attempt.state is not AttemptState.VALIDATING:
            return result
        return await validate_in_job(ports, attempt, config)


@router.register("workflow_run", action="completed")
async def on_workflow_run_completed(event: Event, ports: Ports) -> None:
    """CI on a fix commit completed: score and route the fix."""
    run = WorkflowRun.from_event(event)
    if run is None or run.conclusion not in set(RunConclusion):
        return
    result = await on_fix_run_completed(ports, run)
    if result is not None:
        log.info(f"{run.repo}: {result.summary}", extra={"delivery": event.delivery_id})


@router.register("check_suite", action="completed")
async def on_check_suite_completed(event: Event, ports: Ports) -> None:
    """Another CI (a check suite) completed on a fix commit: score and route the fix too.

    Routing waits until every run and check on the fix commit has completed, and happens
    once whichever completion comes last (workflow runs also end their check suites).
    """
    suite = event.data.get("check_suite")
    if not isinstance(suite, dict) or event.repository is None or not suite.get("head_sha"):
        return
    run = WorkflowRun(
        repo=event.repository,
        run_id=int(suite.get("id") or 0),
        attempt=1,
        workflow=str((suite.get("app") or {}).get("name") or "checks"),
        conclusion=str(suite.get("conclusion")),
        head_sha=str(suite["head_sha"]),
        head_branch=str(suite.get("head_branch") or ""),
        head_owner=None,
        html_url="",
        pulls=tuple(int(p["number"]) for p in suite.get("pull_requests") or () if p.get("number")),
    )
    result = await on_fix_run_completed(ports, run)
    if result is not None:
        log.info(f"{run.repo}: {result.summary}", extra={"delivery": event.delivery_id})


async def fix_pull_request(
    ports: Ports, repo: str, number: int, *, requested_by: str
) -> FixOutcome:
    """``/autopilot fix``: the journey on the PR's latest failed run, even when the config
    says the bot should not fix by itself."""
    from bot.concerns.ci_failure import triage_run

    pull = await ports.gh.getitem(f"/repos/{repo}/pulls/{number}")
    sha = str(pull["head"]["sha"])
    run = await latest_failed_run(ports.gh, repo, sha)
    if run is None:
        summary = (
            f"CI Autopilot: no failed run on the head of #{number} ({sha[:7]}), so there is "
            "nothing to fix."
        )
        return FixOutcome(ok=False, summary=summary, reason=NoFix.NO_FAILED_RUN)
    try:
        config = await ports.repo_config.at(repo, sha)
    except ConfigError as exc:
        summary = f"CI Autopilot: `.github/autopilot.yml` is invalid, so nothing was fixed: {exc}"
        return FixOutcome(ok=False, summary=summary)
    log.info(f"{repo}#{number}: fix requested by {requested_by}")
    report = await triage_run(ports, run)
    result = await after_triage(ports, run, report, config, [number], requested=True)
    if result is None:
        summary = "CI Autopilot: the failed head is the bot's own fix; it is not fixed again."
        return FixOutcome(ok=False, summary=summary, reason=NoFix.FIX_OF_A_FIX)
    return result


async def ship_queued_fix(ports: Ports, item_id: int, *, actor: str) -> FixOutcome:
    """``/autopilot approve ID``: ship a queued fix as its route allows: the fix PR merges at
    exactly the validated SHA (a fix already pushed to its branch just stays)."""
    label = format_item_id(item_id)
    queue = ports.stores.review_queue
    attempt = await ports.stores.fix_attempts.by_queue_id(item_id)
    try:
        item = await asyncio.to_thread(queue.get, item_id)
    except ItemNotFound:
        return FixOutcome(ok=False, summary=f"CI Autopilot: there is no review queue item {label}.")
    if attempt is None or attempt.fix_sha is None:
        summary = (
            f"CI Autopilot: {label} is not a fix the bot committed; "
            "apply it with `autopilot queue apply`."
        )
        return FixOutcome(ok=False, summary=summary)
    now = datetime.fromtimestamp(ports.clock(), UTC)
    if item.state is QueueState.PENDING:
        try:
            await asyncio.to_thread(queue.claim, item_id, actor=actor, now=now)
        except AlreadyDecided as exc:
            return FixOutcome(ok=False, summary=f"CI Autopilot: {exc}.")
    elif item.state is not QueueState.APPROVED:
        summary = f"CI Autopilot: {label} is {item.state.value}; only a pending fix can ship."
        return FixOutcome(ok=False, summary=summary)
    pulls = [n for n in (attempt.pull_number, attempt.fix_pull) if n]
    async with ports.lock(*lease_names(attempt.repo, pulls, attempt.branch)):
        fresh = await ports.stores.fix_attempts.get(attempt.id)
        return await _ship_approved(ports, fresh or attempt, item_id, actor=actor)


async def _ship_approved(
    ports: Ports, attempt: FixAttempt, item_id: int, *, actor: str
) -> FixOutcome:
    queue = ports.stores.review_queue
    now = datetime.fromtimestamp(ports.clock(), UTC)
    assert attempt.fix_sha is not None
    merge_sha: str | None = attempt.fix_sha
    note = ""
    if attempt.delivery != Delivery.PUSH and attempt.fix_pull is not None:
        config = await ports.repo_config.at(attempt.repo, attempt.fix_sha)
        merged, merge_sha, note = await merge_validated(ports, attempt, config.autofix.merge_method)
        if not merged:
            await asyncio.to_thread(queue.release, item_id, note=note)
            view = view_of(attempt, render.Stage.QUEUED, notes=[note])
            return FixOutcome(ok=False, summary=render.summary(view) + " " + note)
    await asyncio.to_thread(queue.mark_applied, item_id, now=now, commit_sha=merge_sha)
    if attempt.state in (AttemptState.QUEUED, AttemptState.OPEN):
        moved = await ports.stores.fix_attempts.move(
            attempt, advance(attempt.state, Step.MERGE), now=ports.clock()
        )
        attempt = moved or attempt
    notes = [f"approved by {actor} ({format_item_id(item_id)})"]
    view = view_of(attempt, render.Stage.MERGED, notes=notes)
    await show(ports, view, pull_number=attempt.pull_number, fix_pull=attempt.fix_pull)
    return outcome(view)


async def validate_in_job(ports: Ports, attempt: FixAttempt, config: RepoConfig) -> FixOutcome:
    """The Action with ``GITHUB_TOKEN``: its push starts no workflow, so the job runs the
    configured checks on the fixed checkout itself (same-repository changes only)."""
    from bot.validation.runner import validate_tree

    assert ports.workspace is not None
    measured = await asyncio.to_thread(
        validate_tree, ports.workspace.path, list(attempt.files), config.validation
    )
    values = {k: None if v is None else float(v) for k, v in measured.as_dict().items()}
    values["lint"] = attempt.lint if attempt.lint is not None else values["lint"]
    return await route_fix(ports, attempt, Signals(**values), config)
