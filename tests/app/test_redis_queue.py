"""The arq queue on a real Redis: the webhook enqueues ids, arq workers process from the store."""

from __future__ import annotations

import asyncio
from functools import partial

from arq.connections import RedisSettings, create_pool

from bot.app.runtime import open_processor
from bot.config.settings import Settings
from bot.fakegh.webhooks import find_example
from bot.store.deliveries import Status
from bot.taskqueue.arq_queue import ArqQueue, build_worker, sweep
from tests.app.conftest import NOWHERE, ServerFactory


async def _on_redis(queue: object) -> None:
    """Ids linger a moment before they reach Redis; a burst worker must not start before."""
    assert isinstance(queue, ArqQueue)
    await queue.flush()


async def test_webhook_enqueues_and_an_arq_worker_processes(
    make_server: ServerFactory, redis_url: str
) -> None:
    server = await make_server(queue_url=redis_url, run_workers=False)
    payload = find_example("installation", "created").payload
    assert (await server.post("installation", payload, delivery="arq-1")).status == 202
    assert (await server.post("ping", {"zen": "z", "hook_id": 1}, delivery="arq-2")).status == 202
    store = server.services.runtime.store
    assert await store.depth() == 2  # stored; nothing ran in the request
    await _on_redis(server.services.queue)
    worker = build_worker(
        redis_url, processor=server.services.runtime.processor, burst=True, handle_signals=False
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    assert worker.jobs_failed == 0  # (jobs_complete also counts the start-up sweep)
    for delivery_id in ("arq-1", "arq-2"):
        delivery = await store.delivery(delivery_id)
        assert delivery is not None and delivery.status is Status.DONE
    installation = await store.installation(957387)
    assert installation is not None and installation.repositories == ("Codertocat/Hello-World",)


async def test_serve_with_worker_processes_in_process(
    make_server: ServerFactory, redis_url: str
) -> None:
    server = await make_server(queue_url=redis_url, run_workers=True)
    assert (await server.post("star", {"action": "created"}, delivery="arq-3")).status == 202
    store = server.services.runtime.store
    final = {Status.DONE, Status.IGNORED, Status.FAILED}
    for _ in range(200):  # until processing has finished, not merely started
        delivery = await store.delivery("arq-3")
        if delivery is not None and delivery.status in final:
            break
        await asyncio.sleep(0.05)
    assert delivery is not None and delivery.status is Status.IGNORED
    health = await (await server.client.get("/healthz")).json()
    assert health["queue"].startswith("redis://") and health["queue_depth"] == 0


async def test_sweep_enqueues_deliveries_that_were_never_enqueued(
    make_server: ServerFactory, redis_url: str
) -> None:
    server = await make_server(queue_url=redis_url, run_workers=False)
    store = server.services.runtime.store
    await store.add_delivery("lost-1", "ping", '{"zen": "z"}')  # stored, enqueue "lost"
    store.clock = lambda: 10**10  # a long time later
    worker = build_worker(
        redis_url, processor=server.services.runtime.processor, burst=True, handle_signals=False
    )
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    try:
        assert await sweep({"processor": server.services.runtime.processor, "redis": pool}) == 1
        await worker.main()
    finally:
        await worker.close()
        await pool.aclose()
    delivery = await store.delivery("lost-1")
    assert delivery is not None and delivery.status is Status.DONE


async def test_a_standalone_worker_opens_its_own_store(
    make_server: ServerFactory, redis_url: str, store_url: str
) -> None:
    server = await make_server(queue_url=redis_url, run_workers=False)
    assert (await server.post("ping", {"zen": "z", "hook_id": 1}, delivery="arq-4")).status == 202
    await _on_redis(server.services.queue)
    settings = Settings(store_url=store_url, queue_url=redis_url, api_url=NOWHERE)
    opener = partial(open_processor, settings)
    worker = build_worker(redis_url, opener=opener, burst=True, handle_signals=False)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert worker.jobs_failed == 0
    delivery = await server.services.runtime.store.delivery("arq-4")
    assert delivery is not None and delivery.status is Status.DONE
