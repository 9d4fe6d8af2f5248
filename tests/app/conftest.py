"""App test set-up: one App per store backend, posting signed deliveries to it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from gidgethub.routing import Router

from bot.app.server import SERVICES, Services, create_app
from bot.config.settings import Settings
from bot.core.signature import sign
from bot.fakegh.webhooks import build_delivery
from tests.fixtures.webhooks import WEBHOOK_SECRET

#: Nothing listens here: a stray call to "GitHub" fails fast instead of reaching the network.
NOWHERE = "http://127.0.0.1:9"


def raw_headers(event: str, body: bytes, *, secret: str | None = WEBHOOK_SECRET) -> dict[str, str]:
    """GitHub's headers for an arbitrary (possibly malformed) body."""
    headers = build_delivery(event, {}, secret=None).headers
    if secret is not None:
        headers["X-Hub-Signature-256"] = sign(secret, body)
    return headers


@dataclass
class Server:
    client: TestClient[Any, Any]
    services: Services

    async def post(
        self,
        event: str,
        payload: Any,
        *,
        secret: str | None = WEBHOOK_SECRET,
        delivery: str | None = None,
    ) -> ClientResponse:
        signed = build_delivery(event, payload, secret=secret, delivery_id=delivery)
        return await self.client.post("/webhook", data=signed.body, headers=signed.headers)


ServerFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """The CLI installs its JSON log handler on the root logger; put pytest's back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def make_server(aiohttp_client: Any, store_url: str) -> ServerFactory:
    """``await make_server(router=..., **settings)``: a test client on a fresh App."""

    async def make(
        *, router: Router | None = None, run_workers: bool = False, **overrides: Any
    ) -> Server:
        fields: dict[str, Any] = {
            "webhook_secret": WEBHOOK_SECRET,
            "store_url": store_url,
            "api_url": NOWHERE,
            "workers": 1,
            **overrides,
        }
        app = create_app(Settings(**fields), run_workers=run_workers, router=router)
        client = await aiohttp_client(app)
        return Server(client, app[SERVICES])

    return make


@pytest.fixture
async def server(make_server: ServerFactory) -> AsyncIterator[Server]:
    yield await make_server()
