"""The App's wiring in one place: store, HTTP session, GitHub client, router, processor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from gidgethub.routing import Router

from bot.alerts import Alerter
from bot.app.metrics import Metrics
from bot.app.worker import Processor
from bot.concerns import compose_router
from bot.config.settings import Settings
from bot.github.auth import AppAuth
from bot.github.client import GitHubClient, Sleep
from bot.github.retry import ONE_SHOT
from bot.store import Stores, open_stores
from bot.store.deliveries import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    stores: Stores
    gh: GitHubClient
    processor: Processor
    metrics: Metrics


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    *,
    metrics: Metrics | None = None,
    router: Router | None = None,
    token: str | None = None,
    sleep: Sleep | None = None,
) -> AsyncIterator[Runtime]:
    """Open everything a worker needs; App auth when credentials are set, else ``token``."""
    metrics = metrics or Metrics()
    store = await Store.open(settings.store_url)
    try:
        stores = await open_stores(store)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            app = None
            if settings.app_id and settings.private_key and token is None:
                app = AppAuth(settings.app_id, settings.private_key)
            gh = GitHubClient(
                session,
                base_url=settings.api_url,
                token=token,
                app=app,
                sleep=sleep or asyncio.sleep,
                # A token client serves one-shot runs (the Action): no queue to come back
                # later, so it waits for GitHub in place; App workers reschedule instead.
                retry=ONE_SHOT if token is not None else None,
            )
            processor = Processor(
                stores=stores,
                router=router or compose_router(),
                gh=gh,
                settings=settings,
                metrics=metrics,
                alerter=Alerter(settings.alerts, stores.alerts, clock=store.clock, session=session),
            )
            try:
                yield Runtime(settings, store, stores, gh, processor, metrics)
            finally:
                await asyncio.to_thread(processor.close)
    finally:
        await store.close()


@asynccontextmanager
async def open_processor(settings: Settings) -> AsyncIterator[Processor]:
    """A standalone worker's processor (``autopilot worker``): the runtime, opened from settings."""
    async with open_runtime(settings) as runtime:
        yield runtime.processor
