"""``autopilot replay DELIVERY_ID``: dispatch a stored delivery again, here, for debugging."""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

from bot.app.logging_json import configure_logging
from bot.app.runtime import open_runtime
from bot.config.settings import Settings, load_settings
from bot.errors import UsageError
from bot.store.deliveries import Status

EPILOG = """\
The delivery is read from AUTOPILOT_STORE, queued again with fresh attempts and processed
in this process (with AUTOPILOT_APP_ID/KEY and GITHUB_API_URL, as `serve` would).
exit codes: 0 done or ignored; 1 a handler failed; 2 unknown delivery or bad configuration.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="dispatch a stored webhook delivery again (debugging)",
        description=(__doc__ or "").replace("``", ""),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("delivery_id", metavar="DELIVERY_ID", help="X-GitHub-Delivery of it")
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ)
    configure_logging(args.log_level, secrets=settings.secrets())
    return asyncio.run(replay(settings, args.delivery_id))


async def replay(settings: Settings, delivery_id: str) -> int:
    async with open_runtime(settings) as runtime:
        store = runtime.store
        if not await store.requeue(delivery_id):
            raise UsageError(f"no stored delivery {delivery_id!r} in the store")
        await runtime.processor.process_batch([delivery_id])
        found = await store.delivery(delivery_id)
        assert found is not None
        failures = [f for f in await store.failures(delivery_id) if f.attempt == found.attempts]
    print(f"{delivery_id} ({found.event}{'.' + found.action if found.action else ''}): "
          f"{found.status.value}" + (f": {found.note}" if found.note else ""))  # fmt: skip
    for failure in failures:
        print(f"  {failure.handler}: {failure.error}")
    return 1 if found.status is Status.FAILED else 0
