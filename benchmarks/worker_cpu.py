"""A worker's CPU per delivery on PostgreSQL + Redis, by the number of ids in a job.

``python -m benchmarks.worker_cpu [--deliveries 3000] [--sizes 5,20,50] [--runs 3]`` stores
the webhook bench's bodies (events that need no GitHub call) in a fresh PostgreSQL schema,
enqueues them in arq jobs of N ids, and lets one arq worker (burst mode, in this process)
process them all. It prints the process's CPU time (``time.process_time``, the database
driver's thread included) per delivery, per job size, runs interleaved, and the median.
The ids a job carries are set by how long the webhook lets them linger
(``ENQUEUE_LINGER`` in ``bot/taskqueue/arq_queue.py``): at 1,000/s, 20 ms makes 20 ids.
Uses ``AUTOPILOT_BENCH_POSTGRES`` and ``AUTOPILOT_BENCH_REDIS`` (whose database it flushes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from urllib.parse import quote

from arq.connections import RedisSettings, create_pool

from benchmarks.webhook_targets import POSTGRES, REDIS, deliveries_file
from bot.app.runtime import open_runtime
from bot.config.settings import Settings
from bot.taskqueue.arq_queue import build_worker, enqueue_ids


async def measure(count: int, per_job: int) -> float:
    """CPU milliseconds per delivery for ``count`` deliveries in jobs of ``per_job`` ids."""
    import psycopg
    import redis

    schema = f"cpu_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    redis.Redis.from_url(REDIS).flushdb()
    bodies = json.loads(deliveries_file().read_text())
    url = f"{POSTGRES}?options={quote(f'-csearch_path={schema}')}"
    try:
        settings = Settings(store_url=url, queue_url=REDIS, api_url="http://127.0.0.1:9")
        async with open_runtime(settings) as runtime:
            ids = [f"cpu-{n}" for n in range(count)]
            for start in range(0, count, 200):
                chunk = range(start, min(count, start + 200))
                stored = await asyncio.gather(
                    *(
                        runtime.store.add_delivery(
                            ids[n],
                            bodies[n % len(bodies)]["event"],
                            bodies[n % len(bodies)]["body"],
                        )
                        for n in chunk
                    )
                )
                assert all(stored)
            pool = await create_pool(RedisSettings.from_dsn(REDIS))
            try:
                for start in range(0, count, per_job):
                    await enqueue_ids(pool, ids[start : start + per_job])
                worker = build_worker(
                    REDIS, processor=runtime.processor, burst=True, handle_signals=False
                )
                before = time.process_time()
                await worker.main()
                used = time.process_time() - before
                await worker.close()
                assert await runtime.store.depth() == 0, "not every delivery was processed"
            finally:
                await pool.aclose()
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return used * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=3000)
    parser.add_argument("--sizes", default="5,20,50", help="ids per job, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(args.runs):  # interleaved: every size once per round
        for size in sizes:
            results[size].append(round(asyncio.run(measure(args.deliveries, size)), 3))
    for size, values in results.items():
        print(
            json.dumps(
                {
                    "ids_per_job": size,
                    "cpu_ms_per_delivery": values,
                    "median": round(statistics.median(values), 3),
                }
            )
        )


if __name__ == "__main__":
    main()
