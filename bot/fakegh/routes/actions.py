"""GitHub Actions runs: workflow runs, jobs, job logs (302 to plain text) and re-runs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, paginate
from bot.fakegh.shapes import HTML, node_id, repository
from bot.fakegh.state import Commit, Job, Repo, Workflow, WorkflowRun, World, iso

router = Router()
LOG_PREFIX = "/_fakegh/logs/"


def log_signature(job: Job) -> str:
    """The ``sig`` of a job's log URL (the real one is a short-lived signed URL too)."""
    return hashlib.sha256(f"{job.id}:{job.run_attempt}:{job.repo}".encode()).hexdigest()[:20]


def workflow_for(world: World, repo: Repo, name: str, path: str) -> Workflow:
    """The workflow at ``path`` in ``repo``, registered on first use."""
    for wf in world.workflows.values():
        if wf.repo == repo.full_name and wf.path == path:
            return wf
    wf = Workflow(world.next_id(), repo.full_name, name, path)
    world.workflows[wf.id] = wf
    return wf


def new_run(
    world: World,
    repo: Repo,
    *,
    head_sha: str,
    head_branch: str,
    name: str = "CI",
    path: str = ".github/workflows/ci.yml",
    event: str = "push",
    conclusion: str | None = "failure",
    jobs: Sequence[tuple[str, str | None, str]] = (),
) -> WorkflowRun:
    """A workflow run and its jobs, given as ``(name, conclusion, log text)``."""
    wf = workflow_for(world, repo, name, path)
    now = world.now()
    status = "completed" if conclusion else "in_progress"
    run = WorkflowRun(
        world.next_id(),
        repo.full_name,
        wf.id,
        name,
        head_sha,
        head_branch,
        event,
        status,
        conclusion,
        now,
        now,
    )
    run.pull_requests = [
        p.number
        for p in world.pulls.values()
        if p.repo == repo.full_name and p.head_ref == head_branch
    ]
    world.runs[run.id] = run
    for job_name, job_conclusion, log in jobs:
        job = Job(
            world.next_id(),
            run.id,
            repo.full_name,
            job_name,
            "completed" if job_conclusion else "in_progress",
            job_conclusion,
            head_sha,
            now,
            now if job_conclusion else None,
            log,
        )
        world.jobs[job.id] = job
    return run


def run_json(ctx: Ctx, run: WorkflowRun) -> dict[str, Any]:
    repo = ctx.world.repos[run.repo.lower()]
    wf = ctx.world.workflows[run.workflow_id]
    url = ctx.api(f"/repos/{run.repo}/actions/runs/{run.id}")
    commit = repo.commits.get(run.head_sha)
    pulls = [ctx.world.pulls[(run.repo, n)] for n in run.pull_requests]
    return {
        "id": run.id,
        "node_id": node_id("WFR", run.id),
        "name": run.name,
        "display_title": commit.message.splitlines()[0] if commit else run.name,
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": wf.path,
        "run_number": run.id % 1000,
        "run_attempt": run.run_attempt,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow_id,
        "url": url,
        "html_url": f"{HTML}/{run.repo}/actions/runs/{run.id}",
        "created_at": iso(run.created_at),
        "updated_at": iso(run.updated_at),
        "run_started_at": iso(run.created_at),
        "jobs_url": url + "/jobs",
        "logs_url": url + "/logs",
        "cancel_url": url + "/cancel",
        "rerun_url": url + "/rerun",
        "artifacts_url": url + "/artifacts",
        "check_suite_url": ctx.api(f"/repos/{run.repo}/check-suites/{run.id + 1}"),
        "workflow_url": ctx.api(f"/repos/{run.repo}/actions/workflows/{run.workflow_id}"),
        "head_commit": _head_commit(run, commit),
        "pull_requests": [
            {
                "id": p.id,
                "number": p.number,
                "url": ctx.api(f"/repos/{p.repo}/pulls/{p.number}"),
                "head": {
                    "ref": p.head_ref,
                    "sha": p.head_sha,
                    "repo": {"id": repo.id, "url": ctx.api(f"/repos/{p.repo}"), "name": repo.name},
                },
                "base": {
                    "ref": p.base_ref,
                    "sha": p.base_sha,
                    "repo": {"id": repo.id, "url": ctx.api(f"/repos/{p.repo}"), "name": repo.name},
                },
            }
            for p in pulls
        ],
        "repository": repository(ctx, repo, full=False),
        "head_repository": repository(ctx, repo, full=False),
    }


def _head_commit(run: WorkflowRun, commit: Commit | None) -> dict[str, Any]:
    who = commit.author if commit else "unknown"
    person = {"name": who, "email": f"{who}@users.noreply.github.com"}
    return {
        "id": run.head_sha,
        "tree_id": commit.tree if commit else run.head_sha,
        "message": commit.message if commit else "",
        "timestamp": iso(commit.date if commit else run.created_at),
        "author": person,
        "committer": person,
    }


