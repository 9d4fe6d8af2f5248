"""``autopilot worker``: arq workers that process stored deliveries from the Redis queue."""

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
        help="process deliveries from AUTOPILOT_QUEUE=redis://… (arq)",
        description=(
            "Run an arq worker: it takes delivery ids from Redis, loads each delivery from "
            "AUTOPILOT_STORE, mints its own installation token and runs the handlers. "
            "Run as many as you like, on as many machines as share the store and Redis."
        ),
    )
    parser.add_argument("--burst", action="store_true", help="exit once the queue is empty")
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ)
    if not settings.uses_redis:
        raise UsageError(
            "autopilot worker needs AUTOPILOT_QUEUE=redis://host:port/db; with the local "
            "queue, `autopilot serve` runs its workers itself"
        )
    if not settings.has_app_credentials:
        raise UsageError("autopilot worker needs AUTOPILOT_APP_ID and AUTOPILOT_PRIVATE_KEY(_PATH)")
    configure_logging(args.log_level, secrets=settings.secrets())
    asyncio.run(_work(settings, burst=args.burst))
    return 0


async def _work(settings: Settings, *, burst: bool) -> None:
    from bot.app.runtime import open_processor
    from bot.taskqueue.arq_queue import build_worker

    # Built inside the running loop: arq binds the worker (and its signal handlers) to it.
    worker = build_worker(settings.queue_url, opener=partial(open_processor, settings), burst=burst)
    await worker.async_run()
