"""The Action on ``schedule`` (a cron workflow): the same concern moves the plan on."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.cli import action
from bot.concerns import compose_router
from bot.core.plan.state import PhaseState
from bot.fakegh.webhooks import repository_payload
from tests.plans.conftest import PLAN, PlanWorld, repo_files

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_scheduled_action_moves_the_plan_on(
    plan_world: PlanWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = plan_world
    run = await w.runner().start(PLAN)
    w.finish_runs()
    checkout = tmp_path / "checkout"
    for name, text in repo_files().items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(text)
    event = tmp_path / "event.json"
    payload = {"schedule": "*/30 * * * *", "repository": repository_payload(w.repo)}
    event.write_text(json.dumps(payload))
    env = {
        "GITHUB_EVENT_NAME": "schedule",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_TOKEN": "ghs_plans",
        "GITHUB_API_URL": w.fake.url,
        "GITHUB_RUN_ID": "7",
        "GITHUB_WORKSPACE": str(checkout),
        "AUTOPILOT_STORE": w.store.db.url,  # the plan's state outlives the job
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    parser = argparse.ArgumentParser()
    action.register(parser.add_subparsers())
    args = parser.parse_args(["action"])
    code = await asyncio.to_thread(action.run_action, args, os.environ, compose_router())
    assert code == 0
    run = await w.stores.plans.load(run.id)
    assert run.record("build").state is PhaseState.SUCCEEDED
    assert run.record("test").state is PhaseState.RUNNING
    assert "- [x] <!-- autopilot:phase:build -->" in (w.issue(1).body or "")
    # No CI history yet: no weekly report either.
    assert [i.title for i in w.fake.state.issues.values()] == [
        "Autopilot plan: Release 2.0 (run 1)"
    ]
