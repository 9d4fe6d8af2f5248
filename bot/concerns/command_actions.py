"""What each slash-command does once it is allowed: one executor per command name.

``EXECUTORS`` maps a command name to ``async def run(ports, request, command) -> Outcome``;
a new command adds its spec to ``bot.core.commands.COMMANDS`` and its executor here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from gidgethub import BadRequest

from bot.concerns import autofix, merging, plans
from bot.concerns.ci_failure import publish_report, triage_run
from bot.concerns.ports import Ports
from bot.core.commands import Command
from bot.core.payloads import WorkflowRun
from bot.core.render import command_reports as reports
from bot.core.render.command_reply import Outcome, Status
from bot.core.render.decision import Decision
from bot.core.render.markdown import code, no_mentions, plain, text
from bot.core.review import QueueItem, QueueState, parse_item_id
from bot.errors import UsageError
from bot.github.runs import latest_failed_run
from bot.store.review_queue import AlreadyDecided, ItemNotFound

log = logging.getLogger(__name__)
SUMMARY_LIMIT = 2000


@dataclass(frozen=True, kw_only=True)
class Request:
    """Where a command was given and by whom; ``view_sha`` is the head the person saw."""

    repo: str
    number: int | None
    is_pull: bool
    actor: str
    view_sha: str | None = None
    said_at: float | None = None
    run_id: int | None = None


Executor = Callable[[Ports, Request, Command], Awaitable[Outcome]]


def done(command: Command, message: str) -> Outcome:
    return Outcome(command.text, Status.DONE, message)


def refused(command: Command, message: str) -> Outcome:
    return Outcome(command.text, Status.REFUSED, message)


def _on_pull(command: Command, request: Request) -> Outcome | None:
    if request.is_pull and request.number is not None:
        return None
    return refused(command, "this command works in a pull request's comments only.")


async def head_sha(ports: Ports, request: Request) -> str:
    pull = await ports.gh.getitem(f"/repos/{request.repo}/pulls/{request.number}")
    return str(pull["head"]["sha"])


async def _run_of(ports: Ports, request: Request, command: Command) -> WorkflowRun | Outcome:
    """The run a command acts on: the button's run, else the PR head's latest failed run."""
    if request.run_id is not None:
        data = await ports.gh.getitem(f"/repos/{request.repo}/actions/runs/{request.run_id}")
        run = WorkflowRun.from_api(request.repo, data)
    else:
        run = await latest_failed_run(ports.gh, request.repo, await head_sha(ports, request))
    if run is None or not run.triaged:
        return refused(command, "the head commit has no failed workflow run: nothing to do.")
    return run


async def run_help(ports: Ports, request: Request, command: Command) -> Outcome:
    return done(command, "the commands are listed below.")


async def run_triage(ports: Ports, request: Request, command: Command) -> Outcome:
    if (problem := _on_pull(command, request)) is not None and request.run_id is None:
        return problem
    run = await _run_of(ports, request, command)
    if isinstance(run, Outcome):
        return run
    report = await triage_run(ports, run)
    decision, _ = await publish_report(ports, run, report)
    found = f"{len(report.items)} failure(s) in {len(report.failed_jobs)} failed job(s)"
    if decision is Decision.UNCHANGED:
        found += "; the check run and the comment already said so"
    return done(command, f"triaged {text(run.workflow)} run {run.run_id} again: {found}.")


async def run_retry(ports: Ports, request: Request, command: Command) -> Outcome:
    if (problem := _on_pull(command, request)) is not None and request.run_id is None:
        return problem
    run = await _run_of(ports, request, command)
    if isinstance(run, Outcome):
        return run
    try:
        await ports.gh.post(
            f"/repos/{request.repo}/actions/runs/{run.run_id}/rerun-failed-jobs", data={}
        )
    except BadRequest as exc:
        return refused(command, f"GitHub did not re-run it: {text(str(exc))}.")
    return done(command, f"re-running the failed jobs of {text(run.workflow)} run {run.run_id}.")


async def run_fix(ports: Ports, request: Request, command: Command) -> Outcome:
    if (problem := _on_pull(command, request)) is not None:
        return problem
    assert request.number is not None
    result = await autofix.fix_pull_request(
        ports, request.repo, request.number, requested_by=request.actor
    )
    status = Status.DONE if result.ok else Status.FAILED
    return Outcome(command.text, status, no_mentions(plain(result.summary, SUMMARY_LIMIT)))


async def run_merge(ports: Ports, request: Request, command: Command) -> Outcome:
    if (problem := _on_pull(command, request)) is not None:
        return problem
    assert request.number is not None
    decision = await merging.merge_pull(
        ports,
        request.repo,
        request.number,
        view_sha=command.args.get("sha") or request.view_sha,
        said_at=request.said_at,
    )
    return Outcome(command.text, Status.DONE if decision.ok else Status.REFUSED, decision.message)


async def _item(ports: Ports, request: Request, command: Command) -> QueueItem | Outcome:
    """The item named by the command, if it belongs to this repository."""
    label = command.args["id"]
    try:
        item = await asyncio.to_thread(ports.stores.review_queue.get, parse_item_id(label))
    except ItemNotFound:
        item = None
    if item is None or item.repo.lower() != request.repo.lower():
        return refused(command, f"{code(label)} is not in this repository's review queue.")
    if item.state is not QueueState.PENDING:
        by = f" by {code(item.actor)}" if item.actor else ""
        return refused(command, f"{code(label)} is already {item.state.value}{by}.")
    return item


async def run_approve(ports: Ports, request: Request, command: Command) -> Outcome:
    item = await _item(ports, request, command)
    if isinstance(item, Outcome):
        return item
    result = await autofix.ship_queued_fix(ports, item.id, actor=request.actor)
    status = Status.DONE if result.ok else Status.FAILED
    return Outcome(command.text, status, no_mentions(plain(result.summary, SUMMARY_LIMIT)))


async def run_reject(ports: Ports, request: Request, command: Command) -> Outcome:
    item = await _item(ports, request, command)
    if isinstance(item, Outcome):
        return item
    reason = command.args.get("reason") or f"rejected by {request.actor} from a comment"
    now = datetime.fromtimestamp(ports.clock(), UTC)
    try:
        item = await asyncio.to_thread(
            ports.stores.review_queue.reject, item.id, actor=request.actor, reason=reason, now=now
        )
    except AlreadyDecided as exc:
        return refused(command, text(str(exc)))
    return done(command, f"{code(item.label)} is rejected: {text(reason)}.")


async def _pending(ports: Ports, repo: str) -> list[QueueItem]:
    items = await asyncio.to_thread(ports.stores.review_queue.list_items)
    return [item for item in items if item.repo.lower() == repo.lower()]


async def run_queue(ports: Ports, request: Request, command: Command) -> Outcome:
    items = await _pending(ports, request.repo)
    now = datetime.fromtimestamp(ports.clock(), UTC)
    table = reports.queue_table(items, now)
    count = f"{len(items)} fix(es) waiting for review (below)." if items else table
    return Outcome(command.text, Status.DONE, count, details=table if items else "")


async def run_status(ports: Ports, request: Request, command: Command) -> Outcome:
    if (problem := _on_pull(command, request)) is not None:
        return problem
    pull = await ports.gh.getitem(f"/repos/{request.repo}/pulls/{request.number}")
    sha = str(pull["head"]["sha"])
    checks = await merging.check_summary(ports, request.repo, sha)
    queued = [i for i in await _pending(ports, request.repo) if i.pr_number == request.number]
    state = "merged" if pull.get("merged") else str(pull.get("state"))
    failed_run = await latest_failed_run(ports.gh, request.repo, sha)
    message = reports.status(
        number=int(pull["number"]),
        state=state,
        head_sha=sha,
        checks=checks,
        mergeable_state=pull.get("mergeable_state"),
        queued=queued,
        failed_run=None
        if failed_run is None
        else reports.RunLink(
            workflow=failed_run.workflow, run_id=failed_run.run_id, url=failed_run.html_url
        ),
    )
    return done(command, message)


async def run_plan(ports: Ports, request: Request, command: Command) -> Outcome:
    """``/autopilot plan ...`` (``bot/concerns/plans.py``); status tables go below the list."""
    if request.number is None:
        return refused(command, "plan commands work in an issue's or pull request's comments.")
    args = " ".join(v for v in command.args.values() if v)
    try:
        message = await plans.run_plan_command(
            ports,
            repo=request.repo,
            number=request.number,
            author=request.actor,
            args=args,
            installation_id=ports.gh.installation_id,
        )
    except UsageError as exc:
        return refused(command, no_mentions(str(exc)))
    summary, _, details = message.partition("\n\n")
    return Outcome(command.text, Status.DONE, summary, details=details)


EXECUTORS: dict[str, Executor] = {
    "help": run_help,
    "status": run_status,
    "queue": run_queue,
    "triage": run_triage,
    "fix": run_fix,
    "retry": run_retry,
    "merge": run_merge,
    "approve": run_approve,
    "reject": run_reject,
    "plan": run_plan,
}
