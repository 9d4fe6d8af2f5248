"""``autopilot worker``: a process that processes stored deliveries, apart from ``serve``.

With ``AUTOPILOT_QUEUE=redis://…`` it is an arq worker; with the local queue it claims from
the store itself (``bot.app.local_worker``), beside ``autopilot serve --no-workers``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from functools import partial
from typing import Any

from bot.app.logging_json import configure_logging
from bot.config.settings import Settings, load_settings
from bot.errors import UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="process stored deliveries in a process of their own",
        description=(
            "Process deliveries apart from `autopilot serve`. With AUTOPILOT_QUEUE=redis://… "
            "an arq worker takes delivery ids from Redis; with the local queue the worker "
            "watches AUTOPILOT_STORE itself, beside `autopilot serve --no-workers`, so that "
            "the server only acknowledges. Either way it loads each delivery from the store, "
            "mints its own installation token and runs the handlers. Run as many as you like "
            "(with SQLite, on the machine that holds the file)."
        ),
    )
    parser.add_argument("--burst", action="store_true", help="exit once nothing is due")
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ)
    if not settings.has_app_credentials:
        raise UsageError("autopilot worker needs AUTOPILOT_APP_ID and AUTOPILOT_PRIVATE_KEY(_PATH)")
    configure_logging(args.log_level, secrets=settings.secrets())
    work = _work if settings.uses_redis else _work_locally
    asyncio.run(work(settings, burst=args.burst))
    return 0


async def _work_locally(settings: Settings, *, burst: bool) -> None:
    from bot.app.local_worker import run_local_workers
    from bot.app.server import wait_for_signal

    stop = asyncio.Event()

    async def until_signal() -> None:
        await wait_for_signal()
        stop.set()

    waiter = asyncio.create_task(until_signal())
    try:
        await run_local_workers(settings, stop=stop, burst=burst)
    finally:
        waiter.cancel()


async def _work(settings: Settings, *, burst: bool) -> None:
    from bot.app.runtime import open_processor
    from bot.taskqueue.arq_queue import build_worker

    # Built inside the running loop: arq binds the worker (and its signal handlers) to it.
    worker = build_worker(settings.queue_url, opener=partial(open_processor, settings), burst=burst)
    await worker.async_run()
