"""Injected failures (5xx, secondary rate limit, 429) and the headers on every answer."""

from __future__ import annotations

import aiohttp
import pytest
from multidict import CIMultiDict

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo
from tests.fakegh.conftest import TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="session")
AUTH = {"Authorization": f"token {TOKEN}"}


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, CIMultiDict[str]]:
    async with session.get(url, headers=AUTH) as r:
        await r.read()
        return r.status, CIMultiDict(r.headers)


async def test_faults_fire_then_recover(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    url = f"{fake_github.url}/repos/octo-org/widgets"
    fake_github.inject_fault(500, path="/repos/octo-org/*", times=2)
    fake_github.inject_fault(403, operation_id="repos/get", headers={"retry-after": "30"})
    fake_github.inject_fault(429, method="GET", path="/repos/octo-org/widgets")
    statuses = [await get(session, url) for _ in range(5)]
    assert [s for s, _ in statuses] == [500, 500, 403, 429, 200]
    assert statuses[2][1]["retry-after"] == "30"
    assert statuses[3][1]["retry-after"] == "1"
    assert [c.status for c in fake_github.calls] == [500, 500, 403, 429, 200]


async def test_fault_leaves_other_routes_alone(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    fake_github.inject_fault(502, method="POST")
    status, _ = await get(session, f"{fake_github.url}/repos/octo-org/widgets")
    assert status == 200


async def test_rate_limit_and_request_id_headers(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    url = f"{fake_github.url}/repos/octo-org/widgets"
    _, first = await get(session, url)
    _, second = await get(session, url)
    assert first["x-ratelimit-limit"] == "5000"
    assert int(first["x-ratelimit-remaining"]) - int(second["x-ratelimit-remaining"]) == 1
    assert second["x-ratelimit-used"] == "2"
    assert second["x-ratelimit-resource"] == "core"
    assert int(second["x-ratelimit-reset"]) > 0
    assert first["x-github-request-id"] != second["x-github-request-id"]
    fake_github.inject_fault(
        403,
        path="/repos",
        headers={"x-ratelimit-remaining": "0"},
        message="API rate limit exceeded for installation ID 1.",
    )
    status, headers = await get(session, url)
    assert (status, headers["x-ratelimit-remaining"]) == (403, "0")
