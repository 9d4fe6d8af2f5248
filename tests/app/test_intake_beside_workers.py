"""Acknowledgements beside in-process workers: never held behind a whole batch."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
from gidgethub.routing import Router

from bot.app.metrics import Metrics
from bot.app.worker import Processor
from bot.concerns.ports import Ports
from bot.config.settings import Settings
from bot.core.events import Event
from bot.github.client import GitHubClient
from bot.store import open_stores
from bot.store.deliveries import Status, Store

DEEP = 40


async def test_an_acknowledgement_is_not_held_behind_a_batch_of_busy_handlers(
    store_url: str,
) -> None:
    store = await Store.open(store_url)
    ran: list[str] = []
    router = Router()

    @router.register("ping")
    async def busy(event: Event, ports: Ports) -> None:
        time.sleep(0.002)  # work that never awaits, as parsing and deciding are
        ran.append(event.delivery_id)

    try:
        for n in range(DEEP):
            assert await store.add_delivery(f"q{n}", "ping", json.dumps({"zen": n}))
        async with aiohttp.ClientSession() as session:
            processor = Processor(
                stores=await open_stores(store),
                router=router,
                gh=GitHubClient(session, base_url="http://127.0.0.1:9"),
                settings=Settings(claim_batch=DEEP),
                metrics=Metrics(),
            )
            batch = asyncio.create_task(processor.process_batch())
            while not ran:  # the batch is claimed and its handlers have started
                await asyncio.sleep(0.001)
            assert await store.add_delivery("late", "ping", "{}")
            ran_before_ack = len(ran)
            report = await batch
        # The acknowledgement's commit went through between two deliveries of the batch.
        assert report.claimed == DEEP and len(ran) == DEEP
        assert ran_before_ack < DEEP
        late = await store.delivery("late")
        assert late is not None and late.status is Status.QUEUED
    finally:
        await store.close()
