"""Journey 1 end to end: a signed ``workflow_run.completed`` delivery through the App server."""

from __future__ import annotations

from bot.fakegh import FakeGitHub
from bot.fakegh.webhooks import workflow_run_completed
from bot.store.deliveries import Delivery, Status
from tests.app.conftest import ServerFactory
from tests.fixtures.github import AppCredentials

INSTALLATION = 4243
HANDLER = "bot.concerns.ci_failure.on_workflow_run_failed"


async def _deliver(
    make_server: ServerFactory, fake: FakeGitHub, creds: AppCredentials, delivery: str
) -> Delivery:
    demo = fake.seed_demo()
    fake.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    server = await make_server(
        api_url=fake.url, app_id=str(creds.app_id), private_key=creds.private_key_pem
    )
    payload = workflow_run_completed(
        demo.repo, demo.run, [demo.pull], fake.url, installation_id=INSTALLATION
    )
    assert (await server.post("workflow_run", payload, delivery=delivery)).status == 202
    assert await server.services.runtime.processor.drain() == 1
    store = server.services.runtime.store
    found = await store.delivery(delivery)
    assert found is not None
    if found.status is Status.FAILED:
        failures = await store.failures(delivery)
        assert [f.handler for f in failures] == [HANDLER]
        assert "403" in failures[0].error or "Resource not accessible" in failures[0].error
    return found


async def test_a_signed_delivery_is_triaged_end_to_end(
    make_server: ServerFactory, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    delivery = await _deliver(make_server, fake_github, app_credentials, "wr-1")
    assert delivery.status is Status.DONE
    [check] = [r for r in fake_github.state.check_runs.values() if r.name == "autopilot/triage"]
    assert (check.name, check.conclusion, len(check.annotations)) == (
        "autopilot/triage",
        "failure",
        3,
    )
    # One triage comment, and one from the fix journey that follows it.
    assert len(fake_github.calls_to("issues/create-comment")) == 2


async def test_a_403_on_check_run_creation_is_a_recorded_reason_not_a_failure(
    make_server: ServerFactory, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    fake_github.inject_fault(
        403,
        operation_id="checks/create",
        message="Resource not accessible by integration",
        headers={"retry-after": ""},  # a permission 403, as GitHub sends it
    )
    # GitHub's refusal is a reason on the delivery (the other concerns still ran), no traceback.
    delivery = await _deliver(make_server, fake_github, app_credentials, "wr-2")
    assert delivery.status is Status.DONE
    assert delivery.note == (
        "partly ignored: GitHub refused POST /repos/octo-org/demo/check-runs: "
        "403 Resource not accessible by integration"
    )
    assert [c.status for c in fake_github.calls_to("checks/create")] == [403]
    assert not fake_github.state.check_runs and not fake_github.calls_to("issues/create-comment")
