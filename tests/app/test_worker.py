"""Workers on both stores: isolated handlers, visibility timeout, the installation concern."""

from __future__ import annotations

import json
from typing import Any

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core.events import Event
from bot.fakegh import FakeGitHub
from bot.fakegh.webhooks import find_example
from bot.store.deliveries import Status, Store
from bot.store.leases import LeaseTimeout
from tests.app.conftest import ServerFactory
from tests.fixtures.github import AppCredentials


async def test_a_failing_handler_does_not_stop_the_others(make_server: ServerFactory) -> None:
    ran: list[str] = []
    first, second = Router(), Router()

    @first.register("issues", action="opened")
    async def explode(event: Event, ports: Ports) -> None:
        ran.append("explode")
        raise RuntimeError("concern A is broken")

    @second.register("issues")
    async def count(event: Event, ports: Ports) -> None:
        ran.append(f"count {event.label} {event.repository} by {event.sender}")

    server = await make_server(router=Router(first, second))
    payload = {"action": "opened", "repository": {"full_name": "o/r"}, "sender": {"login": "u"}}
    assert (await server.post("issues", payload, delivery="iso-1")).status == 202
    store = server.services.runtime.store
    await server.services.runtime.processor.drain()
    assert sorted(ran) == ["count issues.opened o/r by u", "explode"]
    delivery = await store.delivery("iso-1")
    assert delivery is not None and delivery.status is Status.FAILED
    assert delivery.note == "1 of 2 handlers failed: explode"
    failures = await store.failures("iso-1")
    assert [(f.handler.rsplit(".", 1)[-1], f.error, f.attempt) for f in failures] == [
        ("explode", "RuntimeError: concern A is broken", 1)
    ]


async def test_a_busy_pull_request_lease_sends_the_delivery_back_to_the_queue(
    make_server: ServerFactory,
) -> None:
    router = Router()

    @router.register("issues", action="opened")
    async def wait_for_lease(event: Event, ports: Ports) -> None:
        raise LeaseTimeout("pull-request:o/r#1 is still held by another worker")

    server = await make_server(router=router)
    payload = {"action": "opened", "repository": {"full_name": "o/r"}, "sender": {"login": "u"}}
    assert (await server.post("issues", payload, delivery="busy-1")).status == 202
    await server.services.runtime.processor.drain()
    delivery = await server.services.runtime.store.delivery("busy-1")
    assert delivery is not None and delivery.status is Status.QUEUED  # retried later, not lost
    assert delivery.note == (
        "1 of 1 handlers failed: wait_for_lease; a pull request's lease was busy"
    )


async def test_a_job_whose_worker_died_is_claimed_again(store_url: str) -> None:
    now = [1000.0]
    store = await Store.open(store_url, clock=lambda: now[0])
    try:
        assert await store.add_delivery("d1", "ping", "{}")
        assert not await store.add_delivery("d1", "ping", "{}")
        first = await store.claim(visibility_timeout=30)
        assert first is not None and (first.delivery_id, first.attempts) == ("d1", 1)
        # The worker "dies" here: no finish(). Within the timeout nobody else may take it.
        now[0] += 29
        assert await store.claim(visibility_timeout=30) is None
        assert await store.depth() == 1
        now[0] += 2
        again = await store.claim("d1", visibility_timeout=30)
        assert again is not None and again.attempts == 2
        await store.finish("d1", Status.DONE)
        now[0] += 60
        assert await store.claim(visibility_timeout=30) is None
        assert await store.depth() == 0
    finally:
        await store.close()


async def test_a_delivery_that_keeps_killing_workers_is_given_up(
    make_server: ServerFactory,
) -> None:
    server = await make_server(visibility_timeout=0.001, max_attempts=2)
    store = server.services.runtime.store
    assert (await server.post("ping", {"zen": "z"}, delivery="poison")).status == 202
    for _ in range(2):  # two workers die holding it
        assert await store.claim(visibility_timeout=0.001) is not None
        store.clock = lambda base=store.clock: base() + 1  # type: ignore[misc]
    assert await server.services.runtime.processor.drain() == 1
    delivery = await store.delivery("poison")
    assert delivery is not None and delivery.status is Status.FAILED
    assert delivery.note == "gave up after 2 attempts"


