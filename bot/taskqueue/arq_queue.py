"""arq on Redis: the webhook enqueues delivery ids in batches; workers claim them from the store.

Jobs carry only ids. The ids acknowledged while one enqueue is in flight travel together in
the next job, so Redis sees one job per burst, not one per delivery. A retry is a job
deferred to its not-before time. Every worker process runs a sweeper loop (``SWEEP_EVERY``)
and one of them, the holder of a short Redis lock, acts each time: it re-enqueues the claims
whose lease lapsed (a worker killed holding them) and what stayed due too long (a lost
enqueue). Both lookups read an index, so a sweep is cheap at any depth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from arq import cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker

from bot.store.batch import Batcher
from bot.taskqueue import BatchReport, Processor

log = logging.getLogger(__name__)

QUEUE_NAME = "autopilot:queue"
#: Queued deliveries due this long and still not taken are enqueued again, a job's worth
#: per sweep (lapsed claims all at once); the store's claim makes a second job harmless.
SWEEP_AFTER = 10.0
#: Seconds between sweeps of the fleet.
SWEEP_EVERY = 1.0
#: The Redis key whose holder sweeps this interval.
SWEEP_LOCK = "autopilot:sweep"
#: Ids per job: the worker claims them in one transaction.
JOB_IDS = 128
#: Seconds the first id of a job waits for others (the acknowledgement never waits on it).
#: A job costs its worker about 4 ms of CPU whatever its size (arq's Redis round trips,
#: the claim and the outcomes), a delivery about 0.1 ms: 50 ms makes 50 ids a job at
#: 1,000/s.
ENQUEUE_LINGER = 0.05


async def enqueue_ids(redis: ArqRedis, ids: Sequence[str], *, at: float | None = None) -> None:
    """One job for ``ids``, run at once or not before ``at`` (epoch seconds)."""
    when = datetime.fromtimestamp(at, UTC) if at is not None else None
    await redis.enqueue_job(
        "process_deliveries", list(ids), _queue_name=QUEUE_NAME, _defer_until=when
    )


async def _schedule_retries(redis: ArqRedis, report: BatchReport) -> None:
    by_time: dict[float, list[str]] = {}
    for delivery_id, at in report.due_again:
        by_time.setdefault(round(at, 1), []).append(delivery_id)
    for at, ids in by_time.items():
        await enqueue_ids(redis, ids, at=at)


async def process_deliveries(ctx: dict[str, Any], ids: list[str]) -> int:
    """arq job: claim ``ids`` (those still due) and process them; how many it claimed."""
    processor: Processor = ctx["processor"]
    report = await processor.process_batch(ids)
    await _schedule_retries(ctx["redis"], report)
    return report.claimed


async def process_delivery(ctx: dict[str, Any], delivery_id: str) -> int:
    """arq job of earlier releases (one id): still understood."""
    return await process_deliveries(ctx, [delivery_id])


async def sweep(ctx: dict[str, Any]) -> int:
    """Enqueue the deliveries nobody works on (lapsed claims, lost enqueues); how many.

    Only the process that takes the sweep lock for this interval acts; the others return 0.
    """
    redis: ArqRedis = ctx["redis"]
    every = float(ctx.get("sweep_every", SWEEP_EVERY))
    if not await redis.set(SWEEP_LOCK, b"1", nx=True, px=max(1, int(every * 900))):
        return 0
    processor: Processor = ctx["processor"]
    ids = await processor.overdue(ctx.get("sweep_after", SWEEP_AFTER))
    for start in range(0, len(ids), JOB_IDS):
        await enqueue_ids(redis, ids[start : start + JOB_IDS])
    return len(ids)


async def _sweeper(ctx: dict[str, Any]) -> None:
    """Sweep every ``sweep_every`` seconds until cancelled (a worker process's lifetime)."""
    while True:
        try:
            await sweep(ctx)
        except Exception:  # Redis or the store is down: try again next time
            log.exception("sweep failed")
        await asyncio.sleep(float(ctx["sweep_every"]))


async def schedule(ctx: dict[str, Any]) -> int:
    """arq cron job: the schedule's tick, when the processor has one (the App's does: one
    process of the fleet wins each interval); the deliveries it stored, queued here."""
    tick = getattr(ctx["processor"], "schedule_tick", None)
    if tick is None:
        return 0
    redis: ArqRedis = ctx["redis"]

    async def enqueue(delivery_id: str) -> None:
        await enqueue_ids(redis, [delivery_id])

    return len(await tick(enqueue))


def build_worker(
    redis_url: str,
    *,
    processor: Processor | None = None,
    opener: Callable[[], AbstractAsyncContextManager[Processor]] | None = None,
    burst: bool = False,
    handle_signals: bool = True,
    max_jobs: int = 4,
    sweep_every: float = SWEEP_EVERY,
    sweep_after: float = SWEEP_AFTER,
) -> Worker:
    """An arq worker with a ready ``processor``, or one ``opener`` opens at startup.

    The App passes its runtime as ``opener`` (``bot.app.runtime.open_processor``): the App
    composes the queue, the queue never imports the App. The worker sweeps at start-up
    and, unless ``burst``, every ``sweep_every`` seconds while it runs.
    """
    stack = AsyncExitStack()

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["sweep_after"], ctx["sweep_every"] = sweep_after, sweep_every
        if processor is not None:
            ctx["processor"] = processor
        else:
            assert opener is not None
            ctx["processor"] = await stack.enter_async_context(opener())
        if burst:
            await sweep(ctx)
        else:
            sweeper = asyncio.create_task(_sweeper(ctx), name="autopilot-sweeper")
            stack.push_async_callback(_cancel, sweeper)

    async def shutdown(ctx: dict[str, Any]) -> None:
        await stack.aclose()

    if processor is None and opener is None:
        raise ValueError("build_worker needs a processor or an opener")
    return Worker(
        functions=[process_deliveries, process_delivery],
        cron_jobs=[cron(schedule, second=30, run_at_startup=False)],
        redis_settings=RedisSettings.from_dsn(redis_url),
        queue_name=QUEUE_NAME,
        burst=burst,
        handle_signals=handle_signals,
        on_startup=startup,
        on_shutdown=shutdown,
        max_jobs=max_jobs,
        max_tries=5,
        keep_result=0,
        poll_delay=0.05,
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
        # Nobody waits on an enqueue, so ids linger a moment to share a job.
        self._batcher: Batcher[str, None] = Batcher(
            self._send, max_batch=JOB_IDS, linger=ENQUEUE_LINGER
        )

    async def start(self) -> None:
        self._pool = await create_pool(RedisSettings.from_dsn(self.redis_url))
        if self.run_worker:
            self._worker = build_worker(
                self.redis_url, processor=self.processor, handle_signals=False
            )
            self._task = asyncio.create_task(self._worker.async_run(), name="autopilot-arq")

    async def _send(self, ids: list[str]) -> list[None]:
        if self._pool is None:
            raise RuntimeError("ArqQueue.start() was not awaited")
        await enqueue_ids(self._pool, ids)
        return [None] * len(ids)

    async def enqueue(self, delivery_id: str) -> None:
        """Hand the id to the next batch; the acknowledgement does not wait for Redis."""
        if self._pool is None:
            raise RuntimeError("ArqQueue.start() was not awaited")
        self._batcher.put(delivery_id).add_done_callback(_log_failure)

    async def flush(self) -> None:
        """Wait until every id handed to ``enqueue`` is on Redis (or failed to get there)."""
        await self._batcher.close()

    async def close(self) -> None:
        await self.flush()
        if self._worker is not None and self._task is not None:
            await _cancel(self._task)
            await self._worker.close()
        if self._pool is not None:
            await self._pool.aclose()


def _log_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        # Stored is what counts: the sweep enqueues the delivery again.
        log.error(
            "enqueue failed; the delivery stays due in the store", exc_info=future.exception()
        )


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
