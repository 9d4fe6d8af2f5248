"""GitHub Actions workflows: list, get, their runs, and ``workflow_dispatch``."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, no_content, paginate
from bot.fakegh.routes.actions import list_runs_matching, new_run
from bot.fakegh.shapes import HTML, node_id
from bot.fakegh.state import Workflow, iso

router = Router()


def _workflow(ctx: Ctx) -> Workflow:
    repo, key = ctx.repo(), ctx.params["workflow_id"]
    for wf in ctx.world.workflows.values():
        if wf.repo == repo.full_name and key in (str(wf.id), wf.path.rsplit("/", 1)[-1]):
            return wf
    raise HTTPError(404, "Not Found")


@router.route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs")
async def list_workflow_runs(ctx: Ctx) -> web.StreamResponse:
    return list_runs_matching(ctx, _workflow(ctx).id)


@router.route("GET", "/repos/{owner}/{repo}/actions/workflows")
async def list_workflows(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    found = [w for w in ctx.world.workflows.values() if w.repo == repo.full_name]
    page, headers = paginate(ctx, found)
    return json_response(
        {"total_count": len(found), "workflows": [_wf_json(ctx, w) for w in page]}, headers=headers
    )


@router.route("GET", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}")
async def get_workflow(ctx: Ctx) -> web.StreamResponse:
    return json_response(_wf_json(ctx, _workflow(ctx)))


@router.route("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches")
async def dispatch(ctx: Ctx) -> web.StreamResponse:
    wf, repo = _workflow(ctx), ctx.repo()
    ref = str(ctx.field("ref"))
    sha = repo.resolve(ref)
    if sha is None:
        raise HTTPError(422, f"No ref found for: {ref}")
    wf.dispatches.append({"ref": ref, "inputs": ctx.field("inputs") or {}})
    new_run(
        ctx.world,
        repo,
        head_sha=sha,
        head_branch=ref.removeprefix("refs/heads/"),
        name=wf.name,
        path=wf.path,
        event="workflow_dispatch",
        conclusion=None,
    )
    return no_content()


def _wf_json(ctx: Ctx, wf: Workflow) -> dict[str, Any]:
    return {
        "id": wf.id,
        "node_id": node_id("W", wf.id),
        "name": wf.name,
        "path": wf.path,
        "state": "active",
        "created_at": iso(0),
        "updated_at": iso(0),
        "url": ctx.api(f"/repos/{wf.repo}/actions/workflows/{wf.id}"),
        "html_url": f"{HTML}/{wf.repo}/blob/HEAD/{wf.path}",
        "badge_url": f"{HTML}/{wf.repo}/workflows/{wf.name}/badge.svg",
    }
