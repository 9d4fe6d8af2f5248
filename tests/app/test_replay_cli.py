"""``autopilot replay DELIVERY_ID``: a stored delivery dispatched again, in this process."""

from __future__ import annotations

import asyncio

import pytest

import bot.cli.main as cli
from bot.fakegh import FakeGitHub
from bot.fakegh.webhooks import workflow_run_completed
from bot.store.deliveries import Status
from tests.app.conftest import ServerFactory
from tests.fixtures.github import AppCredentials

INSTALLATION = 4243


async def test_replay_dispatches_a_stored_delivery_again(
    make_server: ServerFactory,
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo = fake_github.seed_demo()
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    payload = workflow_run_completed(
        demo.repo, demo.run, [demo.pull], fake_github.url, installation_id=INSTALLATION
    )
    # The first time, GitHub refuses the check run (a permission the App had not yet).
    fake_github.inject_fault(
        403,
        operation_id="checks/create",
        message="Resource not accessible by integration",
        headers={"retry-after": ""},
    )
    assert (await server.post("workflow_run", payload, delivery="rp-1")).status == 202
    assert await server.services.runtime.processor.drain() == 1
    first = await server.services.runtime.store.delivery("rp-1")
    assert first is not None and (first.note or "").startswith("partly ignored: GitHub refused")
    assert not fake_github.state.check_runs
    settings = server.services.runtime.settings
    for name, value in {
        "AUTOPILOT_STORE": settings.store_url,
        "AUTOPILOT_APP_ID": str(app_credentials.app_id),
        "AUTOPILOT_PRIVATE_KEY": app_credentials.private_key_pem,
        "GITHUB_API_URL": fake_github.url,
    }.items():
        monkeypatch.setenv(name, value)
    assert await asyncio.to_thread(cli.main, ["replay", "rp-1", "--log-level", "ERROR"]) == 0
    assert capsys.readouterr().out == "rp-1 (workflow_run.completed): done\n"
    assert len(fake_github.calls_to("actions/list-jobs-for-workflow-run")) == 2
    triage = [
        c for c in fake_github.state.check_runs.values() if c.external_id == f"{demo.run.id}:1"
    ]
    assert len(triage) == 1  # the same check run, updated in place
    found = await server.services.runtime.store.delivery("rp-1")
    assert found is not None and found.status is Status.DONE and found.attempts == 1
    assert await asyncio.to_thread(cli.main, ["replay", "nope", "--log-level", "ERROR"]) == 2
    assert "no stored delivery 'nope'" in capsys.readouterr().err
