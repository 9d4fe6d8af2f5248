"""CI failed → triage: a failed run's job logs become a check run and one sticky PR comment."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import IO, Any

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core import leases
from bot.core.config_check import CHECK_NAME as CONFIG_CHECK
from bot.core.config_check import CONFIG_PATH, ConfigError, render_config_check
from bot.core.events import Event
from bot.core.history import FailureRow, build_items
from bot.core.modes import Mode
from bot.core.payloads import TRIAGED, WorkflowRun
from bot.core.published import Kind, Record
from bot.core.render import triage_report as render
from bot.core.render.check_actions import actions_for
from bot.core.render.decision import Decision, triage_decision
from bot.core.render.triage_report import CheckConclusion
from bot.core.triage import Failure, triage_chunks
from bot.core.triage.render import render_github
from bot.github.client import GitHubClient
from bot.github.publish import CheckRunRequest, publish_check_run, upsert_sticky_comment

log = logging.getLogger(__name__)
router = Router()

MAX_JOBS = 20
MAX_LOG_BYTES = 50 * 1024 * 1024
#: Log bytes kept in memory before the spool moves to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
READ_CHUNK = 1024 * 1024
#: GitHub shows at most 10 error annotations of a step; the check run carries them all.
MAX_LOG_ANNOTATIONS = 10


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


async def pull_numbers(gh: GitHubClient, run: WorkflowRun) -> list[int]:
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


async def _config_problem(ports: Ports, run: WorkflowRun, error: ConfigError) -> None:
    output = render_config_check(error.problems)
    log.warning(f"{run.repo}: invalid {CONFIG_PATH}: {output['title']}")
    if ports.dry_run:
        return
    annotations = output.pop("annotations")
    request = CheckRunRequest(
        name=CONFIG_CHECK,
        head_sha=run.head_sha,
        conclusion=CheckConclusion.FAILURE,
        external_id=run.external_id,
        output=output,
        annotations=annotations,
    )
    async with ports.lock(*leases.for_run(run.repo, run.pulls, run.head_sha)):
        await publish_check_run(ports.gh, run.repo, request, ledger=ports.ledger)


async def triage_run(ports: Ports, run: WorkflowRun) -> render.TriageReport:
    """Download and triage the run's failed jobs, record them in the history, and rank them."""
    jobs = await _failed_jobs(ports.gh, run)
    per_job: list[tuple[str, Sequence[Failure]]] = []
    notes: list[str] = []
    for job in jobs[:MAX_JOBS]:
        failures, note = await _triage_job(ports.gh, run, job)
        per_job.append((str(job["name"]), failures))
        notes += [note] if note else []
    if len(jobs) > MAX_JOBS:
        notes.append(f"Only the first {MAX_JOBS} of {len(jobs)} failed jobs were triaged.")
    history = ports.stores.history
    past = await history.past_runs(run.key)
    rows = [FailureRow.of(f) for _, failures in per_job for f in failures]
    await history.record(run.key, run.conclusion, rows, now=ports.clock())
    return render.TriageReport(
        workflow=run.workflow,
        run_id=run.run_id,
        run_url=run.html_url,
        attempt=run.attempt,
        head_sha=run.head_sha,
        failed_jobs=tuple(name for name, _ in per_job),
        items=build_items(per_job, past, run.key),
        notes=tuple(notes),
    )


async def publish_report(
    ports: Ports, run: WorkflowRun, report: render.TriageReport
) -> tuple[Decision, list[int]]:
    """The ``autopilot/triage`` check run of this attempt and the PRs' sticky comment;
    what was decided and the PRs commented on.

    Both writes run under the PRs' leases (one writer per PR): "find the check run or the
    sticky comment, else create it" is two requests, and two workers running it at once
    would both find nothing and both create. Under the lease the store's record of what
    was published is exact, so a duplicate delivery of a run attempt finds it done.
    """
    output = render.check_output(report)
    request = CheckRunRequest(
        name=render.CHECK_NAME,
        head_sha=run.head_sha,
        conclusion=output.conclusion,
        external_id=run.external_id,
        output=output.output(),
        annotations=output.annotations,
        actions=actions_for(report),
    )
    body = render.comment(report)
    pulls = await pull_numbers(ports.gh, run)
    ledger = ports.ledger
    async with ports.lock(*leases.for_run(run.repo, pulls, run.head_sha)):
        if await _published(ports, run):
            return Decision.UNCHANGED, pulls
        await publish_check_run(ports.gh, run.repo, request, ledger=ledger)
        for number in pulls:
            await upsert_sticky_comment(
                ports.gh, run.repo, number, marker=render.MARKER, body=body, ledger=ledger
            )
        if ledger is not None:
            await ledger.put(run.repo, Kind.REPORT, _report_name(run), Record(run.run_id))
    return Decision.PUBLISHED, pulls


def _report_name(run: WorkflowRun) -> str:
    return f"{render.CHECK_NAME}:{run.external_id}"


async def _published(ports: Ports, run: WorkflowRun) -> bool:
    """Whether this run attempt's check run and comments were all written already."""
    ledger = ports.ledger
    return (
        ledger is not None
        and await ledger.get(run.repo, Kind.REPORT, _report_name(run)) is not None
    )


def _tell(
    ports: Ports,
    run: WorkflowRun,
    report: render.TriageReport,
    decision: Decision,
    pulls: Sequence[int],
) -> None:
    """The report, the decision and the failures' annotations for the Action's job."""
    line = triage_decision(decision, run_id=run.run_id, attempt=run.attempt, pulls=pulls)
    ports.summary.decide(decision, f"{render.report_markdown(report)}\n{line}\n")
    ports.summary.findings += len(report.items)
    failures = [item.failure for item in report.items[:MAX_LOG_ANNOTATIONS]]
    ports.summary.commands += render_github(failures).splitlines()


@router.register("workflow_run", action="completed")
async def on_workflow_run_failed(event: Event, ports: Ports) -> None:
    run = WorkflowRun.from_event(event)
    context = {"delivery": event.delivery_id}
    if run is None:
        log.warning("workflow_run without a run id, head SHA or repository", extra=context)
        return
    if not run.triaged:
        log.info(f"{run.repo} run {run.run_id} {run.conclusion}: not triaged", extra=context)
        return
    # Journey 2 carries on from the triage (lazy import: autofix reuses this module).
    from bot.concerns.autofix import after_triage, interrupted

    # A duplicate delivery makes no request at all, unless a fix it started was cut short.
    if await _published(ports, run) and not await interrupted(ports, run):
        log.info(f"{run.repo} run {run.external_id}: already published", extra=context)
        ports.summary.decisions.append(Decision.UNCHANGED)
        return
    try:
        repo_config = await ports.repo_config.at(run.repo, run.head_sha)
    except ConfigError as exc:
        await _config_problem(ports, run, exc)
        ports.summary.decisions.append(Decision.INVALID_CONFIG)
        return
    report = await triage_run(ports, run)
    log.info(f"{run.repo} run {run.run_id}: {render.check_output(report).title}", extra=context)
    if ports.dry_run or repo_config.mode == Mode.DRY_RUN:
        log.info("dry-run: no check run, no comment", extra=context)
        _tell(ports, run, report, Decision.DRY_RUN, run.pulls)
        return
    decision, pulls = await publish_report(ports, run, report)
    if decision is Decision.UNCHANGED:
        log.info(f"{run.repo} run {run.external_id}: already published", extra=context)
    _tell(ports, run, report, decision, pulls)
    await after_triage(ports, run, report, repo_config, pulls)
