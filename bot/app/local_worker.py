"""Local-queue workers in a process of their own: ``autopilot worker`` without Redis.

Beside ``autopilot serve --no-workers`` (which then only acknowledges), on the same store.
Nothing crosses between the processes but the store: a watcher reads when the next delivery
falls due every ``WATCH_EVERY`` seconds (a read, so it never takes the write lock the
intake needs) and wakes a worker; claims are write transactions (``BEGIN IMMEDIATE`` on
SQLite, ``SKIP LOCKED`` on PostgreSQL), so two processes never hold the same delivery, and
a dead process's claims fall due again when their visibility timeout lapses. The local
timer ticks the schedule; its lease makes a tick run once across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from gidgethub.routing import Router

from bot.app.runtime import open_runtime
from bot.app.scheduler import LocalScheduler
from bot.config.settings import Settings
from bot.store.deliveries import Store
from bot.taskqueue.local import LocalQueue

log = logging.getLogger(__name__)

#: The start-up log line's first words (the benchmark waits for them).
STARTED = "local workers started"
#: Seconds between the watcher's reads of the next due time.
WATCH_EVERY = 0.02


async def run_local_workers(
    settings: Settings,
    *,
    stop: asyncio.Event,
    router: Router | None = None,
    burst: bool = False,
) -> int:
    """Process deliveries until ``stop`` is set (``burst``: until none is due); how many."""
    async with open_runtime(settings, router=router) as runtime:
        if burst:
            return await runtime.processor.drain()
        queue = LocalQueue(runtime.processor, workers=settings.workers)
        scheduler = LocalScheduler(runtime.processor, queue.enqueue)
        await queue.start()
        scheduler.start()
        watcher = asyncio.create_task(_watch(runtime.store, queue), name="autopilot-watcher")
        log.info("%s: %d local workers watching the store", STARTED, settings.workers)
        try:
            await stop.wait()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await scheduler.close()
            await queue.close()
        return 0


async def _watch(store: Store, queue: LocalQueue) -> None:
    while True:
        await asyncio.sleep(WATCH_EVERY)
        try:
            due = await store.next_due()
        except Exception:  # the store is down: the workers' own polls log it
            continue
        if due is not None and due <= store.clock():
            await queue.enqueue("")
