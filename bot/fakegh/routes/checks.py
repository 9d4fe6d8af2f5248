"""Check runs: create, update (annotations append, at most 50 per request), get, list for a ref."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, paginate
from bot.fakegh.routes.apps import integration
from bot.fakegh.shapes import HTML, node_id
from bot.fakegh.state import CheckRun, iso

router = Router()
MAX_ANNOTATIONS = 50


def check_run_json(ctx: Ctx, run: CheckRun) -> dict[str, Any]:
    url = ctx.api(f"/repos/{run.repo}/check-runs/{run.id}")
    app = ctx.world.apps.get(run.app_id or -1)
    pulls = [
        {
            "id": p.id,
            "number": p.number,
            "url": ctx.api(f"/repos/{p.repo}/pulls/{p.number}"),
            "head": {"ref": p.head_ref, "sha": p.head_sha, "repo": _repo_ref(ctx, p.head_repo)},
            "base": {"ref": p.base_ref, "sha": p.base_sha, "repo": _repo_ref(ctx, p.repo)},
        }
        for p in ctx.world.pulls.values()
        if p.repo == run.repo and p.head_sha == run.head_sha
    ]
    return {
        "id": run.id,
        "node_id": node_id("CR", run.id),
        "head_sha": run.head_sha,
        "external_id": run.external_id,
        "url": url,
        "html_url": f"{HTML}/{run.repo}/runs/{run.id}",
        "details_url": run.details_url,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": iso(run.started_at),
        "completed_at": iso(run.completed_at) if run.completed_at else None,
        "output": {
            "title": run.output.get("title"),
            "summary": run.output.get("summary"),
            "text": run.output.get("text"),
            "annotations_count": len(run.annotations),
            "annotations_url": url + "/annotations",
        },
        "name": run.name,
        "check_suite": {"id": run.id + 1},
        "app": integration(ctx, app) if app else None,
        "pull_requests": pulls,
    }


def _repo_ref(ctx: Ctx, full_name: str) -> dict[str, Any]:
    repo = ctx.world.repos[full_name.lower()]
    return {"id": repo.id, "url": ctx.api(f"/repos/{full_name}"), "name": repo.name}


def _apply(ctx: Ctx, run: CheckRun) -> None:
    """Fields of a create/update body onto ``run``; annotations are appended."""
    body: dict[str, Any] = ctx.body if isinstance(ctx.body, dict) else {}
    output = body.get("output") or {}
    annotations = output.get("annotations") or []
    if len(annotations) > MAX_ANNOTATIONS:
        raise HTTPError(422, f"Only {MAX_ANNOTATIONS} annotations are allowed per request")
    for key in ("name", "details_url", "external_id", "status", "actions"):
        if key in body:
            setattr(run, key, body[key])
    if body.get("conclusion"):
        run.conclusion, run.status = body["conclusion"], "completed"
    if run.status == "completed" and not run.conclusion:
        raise HTTPError(422, "Invalid request.\n\nconclusion is required when status is completed")
    if run.status == "completed" and run.completed_at is None:
        run.completed_at = ctx.world.now()
    run.output.update({k: output[k] for k in ("title", "summary", "text") if k in output})
    run.annotations.extend(annotations)


def _get(ctx: Ctx) -> CheckRun:
    run = ctx.world.check_runs.get(ctx.int_param("check_run_id"))
    if run is None or run.repo != ctx.repo().full_name:
        raise HTTPError(404, "Not Found")
    return run


@router.route("POST", "/repos/{owner}/{repo}/check-runs")
async def create_check_run(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    head_sha = str(ctx.field("head_sha"))
    if head_sha not in repo.commits:
        raise HTTPError(422, f"No commit found for SHA: {head_sha}")
    run = CheckRun(
        id=ctx.world.next_id(),
        repo=repo.full_name,
        name=str(ctx.field("name")),
        head_sha=head_sha,
        status="queued",
        conclusion=None,
        started_at=ctx.world.now(),
        completed_at=None,
        output={},
        annotations=[],
        app_id=ctx.principal.app_id,
    )
    _apply(ctx, run)
    ctx.world.check_runs[run.id] = run
    return json_response(check_run_json(ctx, run), status=201)


@router.route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
async def update_check_run(ctx: Ctx) -> web.StreamResponse:
    run = _get(ctx)
    _apply(ctx, run)
    return json_response(check_run_json(ctx, run))


@router.route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
async def get_check_run(ctx: Ctx) -> web.StreamResponse:
    return json_response(check_run_json(ctx, _get(ctx)))


@router.route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations")
async def list_annotations(ctx: Ctx) -> web.StreamResponse:
    run = _get(ctx)
    page, headers = paginate(ctx, run.annotations)
    data = [
        {
            "path": a.get("path"),
            "start_line": a.get("start_line"),
            "end_line": a.get("end_line"),
            "start_column": a.get("start_column"),
            "end_column": a.get("end_column"),
            "annotation_level": a.get("annotation_level"),
            "title": a.get("title"),
            "message": a.get("message"),
            "raw_details": a.get("raw_details"),
            "blob_href": f"{HTML}/{run.repo}/blob/{run.head_sha}/{a.get('path')}",
        }
        for a in page
    ]
    return json_response(data, headers=headers)


@router.route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
async def list_for_ref(ctx: Ctx) -> web.StreamResponse:
    repo, q = ctx.repo(), ctx.request.query
    sha = repo.resolve(ctx.params["ref"])
    if sha is None:
        raise HTTPError(422, f"No commit found for SHA: {ctx.params['ref']}")
    runs = [
        r
        for r in sorted(ctx.world.check_runs.values(), key=lambda r: -r.id)
        if r.repo == repo.full_name
        and r.head_sha == sha
        and q.get("check_name") in (None, r.name)
        and q.get("status") in (None, r.status)
    ]
    if q.get("filter", "latest") == "latest":
        latest: dict[str, CheckRun] = {}
        for r in runs:
            latest.setdefault(r.name, r)
        runs = list(latest.values())
    page, headers = paginate(ctx, runs)
    data = {"total_count": len(runs), "check_runs": [check_run_json(ctx, r) for r in page]}
    return json_response(data, headers=headers)
