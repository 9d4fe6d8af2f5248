"""Workflow runs, jobs, job logs (302 then text), re-runs and dispatch; the seeded demo."""

from __future__ import annotations

import aiohttp
import pytest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.demo import DEMO_LOG
from tests.fakegh.conftest import TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="session")
AUTH = {"Authorization": f"token {TOKEN}"}


async def test_failed_run_jobs_and_log_download(
    fake_github: FakeGitHub, gh: GitHubAPI, session: aiohttp.ClientSession
) -> None:
    demo = fake_github.seed_demo(owner="octo-org", name="demo")
    base = "/repos/octo-org/demo/actions"
    run = await gh.getitem(f"{base}/runs/{demo.run.id}")
    assert (run["conclusion"], run["head_sha"]) == ("failure", demo.pull.head_sha)
    assert [p["number"] for p in run["pull_requests"]] == [demo.pull.number]
    jobs = await gh.getitem(f"{base}/runs/{demo.run.id}/jobs")
    failed = [j for j in jobs["jobs"] if j["conclusion"] == "failure"]
    assert [j["id"] for j in failed] == [demo.job.id]

    url = f"{fake_github.url}{base}/jobs/{demo.job.id}/logs"
    async with session.get(url, headers=AUTH, allow_redirects=False) as r:
        assert r.status == 302
        location = r.headers["Location"]
    async with session.get(location) as r:  # no token: the URL itself is the credential
        assert r.content_type == "text/plain"
        assert await r.text() == DEMO_LOG
    async with session.get(location.split("?")[0]) as r:
        assert r.status == 403


async def test_rerun_failed_jobs_and_dispatch(fake_github: FakeGitHub, gh: GitHubAPI) -> None:
    demo = fake_github.seed_demo(owner="octo-org", name="demo")
    base = "/repos/octo-org/demo/actions"
    await gh.post(f"{base}/runs/{demo.run.id}/rerun-failed-jobs", data={})
    run = await gh.getitem(f"{base}/runs/{demo.run.id}")
    assert (run["status"], run["run_attempt"]) == ("queued", 2)
    latest = await gh.getitem(f"{base}/runs/{demo.run.id}/jobs")
    assert {(j["name"], j["status"]) for j in latest["jobs"]} == {
        ("test", "queued"),
        ("build", "completed"),
    }
    everything = await gh.getitem(f"{base}/runs/{demo.run.id}/jobs?filter=all")
    assert everything["total_count"] == 3

    await gh.post(
        f"{base}/workflows/ci.yml/dispatches", data={"ref": "main", "inputs": {"mode": "fix"}}
    )
    assert fake_github.state.workflows[demo.run.workflow_id].dispatches == [
        {"ref": "main", "inputs": {"mode": "fix"}}
    ]
    runs = await gh.getitem(f"{base}/runs?event=workflow_dispatch")
    assert runs["total_count"] == 1
