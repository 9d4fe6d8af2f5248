"""Plans in a dashboard issue: ticked boxes approve or retry phases, finished workflow runs
move the repository's runs on, and ``/autopilot plan ...`` (run by the commands concern)."""

from __future__ import annotations

import logging

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.config.plan import parse_plan
from bot.core.command_rules import Permission
from bot.core.config_check import ConfigError, render_markdown
from bot.core.events import Event
from bot.core.payloads import RunConclusion, WorkflowRun
from bot.core.plan.commands import (
    PlanCommand,
    PlanVerb,
    parse_plan_args,
)
from bot.core.plan.engine import PlanEvent, TransitionError, would_run
from bot.core.plan.model import PLAN_PATH, PlanMode, TriggerAction
from bot.core.plan.payloads import IssueEdit
from bot.core.plan.state import PhaseState, PlanRun
from bot.core.plan.triggers import fired
from bot.core.render.markdown import code, text
from bot.core.render.plan_issue import newly_ticked, render_dry_run, render_status
from bot.errors import UsageError
from bot.plans.criteria import RepoWorkspace
from bot.plans.dashboard import undo_edit
from bot.plans.runner import PlanRunner

log = logging.getLogger(__name__)
router = Router()


def runner_for(ports: Ports, repo: str) -> PlanRunner:
    """A runner acting through the delivery's ports (commands only in the Action's checkout)."""
    checkout = ports.workspace.path if ports.workspace is not None else None
    return PlanRunner(
        gh=ports.gh,
        store=ports.stores.plans,
        leases=ports.stores.leases,
        repository=repo,
        clock=ports.clock,
        alerts=ports.alerts,
        checkout=checkout,
        write=not ports.dry_run,
    )


async def advance_repository(ports: Ports, repo: str) -> list[PlanRun]:
    """Move every unfinished run of ``repo`` on (the schedule and finished CI call this)."""
    runner = runner_for(ports, repo)
    return [await runner.advance(run.id) for run in await ports.stores.plans.runs(
        repository=repo, active=True
    )]  # fmt: skip


async def may_write(ports: Ports, repo: str, login: str) -> bool:
    """Whether ``login`` has write permission (the commands concern's cached answer)."""
    from bot.concerns.commands import permission  # it runs plan commands: import at call

    return (await permission(ports, repo, login)).rank >= Permission.WRITE.rank


@router.register("issues", action="edited")
async def on_issue_edited(event: Event, ports: Ports) -> None:
    edit = IssueEdit.from_event(event)
    if edit is None or edit.editor is None:
        return
    store = ports.stores.plans
    run = await store.by_issue(edit.repo, edit.number)
    if run is None:
        return  # not a tracking issue
    written = await store.issue_body(run.id)
    if edit.editor_is_bot or edit.body == written:
        return  # the bot's own edit, or a title edit
    # GitHub sends the previous body in changes.body.from; without it, the body the bot last
    # wrote is what the person edited.
    previous = edit.previous if edit.previous is not None else written or ""
    if ports.dry_run:
        log.info(
            "dry-run: the plan issue edit is not acted on", extra={"delivery": event.delivery_id}
        )
        return
    plan = parse_plan(run.plan_text)
    if not await may_write(ports, edit.repo, edit.editor):
        await undo_edit(ports.gh, store, plan, run, editor=edit.editor)
        return
    runner = runner_for(ports, edit.repo)
    acted = False
    for phase_id in newly_ticked(previous, edit.body):
        state = run.record(phase_id).state if phase_id in plan.ids else None
        if state is PhaseState.WAITING:
            run = await runner.approve(run.id, phase_id, by=edit.editor)
            acted = True
        elif state is PhaseState.FAILED:
            run = await runner.retry(run.id, phase_id)
            acted = True
    if acted:
        await runner.advance(run.id)
        return
    # Boxes that mean nothing (a pending phase) and other text are put back as rendered,
    # compared with the body GitHub has now (this event may be older than the last edit).
    issue = await ports.gh.getitem(f"/repos/{edit.repo}/issues/{edit.number}")
    await runner.advance(run.id, current_body=str(issue.get("body") or ""))


