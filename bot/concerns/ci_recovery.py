"""CI passed again → the sticky comment that triaged that workflow says so."""

from __future__ import annotations

import logging

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core import leases
from bot.core.events import Event
from bot.core.payloads import RunConclusion, WorkflowRun
from bot.core.render import triage_report as render
from bot.github.publish import edit_comment, find_sticky_comment

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
    if not await history.has_failed(run.repo, run.workflow):
        return  # never triaged here: there is no comment to resolve
    if ports.dry_run:
        log.info(
            "dry-run: the sticky comment is left as it is", extra={"delivery": event.delivery_id}
        )
        return
    await resolve_comments(ports, run)


async def resolve_comments(ports: Ports, run: WorkflowRun) -> None:
    """On a pass, the PRs' sticky comments that triaged this workflow say it passes again.

    Only the PRs the payload names are looked at (no search for fork PRs), and only a
    comment describing this same workflow is edited: another workflow may still be failing.
    """
    body = render.resolved_comment(run.workflow, run.run_id, run.html_url, run.head_sha)
    for number in run.pulls:
        # Under the PR's lease: a triage of another workflow may be editing the same comment.
        async with ports.lock(leases.pull_request(run.repo, number)):
            comment = await find_sticky_comment(ports.gh, run.repo, number, marker=render.MARKER)
            if comment is not None and render.describes(str(comment.get("body")), run.workflow):
                await edit_comment(ports.gh, run.repo, comment, body)