def job_json(ctx: Ctx, job: Job) -> dict[str, Any]:
    run = ctx.world.runs[job.run_id]
    url = ctx.api(f"/repos/{job.repo}/actions/jobs/{job.id}")
    return {
        "id": job.id,
        "node_id": node_id("J", job.id),
        "run_id": job.run_id,
        "run_url": ctx.api(f"/repos/{job.repo}/actions/runs/{job.run_id}"),
        "run_attempt": job.run_attempt,
        "head_sha": job.head_sha,
        "head_branch": run.head_branch,
        "workflow_name": run.name,
        "name": job.name,
        "url": url,
        "html_url": f"{HTML}/{job.repo}/actions/runs/{job.run_id}/job/{job.id}",
        "status": job.status,
        "conclusion": job.conclusion,
        "created_at": iso(job.started_at),
        "started_at": iso(job.started_at),
        "completed_at": iso(job.completed_at) if job.completed_at else None,
        "check_run_url": ctx.api(f"/repos/{job.repo}/check-runs/{job.id}"),
        "steps": job.steps,
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": "GitHub Actions 1",
        "runner_group_id": 1,
        "runner_group_name": "GitHub Actions",
    }


def _run(ctx: Ctx) -> WorkflowRun:
    run = ctx.world.runs.get(ctx.int_param("run_id"))
    if run is None or run.repo != ctx.repo().full_name:
        raise HTTPError(404, "Not Found")
    return run


def _job(ctx: Ctx) -> Job:
    job = ctx.world.jobs.get(ctx.int_param("job_id"))
    if job is None or job.repo != ctx.repo().full_name:
        raise HTTPError(404, "Not Found")
    return job


def list_runs_matching(ctx: Ctx, workflow_id: int | None) -> web.StreamResponse:
    repo, q = ctx.repo(), ctx.request.query
    runs = [
        r
        for r in sorted(ctx.world.runs.values(), key=lambda r: -r.id)
        if r.repo == repo.full_name
        and workflow_id in (None, r.workflow_id)
        and q.get("branch") in (None, r.head_branch)
        and q.get("event") in (None, r.event)
        and q.get("head_sha") in (None, r.head_sha)
        and q.get("status") in (None, r.status, r.conclusion)
    ]
    page, headers = paginate(ctx, runs)
    data = {"total_count": len(runs), "workflow_runs": [run_json(ctx, r) for r in page]}
    return json_response(data, headers=headers)


@router.route("GET", "/repos/{owner}/{repo}/actions/runs")
async def list_runs(ctx: Ctx) -> web.StreamResponse:
    return list_runs_matching(ctx, None)


@router.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}")
async def get_run(ctx: Ctx) -> web.StreamResponse:
    return json_response(run_json(ctx, _run(ctx)))


@router.route("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/jobs")
async def list_jobs(ctx: Ctx) -> web.StreamResponse:
    run = _run(ctx)
    jobs = [j for j in ctx.world.jobs.values() if j.run_id == run.id]
    if ctx.request.query.get("filter", "latest") == "latest":
        latest: dict[str, Job] = {}
        for j in sorted(jobs, key=lambda j: j.run_attempt):
            latest[j.name] = j
        jobs = list(latest.values())
    page, headers = paginate(ctx, jobs)
    return json_response(
        {"total_count": len(jobs), "jobs": [job_json(ctx, j) for j in page]}, headers=headers
    )


@router.route("GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}")
async def get_job(ctx: Ctx) -> web.StreamResponse:
    return json_response(job_json(ctx, _job(ctx)))


@router.route("GET", "/repos/{owner}/{repo}/actions/jobs/{job_id}/logs")
async def job_logs(ctx: Ctx) -> web.StreamResponse:
    job = _job(ctx)
    location = ctx.api(f"{LOG_PREFIX}{job.id}?sig={log_signature(job)}")
    return web.Response(status=302, headers={"Location": location})


@router.route("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs")
async def rerun_failed(ctx: Ctx) -> web.StreamResponse:
    return _rerun(ctx, only_failed=True)


@router.route("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun")
async def rerun(ctx: Ctx) -> web.StreamResponse:
    return _rerun(ctx, only_failed=False)


def _rerun(ctx: Ctx, *, only_failed: bool) -> web.StreamResponse:
    run = _run(ctx)
    if run.status != "completed":
        raise HTTPError(403, "This workflow is already running")
    latest = {
        j.name: j
        for j in sorted(ctx.world.jobs.values(), key=lambda j: j.run_attempt)
        if j.run_id == run.id
    }
    run.run_attempt += 1
    run.status, run.conclusion, run.updated_at = "queued", None, ctx.world.now()
    for job in latest.values():
        if not only_failed or job.conclusion not in ("success", "skipped"):
            again = Job(
                ctx.world.next_id(),
                run.id,
                run.repo,
                job.name,
                "queued",
                None,
                job.head_sha,
                ctx.world.now(),
                None,
                "",
                run_attempt=run.run_attempt,
            )
            ctx.world.jobs[again.id] = again
    return json_response({}, status=201)


async def serve_log(ctx: Ctx) -> web.StreamResponse:
    """The plain-text log behind the redirect (no token needed, like GitHub's signed URL)."""
    try:
        job = ctx.world.jobs[int(ctx.request.path.removeprefix(LOG_PREFIX))]
    except (KeyError, ValueError):
        raise HTTPError(404, "Not Found") from None
    if ctx.request.query.get("sig") != log_signature(job):
        raise HTTPError(403, "Signature does not match")
    return web.Response(text=job.log, content_type="text/plain", charset="utf-8")
