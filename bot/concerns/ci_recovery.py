"""CI passed again → the sticky comment that triaged that workflow says so."""

from __future__ import annotations

import logging

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core import leases
from bot.core.events import Event
from bot.core.payloads import RunConclusion, WorkflowRun
from bot.core.render import triage_report as render
from bot.core.render.decision import Decision, resolution
from bot.github.publish import edit_comment, find_sticky_comment, remember_comment

log = logging.getLogger(__name__)
router = Router()


@router.register("workflow_run", action="completed")
async def on_workflow_run_passed(event: Event, ports: Ports) -> None:
    run = WorkflowRun.from_event(event)
    if run is None or run.conclusion != RunConclusion.SUCCESS:
        return
    history = ports.stores.history
    # A pass after a triaged failure on one commit is what flaky detection needs.
    if await history.has_failed(run.repo, run.workflow, run.head_sha):
        await history.record(run.key, run.conclusion, [], now=ports.clock())
    # The App's history knows every workflow it triaged: none, no comment to resolve. The
    # Action's store is new on every run, so it looks for the comment on GitHub instead.
    if not ports.stateless and not await history.has_failed(run.repo, run.workflow):
        return
    if ports.dry_run:
        log.info(
            "dry-run: the sticky comment is left as it is", extra={"delivery": event.delivery_id}
        )
        ports.summary.decisions.append(Decision.DRY_RUN)
        return
    resolved = await resolve_comments(ports, run)
    decision = Decision.RESOLVED if resolved else Decision.NOTHING_TO_RESOLVE
    ports.summary.decide(decision, resolution(run.workflow, resolved=resolved, looked_at=run.pulls))


async def resolve_comments(ports: Ports, run: WorkflowRun) -> list[int]:
    """On a pass, the PRs' sticky comments that triaged this workflow say it passes again;
    the PRs whose comment was edited.

    The comment is found by its marker on GitHub, not in the store, so this works in the
    Action too. Only the PRs the payload names are looked at (no search for fork PRs), and
    only a comment describing this same workflow is edited: another may still be failing.
    """
    body = render.resolved_comment(run.workflow, run.run_id, run.html_url, run.head_sha)
    resolved: list[int] = []
    for number in run.pulls:
        # Under the PR's lease: a triage of another workflow may be editing the same comment.
        async with ports.lock(leases.pull_request(run.repo, number)):
            comment = await find_sticky_comment(ports.gh, run.repo, number, marker=render.MARKER)
            if comment is None or not render.describes(str(comment.get("body")), run.workflow):
                continue
            await edit_comment(ports.gh, run.repo, comment, body)
            await remember_comment(
                ports.stores.published,
                run.repo,
                number,
                marker=render.MARKER,
                comment_id=int(comment["id"]),
                body=body,
            )
            resolved.append(number)
    return resolved
