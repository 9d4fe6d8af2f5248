"""What the fix journey tells people at each step: sticky comment, check run, fix PR comment."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.concerns.ports import Ports
from bot.core import leases
from bot.core.fix_attempt import AttemptState, FixAttempt
from bot.core.fix_plan import ChangeFacts, Delivery, FixOutcome, FixPlan, NoFix
from bot.core.payloads import WorkflowRun
from bot.core.render import fix_report as render
from bot.core.scoring import ScoreResult
from bot.github.publish import CheckRunRequest, publish_check_run, upsert_sticky_comment

log = logging.getLogger(__name__)


def stage_of(attempt: FixAttempt) -> render.Stage:
    """The headline stage of an attempt that has not been scored yet."""
    if attempt.state is AttemptState.ABANDONED:
        return render.Stage.NO_FIX
    if attempt.delivery == Delivery.SUGGESTIONS:
        return render.Stage.SUGGESTED
    if attempt.delivery == Delivery.PUSH:
        return render.Stage.PUSHED
    return render.Stage.PROPOSED


def view_of(
    attempt: FixAttempt,
    stage: render.Stage,
    *,
    score: ScoreResult | None = None,
    notes: Sequence[str] = (),
) -> render.FixView:
    """The view of a stored attempt at ``stage``."""
    return render.FixView(
        stage=stage,
        repo=attempt.repo,
        workflow=attempt.workflow,
        run_id=attempt.run_id,
        run_url=attempt.run_url,
        failed_sha=attempt.failed_sha,
        branch=attempt.branch,
        detail=attempt.detail or "",
        fix_ids=attempt.fix_ids,
        files=attempt.files,
        patch=attempt.patch,
        fix_sha=attempt.fix_sha,
        bot_branch=attempt.bot_branch,
        fix_pull=attempt.fix_pull,
        score=score,
        queue_id=attempt.queue_id,
        notes=tuple(notes),
    )


def lease_names(repo: str, pulls: Sequence[int], branch: str) -> list[str]:
    """The leases of a fix step: its pull requests', else the failing branch's."""
    numbers = sorted({n for n in pulls if n})
    if numbers:
        return [leases.pull_request(repo, n) for n in numbers]
    return [leases.branch(repo, branch)]


def external_id(run_id: int) -> str:
    """One ``autopilot/fix`` check run per failed run answered."""
    return f"fix:{run_id}"


async def show(
    ports: Ports, view: render.FixView, *, pull_number: int | None, fix_pull: int | None = None
) -> None:
    """The check run on the failed head, the PR's sticky comment, and the fix PR's comment."""
    if ports.dry_run:
        log.info(f"dry-run: {render.summary(view)}")
        return
    conclusion, output = render.check_output(view)
    request = CheckRunRequest(
        name=render.CHECK_NAME,
        head_sha=view.failed_sha,
        conclusion=conclusion,
        external_id=external_id(view.run_id),
        output=output,
    )
    await publish_check_run(ports.gh, view.repo, request)
    body = render.comment(view)
    for number in dict.fromkeys(n for n in (pull_number, fix_pull) if n is not None):
        await upsert_sticky_comment(ports.gh, view.repo, number, marker=render.MARKER, body=body)


def outcome(view: render.FixView, reason: NoFix | None = None) -> FixOutcome:
    score = view.score
    return FixOutcome(
        ok=reason is None,
        summary=render.summary(view),
        reason=reason,
        fix_sha=view.fix_sha,
        pull_number=view.fix_pull,
        route=None if score is None else score.route.value,
        score=None if score is None else score.score,
    )


def set_outputs(ports: Ports, result: FixOutcome) -> None:
    """The Action's step outputs (``route``, ``score``, ``fix-pull-request``)."""
    if ports.workspace is None:
        return
    outputs = ports.workspace.outputs
    if result.pull_number is not None:
        outputs["fix-pull-request"] = str(result.pull_number)
    if result.route is not None:
        outputs["route"] = result.route
    if result.score is not None:
        outputs["score"] = str(result.score)


async def publish(
    ports: Ports,
    run: WorkflowRun,
    facts: ChangeFacts,
    *,
    plan: FixPlan,
    attempt: FixAttempt | None,
) -> FixOutcome:
    """Show where the attempt stands after the first half of the journey (or why none)."""
    if attempt is None:
        view = render.FixView(
            stage=render.Stage.NO_FIX,
            repo=run.repo,
            workflow=run.workflow,
            run_id=run.run_id,
            run_url=run.html_url,
            failed_sha=run.head_sha,
            branch=plan.branch,
            detail=plan.detail,
        )
        reason = plan.reason
    else:
        view = view_of(attempt, stage_of(attempt))
        reason = NoFix(attempt.reason) if attempt.reason else None
    log.info(f"{run.repo} run {run.run_id}: {render.summary(view)}")
    await show(ports, view, pull_number=facts.pull_number)
    result = outcome(view, reason)
    set_outputs(ports, result)
    return result
