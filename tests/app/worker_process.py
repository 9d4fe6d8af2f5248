"""A worker process for the multi-process tests: arq on Redis, a handler that records its runs.

``python -m tests.app.worker_process STORE_URL REDIS_URL DELAY LEASE``: each ``ping``
delivery takes ``DELAY`` seconds and is recorded on the Redis list ``processed`` as
``"<id> <pid>"``; claims are leases of ``LEASE`` seconds, and the fleet sweeps 5 times a second.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import redis.asyncio as aioredis
from gidgethub.routing import Router

from bot.app.runtime import open_runtime
from bot.config.settings import Settings
from bot.core.events import Event
from bot.taskqueue.arq_queue import build_worker


async def main(store_url: str, redis_url: str, delay: float, lease: float) -> None:
    record = aioredis.Redis.from_url(redis_url)
    router = Router()

    @router.register("ping")
    async def run(event: Event, *_: Any, **__: Any) -> None:
        await asyncio.sleep(delay)
        await record.rpush("processed", f"{event.delivery_id} {os.getpid()}")

    settings = Settings(
        store_url=store_url,
        queue_url=redis_url,
        api_url="http://127.0.0.1:9",
        visibility_timeout=lease,
        claim_batch=8,
    )
    async with open_runtime(settings, router=router) as runtime:
        worker = build_worker(
            redis_url, processor=runtime.processor, sweep_every=0.2, sweep_after=1.0
        )
        await worker.async_run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
