"""``GitHubClient`` against the fake GitHub: App auth, token cache, retries, rate limits, writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import jwt
import pytest

from bot.fakegh import FakeGitHub
from bot.github.auth import AppAuth
from bot.github.client import GitHubClient, GitHubGaveUp, RetryLater, RetryPolicy
from tests.fixtures.github import AppCredentials

INSTALLATION = 77


class Sleeps:
    """An injected ``sleep`` that records durations and returns at once."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def app_client(
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    session: aiohttp.ClientSession,
    sleeps: Sleeps,
) -> GitHubClient:
    """The App's client (jitter pinned so backoff durations are exact)."""
    demo = fake_github.seed_demo()
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    auth = AppAuth(str(app_credentials.app_id), app_credentials.private_key_pem)
    return GitHubClient(
        session,
        base_url=fake_github.url,
        app=auth,
        sleep=sleeps,
        jitter=lambda: 1.0,
        retry=RetryPolicy(attempts=4),
    )


async def _repos(gh: GitHubClient) -> list[str]:
    return [
        repo["full_name"]
        async for repo in gh.getiter("/installation/repositories", iterable_key="repositories")
    ]


def _mints(fake: FakeGitHub) -> int:
    return len(fake.calls_to("apps/create-installation-access-token"))


async def test_one_installation_token_serves_many_calls(
    app_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    gh = app_client.for_installation(INSTALLATION)
    for _ in range(3):
        assert await _repos(gh) == ["octo-org/demo"]
    again = app_client.for_installation(INSTALLATION)  # another delivery, same installation
    assert await _repos(again) == ["octo-org/demo"]
    assert _mints(fake_github) == 1
    app = await app_client.getitem("/app")  # the App itself speaks with its JWT
    assert app["id"] == 4242


async def test_app_jwt_claims(app_credentials: AppCredentials) -> None:
    auth = AppAuth(str(app_credentials.app_id), app_credentials.private_key_pem, clock=lambda: 1e9)
    claims = jwt.decode(
        auth.jwt(),
        app_credentials.public_key_pem,
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == str(app_credentials.app_id)
    assert claims["iat"] == 1e9 - 60
    assert claims["exp"] - claims["iat"] <= 600
    assert "PRIVATE" not in repr(auth)


async def test_tokens_are_refreshed_shortly_before_they_expire(
    app_credentials: AppCredentials,
) -> None:
    now = [1_000_000.0]
    minted: list[str] = []

    async def mint(app_jwt: str) -> dict[str, Any]:
        minted.append(app_jwt)
        expires = datetime.fromtimestamp(now[0] + 3600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"token": f"ghs_{len(minted)}", "expires_at": expires}

    auth = AppAuth("4242", app_credentials.private_key_pem, clock=lambda: now[0])
    assert await auth.installation_token(5, mint) == "ghs_1"
    now[0] += 3600 - 301  # more than the 5-minute margin left: cached
    assert await auth.installation_token(5, mint) == "ghs_1"
    now[0] += 2  # inside the margin: a fresh one
    assert await auth.installation_token(5, mint) == "ghs_2"
    # Concurrent handlers of one installation share one mint.
    tokens = await asyncio.gather(*(auth.installation_token(6, mint) for _ in range(5)))
    assert tokens == ["ghs_3"] * 5


async def test_retries_a_502_with_backoff_then_succeeds(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    fake_github.inject_fault(502, path="/installation/repositories", times=2)
    assert await _repos(app_client.for_installation(INSTALLATION)) == ["octo-org/demo"]
    assert sleeps.durations == [1.0, 2.0]  # base 1 s, doubled, jitter pinned at its top
    statuses = [c.status for c in fake_github.calls if c.path == "/installation/repositories"]
    assert statuses == [502, 502, 200]


async def test_a_short_retry_after_is_slept_in_place(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    fake_github.inject_fault(429, path="/installation/repositories", headers={"retry-after": "1"})
    assert await _repos(app_client.for_installation(INSTALLATION)) == ["octo-org/demo"]
    assert sleeps.durations == [1.0]


async def test_a_long_retry_after_holds_back_only_that_installation(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    import time

    fake_github.add_installation(78, "other-org", repos=["octo-org/demo"])
    fake_github.inject_fault(403, path="/installation/repositories", headers={"retry-after": "7"})
    gh = app_client.for_installation(INSTALLATION)
    before = time.time()
    with pytest.raises(RetryLater) as raised:
        await _repos(gh)
    assert raised.value.installation_id == INSTALLATION
    assert before + 7 <= raised.value.at <= time.time() + 7
    assert gh.transient is raised.value  # what the worker reads to reschedule the delivery
    assert sleeps.durations == []  # nothing slept: the worker moves on
    calls = len(fake_github.calls)
    again = app_client.for_installation(INSTALLATION)  # another delivery, same installation
    with pytest.raises(RetryLater, match="held back"):
        await _repos(again)
    assert len(fake_github.calls) == calls  # refused before any request
    other = app_client.for_installation(78)
    assert await _repos(other) == ["octo-org/demo"] and other.transient is None


async def test_primary_rate_limit_defers_until_reset(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    import time

    reset = int(time.time()) + 30
    fake_github.inject_fault(
        403,
        path="/installation/repositories",
        message="API rate limit exceeded",
        headers={
            "retry-after": "",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-limit": "5000",
            "x-ratelimit-reset": str(reset),
        },
    )
    with pytest.raises(RetryLater, match="rate limit") as raised:
        await _repos(app_client.for_installation(INSTALLATION))
    assert reset - 1 <= raised.value.at <= reset + 1
    assert sleeps.durations == []


async def test_gives_up_after_the_last_attempt_with_a_clear_error(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    fake_github.inject_fault(503, path="/installation/repositories", times=10)
    with pytest.raises(
        GitHubGaveUp,
        match=r"GET /installation/repositories: gave up after 4 "
        r"attempts; last response 503",
    ):
        await _repos(app_client.for_installation(INSTALLATION))
    assert len(sleeps.durations) == 3
    assert len(fake_github.calls_to("apps/list-repos-accessible-to-installation")) == 4


async def test_a_plain_403_is_not_retried(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    from gidgethub import BadRequest

    # GitHub sends no retry-after with a permission 403; the fake adds one unless given.
    fake_github.inject_fault(
        403,
        path="/installation/repositories",
        message="Resource not accessible by integration",
        headers={"retry-after": ""},
    )
    with pytest.raises(BadRequest):
        await _repos(app_client.for_installation(INSTALLATION))
    assert sleeps.durations == []


async def test_writes_to_one_installation_are_serialised(
    app_client: GitHubClient, fake_github: FakeGitHub
) -> None:
    release = asyncio.Event()
    held: list[float] = []

    async def slow_sleep(seconds: float) -> None:  # the first write's backoff, held open
        held.append(seconds)
        await release.wait()

    app_client.state.sleep = slow_sleep
    gh = app_client.for_installation(INSTALLATION)
    fake_github.inject_fault(502, method="POST", path="/repos/octo-org/demo/issues/1/comments")
    url = "/repos/octo-org/demo/issues/1/comments"
    first = asyncio.create_task(gh.post(url, data={"body": "first"}))
    while not held:
        await asyncio.sleep(0.01)
    second = asyncio.create_task(gh.post(url, data={"body": "second"}))
    assert await _repos(gh) == ["octo-org/demo"]  # reads are not held up by the write lock
    await asyncio.sleep(0.05)
    assert not second.done()  # waits for the first write, retries included
    release.set()
    await asyncio.gather(first, second)
    posts = [
        (c.status, (c.json or {}).get("body"))
        for c in fake_github.calls
        if c.method == "POST" and c.path == url
    ]
    assert posts == [(502, "first"), (201, "first"), (201, "second")]


async def test_no_response_is_retried_then_reported(
    session: aiohttp.ClientSession, sleeps: Sleeps
) -> None:
    gh = GitHubClient(
        session,
        base_url="http://127.0.0.1:9",  # nothing listens: connection refused
        token="ghs_x",
        sleep=sleeps,
        jitter=lambda: 0.0,
        retry=RetryPolicy(attempts=3, base_delay=0.5),
    )
    with pytest.raises(
        GitHubGaveUp, match=r"GET /rate_limit: gave up after 3 attempts; no response"
    ) as raised:
        await gh.getitem("/rate_limit")
    assert sleeps.durations == [0.25, 0.5]  # jitter at its floor: half of 0.5 s, 1 s
    assert gh.transient is raised.value
    view = gh.for_installation(1)  # a token client's view keeps its token, no installation
    assert (view.installation_id, view.oauth_token) == (None, "ghs_x")


async def test_polling_uses_etags(session: aiohttp.ClientSession, aiohttp_server: Any) -> None:
    # The fake GitHub answers without ETags; this tiny double checks the conditional GET.
    from aiohttp import web

    seen: list[str | None] = []

    async def runs(request: web.Request) -> web.Response:
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.json_response({"total_count": 1}, headers={"ETag": '"v1"'})

    app = web.Application()
    app.router.add_get("/repos/o/r/actions/runs", runs)
    server = await aiohttp_server(app)
    gh = GitHubClient(session, base_url=str(server.make_url("")).rstrip("/"), token="ghs_x")
    for _ in range(3):
        assert await gh.getitem("/repos/o/r/actions/runs") == {"total_count": 1}
    assert seen == [None, '"v1"', '"v1"']


async def test_a_one_shot_client_waits_in_place(
    app_client: GitHubClient, fake_github: FakeGitHub, sleeps: Sleeps
) -> None:
    from bot.github.client import ClientState
    from bot.github.retry import ONE_SHOT

    state = ClientState(app_client.state.session, fake_github.url, app=app_client.app)
    state.sleep, state.retry = sleeps, ONE_SHOT  # the Action's policy: no queue to come back
    gh = GitHubClient(state.session, installation_id=INSTALLATION, state=state)
    fake_github.inject_fault(403, path="/installation/repositories", headers={"retry-after": "60"})
    assert await _repos(gh) == ["octo-org/demo"]
    assert sleeps.durations == [60.0] and gh.transient is None
