"""The App's HTTP edge: ``POST /webhook`` verifies, stores, enqueues and answers 202.

Nothing in the request waits on GitHub; workers do the rest. Also ``/healthz``,
``/metrics`` and the dashboard at ``/``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from aiohttp import web
from gidgethub.routing import Router
from prometheus_client import generate_latest

from bot.app.dashboard import render_dashboard
from bot.app.metrics import CONTENT_TYPE_LATEST, Metrics
from bot.app.review_metrics import metrics_registry
from bot.app.runtime import Runtime, open_runtime
from bot.app.scheduler import LocalScheduler
from bot.config.settings import Settings
from bot.core.review import queue_stats
from bot.core.signature import verify
from bot.core.webhook_head import Head, read_head
from bot.errors import InputError
from bot.github.client import Sleep
from bot.store.db import redact
from bot.store.deliveries import Store
from bot.store.review_queue import ReviewQueue
from bot.taskqueue import TaskQueue, make_queue

log = logging.getLogger(__name__)

_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class Services:
    runtime: Runtime
    queue: TaskQueue


SERVICES = web.AppKey("services", Services)
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)


def _reject(request: web.Request, status: int, reason: str, detail: str) -> web.Response:
    request.app[METRICS].rejected.labels(reason).inc()
    delivery = request.headers.get("X-GitHub-Delivery", "")[:128] or None
    log.warning(f"webhook rejected: {detail}", extra={"reason": reason, "delivery": delivery})
    return web.json_response({"error": reason, "detail": detail}, status=status)


async def webhook(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    limit = settings.max_body_bytes
    if request.content_length is not None and request.content_length > limit:
        return _reject(request, 413, "too_large", f"body over {limit} bytes")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _reject(request, 413, "too_large", f"body over {limit} bytes")
    if settings.webhook_secret is not None:  # verified on the raw bytes, before parsing
        header = request.headers.get("X-Hub-Signature-256")
        if not header:
            return _reject(request, 401, "missing_signature", "X-Hub-Signature-256 is missing")
        if not verify(settings.webhook_secret, body, header):
            return _reject(request, 401, "bad_signature", "X-Hub-Signature-256 does not match")
    event_name = request.headers.get("X-GitHub-Event", "")
    delivery_id = request.headers.get("X-GitHub-Delivery", "")
    if not _EVENT_NAME.match(event_name):
        return _reject(request, 400, "missing_header", "X-GitHub-Event is missing or malformed")
    if not _DELIVERY_ID.match(delivery_id):
        return _reject(request, 400, "missing_header", "X-GitHub-Delivery is missing or malformed")
    if request.content_type != "application/json":
        detail = f"expected application/json, got {request.content_type}"
        return _reject(request, 415, "unsupported_media_type", detail)
    try:  # the fields the store needs; the worker decodes the whole payload
        head = read_head(body)
    except InputError as exc:
        return _reject(request, 400, "bad_json", str(exc))

    services = request.app[SERVICES]
    try:
        new = await services.runtime.store.add_delivery(
            delivery_id,
            event_name,
            head.text,
            action=head.action,
            installation_id=head.installation_id,
            repository=head.repository,
            sender=head.sender,
        )
    except Exception:  # not stored, so not acknowledged: GitHub shows it failed, redeliverable
        log.exception("could not store the delivery", extra=_context(delivery_id, event_name, head))
        return web.json_response({"error": "store_unavailable"}, status=503)
    metrics = request.app[METRICS]
    if not new:
        metrics.duplicates.inc()
        log.info("duplicate delivery ignored", extra=_context(delivery_id, event_name, head))
        return _answer(200, delivery_id, b"duplicate")
    metrics.received_event(event_name).inc()
    try:  # a wake-up for the workers; never waits on the queue's server
        await services.queue.enqueue(delivery_id)
    except Exception:  # stored is what counts: a sweep or a polling worker will pick it up
        log.exception(
            "enqueue failed; the delivery stays queued in the store",
            extra=_context(delivery_id, event_name, head),
        )
    if log.isEnabledFor(logging.DEBUG):  # the hot path: one line per delivery only on DEBUG
        log.debug("delivery stored", extra=_context(delivery_id, event_name, head))
    return _answer(202, delivery_id, b"queued")


def _context(delivery_id: str, event_name: str, head: Head) -> dict[str, object]:
    label = f"{event_name}.{head.action}" if head.action else event_name  # as Event.label
    return {"delivery": delivery_id, "event": label, "installation": head.installation_id}


def _answer(status: int, delivery_id: str, state: bytes) -> web.Response:
    """``{"delivery": ..., "status": ...}`` without a JSON encoder: the id matched
    ``_DELIVERY_ID``, so it needs no escaping."""
    body = b'{"delivery": "' + delivery_id.encode() + b'", "status": "' + state + b'"}'
    return web.Response(body=body, status=status, content_type="application/json")


async def healthz(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    queue = "local" if not settings.uses_redis else redact(settings.queue_url)
    try:
        store = request.app[SERVICES].runtime.store
        await store.ping()
        depth = await store.depth()
    except Exception as exc:
        log.warning("health check failed", extra={"error": type(exc).__name__})
        return web.json_response({"status": "unavailable", "store": "unreachable"}, status=503)
    request.app[METRICS].queue_depth.set(depth)
    body = {"status": "ok", "store": "ok", "queue": queue, "queue_depth": depth}
    return web.json_response(body)


def _review_queue_metrics(store: Store) -> bytes:
    """The review queue's counts by route and state, confidence buckets and ages."""
    items = ReviewQueue(store.db).list_items(states=None)
    return generate_latest(metrics_registry(queue_stats(items, now=datetime.now(UTC))))


async def metrics_page(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    store = request.app[SERVICES].runtime.store
    body = b""
    try:
        metrics.queue_depth.set(await store.depth())
        body = await asyncio.to_thread(_review_queue_metrics, store)
    except Exception:
        log.warning("store unavailable for /metrics: delivery depth and review queue left out")
    response = web.Response(body=metrics.render() + body)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


async def dashboard(request: web.Request) -> web.Response:
    store = request.app[SERVICES].runtime.store
    settings = request.app[SETTINGS]
    queue = "local" if not settings.uses_redis else "redis"
    html = render_dashboard(await store.recent(50), queue_depth=await store.depth(), queue=queue)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def create_app(
    settings: Settings,
    *,
    run_workers: bool = True,
    router: Router | None = None,
    sleep: Sleep | None = None,
) -> web.Application:
    """The aiohttp application; store, client and workers open on startup, close on cleanup."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[METRICS] = Metrics()

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        async with open_runtime(
            settings, metrics=app[METRICS], router=router, sleep=sleep
        ) as runtime:
            queue = make_queue(settings, runtime.processor, run_workers=run_workers)
            await queue.start()
            app[SERVICES] = Services(runtime, queue)
            # The local timer ticks the schedule; with Redis, the arq workers' cron does.
            scheduler = LocalScheduler(runtime.processor, queue.enqueue)
            if run_workers and not settings.uses_redis:
                scheduler.start()
            try:
                yield
            finally:
                await scheduler.close()
                await queue.close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post("/webhook", webhook)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    app.router.add_get("/", dashboard)
    return app


async def start_server(
    settings: Settings, *, host: str, port: int, run_workers: bool = True
) -> tuple[web.AppRunner, str]:
    """Start the App on ``host:port`` (0 picks a free port); the runner and its base URL."""
    runner = web.AppRunner(create_app(settings, run_workers=run_workers), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return runner, f"http://{host}:{bound}"


async def wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
