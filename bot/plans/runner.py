"""The plan runner: moves a stored run on, one idempotent step at a time, from any process.

Every step reads the run from the store, decides with the pure transitions of
``bot.core.plan.engine`` and writes back with a compare-and-set, so a runner that was killed
and a new one on the same store carry on where the state says, and no task is sent twice:
a workflow dispatch is recorded (``dispatching``) before it is sent, and a run found later
is matched to it instead of dispatching again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from gidgethub import GitHubException

from bot.alerts import Alerter
from bot.config.plan import parse_plan
from bot.core.alerts import Alert, Severity
from bot.core.plan import engine
from bot.core.plan.engine import PlanEvent
from bot.core.plan.model import Criterion, Plan, PlanMode, TaskKind, TriggerAction
from bot.core.plan.state import PhaseRecord, PhaseState, PlanRun, RunState, TaskStatus
from bot.core.plan.triggers import fired
from bot.errors import UsageError
from bot.github.client import GitHubClient
from bot.plans import tasks
from bot.plans.criteria import LocalWorkspace, RepoWorkspace, Workspace, check
from bot.plans.dashboard import sync_issue
from bot.store.leases import Leases
from bot.store.plans import PlanStore, StaleState

log = logging.getLogger(__name__)
#: How long one runner may hold a run before another may take over (it renews each step;
#: a command task holds it for its whole timeout). Safety does not rest on it: every phase
#: write is a compare-and-set. It keeps two runners from doing the same work.
LEASE_SECONDS = 30.0
#: A runner finding the run held waits this long for it (another delivery finishing).
LEASE_WAIT = (0.2, 0.5, 1.0, 2.0, 4.0)
#: A dispatch recorded but never confirmed sent, with no run this long after, was not sent
#: (the runner died between recording and sending): it is sent again, as the same attempt.
DISPATCH_GRACE = 120.0
Progress = Callable[[str], None]


@dataclasses.dataclass
class PlanRunner:
    """What a run needs from outside: GitHub (None for local-only runs), the store, a clock,
    alerts, and a checkout when commands may run (Action, CLI; never the App)."""

    gh: GitHubClient | None
    store: PlanStore
    #: The store's named leases (``plan-run:ID``): one runner advances a run at a time.
    leases: Leases
    repository: str
    clock: Callable[[], float] = time.time
    alerts: Alerter | None = None
    checkout: Path | None = None
    write: bool = True
    progress: Progress | None = None
    holder: str = dataclasses.field(default_factory=lambda: f"runner-{uuid.uuid4()}")
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _ref: str | None = None

    # -- starting, approving, retrying --------------------------------------------------
    async def start(
        self,
        plan_text: str,
        *,
        mode: PlanMode | None = None,
        started_by: str | None = None,
        installation_id: int | None = None,
    ) -> PlanRun:
        plan = parse_plan(plan_text)
        if (mode or plan.mode) is PlanMode.DRY_RUN:
            raise UsageError("a dry run starts nothing: show it with would_run/render_dry_run")
        run = await self.store.create(
            repository=self.repository,
            installation_id=installation_id,
            plan_name=plan.name,
            plan_text=plan_text,
            mode=mode or plan.mode,
            phases=engine.initial_records(plan),
            now=self.clock(),
            started_by=started_by,
        )
        self._say(f"plan run {run.id} started: {plan.name} ({run.mode})")
        return await self.advance(run.id)

    async def approve(self, run_id: int, phase_id: str, *, by: str) -> PlanRun:
        run, plan = await self._load(run_id)
        record = _record(run, phase_id)
        started = engine.approve(plan, record, by=by, now=self.clock())
        await self.store.save_phases(run.id, [record], [started])
        await self.fire(plan, run, [engine.phase_event(started)])
        self._say(f"phase {phase_id} approved by {by}")
        return await self.advance(run.id)

    async def retry(self, run_id: int, phase_id: str) -> PlanRun:
        run, plan = await self._load(run_id)
        _record(run, phase_id)
        records = engine.retry(plan, run.phases, phase_id)
        await self.store.save_phases(run.id, run.phases, records)
        if run.state is not RunState.RUNNING:  # the run goes on; its issue opens again
            await self.store.update_run(run.id, state=RunState.RUNNING, finished_at=None)
        self._say(f"phase {phase_id} will be retried")
        return await self.advance(run.id)

    # -- moving on ----------------------------------------------------------------------
    async def advance(self, run_id: int, *, current_body: str | None = None) -> PlanRun:
        """Do everything that can be done now; returns the stored run afterwards. Another
        runner holding the run makes this a no-op."""
        if not await self._take(run_id):
            return await self.store.load(run_id)
        try:
            for _ in range(1000):
                try:
                    if not await self._step(run_id):
                        break
                except StaleState:
                    continue  # someone else wrote first: read again and decide again
            run, plan = await self._load(run_id)
            if run.state is RunState.RUNNING:
                state = engine.outcome(run.phases)
                if state is not RunState.RUNNING:
                    await self.store.update_run(run.id, state=state, finished_at=self.clock())
                    self._say(f"plan run {run.id} {state}")
                    await self.fire(plan, run, [PlanEvent(f"plan.{state}", (("plan", plan.name),))])
                    run = await self.store.load(run.id)
            if self.write and self.gh is not None:
                run = await sync_issue(self.gh, self.store, plan, run, current=current_body)
            return run
        finally:
            await self.leases.release([lease_name(run_id)], self.holder)

    async def _step(self, run_id: int) -> bool:
        """One change, written; False when nothing can change now."""
        run, plan = await self._load(run_id)
        if run.state is not RunState.RUNNING:
            return False
        await self.leases.try_take(lease_name(run_id), self.holder, ttl=LEASE_SECONDS)
        records, events = engine.settle(plan, run.mode, run.phases, self.clock())
        if events:
            await self.store.save_phases(run.id, run.phases, records)
            for event in events:
                self._say(f"{event.name}")
            await self.fire(plan, run, events)
            return True
        for record in run.phases:
            if record.state is not PhaseState.RUNNING:
                continue
            new = await self._phase_step(plan, run, record)
            if new is not None and new != record:
                await self.store.save_phases(run.id, [record], [new])
                if new.state is not record.state:
                    self._say(f"phase {new.phase_id} {engine.spoken(new.state)}"
                              + (f": {new.note}" if new.note else ""))  # fmt: skip
                    await self.fire(plan, run, [engine.phase_event(new)])
                return True
        return False

    async def _phase_step(
        self, plan: Plan, run: PlanRun, record: PhaseRecord
    ) -> PhaseRecord | None:
        now = self.clock()
        index = engine.current_task(record)
        if index is None:
            results = [await self._check(plan, c) for c in plan.phase(record.phase_id).success]
            return engine.criteria_checked(record, results, now)
        task = plan.phase(record.phase_id).tasks[index]
        state = record.tasks[index]
        if state.status is TaskStatus.PENDING:
            if state.not_before is not None and now < state.not_before:
                return None
            marked = engine.with_task(
                record,
                index,
                dataclasses.replace(
                    state, status=TaskStatus.DISPATCHING, attempt=state.attempt + 1,
                    started_at=now, not_before=None, run_id=None, run_url=None,
                ),
            )  # fmt: skip
            if task.kind is TaskKind.COMMAND and self.checkout is None:
                note = "command tasks run in the Action or the CLI, not in the App"
                return dataclasses.replace(
                    record, state=PhaseState.FAILED, finished_at=now, note=note
                )
            await self.store.save_phases(run.id, [record], [marked])  # recorded before sent
            marked = dataclasses.replace(marked, version=record.version + 1)
            self._say(f"phase {record.phase_id}: {task.describe()}, attempt {state.attempt + 1}")
            if task.kind is TaskKind.COMMAND:
                assert self.checkout is not None
                ttl = task.timeout + LEASE_SECONDS  # nobody takes over while it runs
                await self.leases.try_take(lease_name(run.id), self.holder, ttl=ttl)
                code = await tasks.run_command(task.target, task.timeout, cwd=self.checkout)
                if code == 0:
                    return engine.with_task(
                        marked,
                        index,
                        dataclasses.replace(marked.tasks[index], status=TaskStatus.SUCCEEDED),
                    )
                note = "timed out" if code is None else f"exited {code}"
                return engine.task_failed(plan, marked, index, note=note, now=self.clock())
            return await self._send(plan, run, marked, index)
        if state.status is TaskStatus.DISPATCHING and task.kind is TaskKind.COMMAND:
            return engine.task_failed(
                plan, record, index, note="interrupted: the runner stopped while it ran", now=now
            )
        if state.status not in (TaskStatus.DISPATCHING, TaskStatus.DISPATCHED):
            return None
        assert self.gh is not None and state.started_at is not None
        if state.run_id is None:
            taken = [t.run_id for r in run.phases for t in r.tasks if t.run_id is not None]
            found = await tasks.find_run(
                self.gh, run.repository, task, since=state.started_at, taken=taken
            )
            if found is not None:
                claimed = dataclasses.replace(
                    state, status=TaskStatus.DISPATCHED, run_id=int(found["id"]),
                    run_url=str(found.get("html_url") or ""),
                )  # fmt: skip
                return engine.with_task(record, index, claimed)
            if state.status is TaskStatus.DISPATCHING and now - state.started_at > DISPATCH_GRACE:
                # Recorded, never confirmed sent, and no run: the runner died before sending.
                again = dataclasses.replace(state, started_at=now, note="dispatch sent again")
                marked = engine.with_task(record, index, again)
                await self.store.save_phases(run.id, [record], [marked])
                marked = dataclasses.replace(marked, version=record.version + 1)
                return await self._send(plan, run, marked, index)
            run_info = None
        else:
            run_info = await tasks.get_run(self.gh, run.repository, state.run_id)
        if run_info is not None and run_info.get("status") == "completed":
            conclusion = run_info.get("conclusion")
            if conclusion == "success":
                done = dataclasses.replace(state, status=TaskStatus.SUCCEEDED, note=None)
                return engine.with_task(record, index, done)
            note = f"run {state.run_id} concluded {conclusion}"
            return engine.task_failed(plan, record, index, note=note, now=now)
        if now - state.started_at > task.timeout:
            note = f"timed out after {int(task.timeout // 60)} min"
            return engine.task_failed(plan, record, index, note=note, now=now)
        return None

    async def _send(self, plan: Plan, run: PlanRun, marked: PhaseRecord, index: int) -> PhaseRecord:
        """Dispatch the (already recorded) task; ``dispatched`` once GitHub accepted it."""
        task = plan.phase(marked.phase_id).tasks[index]
        try:
            assert self.gh is not None
            await tasks.dispatch(
                self.gh, run.repository, task, task.ref or await self._plan_ref(plan)
            )
        except GitHubException as exc:
            note = f"dispatch refused: {exc}"
            return engine.task_failed(plan, marked, index, note=note, now=self.clock())
        sent = dataclasses.replace(marked.tasks[index], status=TaskStatus.DISPATCHED)
        return engine.with_task(marked, index, sent)

    async def _take(self, run_id: int) -> bool:
        for pause in (*LEASE_WAIT, None):
            if await self.leases.try_take(lease_name(run_id), self.holder, ttl=LEASE_SECONDS):
                return True
            if pause is not None:
                await self.sleep(pause)
        return False

    # -- criteria -----------------------------------------------------------------------
    async def _check(self, plan: Plan, criterion: Criterion) -> tuple[str, bool | None]:
        workspace: Workspace
        if self.checkout is not None:
            workspace = LocalWorkspace(self.checkout)
        else:
            assert self.gh is not None
            workspace = RepoWorkspace(self.gh, self.repository, await self._plan_ref(plan))

        async def runner(command: str, timeout: float) -> int | None:
            return await tasks.run_command(command, timeout, cwd=self.checkout)

        return await check(
            criterion,
            workspace=workspace,
            checks=lambda names: self._checks_green(plan, names),
            run_command=runner if self.checkout is not None else None,
        )

    async def _checks_green(self, plan: Plan, names: Sequence[str]) -> bool | None:
        if self.gh is None:
            return None
        ref = await self._plan_ref(plan)
        data = await self.gh.getitem(
            f"/repos/{self.repository}/commits/{ref}/check-runs?per_page=100"
        )
        latest: dict[str, dict[str, object]] = {}
        for check_run in data.get("check_runs") or ():
            name = str(check_run.get("name"))
            if name not in latest or int(check_run["id"]) > int(str(latest[name]["id"])):
                latest[name] = check_run
        conclusions = [latest[n].get("conclusion") if n in latest else None for n in names]
        if any(c not in (None, "success", "neutral", "skipped") for c in conclusions):
            return False
        return None if None in conclusions else True

    # -- helpers ------------------------------------------------------------------------
    async def _plan_ref(self, plan: Plan) -> str:
        if plan.ref:
            return plan.ref
        if self._ref is None:
            assert self.gh is not None
            data = await self.gh.getitem(f"/repos/{self.repository}")
            self._ref = str(data["default_branch"])
        return self._ref

    async def _load(self, run_id: int) -> tuple[PlanRun, Plan]:
        run = await self.store.load(run_id)
        return run, parse_plan(run.plan_text)

    async def fire(self, plan: Plan, run: PlanRun | None, events: Sequence[PlanEvent]) -> None:
        """Send the alerts the plan's trigger rules ask for on ``events``."""
        if self.alerts is None:
            return
        where = f"Plan run {run.id} on {self.repository}" if run else f"Plan on {self.repository}"
        for trigger, event in fired(plan.triggers, events):
            if trigger.do is TriggerAction.ALERT:
                await self.alerts.send(
                    Alert(
                        key=f"plan:{self.repository}:{run.id if run else 0}:{event.name}",
                        severity=Severity(trigger.severity),
                        title=f"{plan.name}: {event.name}",
                        text=f"{where}: {event.name}.",
                        repository=self.repository,
                    )
                )

    def _say(self, line: str) -> None:
        log.info(line, extra={"repository": self.repository})
        if self.progress is not None:
            self.progress(line)


def lease_name(run_id: int) -> str:
    return f"plan-run:{run_id}"


def _record(run: PlanRun, phase_id: str) -> PhaseRecord:
    try:
        return run.record(phase_id)
    except KeyError:
        known = ", ".join(r.phase_id for r in run.phases)
        raise engine.TransitionError(
            f"no phase `{phase_id}` in this plan (phases: {known})"
        ) from None
