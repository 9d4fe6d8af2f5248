"""arq on Redis: the webhook enqueues the delivery id; ``process_delivery`` runs it anywhere."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import AsyncExitStack
from typing import Any

from arq import cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker

from bot.app.worker import Processor
from bot.config.settings import Settings

log = logging.getLogger(__name__)

QUEUE_NAME = "autopilot:queue"
#: Deliveries still claimable this long after receipt are enqueued again (a lost enqueue,
#: a dead worker); the store's claim makes a second job for one delivery harmless.
SWEEP_AFTER = 60.0


async def process_delivery(ctx: dict[str, Any], delivery_id: str) -> str:
    """arq job: load the delivery from the store and dispatch it (no-op if already taken)."""
    processor: Processor = ctx["processor"]
    delivery = await processor.process(delivery_id)
    return "processed" if delivery is not None else "not claimable"


async def sweep(ctx: dict[str, Any]) -> int:
    """arq cron job: enqueue deliveries that were stored but never finished."""
    processor: Processor = ctx["processor"]
    redis: ArqRedis = ctx["redis"]
    ids = await processor.store.pending(older_than=SWEEP_AFTER)
    for delivery_id in ids:
        await redis.enqueue_job("process_delivery", delivery_id, _queue_name=QUEUE_NAME)
    return len(ids)


def build_worker(
    redis_url: str,
    *,
    processor: Processor | None = None,
    settings: Settings | None = None,
    burst: bool = False,
    handle_signals: bool = True,
) -> Worker:
    """An arq worker with a ready ``processor``, or one it opens from ``settings`` at startup."""
    stack = AsyncExitStack()

    async def startup(ctx: dict[str, Any]) -> None:
        if processor is not None:
            ctx["processor"] = processor
            return
        from bot.app.runtime import open_runtime

        assert settings is not None
        runtime = await stack.enter_async_context(open_runtime(settings))
        ctx["processor"] = runtime.processor

    async def shutdown(ctx: dict[str, Any]) -> None:
        await stack.aclose()

    if processor is None and settings is None:
        raise ValueError("build_worker needs a processor or settings")
    return Worker(
        functions=[process_delivery],
        cron_jobs=[cron(sweep, second=0, run_at_startup=False)],
        redis_settings=RedisSettings.from_dsn(redis_url),
        queue_name=QUEUE_NAME,
        burst=burst,
        handle_signals=handle_signals,
        on_startup=startup,
        on_shutdown=shutdown,
        max_tries=5,
        keep_result=60,
        poll_delay=0.2,
    )


class ArqQueue:
    """Enqueues on Redis; with ``run_worker`` also runs an arq worker in this process."""

    def __init__(self, redis_url: str, *, processor: Processor, run_worker: bool = False) -> None:
        self.redis_url = redis_url
        self.processor = processor
        self.run_worker = run_worker
        self._pool: ArqRedis | None = None
        self._worker: Worker | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._pool = await create_pool(RedisSettings.from_dsn(self.redis_url))
        if self.run_worker:
            self._worker = build_worker(
                self.redis_url, processor=self.processor, handle_signals=False
            )
            self._task = asyncio.create_task(self._worker.async_run(), name="autopilot-arq")

    async def enqueue(self, delivery_id: str) -> None:
        if self._pool is None:
            raise RuntimeError("ArqQueue.start() was not awaited")
        await self._pool.enqueue_job("process_delivery", delivery_id, _queue_name=QUEUE_NAME)

    async def close(self) -> None:
        if self._worker is not None and self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            await self._worker.close()
        if self._pool is not None:
            await self._pool.aclose()
