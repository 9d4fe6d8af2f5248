"""The ``autopilot/triage`` check run's buttons and re-run requests, run as slash-commands.

A button press (``check_run.requested_action``) is the matching command with the same
permission rules, answered by a comment on the pull request; "Re-run" on the check run or
its suite (``rerequested``) triages the failed run again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from gidgethub.routing import Router

from bot.concerns.command_actions import Request, head_sha
from bot.concerns.commands import execute, rate_limited
from bot.concerns.ports import Ports
from bot.core.command_payloads import Actor, CheckRunEvent, CheckSuiteEvent
from bot.core.command_rules import is_bot
from bot.core.commands import Command
from bot.core.events import Event
from bot.core.render import command_reply as render
from bot.core.render.check_actions import COMMAND_OF, FIX, RETRY
from bot.core.render.command_reply import Outcome, Status
from bot.core.render.markdown import code
from bot.core.render.triage_report import CHECK_NAME
from bot.github.runs import latest_failed_run

log = logging.getLogger(__name__)
router = Router()
LABELS = {FIX.identifier: FIX.label, RETRY.identifier: RETRY.label}


def _ours(check: CheckRunEvent, ports: Ports) -> bool:
    app = ports.gh.app
    same_app = app is None or check.app_id is None or str(check.app_id) == str(app.app_id)
    return check.name == CHECK_NAME and same_app


def _person(actor: Actor, context: dict[str, str]) -> str | None:
    if is_bot(actor.login, actor.type):
        log.info(f"{actor.login} is a bot: its requests are ignored", extra=context)
        return None
    return actor.login


async def _run(ports: Ports, request: Request, command: Command) -> list[Outcome]:
    if await rate_limited(ports, request.actor, request.repo, 1) is not None:
        message = f"too many commands from {code(request.actor)}; nothing was run."
        return [Outcome(command.text, Status.REFUSED, message)]
    outcomes, _ = await execute(ports, request, [command], comment_id=None)
    return outcomes


@router.register("check_run", action="requested_action")
async def on_button(event: Event, ports: Ports) -> None:
    check = CheckRunEvent.from_event(event)
    context = {"delivery": event.delivery_id}
    if check is None or not _ours(check, ports) or ports.dry_run:
        return
    name = COMMAND_OF.get(check.identifier or "")
    actor = _person(check.sender, context)
    if name is None or actor is None:
        log.info(f"{check.repo}: button {check.identifier!r} not handled", extra=context)
        return
    number = check.pulls[0] if check.pulls else None
    request = Request(
        repo=check.repo,
        number=number,
        is_pull=number is not None,
        actor=actor,
        view_sha=check.head_sha,
        run_id=check.run_id,
    )
    command = Command(name)
    if name == "fix" and number is not None and await head_sha(ports, request) != check.head_sha:
        message = "the pull request's head moved since this check run; nothing was fixed."
        outcomes = [Outcome(command.text, Status.REFUSED, message)]
    else:
        outcomes = await _run(ports, request, command)
    if number is None:
        log.info(f"{check.repo}: button {name} by {actor}: {outcomes}", extra=context)
        return
    label = LABELS[check.identifier or ""]
    body = render.button_reply(label=label, check_name=check.name, actor=actor, outcomes=outcomes)
    await ports.gh.post(f"/repos/{check.repo}/issues/{number}/comments", data={"body": body})


@router.register("check_run", action="rerequested")
async def on_check_rerequested(event: Event, ports: Ports) -> None:
    check = CheckRunEvent.from_event(event)
    context = {"delivery": event.delivery_id}
    if check is None or not _ours(check, ports) or ports.dry_run:
        return
    actor = _person(check.sender, context)
    if actor is None:
        return
    request = _triage_request(check.repo, check.pulls, actor, check.head_sha, check.run_id)
    outcomes = await _run(ports, request, Command("triage"))
    log.info(f"{check.repo}: re-run of {check.name} by {actor}: {outcomes}", extra=context)


@router.register("check_suite", action="rerequested")
async def on_suite_rerequested(event: Event, ports: Ports) -> None:
    suite = CheckSuiteEvent.from_event(event)
    context = {"delivery": event.delivery_id}
    if suite is None or ports.dry_run:
        return
    actor = _person(suite.sender, context)
    if actor is None:
        return
    run = await latest_failed_run(ports.gh, suite.repo, suite.head_sha)
    if run is None:
        log.info(
            f"{suite.repo}: suite re-run on {suite.head_sha[:12]}: no failed run", extra=context
        )
        return
    request = _triage_request(suite.repo, suite.pulls, actor, suite.head_sha, run.run_id)
    outcomes = await _run(ports, request, Command("triage"))
    log.info(f"{suite.repo}: suite re-run by {actor}: {outcomes}", extra=context)


def _triage_request(
    repo: str, pulls: Sequence[int], actor: str, sha: str, run_id: int | None
) -> Request:
    """A re-run asks for the ``triage`` command on its run, for its first PR (if any)."""
    number = pulls[0] if pulls else None
    return Request(
        repo=repo,
        number=number,
        is_pull=number is not None,
        actor=actor,
        view_sha=sha,
        run_id=run_id,
    )
