"""Several worker processes on the real PostgreSQL and Redis: each delivery processed once,
also when one of them is killed in the middle of the run, and when handlers outlast the lease."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis.asyncio as aioredis
from arq.connections import ArqRedis, RedisSettings, create_pool

from bot.store.deliveries import Status, Store
from bot.taskqueue.arq_queue import enqueue_ids

ROOT = Path(__file__).resolve().parents[2]
#: Claims are leases of this many seconds, renewed while their worker lives.
LEASE = 1.0


@dataclass
class Fleet:
    store: Store
    record: aioredis.Redis
    pool: ArqRedis
    workers: list[subprocess.Popen[bytes]]
    logs: list[Path]
    killed: set[int] = field(default_factory=set)

    async def add(self, ids: list[str], per_job: int) -> None:
        added = await asyncio.gather(*(self.store.add_delivery(i, "ping", "{}") for i in ids))
        assert all(added)
        for start in range(0, len(ids), per_job):
            await enqueue_ids(self.pool, ids[start : start + per_job])

    def kill(self, n: int) -> None:
        self.workers[n].send_signal(signal.SIGKILL)
        self.workers[n].wait()
        self.killed.add(n)

    async def wait(self, done: Callable[[], Awaitable[bool]], what: str) -> None:
        for _ in range(1200):
            if await done():
                return
            alive = [w for n, w in enumerate(self.workers) if n not in self.killed]
            assert all(w.poll() is None for w in alive), self.exited()
            await asyncio.sleep(0.05)
        raise AssertionError(f"{what} did not happen within a minute")

    async def runs(self) -> list[tuple[str, str]]:
        lines = await self.record.lrange("processed", 0, -1)
        return [(d, pid) for d, pid in (line.decode().split() for line in lines)]

    def exited(self) -> str:
        return "\n".join(
            f"worker {n} exited {w.returncode}: {log.read_text()[-2000:]}"
            for n, (w, log) in enumerate(zip(self.workers, self.logs, strict=True))
            if w.poll() is not None
        )


@asynccontextmanager
async def fleet(
    postgres_url: str, redis_url: str, tmp_path: Path, *, delay: float
) -> AsyncIterator[Fleet]:
    """Two ``tests.app.worker_process`` workers whose handler takes ``delay`` seconds."""
    store = await Store.open(postgres_url)
    record = aioredis.Redis.from_url(redis_url)
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = []
    for log in logs:
        with log.open("wb") as sink:
            command = [sys.executable, "-m", "tests.app.worker_process"]
            workers.append(
                subprocess.Popen(
                    [*command, postgres_url, redis_url, str(delay), str(LEASE)],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    stdout=subprocess.DEVNULL,
                    stderr=sink,
                )
            )
    try:
        yield Fleet(store, record, pool, workers, logs)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(10)
        await pool.aclose()
        await record.aclose()
        await store.close()


async def test_two_worker_processes_share_the_work_and_survive_a_kill(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """Every delivery done exactly once, except those the killed worker held: redone once,
    by the survivor, once their leases lapsed (the sweep hands them on)."""
    ids = [f"mp-{n:04}" for n in range(400)]
    async with fleet(postgres_url, redis_url, tmp_path, delay=0.05) as f:
        await f.add(ids, per_job=16)

        async def both_busy() -> bool:
            return await f.record.llen("processed") >= len(ids) // 4

        await f.wait(both_busy, "a quarter of the deliveries processed")
        victim, survivor = (str(w.pid) for w in f.workers)
        f.kill(0)
        # In flight when it died: the dead worker's claims and the survivor's.
        held = {
            str(row["delivery_id"])
            for row in await asyncio.to_thread(
                f.store.db.fetchall,
                "SELECT delivery_id FROM deliveries WHERE status = 'processing'",
            )
        }

        async def drained() -> bool:
            return await f.store.depth() == 0

        await f.wait(drained, "the queue drained")
        runs = await f.runs()
        by_id = Counter(d for d, _ in runs)
        assert set(by_id) == set(ids)
        assert {pid for _, pid in runs} == {victim, survivor}  # both took a share
        assert max(Counter(d for d, pid in runs if pid == survivor).values()) == 1
        twice = {d for d, n in by_id.items() if n > 1}
        assert twice <= held and max(by_id.values()) <= 2  # only the dead one's claims
        for delivery_id in ids:
            delivery = await f.store.delivery(delivery_id)
            assert delivery is not None and delivery.status is Status.DONE
            # Claimed again only if it was held when the worker died (the dead one may not
            # have run it yet); what ran twice was claimed twice.
            assert delivery.attempts == 1 or (delivery.attempts == 2 and delivery_id in held)
            assert delivery.attempts == 2 or delivery_id not in twice
            if delivery_id in twice:  # first run by the killed worker, which died holding it
                assert sorted(pid for d, pid in runs if d == delivery_id) == sorted(
                    [victim, survivor]
                )


async def test_handlers_slower_than_the_lease_are_never_doubled(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """Each handler takes longer than a lease while the fleet sweeps five times a second:
    the heartbeats keep every claim, so no delivery is swept or run twice."""
    ids = [f"slow-{n:02}" for n in range(16)]
    async with fleet(postgres_url, redis_url, tmp_path, delay=2 * LEASE) as f:
        await f.add(ids, per_job=2)

        async def drained() -> bool:
            return await f.store.depth() == 0

        await f.wait(drained, "the queue drained")
        runs = await f.runs()
        assert sorted(d for d, _ in runs) == ids  # each once
        assert len({pid for _, pid in runs}) == 2
        for delivery_id in ids:
            delivery = await f.store.delivery(delivery_id)
            assert delivery is not None
            assert (delivery.status, delivery.attempts) == (Status.DONE, 1)
