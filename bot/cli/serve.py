"""``autopilot serve``: the App's webhook server, or the sandbox against the built-in fake."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Any

from bot.app.logging_json import configure_logging
from bot.app.server import start_server, wait_for_signal
from bot.config.settings import Settings, load_settings
from bot.errors import UsageError

log = logging.getLogger(__name__)

DESCRIPTION = """\
Run the GitHub App: POST /webhook verifies, stores and acknowledges deliveries; workers
process them. Also /healthz, /metrics and a live dashboard at /.

With no App credentials (AUTOPILOT_APP_ID + AUTOPILOT_PRIVATE_KEY) it starts in sandbox
mode against the built-in fake GitHub and plays a demo delivery through itself.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the GitHub App's webhook server (sandbox without credentials)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument(
        "--insecure-dev",
        action="store_true",
        help="accept unsigned webhooks without AUTOPILOT_WEBHOOK_SECRET (never in production)",
    )
    parser.add_argument(
        "--sandbox", action="store_true", help="use the built-in fake GitHub even with credentials"
    )
    parser.add_argument(
        "--once", action="store_true", help="sandbox: play the demo, print a summary, exit"
    )
    workers = parser.add_mutually_exclusive_group()
    workers.add_argument(
        "--worker",
        action="store_true",
        help="with AUTOPILOT_QUEUE=redis://…, also run an arq worker in this process",
    )
    workers.add_argument(
        "--no-workers",
        action="store_true",
        help="with the local queue, only acknowledge: `autopilot worker` processes",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ)
    sandbox = args.sandbox or not settings.has_app_credentials
    if args.once and not sandbox:
        raise UsageError(
            "--once plays the sandbox demo: add --sandbox or unset the App credentials"
        )
    if not sandbox and settings.webhook_secret is None and not args.insecure_dev:
        raise UsageError(
            "refusing to start without AUTOPILOT_WEBHOOK_SECRET: anyone could post events. "
            "Set the App's webhook secret, or pass --insecure-dev for local experiments"
        )
    if sandbox:
        from bot.app.sandbox import run_sandbox

        # The sandbox's generated secret joins the masked values once it exists.
        return asyncio.run(
            run_sandbox(
                settings, host=args.host, port=args.port, once=args.once, log_level=args.log_level
            )
        )
    configure_logging(args.log_level, secrets=settings.secrets())
    if settings.webhook_secret is None:
        log.warning("--insecure-dev: accepting unsigned webhooks")
    run_workers = args.worker or not (settings.uses_redis or args.no_workers)
    asyncio.run(serve_forever(settings, host=args.host, port=args.port, run_workers=run_workers))
    return 0


async def serve_forever(settings: Settings, *, host: str, port: int, run_workers: bool) -> None:
    runner, url = await start_server(settings, host=host, port=port, run_workers=run_workers)
    queue = "local" if not settings.uses_redis else "redis"
    log.info(
        f"listening on {url} (store {settings.store_url.split(':', 1)[0]}, queue {queue})",
        extra={"url": url},
    )
    print(f"autopilot serve: listening on {url} — dashboard {url}/", file=sys.stderr)
    try:
        await wait_for_signal()
    finally:
        await runner.cleanup()
