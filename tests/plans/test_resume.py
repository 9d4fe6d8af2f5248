"""Kill the runner mid-phase and resume with a new runtime on the same store: nothing twice."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.alerts import Alerter
from bot.config.alerts import load_alert_settings
from bot.config.plan import parse_plan
from bot.core.plan import engine
from bot.core.plan.engine import with_task
from bot.core.plan.model import PlanMode
from bot.core.plan.state import PhaseState, RunState, TaskRecord, TaskStatus
from bot.plans.runner import LEASE_SECONDS, lease_name
from bot.store import open_stores
from bot.store.deliveries import Store
from tests.plans.conftest import PLAN, PlanWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_new_runtime_resumes_mid_phase_without_dispatching_again(
    any_store_plan_world: PlanWorld,
) -> None:
    w = any_store_plan_world
    run = await w.runner().start(PLAN)
    assert w.issue(1).body and run.record("build").state is PhaseState.RUNNING
    body_before = w.issue(1).body

    # The worker dies while build's workflow runs, holding the run (no release).
    dead = w.runner(holder="dead-worker")
    assert await w.stores.leases.try_take(lease_name(run.id), dead.holder, ttl=LEASE_SECONDS)
    await w.store.close()

    store = await Store.open(w.store.db.url, clock=w.clock)  # a new process, same database
    stores = await open_stores(store)
    w.store, w.stores = store, stores
    resumed = await w.runner().advance(run.id)
    assert resumed.record("build").state is PhaseState.RUNNING  # the lease is still held
    w.clock.advance(LEASE_SECONDS + 1)  # ... until it lapses
    resumed = await w.runner().advance(run.id)
    task = resumed.record("build").tasks[0]
    assert task.status is TaskStatus.DISPATCHED and task.attempt == 1
    assert len(w.dispatches("build.yml")) == 1
    assert w.issue(1).body == body_before  # nothing to say yet: no edit
    assert w.issue_edits(1) == []

    w.finish_runs()
    resumed = await w.runner().advance(run.id)
    assert resumed.record("build").state is PhaseState.SUCCEEDED
    assert [len(w.dispatches(f"{p}.yml")) for p in ("build", "test", "docs")] == [1, 1, 1]
    w.finish_runs()
    resumed = await w.runner().advance(run.id)
    resumed = await w.runner().approve(run.id, "deploy", by="alice")
    w.finish_runs()
    resumed = await w.runner().advance(run.id)
    assert resumed.state is RunState.SUCCEEDED
    assert sum(len(w.dispatches(f"{p}.yml")) for p in ("build", "test", "docs", "deploy")) == 4


async def test_a_dispatch_recorded_but_not_sent_is_sent_once_more(plan_world: PlanWorld) -> None:
    w = plan_world
    run = await w.runner().start(PLAN)
    # As if the process died between recording the dispatch and sending it: no run exists.
    w.fake.state.runs.clear()
    w.fake.state.workflows[next(iter(w.fake.state.workflows))].dispatches.clear()
    build = run.record("build")
    unsent = dataclasses.replace(build.tasks[0], status=TaskStatus.DISPATCHING, run_id=None)
    await w.stores.plans.save_phases(run.id, [build], [with_task(build, 0, unsent)])
    w.clock.advance(60)
    run = await w.runner().advance(run.id)  # a run may still be on its way: wait
    assert run.record("build").tasks[0].status is TaskStatus.DISPATCHING
    assert w.dispatches("build.yml") == []
    w.clock.advance(61)
    run = await w.runner().advance(run.id)
    task = run.record("build").tasks[0]  # sent again as the same attempt, its run found
    assert (task.status, task.attempt, task.note) == (
        TaskStatus.DISPATCHED,
        1,
        "dispatch sent again",
    )
    assert task.run_id is not None and len(w.dispatches("build.yml")) == 1


async def test_a_dispatched_run_that_never_appears_times_out_and_is_retried(
    plan_world: PlanWorld,
) -> None:
    w = plan_world
    run = await w.runner().start(PLAN)
    w.fake.state.runs.clear()  # GitHub accepted the dispatch but its run is gone
    w.clock.advance(30 * 60 + 1)
    run = await w.runner().advance(run.id)
    task = run.record("build").tasks[0]
    assert task.status is TaskStatus.PENDING and task.not_before == w.clock() + 60
    assert task.note == "attempt 1 failed: timed out after 30 min"
    w.clock.advance(61)
    run = await w.runner().advance(run.id)
    assert run.record("build").tasks[0].attempt == 2
    assert len(w.dispatches("build.yml")) == 2


async def test_failures_retry_with_backoff_then_fail_and_skip_dependents(
    plan_world: PlanWorld,
) -> None:
    w = plan_world
    run = await w.runner().start(PLAN, mode=PlanMode.AUTO)
    w.finish_runs("failure")
    run = await w.runner().advance(run.id)
    task = run.record("build").tasks[0]
    assert task.status is TaskStatus.PENDING and task.not_before == w.clock() + 60
    w.clock.advance(30)
    await w.runner().advance(run.id)
    assert len(w.dispatches("build.yml")) == 1  # still backing off
    w.clock.advance(31)
    await w.runner().advance(run.id)
    assert len(w.dispatches("build.yml")) == 2
    w.finish_runs("failure")
    run = await w.runner().advance(run.id)  # retries: 1, so the second failure is final
    assert run.state is RunState.FAILED
    assert {r.phase_id: r.state for r in run.phases} == {
        "build": PhaseState.FAILED, "test": PhaseState.SKIPPED,
        "docs": PhaseState.SKIPPED, "deploy": PhaseState.SKIPPED,
    }  # fmt: skip
    issue = w.issue(1)
    assert issue.state == "closed"
    assert (
        "- [ ] <!-- autopilot:phase:build --> `build` Build wheels: **failed: tick to retry**"
        in (issue.body or "")
    )
    report = [c.body for c in w.fake.state.comments.values() if c.issue_number == 1][-1]
    assert "| `test` | ⏭️ skipped |  | -/1 | 0 | \\`build\\` did not succeed |" in report

    # A retry reopens the way: build and the phases it blocked run again.
    run = await w.runner().retry(run.id, "build")
    assert run.state is RunState.RUNNING and w.issue(1).state == "open"
    assert run.record("test").state is PhaseState.PENDING
    assert len(w.dispatches("build.yml")) == 3


async def test_a_failed_phase_fires_its_alert_rule(plan_world: PlanWorld, tmp_path: Path) -> None:
    w = plan_world
    log_path = tmp_path / "alerts.jsonl"
    alerts = Alerter(
        load_alert_settings({"AUTOPILOT_ALERT_LOG": str(log_path)}), w.stores.alerts, clock=w.clock
    )
    run = await w.runner(alerts=alerts).start(PLAN.replace("retries: 1", "retries: 0"))
    w.finish_runs("failure")
    await w.runner(alerts=alerts).advance(run.id)
    [alert] = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert (alert["key"], alert["severity"], alert["title"]) == (
        "plan:octo-org/release:1:phase.build.failed",
        "critical",
        "Release 2.0: phase.build.failed",
    )


async def test_commands_need_a_checkout_and_an_interrupted_one_is_a_failed_attempt(
    plan_world: PlanWorld, tmp_path: Path
) -> None:
    w = plan_world
    plan = (
        "name: Local\nphases:\n  - id: lint\n    tasks:\n      - run: 'true'\n        retries: 1\n"
    )
    app_run = await w.runner().start(plan)  # the App never runs repository code
    assert app_run.record("lint").state is PhaseState.FAILED
    assert (
        app_run.record("lint").note == "command tasks run in the Action or the CLI, not in the App"
    )

    local = w.runner(checkout=tmp_path)
    run = await local.store.create(
        repository=w.name, installation_id=None, plan_name="Local", plan_text=plan,
        mode=PlanMode.AUTO, phases=engine.initial_records(parse_plan(plan)), now=w.clock(),
    )  # fmt: skip
    lint = engine.start(run.record("lint"), w.clock())
    running = with_task(
        lint, 0, TaskRecord(status=TaskStatus.DISPATCHING, attempt=1, started_at=w.clock())
    )
    await w.stores.plans.save_phases(run.id, [run.record("lint")], [running])  # killed mid-command
    run = await local.advance(run.id)
    task = run.record("lint").tasks[0]
    assert task.note == "attempt 1 failed: interrupted: the runner stopped while it ran"
    w.clock.advance(61)
    run = await local.advance(run.id)
    assert run.record("lint").state is PhaseState.SUCCEEDED
    assert run.record("lint").tasks[0].attempt == 2