async def run_plan_command(
    ports: Ports, *, repo: str, number: int, author: str, args: str, installation_id: int | None
) -> str:
    """Carry out ``/autopilot plan ARGS`` said on issue ``number`` (the commands concern
    calls this); the reply's Markdown, a sentence first. A refusal or a mistake is a
    ``UsageError`` saying why."""
    command = parse_plan_args(args)
    if command.verb.mutating and not await may_write(ports, repo, author):
        raise UsageError(f"`plan {command.verb}` needs write access to {repo}")
    runner = runner_for(ports, repo)
    if command.verb is PlanVerb.RUN:
        return await _start(ports, runner, command, author, installation_id)
    run = await _run_for(ports, repo, number)
    plan = parse_plan(run.plan_text)
    if command.verb is PlanVerb.STATUS:
        return render_status(plan, run)
    assert command.phase is not None
    try:
        if command.verb is PlanVerb.APPROVE:
            run = await runner.approve(run.id, command.phase, by=author)
        else:
            run = await runner.retry(run.id, command.phase)
    except TransitionError as exc:
        raise UsageError(str(exc)) from None
    done = "approved" if command.verb is PlanVerb.APPROVE else "will be retried"
    return f"phase {code(command.phase)} {done}.\n\n" + render_status(plan, run)


async def _run_for(ports: Ports, repo: str, number: int) -> PlanRun:
    run = await ports.stores.plans.by_issue(repo, number)
    if run is None:
        active = await ports.stores.plans.runs(repository=repo, active=True, limit=1)
        if not active:
            raise UsageError(f"no plan run in progress on {repo}: `/autopilot plan run` starts one")
        run = active[0]
    return run


async def _read_plan(ports: Ports, repo: str) -> str:
    data = await ports.gh.getitem(f"/repos/{repo}")
    raw = await RepoWorkspace(ports.gh, repo, str(data["default_branch"])).read(PLAN_PATH)
    if raw is None:
        raise UsageError(f"{repo} has no plan: add {PLAN_PATH} (see docs/plans.md)")
    return raw.decode("utf-8", errors="replace")


async def _start(
    ports: Ports,
    runner: PlanRunner,
    command: PlanCommand,
    author: str,
    installation_id: int | None,
) -> str:
    plan_text = await _read_plan(ports, runner.repository)
    try:
        plan = parse_plan(plan_text)
    except ConfigError as exc:
        raise UsageError(
            "the plan file is invalid:\n\n" + render_markdown(exc.problems, file=PLAN_PATH)
        ) from None
    mode = command.mode or plan.mode
    if mode is PlanMode.DRY_RUN:
        preview = render_dry_run(plan, mode, would_run(plan, mode))
        return f"dry run of {text(plan.name)}: nothing was started.\n\n{preview}"
    active = await ports.stores.plans.runs(repository=runner.repository, active=True, limit=1)
    if active and active[0].state == "running":
        raise UsageError(
            f"plan run {active[0].id} is still running (issue #{active[0].issue_number})"
        )
    run = await runner.start(
        plan_text, mode=mode, started_by=author, installation_id=installation_id
    )
    return f"started plan run {run.id} of {text(plan.name)} in `{mode}` mode: #{run.issue_number}."


@router.register("workflow_run", action="completed")
async def on_workflow_run(event: Event, ports: Ports) -> None:
    run = WorkflowRun.from_event(event)
    if run is None:
        return
    if not ports.dry_run:
        await advance_repository(ports, run.repo)
    # Rules on ``ci.failed`` apply where a plan has run before: a repository without plans
    # costs no request here.
    known = await ports.stores.plans.runs(repository=run.repo, limit=1)
    if known and run.conclusion in (RunConclusion.FAILURE, RunConclusion.TIMED_OUT):
        fields = (
            ("workflow", run.workflow),
            ("branch", run.head_branch),
            ("conclusion", run.conclusion),
        )
        await on_plan_event(
            ports, run.repo, PlanEvent("ci.failed", fields), installation_id=event.installation_id
        )


async def on_plan_event(
    ports: Ports, repo: str, event: PlanEvent, *, installation_id: int | None
) -> None:
    """Trigger rules of the repository's plan for an outside event (``ci.failed``,
    ``schedule``): start a run, or alert."""
    try:
        plan_text = await _read_plan(ports, repo)
        plan = parse_plan(plan_text)
    except UsageError:
        return  # no plan, or a broken one (reported when someone runs it)
    runner = runner_for(ports, repo)
    for trigger, _ in fired(plan.triggers, [event]):
        if (
            trigger.do is TriggerAction.START
            and not ports.dry_run
            and plan.mode is not PlanMode.DRY_RUN
        ):
            active = await ports.stores.plans.runs(repository=repo, active=True, limit=1)
            if active and active[0].state == "running":
                continue
            # The schedule ticks every minute: a rule starts at most one run per hour.
            fields = dict(event.fields)
            hour = f"{fields.get('day', '')}T{fields.get('hour', '')}"
            once = f"plan-start:{repo}:{event.name}:{hour}"
            if event.name == "schedule" and not await ports.stores.marks.once(
                once, now=ports.clock()
            ):
                continue
            await runner.start(plan_text, started_by=None, installation_id=installation_id)
        elif trigger.do is TriggerAction.ALERT:
            await runner.fire(plan, None, [event])