def _example(event: str, action: str) -> dict[str, Any]:
    return find_example(event, action).payload


async def test_installation_events_are_recorded(make_server: ServerFactory) -> None:
    server = await make_server()
    store = server.services.runtime.store
    deliveries = [
        ("installation", "created"),
        ("installation_repositories", "added"),
        ("installation", "suspend"),
        ("installation", "unsuspend"),
        ("installation", "created"),  # replayed with a new delivery id: idempotent
    ]
    for n, (event, action) in enumerate(deliveries):
        payload = _example(event, action)
        if event == "installation" and action in ("suspend", "unsuspend"):
            payload = json.loads(json.dumps(payload).replace("16598467", "957387"))
        assert (await server.post(event, payload, delivery=f"inst-{n}")).status == 202
    assert await server.services.runtime.processor.drain() == len(deliveries)
    installation = await store.installation(957387)
    assert installation is not None
    assert (installation.account, installation.account_type) == ("Codertocat", "User")
    assert installation.status == "active"
    assert installation.repositories == ("Codertocat/Hello-World",)

    for n, (event, action) in enumerate(
        [("installation_repositories", "removed"), ("installation", "deleted")]
    ):
        assert (
            await server.post(event, _example(event, action), delivery=f"gone-{n}")
        ).status == 202
    await server.services.runtime.processor.drain()
    gone = await store.installation(2)
    assert gone is not None and gone.status == "deleted"
    assert gone.repositories == ()
    assert [d.status for d in await store.recent()] == [Status.DONE] * 7


async def test_installation_is_reconciled_with_the_api_as_the_installation(
    make_server: ServerFactory, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    fake_github.add_installation(957387, "Codertocat", repos=["Hello-World", "Space"])
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    payload = _example("installation", "created")  # lists only Codertocat/Hello-World
    assert (await server.post("installation", payload, delivery="rec-1")).status == 202
    assert await server.services.runtime.processor.drain() == 1
    installation = await server.services.runtime.store.installation(957387)
    assert installation is not None
    assert installation.repositories == ("Codertocat/Hello-World", "Codertocat/Space")
    assert [c.operation_id for c in fake_github.calls] == [
        "apps/create-installation-access-token",
        "apps/list-repos-accessible-to-installation",
    ]


async def test_a_gone_installation_is_ignored_with_a_reason_not_a_traceback(
    make_server: ServerFactory,
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    caplog: Any,
) -> None:
    fake_github.add_installation(957387, "Codertocat", repos=["Hello-World"])
    fake_github.add_installation(957388, "Codertocat", repos=["Hello-World"])
    fake_github.remove_installation(957387)
    fake_github.suspend_installation(957388)
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    removed = _example("installation", "created")
    suspended = {
        **_example("installation", "unsuspend"),
        "installation": {**_example("installation", "unsuspend")["installation"], "id": 957388},
    }
    assert (await server.post("installation", removed, delivery="gone-1")).status == 202
    assert (await server.post("installation", suspended, delivery="gone-2")).status == 202
    assert await server.services.runtime.processor.drain() == 2
    store = server.services.runtime.store
    first, second = await store.delivery("gone-1"), await store.delivery("gone-2")
    assert first is not None and second is not None
    assert (first.status, second.status) == (Status.IGNORED, Status.IGNORED)
    assert first.note == (
        "ignored: installation 957387 is gone (removed or suspended): "
        "GitHub answered 404 Not Found to its token request"
    )
    assert second.note is not None and "403 This installation has been suspended" in second.note
    assert not [r for r in caplog.records if r.exc_info]  # no traceback anywhere
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert sum("installation 957387 is gone" in w for w in warnings) == 1
    assert await store.failures("gone-1") == []
