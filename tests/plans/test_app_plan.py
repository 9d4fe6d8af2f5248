"""The App end to end: signed deliveries drive a manual plan; the worker is replaced
mid-phase by a new one on the same store; the issue is read after every step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app.server import SERVICES, create_app
from bot.config.settings import Settings
from bot.fakegh import FakeGitHub
from bot.fakegh.issue_events import issue_comment_created, issue_edited
from bot.fakegh.routes.actions import workflow_for
from bot.fakegh.routes.issues import new_issue
from bot.fakegh.webhooks import build_delivery, workflow_run_completed
from tests.fixtures.github import AppCredentials
from tests.fixtures.webhooks import WEBHOOK_SECRET
from tests.plans.conftest import INSTALLATION, repo_files

pytestmark = pytest.mark.asyncio(loop_scope="session")


class App:
    """One ``autopilot serve`` process (workers off: the test drains deliveries itself)."""

    def __init__(self, client: TestClient[Any, Any]) -> None:
        self.client = client

    @property
    def processor(self) -> Any:
        return self.client.app[SERVICES].runtime.processor

    async def deliver(self, event: str, payload: dict[str, Any], *, process: bool = True) -> None:
        signed = build_delivery(event, payload, secret=WEBHOOK_SECRET)
        response = await self.client.post("/webhook", data=signed.body, headers=signed.headers)
        assert response.status == 202, await response.text()
        if process:
            await self.processor.drain()


async def test_manual_plan_through_the_app_with_a_worker_replaced_mid_phase(
    fake_github: FakeGitHub, app_credentials: AppCredentials, aiohttp_client: Any, tmp_path: Path
) -> None:
    repo = fake_github.seed_repo(
        "octo-org", "release", files=repo_files(), collaborators={"alice": "write"}
    )
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[repo.full_name])
    for name in ("build", "test", "docs", "deploy"):
        workflow_for(fake_github.state, repo, name, f".github/workflows/{name}.yml")
    settings = Settings(
        webhook_secret=WEBHOOK_SECRET,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
        store_url=f"sqlite:///{tmp_path / 'app.db'}",
        api_url=fake_github.url,
    )

    async def start() -> App:
        return App(await aiohttp_client(create_app(settings, run_workers=False)))

    world = fake_github.state
    app = await start()
    where = new_issue(world, repo, "Release", "", world.user("alice"))
    said = fake_github.add_comment(repo, where.number, "/autopilot plan run manual", author="alice")
    await app.deliver(
        "issue_comment",
        issue_comment_created(repo, where, said, installation_id=INSTALLATION),
    )
    tracking = world.issues[(repo.full_name, 2)]
    assert tracking.title == "Autopilot plan: Release 2.0 (run 1)"
    assert "`build` Build wheels: **waiting for approval: tick to start**" in (tracking.body or "")

    # alice ticks build: GitHub stores the body and sends issues.edited.
    before = tracking.body or ""
    tracking.body = before.replace(
        "- [ ] <!-- autopilot:phase:build -->", "- [x] <!-- autopilot:phase:build -->"
    )
    await app.deliver(
        "issues",
        issue_edited(repo, tracking, before=before, editor="alice", installation_id=INSTALLATION),
    )
    assert "`build` Build wheels: running, approved by" in (tracking.body or "")
    [run] = [r for r in world.runs.values() if r.status != "completed"]

    # The build finishes; its workflow_run delivery is stored and acknowledged, and the
    # worker dies before processing it.
    run.status, run.conclusion = "completed", "success"
    payload = workflow_run_completed(repo, run, [], fake_github.url, installation_id=INSTALLATION)
    await app.deliver("workflow_run", payload, process=False)
    await app.client.close()
    assert "`build` Build wheels: running" in (tracking.body or "")

    app = await start()  # a new process on the same store takes the delivery
    await app.processor.drain()
    body = tracking.body or ""
    assert "- [x] <!-- autopilot:phase:build --> `build` Build wheels: succeeded" in body
    assert "`test` Test suite: **waiting for approval: tick to start**" in body
    builds = [
        d for w in world.workflows.values() if w.path.endswith("build.yml") for d in w.dispatches
    ]
    assert len(builds) == 1
    assert not fake_github.unexpected_violations()
