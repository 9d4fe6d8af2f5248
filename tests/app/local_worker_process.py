"""A local-queue worker process for the multi-process tests (``autopilot worker`` on SQLite).

``python -m tests.app.local_worker_process STORE_URL RECORD``: each ``ping`` delivery takes
``DELAY`` seconds and appends ``"<id> <pid>"`` to the file RECORD (``"ready <pid>"`` first).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from gidgethub.routing import Router

from bot.app.local_worker import run_local_workers
from bot.config.settings import Settings
from bot.core.events import Event

DELAY = 0.01
VISIBILITY_TIMEOUT = 3.0


async def main(store_url: str, record: Path) -> None:
    router = Router()

    @router.register("ping")
    async def run(event: Event, *_: Any, **__: Any) -> None:
        await asyncio.sleep(DELAY)
        with record.open("a") as sink:  # one short append: whole lines from each process
            sink.write(f"{event.delivery_id} {os.getpid()}\n")

    settings = Settings(
        store_url=store_url,
        api_url="http://127.0.0.1:9",
        visibility_timeout=VISIBILITY_TIMEOUT,
        claim_batch=8,
        workers=2,
    )
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    with record.open("a") as sink:
        sink.write(f"ready {os.getpid()}\n")
    await run_local_workers(settings, stop=stop, router=router)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)  # the start-up line, as serve's
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
