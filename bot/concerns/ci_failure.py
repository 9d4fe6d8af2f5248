"""CI failed → triage: a failed run's job logs become a check run and one sticky PR comment."""

from __future__ import annotations

import asyncio
import base64
import logging
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import IO, Any

from gidgethub import BadRequest
from gidgethub.routing import Router

from bot.config.repo import RepoConfig, parse_repo_config
from bot.config.settings import Settings
from bot.core.config_check import CHECK_NAME as CONFIG_CHECK
from bot.core.config_check import CONFIG_PATH, ConfigError, ConfigProblem, render_config_check
from bot.core.events import Event
from bot.core.render import triage_report as render
from bot.core.triage import Failure, find_flaky, recurrences, triage_chunks
from bot.github.client import GitHubClient
from bot.github.publish import (
    CheckRunRequest,
    edit_comment,
    find_sticky_comment,
    publish_check_run,
    upsert_sticky_comment,
)
from bot.store.deliveries import Store
from bot.store.history import FailureRow, PastRun, RunKey, TriageHistory

log = logging.getLogger(__name__)
router = Router()

MAX_JOBS = 20
MAX_LOG_BYTES = 50 * 1024 * 1024
#: Log bytes kept in memory before the spool moves to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
READ_CHUNK = 1024 * 1024
DRY_RUN = "dry-run"


class RunConclusion(StrEnum):
    """The ``workflow_run`` conclusions this concern reads."""

    FAILURE = "failure"
    TIMED_OUT = "timed_out"
    SUCCESS = "success"


TRIAGED = frozenset({RunConclusion.FAILURE, RunConclusion.TIMED_OUT})


@dataclass(frozen=True)
class WorkflowRun:
    """The fields of a ``workflow_run`` payload this concern uses, read once."""

    repo: str
    run_id: int
    attempt: int
    workflow: str
    conclusion: str
    head_sha: str
    head_branch: str
    head_owner: str | None
    html_url: str
    pulls: tuple[int, ...]

    @classmethod
    def from_event(cls, event: Event) -> WorkflowRun | None:
        run = event.data.get("workflow_run")
        if not isinstance(run, Mapping) or event.repository is None:
            return None
        head_repo = run.get("head_repository") or {}
        pulls = tuple(
            int(p["number"]) for p in run.get("pull_requests") or () if p.get("number") is not None
        )
        try:
            return cls(
                repo=event.repository,
                run_id=int(run["id"]),
                attempt=int(run.get("run_attempt") or 1),
                workflow=str(run.get("name") or "workflow"),
                conclusion=str(run.get("conclusion")),
                head_sha=str(run["head_sha"]),
                head_branch=str(run.get("head_branch") or ""),
                head_owner=(head_repo.get("owner") or {}).get("login"),
                html_url=str(run.get("html_url") or ""),
                pulls=pulls,
            )
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def key(self) -> RunKey:
        return RunKey(self.repo, self.workflow, self.run_id, self.attempt, self.head_sha)

    @property
    def external_id(self) -> str:
        return f"{self.run_id}:{self.attempt}"


async def read_repo_config(gh: GitHubClient, repo: str, sha: str) -> RepoConfig:
    """``.github/autopilot.yml`` at ``sha``; defaults when absent, ``ConfigError`` if invalid."""
    try:
        content = await gh.getitem(f"/repos/{repo}/contents/{CONFIG_PATH}?ref={sha}")
    except BadRequest as exc:
        if int(exc.status_code) == 404:
            return RepoConfig()
        raise
    if content.get("encoding") != "base64":  # over 1 MB the API sends no content
        problem = ConfigProblem("", 1, 1, f"the file is too large ({content.get('size')} bytes)")
        raise ConfigError([problem])
    return parse_repo_config(base64.b64decode(content.get("content") or ""))


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    return iter(partial(file.read, READ_CHUNK), b"")


async def _triage_job(
    gh: GitHubClient, run: WorkflowRun, job: Mapping[str, Any]
) -> tuple[list[Failure], str | None]:
    """The job's failures and a note when its log was cut at ``MAX_LOG_BYTES``."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        url = f"/repos/{run.repo}/actions/jobs/{job['id']}/logs"
        download = await gh.download(url, spool, max_bytes=MAX_LOG_BYTES)
        spool.seek(0)
        failures = await asyncio.to_thread(triage_chunks, [_chunks(spool)])
    note = None
    if download.truncated:
        note = f"The log of job {job['name']} was read up to {MAX_LOG_BYTES // 2**20} MB only."
    return failures, note


async def _failed_jobs(gh: GitHubClient, run: WorkflowRun) -> list[Mapping[str, Any]]:
    url = f"/repos/{run.repo}/actions/runs/{run.run_id}/jobs?filter=latest&per_page=100"
    return [
        job
        async for job in gh.getiter(url, iterable_key="jobs")
        if job.get("conclusion") in TRIAGED
    ]


def build_items(
    per_job: Sequence[tuple[str, Sequence[Failure]]], past: Sequence[PastRun], run: WorkflowRun
) -> tuple[render.ReportItem, ...]:
    """One item per failure across jobs (a matrix repeats them), most important first.

    Fingerprints leave line numbers out, so the same place is what makes two jobs' failures one.
    """
    jobs: dict[tuple[str, str | None, int | None], list[str]] = {}
    first: dict[tuple[str, str | None, int | None], Failure] = {}
    for job, failures in per_job:
        for failure in failures:
            key = (failure.fingerprint, failure.file, failure.line)
            first.setdefault(key, failure)
            jobs.setdefault(key, []).append(job)
    seen = recurrences(p.fingerprints for p in past)
    same_commit = [
        (p.head_sha, p.fingerprints)
        for p in past
        if p.head_sha == run.head_sha and p.workflow == run.workflow
    ]
    flaky = find_flaky([*same_commit, (run.head_sha, {f.fingerprint for f in first.values()})])
    ordered = sorted(first.items(), key=lambda item: item[1].rank)
    return tuple(
        render.ReportItem(
            f, tuple(dict.fromkeys(jobs[key])), seen.get(f.fingerprint, 0), f.fingerprint in flaky
        )
        for key, f in ordered
    )


async def _pull_numbers(gh: GitHubClient, run: WorkflowRun) -> list[int]:
    """The run's PRs; fork PRs are not in the payload, so ask by head branch and SHA."""
    if run.pulls:
        return list(run.pulls)
    if not run.head_owner or not run.head_branch:
        return []
    url = f"/repos/{run.repo}/pulls?state=open&head={run.head_owner}:{run.head_branch}"
    return [
        int(pull["number"])
        async for pull in gh.getiter(url)
        if (pull.get("head") or {}).get("sha") == run.head_sha
    ]


