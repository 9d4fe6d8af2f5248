"""Workflow runs read through the REST API, for journeys started on demand."""

from __future__ import annotations

from bot.core.payloads import TRIAGED, WorkflowRun
from bot.github.client import GitHubClient


async def latest_failed_run(gh: GitHubClient, repo: str, sha: str) -> WorkflowRun | None:
    """The newest failed (or timed-out) workflow run on ``sha``; the API lists newest first."""
    url = f"/repos/{repo}/actions/runs?head_sha={sha}&per_page=100"
    async for run in gh.getiter(url, iterable_key="workflow_runs"):
        if run.get("conclusion") in TRIAGED:
            return WorkflowRun.from_api(repo, run)
    return None
