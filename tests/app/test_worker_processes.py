"""Several worker processes on the real PostgreSQL and Redis: each delivery processed once,
also when one of them is killed in the middle of the run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import redis.asyncio as aioredis
from arq.connections import RedisSettings, create_pool

from bot.store.deliveries import Status, Store
from bot.taskqueue.arq_queue import enqueue_ids

ROOT = Path(__file__).resolve().parents[2]
DELIVERIES = 400


def _spawn(store_url: str, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.app.worker_process", store_url, redis_url],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


def _exited(workers: list[subprocess.Popen[bytes]], logs: list[Path]) -> str:
    return "\n".join(
        f"worker {n} exited {w.returncode}: {log.read_text()[-2000:]}"
        for n, (w, log) in enumerate(zip(workers, logs, strict=True))
        if w.poll() is not None
    )


async def test_two_worker_processes_share_the_work_and_survive_a_kill(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    store = await Store.open(postgres_url)
    record = aioredis.Redis.from_url(redis_url)
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = [_spawn(postgres_url, redis_url, log) for log in logs]
    try:
        ids = [f"mp-{n:04}" for n in range(DELIVERIES)]
        assert all(await asyncio.gather(*(store.add_delivery(i, "ping", "{}") for i in ids)))
        for start in range(0, DELIVERIES, 16):
            await enqueue_ids(pool, ids[start : start + 16])
        while await record.llen("processed") < DELIVERIES // 4:  # both are busy by now
            assert all(w.poll() is None for w in workers), _exited(workers, logs)
            await asyncio.sleep(0.05)
        victim = workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        for _ in range(600):  # its claims lapse (3 s), the sweep enqueues them again
            if await store.depth() == 0:
                break
            await asyncio.sleep(0.1)
        assert await store.depth() == 0
        runs = [line.decode().split() for line in await record.lrange("processed", 0, -1)]
        by_id = Counter(delivery_id for delivery_id, _ in runs)
        assert set(by_id) == set(ids)
        survivor = str(workers[1].pid)
        assert Counter(d for d, pid in runs if pid == survivor).most_common(1)[0][1] == 1
        pids = {pid for _, pid in runs}
        assert pids == {str(victim.pid), survivor}  # both took a share
        for delivery_id in ids:
            delivery = await store.delivery(delivery_id)
            assert delivery is not None and delivery.status is Status.DONE
            if by_id[delivery_id] > 1:  # run by the killed worker, which died before recording
                assert delivery.attempts >= 2 and by_id[delivery_id] == 2
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(10)
        await pool.aclose()
        await record.aclose()
        await store.close()
