"""The tracking issue: created once per run, edited only when its rendered body changes,
closed with a final report; edits by people without write access are undone."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from gidgethub import GitHubException

from bot.core.plan.model import Plan
from bot.core.plan.state import PlanRun, RunState
from bot.core.render.markdown import text
from bot.core.render.plan_issue import marker, render_issue, render_report, report_marker, title
from bot.github.client import GitHubClient
from bot.github.publish import upsert_sticky_comment
from bot.store.plans import PlanStore

log = logging.getLogger(__name__)
LABEL = "autopilot-plan"


async def _find_issue(gh: GitHubClient, repo: str, run: PlanRun) -> Mapping[str, Any] | None:
    """An issue already opened for this run (a crash between opening and recording it)."""
    url = f"/repos/{repo}/issues?labels={LABEL}&state=all&per_page=100"
    try:
        async for issue in gh.getiter(url):
            if str(issue.get("body") or "").startswith(marker(run.id)):
                return dict(issue)
    except GitHubException as exc:  # only a safety net: opening the issue matters more
        log.warning("cannot list issues of %s to find run %s's issue: %s", repo, run.id, exc)
    return None


async def sync_issue(
    gh: GitHubClient, store: PlanStore, plan: Plan, run: PlanRun, *, current: str | None = None
) -> PlanRun:
    """Bring the issue up to date with ``run``; ``current`` is the body as GitHub has it when
    known (an edit event), else the body last written. Returns the run as stored."""
    repo = run.repository
    body = render_issue(plan, run)
    if run.issue_number is None:
        found = await _find_issue(gh, repo, run)
        if found is None:
            found = await gh.post(
                f"/repos/{repo}/issues",
                data={"title": title(plan, run), "body": body, "labels": [LABEL]},
            )
            current = body
        else:
            current = str(found.get("body") or "")
        await store.update_run(run.id, issue_number=int(found["number"]), issue_body=current)
        run = await store.load(run.id)
    assert run.issue_number is not None
    known = current if current is not None else await store.issue_body(run.id)
    if body != known:
        await gh.patch(f"/repos/{repo}/issues/{run.issue_number}", data={"body": body})
        await store.update_run(run.id, issue_body=body)
    elif current is not None and current != await store.issue_body(run.id):
        await store.update_run(run.id, issue_body=body)
    if run.state is RunState.RUNNING and run.closed:  # a retry after the end: open it again
        await gh.patch(f"/repos/{repo}/issues/{run.issue_number}", data={"state": "open"})
        await store.update_run(run.id, closed=0)
    elif run.state is not RunState.RUNNING and not run.closed:
        await upsert_sticky_comment(
            gh, repo, run.issue_number, marker=report_marker(run.id), body=render_report(plan, run)
        )
        reason = "completed" if run.state is RunState.SUCCEEDED else "not_planned"
        await gh.patch(
            f"/repos/{repo}/issues/{run.issue_number}",
            data={"state": "closed", "state_reason": reason},
        )
        await store.update_run(run.id, closed=1)
    return await store.load(run.id)


async def undo_edit(
    gh: GitHubClient, store: PlanStore, plan: Plan, run: PlanRun, *, editor: str
) -> None:
    """Put the bot's body back and say why: only people with write access may tick boxes."""
    assert run.issue_number is not None
    body = render_issue(plan, run)
    await gh.patch(f"/repos/{run.repository}/issues/{run.issue_number}", data={"body": body})
    await store.update_run(run.id, issue_body=body)
    await gh.post(
        f"/repos/{run.repository}/issues/{run.issue_number}/comments",
        data={
            "body": f"{text('@' + editor)}: only people with write access to this repository "
            "can approve or retry phases, so your edit of the checklist was undone."
        },
    )
