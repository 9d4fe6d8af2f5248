"""The storm run of ``webhook_bench.py``: one installation rate-limited, the others served.

A stub GitHub API on 127.0.0.1 mints installation tokens for anyone, lists repositories,
and answers every request of installation ``LIMITED`` with a secondary rate limit
(``403``, ``retry-after: 60``). Nine in ten deliveries are ``installation.created`` of that
installation (each needs a GitHub call), one in ten of ``SERVED``. Reported: how many
times GitHub was asked for each, and how long ``SERVED``'s deliveries took from receipt
to the end of processing.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from benchmarks.webhook_targets import CACHE, LOAD_CORE, ROOT, SECRET, _free_port, app_target
from bot.core.signature import sign

LIMITED, SERVED = 1001, 2002


@contextmanager
def stub_github() -> Iterator[tuple[str, Counter[str]]]:
    calls: Counter[str] = Counter()

    async def mint(request: web.Request) -> web.Response:
        installation = request.match_info["id"]
        calls[f"token {installation}"] += 1
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return web.json_response(
            {"token": f"tok-{installation}", "expires_at": expires}, status=201
        )

    async def repos(request: web.Request) -> web.Response:
        installation = request.headers.get("Authorization", "").rsplit("-", 1)[-1]
        calls[f"repos {installation}"] += 1
        if installation == str(LIMITED):
            body = {"message": "You have exceeded a secondary rate limit."}
            return web.json_response(body, status=403, headers={"retry-after": "60"})
        return web.json_response({"total_count": 0, "repositories": []})

    app = web.Application()
    app.router.add_post("/app/installations/{id}/access_tokens", mint)
    app.router.add_get("/installation/repositories", repos)
    port = _free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield f"http://127.0.0.1:{port}", calls
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def _storm_deliveries() -> str:
    from bot.fakegh.webhooks import find_example

    chosen = []
    for installation in [LIMITED] * 9 + [SERVED]:
        payload = find_example("installation", "created").payload
        payload["installation"]["id"] = installation
        body = json.dumps(payload, separators=(",", ":"))
        chosen.append(
            {"event": "installation", "body": body, "signature": sign(SECRET, body.encode())}
        )
    path = CACHE / "storm-deliveries.json"
    path.write_text(json.dumps(chosen))
    return str(path)


def storm_run(backend: str, seconds: float, rate: int = 300) -> dict[str, Any]:
    with stub_github() as (api_url, calls), app_target(backend, api_url=api_url) as target:
        prefix = f"storm-{backend}-{int(time.time())}"
        command = [
            "taskset",
            "-c",
            LOAD_CORE,
            sys.executable,
            str(ROOT / "benchmarks" / "webhook_load.py"),
        ]
        load = subprocess.run(
            [*command, _storm_deliveries(), target.url, str(rate), str(seconds), prefix],
            capture_output=True,
            text=True,
            check=True,
        )
        acked = json.loads(load.stdout)["acked"]
        time.sleep(2.0)
        assert target.db is not None
        rows = target.db.fetchall(
            "SELECT installation_id, status, received_at, finished_at FROM deliveries "
            "WHERE delivery_id LIKE ?",
            (f"{prefix}-%",),
        )
        served = [r for r in rows if r["installation_id"] == SERVED]
        waits = sorted(
            float(r["finished_at"]) - float(r["received_at"])
            for r in served
            if r["finished_at"] is not None
        )
        limited = Counter(str(r["status"]) for r in rows if r["installation_id"] == LIMITED)
        return {
            "backend": backend,
            "rate": rate,
            "acked": acked,
            "served": len(served),
            "served_done": len(waits),
            "served_p50_ms": round(statistics.median(waits) * 1000, 1) if waits else None,
            "served_p99_ms": round(waits[int(0.99 * (len(waits) - 1))] * 1000, 1)
            if waits
            else None,
            "served_max_ms": round(waits[-1] * 1000, 1) if waits else None,
            "limited_status": dict(limited),
            "github_calls": dict(calls),
        }
