"""Running a task: dispatching a workflow and finding its run, or running a command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from gidgethub import BadRequest

from bot.core.plan.model import Task
from bot.github.client import GitHubClient

log = logging.getLogger(__name__)
#: A run created this many seconds before the dispatch was recorded still counts as its run
#: (clocks of the bot and of GitHub differ a little).
CLOCK_SLACK = 30.0


async def dispatch(gh: GitHubClient, repo: str, task: Task, ref: str) -> None:
    await gh.post(
        f"/repos/{repo}/actions/workflows/{task.target}/dispatches",
        data={"ref": ref, "inputs": dict(task.inputs)},
    )


async def find_run(
    gh: GitHubClient, repo: str, task: Task, *, since: float, taken: Sequence[int]
) -> Mapping[str, Any] | None:
    """The oldest ``workflow_dispatch`` run of the task's workflow created since ``since``
    that no other task of the run has claimed."""
    found = []
    url = f"/repos/{repo}/actions/workflows/{task.target}/runs?event=workflow_dispatch&per_page=50"
    data = await gh.getitem(url)
    for run in data.get("workflow_runs") or ():
        created = datetime.fromisoformat(str(run["created_at"]).replace("Z", "+00:00"))
        dispatched = run.get("event") in (None, "workflow_dispatch")  # the filter may be ignored
        if (
            dispatched
            and created.timestamp() >= since - CLOCK_SLACK
            and int(run["id"]) not in taken
        ):
            found.append(run)
    return min(found, key=lambda r: int(r["id"])) if found else None


async def get_run(gh: GitHubClient, repo: str, run_id: int) -> Mapping[str, Any] | None:
    """The run, or None when GitHub no longer has it (deleted)."""
    try:
        data: Mapping[str, Any] = await gh.getitem(f"/repos/{repo}/actions/runs/{run_id}")
    except BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    return data


async def run_command(command: str, timeout: float, *, cwd: Path | None = None) -> int | None:
    """The command's exit code; None when it timed out or could not start. Output goes to
    stderr (the progress stream), never into a comment."""
    try:
        process = await asyncio.create_subprocess_shell(
            command,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=2,
            stderr=2,
            env={**os.environ, "CI": "true"},
        )
    except OSError as exc:
        log.warning("plan command %r could not start: %s", command, exc)
        return None
    try:
        return await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return None