async def _config_problem(
    gh: GitHubClient, run: WorkflowRun, error: ConfigError, dry_run: bool
) -> None:
    output = render_config_check(error.problems)
    log.warning(f"{run.repo}: invalid {CONFIG_PATH}: {output['title']}")
    if dry_run:
        return
    annotations = output.pop("annotations")
    request = CheckRunRequest(
        CONFIG_CHECK, run.head_sha, "failure", run.external_id, output, annotations
    )
    await publish_check_run(gh, run.repo, request)


async def _history(store: Store, run: WorkflowRun, items: Sequence[Failure]) -> list[PastRun]:
    """Record this run's failures; the repository's other triaged runs."""

    def work() -> list[PastRun]:
        history = TriageHistory(store.db)
        past = history.past_runs(run.key)
        rows = [FailureRow(f.fingerprint, str(f.category), f.file, f.line, f.test) for f in items]
        history.record(run.key, run.conclusion, rows, now=time.time())
        return past

    return await asyncio.to_thread(work)


@router.register("workflow_run", action="completed")
async def on_workflow_run_completed(
    event: Event, gh: GitHubClient, *, store: Store, config: Settings
) -> None:
    run = WorkflowRun.from_event(event)
    context = {"delivery": event.delivery_id}
    if run is None:
        log.warning("workflow_run without a run id, head SHA or repository", extra=context)
        return
    if run.conclusion not in TRIAGED:
        log.info(f"{run.repo} run {run.run_id} {run.conclusion}: not triaged", extra=context)
        if run.conclusion == RunConclusion.SUCCESS:
            triaged_before = await _record_pass(store, run)
            if triaged_before and config.mode != DRY_RUN:
                await _resolve_comments(gh, run)
        return
    try:
        repo_config = await read_repo_config(gh, run.repo, run.head_sha)
    except ConfigError as exc:
        await _config_problem(gh, run, exc, config.mode == DRY_RUN)
        return
    dry_run = DRY_RUN in (config.mode, repo_config.mode)
    jobs = await _failed_jobs(gh, run)
    per_job: list[tuple[str, Sequence[Failure]]] = []
    notes: list[str] = []
    for job in jobs[:MAX_JOBS]:
        failures, note = await _triage_job(gh, run, job)
        per_job.append((str(job["name"]), failures))
        notes += [note] if note else []
    if len(jobs) > MAX_JOBS:
        notes.append(f"Only the first {MAX_JOBS} of {len(jobs)} failed jobs were triaged.")
    everything = [f for _, failures in per_job for f in failures]
    past = await _history(store, run, everything)
    report = render.TriageReport(
        workflow=run.workflow,
        run_id=run.run_id,
        run_url=run.html_url,
        attempt=run.attempt,
        head_sha=run.head_sha,
        failed_jobs=tuple(str(job["name"]) for job in jobs[:MAX_JOBS]),
        items=build_items(per_job, past, run),
        notes=tuple(notes),
    )
    output = render.check_output(report)
    log.info(f"{run.repo} run {run.run_id}: {output.title}", extra=context)
    if dry_run:
        log.info("dry-run: no check run, no comment", extra=context)
        return
    request = CheckRunRequest(
        render.CHECK_NAME,
        run.head_sha,
        output.conclusion,
        run.external_id,
        output.output(),
        output.annotations,
    )
    await publish_check_run(gh, run.repo, request)
    body = render.comment(report)
    for number in await _pull_numbers(gh, run):
        await upsert_sticky_comment(gh, run.repo, number, marker=render.MARKER, body=body)


async def _resolve_comments(gh: GitHubClient, run: WorkflowRun) -> None:
    """On a pass, the PRs' sticky comments that triaged this workflow say it passes again.

    Only the PRs the payload names are looked at (no search for fork PRs), and only a
    comment describing this same workflow is edited: another workflow may still be failing.
    """
    body = render.resolved_comment(run.workflow, run.run_id, run.html_url, run.head_sha)
    for number in run.pulls:
        comment = await find_sticky_comment(gh, run.repo, number, marker=render.MARKER)
        if comment is not None and render.describes(str(comment.get("body")), run.workflow):
            await edit_comment(gh, run.repo, comment, body)


async def _record_pass(store: Store, run: WorkflowRun) -> bool:
    """Record a pass after a triaged failure on one commit (what flaky detection needs);
    whether this workflow was ever triaged here (else there is no comment to resolve)."""

    def work() -> bool:
        history = TriageHistory(store.db)
        if history.has_failed(run.repo, run.workflow, run.head_sha):
            history.record(run.key, run.conclusion, [], now=time.time())
        return history.has_failed(run.repo, run.workflow)

    return await asyncio.to_thread(work)
