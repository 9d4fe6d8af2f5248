"""A plan with dependencies run in auto mode through the fake GitHub, the issue read each step."""

from __future__ import annotations

import pytest

from bot.core.plan.state import PhaseState, RunState
from tests.plans.conftest import PLAN, PlanWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")


def states(run: object) -> dict[str, str]:
    return {r.phase_id: str(r.state) for r in run.phases}  # type: ignore[attr-defined]


async def test_auto_mode_runs_phases_in_dependency_order(plan_world: PlanWorld) -> None:
    w = plan_world
    run = await w.runner().start(PLAN, started_by="alice")
    assert states(run) == {
        "build": "running", "test": "pending", "docs": "pending", "deploy": "pending"
    }  # fmt: skip
    assert w.dispatches("build.yml") == [{"ref": "main", "inputs": {"target": "wheels"}}]
    number = run.issue_number
    assert number is not None
    issue = w.issue(number)
    assert issue.title == "Autopilot plan: Release 2.0 (run 1)"
    assert "- [ ] <!-- autopilot:phase:build --> `build` Build wheels: running" in issue.body

    # Nothing happened on GitHub: another pass sends nothing and edits nothing.
    w.clock.advance(60)
    await w.runner().advance(run.id)
    assert len(w.dispatches("build.yml")) == 1
    assert w.issue_edits(number) == []

    w.finish_runs("success")
    w.clock.advance(120)
    run = await w.runner().advance(run.id)
    assert states(run) == {
        "build": "succeeded", "test": "running", "docs": "running", "deploy": "pending"
    }  # fmt: skip
    body = w.issue(number).body
    assert "- [x] <!-- autopilot:phase:build --> `build` Build wheels: succeeded" in body
    assert "| `build` | ✅ succeeded | 2027-01-15 08:00 UTC | 3m 0s | 1/1 |" in body

    w.finish_runs("success")
    w.clock.advance(300)
    run = await w.runner().advance(run.id)
    assert states(run)["deploy"] == "waiting_for_approval"  # approval: manual, even in auto
    assert w.dispatches("deploy.yml") == []
    assert (
        "- [ ] <!-- autopilot:phase:deploy --> `deploy` Deploy: "
        "**waiting for approval: tick to start**"
    ) in w.issue(number).body

    run = await w.runner().approve(run.id, "deploy", by="alice")
    assert w.dispatches("deploy.yml") == [{"ref": "main", "inputs": {"environment": "production"}}]
    w.finish_runs("success")
    w.clock.advance(600)
    run = await w.runner().advance(run.id)
    assert run.state is RunState.SUCCEEDED
    assert all(r.state is PhaseState.SUCCEEDED for r in run.phases)
    issue = w.issue(number)
    assert issue.state == "closed"
    assert issue.body == FINAL_BODY
    [report] = [c.body for c in w.fake.state.comments.values() if c.issue_number == number]
    assert report == FINAL_REPORT
    w.assert_no_idle_edits(number)
    [close] = [e for e in w.issue_edits(number) if "state" in e]
    assert close == {"state": "closed", "state_reason": "completed"}

    # A run that ended is left alone: no more edits, no second report.
    edits = len(w.issue_edits(number))
    await w.runner().advance(run.id)
    assert len(w.issue_edits(number)) == edits


RUNS = "https://github.com/octo-org/release/actions/runs"
FINAL_BODY = f"""\
<!-- autopilot:plan-run:1 -->
## Release 2.0

Run 1 of `octo-org/release`, mode `auto`, started by @\u200balice. **succeeded**: 4 succeeded.

### Phases

- [x] <!-- autopilot:phase:build --> `build` Build wheels: succeeded
- [x] <!-- autopilot:phase:test --> `test` Test suite: succeeded
- [x] <!-- autopilot:phase:docs --> `docs` Docs: succeeded
- [x] <!-- autopilot:phase:deploy --> `deploy` Deploy: succeeded, approved by @\u200balice

### Status

| phase | state | started | duration | criteria met | runs |
|---|---|---|---|---|---|
| `build` | ✅ succeeded | 2027-01-15 08:00 UTC | 3m 0s | 1/1 | [run 1006]({RUNS}/1006) |
| `test` | ✅ succeeded | 2027-01-15 08:03 UTC | 5m 0s | 1/1 | [run 1009]({RUNS}/1009) |
| `docs` | ✅ succeeded | 2027-01-15 08:03 UTC | 5m 0s | none | [run 1010]({RUNS}/1010) |
| `deploy` | ✅ succeeded | 2027-01-15 08:08 UTC | 10m 0s | 1/1 | [run 1011]({RUNS}/1011) |
"""
FINAL_REPORT = """\
<!-- autopilot:plan-report:1 -->
## Plan report: Release 2.0, succeeded

Run 1: 4 succeeded. Started 2027-01-15 08:00 UTC, finished 2027-01-15 08:18 UTC, took 18m 0s.

| phase | result | duration | criteria met | attempts | note |
|---|---|---|---|---|---|
| `build` | ✅ succeeded | 3m 0s | 1/1 | 1 |  |
| `test` | ✅ succeeded | 5m 0s | 1/1 | 1 |  |
| `docs` | ✅ succeeded | 5m 0s | none | 1 |  |
| `deploy` | ✅ succeeded | 10m 0s | 1/1 | 1 |  |
"""
