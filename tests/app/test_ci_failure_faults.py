"""Journey 1 through the App while GitHub fails: 5xx and rate limits are waited out, not lost."""

from __future__ import annotations

import asyncio
import time

from bot.fakegh import FakeGitHub
from bot.fakegh.webhooks import workflow_run_completed
from bot.store.deliveries import Status
from tests.app.conftest import ServerFactory
from tests.fixtures.github import AppCredentials

INSTALLATION = 4243


async def test_5xx_and_rate_limits_on_the_triage_path_are_recovered(
    make_server: ServerFactory, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    demo = fake_github.seed_demo()
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    faults = {
        "repos/get-content": 500,
        "actions/list-jobs-for-workflow-run": 502,
        "actions/download-job-logs-for-workflow-run": 503,
        "checks/create": 429,  # with retry-after: 1
        "issues/list-comments": 403,  # a secondary rate limit
    }
    for operation, status in faults.items():
        fake_github.inject_fault(status, operation_id=operation)
    fake_github.inject_fault(
        403,
        operation_id="issues/create-comment",
        message="API rate limit exceeded for installation",
        headers={"retry-after": "", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "0"},
    )
    faults["issues/create-comment"] = 403
    server = await make_server(
        api_url=fake_github.url, app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )  # fmt: skip
    payload = workflow_run_completed(
        demo.repo, demo.run, [demo.pull], fake_github.url, installation_id=INSTALLATION
    )
    assert (await server.post("workflow_run", payload, delivery="faulty-1")).status == 202
    store, processor = server.services.runtime.store, server.services.runtime.processor
    deadline = time.monotonic() + 120
    while (found := await store.delivery("faulty-1")) is not None and found.status in (
        Status.QUEUED,
        Status.PROCESSING,
    ):  # however the client waits (in the request, or by a later retry of the delivery)
        assert time.monotonic() < deadline
        await processor.drain()
        await asyncio.sleep(0.1)
    assert found is not None and found.status is Status.DONE, found
    for operation, status in faults.items():
        statuses = [c.status for c in fake_github.calls_to(operation)]
        recovered = statuses[-1] < 500 and statuses[-1] not in (403, 429)
        assert statuses[0] == status and recovered, (operation, statuses)
    [check] = [r for r in fake_github.state.check_runs.values() if r.name == "autopilot/triage"]
    assert (check.name, len(check.annotations)) == ("autopilot/triage", 3)
    triage = [c for c in fake_github.state.comments.values() if "autopilot:triage" in c.body]
    assert len(triage) == 1
