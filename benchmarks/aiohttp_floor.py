"""The floor of the App's stack in ``webhook_bench.py``: aiohttp reading the body, answering 202.

``PORT=8080 python benchmarks/aiohttp_floor.py``: no signature, no store, no metrics; what
any aiohttp webhook server pays per request before it does anything of its own.
"""

from __future__ import annotations

import os

from aiohttp import web


async def webhook(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(status=202)


def main() -> None:
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    web.run_app(app, host="127.0.0.1", port=int(os.environ["PORT"]), access_log=None, print=None)


if __name__ == "__main__":
    main()
