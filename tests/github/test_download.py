"""``GitHubClient.download``: redirects without the token, a byte cap, retries."""

from __future__ import annotations

import io
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from gidgethub import BadRequest

from bot.github.client import GitHubClient

TOKEN = "ghs_secret_token"


@pytest.fixture
async def servers(aiohttp_server: Any) -> tuple[str, list[dict[str, str]], list[int]]:
    """An API that redirects to a blob host on another origin; both record what they see."""
    seen: list[dict[str, str]] = []
    failures = [503]

    async def blob(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.Response(text="line\n" * 1000, content_type="text/plain")

    blob_app = web.Application()
    blob_app.router.add_get("/blob", blob)
    blob_server = await aiohttp_server(blob_app)

    async def logs(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if failures:
            return web.json_response({"message": "busy"}, status=failures.pop())
        if request.match_info["job"] == "404":
            return web.json_response({"message": "Not Found"}, status=404)
        target = blob_server.make_url("/blob?sig=abc")
        return web.Response(status=302, headers={"Location": str(target)})

    api = web.Application()
    api.router.add_get("/repos/o/r/actions/jobs/{job}/logs", logs)
    api_server = await aiohttp_server(api)
    return str(api_server.make_url("")).rstrip("/"), seen, failures


async def test_the_token_goes_to_the_api_only_and_errors_are_retried(servers: Any) -> None:
    base, seen, _ = servers
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with aiohttp.ClientSession() as session:
        gh = GitHubClient(session, base_url=base, token=TOKEN, sleep=sleep, jitter=lambda: 1.0)
        sink = io.BytesIO()
        result = await gh.download("/repos/o/r/actions/jobs/1/logs", sink, max_bytes=10**6)
        assert (result.size, result.truncated) == (5000, False)
        assert sink.getvalue() == b"line\n" * 1000
        assert waits == [1.0]  # the 503 was retried after backoff
        api_calls, blob_calls = seen[:2], seen[2:]
        assert all(h["Authorization"] == f"token {TOKEN}" for h in api_calls)
        assert [h.get("Authorization") for h in blob_calls] == [None]

        capped = io.BytesIO()
        result = await gh.download("/repos/o/r/actions/jobs/1/logs", capped, max_bytes=12)
        assert (result.size, result.truncated, capped.getvalue()) == (12, True, b"line\nline\nli")
        with pytest.raises(BadRequest):
            await gh.download("/repos/o/r/actions/jobs/404/logs", io.BytesIO(), max_bytes=10)
