"""``GitHubClient``: gidgethub's ``GitHubAPI`` with App auth, bounded retries, holds and ETags.

gidgethub's seam is ``_request`` and ``sleep``, plus its two rate-limit hooks; everything
else (paging, the ETag cache, GraphQL) comes from the base class unchanged. Per-installation
views are built through the constructor around one shared ``ClientState``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
from gidgethub import HTTPException, sansio
from gidgethub import abc as gh_abc

from bot.github.auth import AppAuth
from bot.github.retry import (
    RETRY_STATUSES,
    GitHubGaveUp,
    RetryLater,
    RetryPolicy,
    Transient,
)
from bot.github.state import REQUESTER, ClientState, Sleep

__all__ = [
    "ClientState",
    "GitHubClient",
    "GitHubGaveUp",
    "RetryLater",
    "RetryPolicy",
    "Sleep",
    "Transient",
]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DOWNLOAD_CHUNK = 64 * 1024
T = TypeVar("T")
Response = tuple[int, Mapping[str, str], bytes]


@dataclass(frozen=True)
class Download:
    """What ``GitHubClient.download`` wrote: its size, and whether ``max_bytes`` cut it."""

    size: int
    truncated: bool


class GitHubClient(gh_abc.GitHubAPI):
    """One client for the App (JWT, then installation tokens) or for a plain token."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        base_url: str = DEFAULT_API_URL,
        token: str | None = None,
        app: AppAuth | None = None,
        sleep: Sleep = asyncio.sleep,
        retry: RetryPolicy | None = None,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
        requester: str = REQUESTER,
        installation_id: int | None = None,
        state: ClientState | None = None,
    ) -> None:
        if state is None:
            if token is not None and app is not None:
                raise ValueError("a client uses either a token or App auth, not both")
            state = ClientState(
                session,
                base_url.rstrip("/"),
                token=token,
                app=app,
                sleep=sleep,
                jitter=jitter,
                clock=clock,
                retry=retry or RetryPolicy(),
                requester=requester,
            )
        self.state = state
        self.installation_id = installation_id if state.app is not None else None
        #: The last transient trouble this view met (a worker reschedules on it).
        self.transient: Transient | None = None
        super().__init__(
            state.requester,
            oauth_token=state.token,
            cache=state.cache(self._key),
            base_url=state.base_url,
        )

    def __repr__(self) -> str:
        return f"GitHubClient({self.base_url!r}, installation={self.installation_id})"

    @property
    def app(self) -> AppAuth | None:
        return self.state.app

    @property
    def _key(self) -> object:
        return self.installation_id if self.state.app is not None else "token"

    def for_installation(self, installation_id: int | None) -> GitHubClient:
        """A view acting as the installation (a token client's views keep its token)."""
        return GitHubClient(self.state.session, installation_id=installation_id, state=self.state)

    async def sleep(self, seconds: float) -> None:
        await self.state.sleep(seconds)

    # -- auth ---------------------------------------------------------------------------
    async def _mint(self, jwt: str) -> Mapping[str, Any]:
        response = await self.post(
            "/app/installations/{installation_id}/access_tokens",
            {"installation_id": self.installation_id},
            data=b"",
            jwt=jwt,
        )
        return response if isinstance(response, Mapping) else {}

    async def _authorization(self) -> str | None:
        app = self.state.app
        if app is None:
            return None
        if self.installation_id is None:
            return f"bearer {app.jwt()}"
        return f"token {await app.installation_token(self.installation_id, self._mint)}"

    async def _with_authorization(self, headers: Mapping[str, str]) -> dict[str, str]:
        merged = dict(headers)
        if "authorization" not in merged:  # absent unless a jwt/token was passed
            authorization = await self._authorization()
            if authorization is not None:
                merged["authorization"] = authorization
        return merged

    # -- transport ----------------------------------------------------------------------
    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Response:
        if method in READ_METHODS or "authorization" in headers:  # reads; the App's own calls
            return await self._send(method, url, headers, body)
        # Writes to one installation go one at a time (GitHub's advice against secondary
        # rate limits); the quick retries of a write stay inside its turn.
        async with self.state.write_lock(self._key):
            return await self._send(method, url, headers, body)

    async def _send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        request_headers = await self._with_authorization(headers)
        session = self.state.session

        async def once() -> tuple[int, Response]:
            async with session.request(method, url, headers=request_headers, data=body) as r:
                return r.status, (r.status, r.headers, await r.read())

        return (await self._retrying(f"{method} {urlsplit(url).path}", once))[1]

    async def _retrying(
        self, what: str, send: Callable[[], Awaitable[tuple[int, T]]]
    ) -> tuple[int, T]:
        """The one retry loop: no response or a 5xx is tried again after a short backoff."""
        policy = self.state.retry
        attempt = 0
        while True:
            attempt += 1
            cause: Exception | None = None
            try:
                status, result = await send()
            except (aiohttp.ClientConnectionError, TimeoutError) as exc:
                cause, problem = exc, f"no response ({type(exc).__name__}: {exc})"
            else:
                if status not in RETRY_STATUSES:
                    return status, result
                problem = f"last response {status}"
            if attempt >= policy.attempts:
                self.transient = GitHubGaveUp(
                    f"{what}: gave up after {attempt} attempts; {problem}"
                )
                raise self.transient from cause
            delay = policy.backoff(attempt, self.state.jitter())
            log.warning(
                "retrying GitHub request",
                extra={"request": what, "attempt": attempt, "problem": problem, "delay": delay},
            )
            await self.sleep(delay)

    async def download(self, url: str, sink: IO[bytes], *, max_bytes: int) -> Download:
        """Stream an endpoint that redirects to a file (job logs) into ``sink``, capped.

        The token goes to the API only: the redirect target is a signed URL, usually on
        another host, and is fetched without it. Errors are retried like any request.
        """
        filled = sansio.format_url(url, {}, base_url=self.base_url)
        plain = sansio.create_headers(self.requester, oauth_token=self.oauth_token)
        session, what = self.state.session, f"GET {urlsplit(filled).path}"
        attempt = 0
        while True:
            attempt += 1
            await self.manage_rate_limit(method="GET", url=filled)
            headers = await self._with_authorization(plain)

            async def once(headers: dict[str, str] = headers) -> tuple[int, Download | Response]:
                async with session.get(filled, headers=headers, allow_redirects=False) as r:
                    if r.status not in REDIRECTS:
                        return await _stream(r, sink, max_bytes)
                    location = r.headers["Location"]
                async with session.get(location, headers={"user-agent": self.requester}) as r:
                    return await _stream(r, sink, max_bytes)

            _, result = await self._retrying(what, once)
            if isinstance(result, Download):
                return result
            try:
                sansio.decipher_response(*result)
            except HTTPException as exc:
                if await self.handle_rate_limit_error(
                    method="GET", url=filled, exception=exc, attempt=attempt
                ):
                    continue
                raise
            return Download(0, truncated=False)  # a 2xx/3xx without a body to keep

    # -- rate limits: gidgethub's hooks ---------------------------------------------------
    def _defer(self, what: str, wait: float, reason: str) -> RetryLater:
        """Hold this installation back for ``wait`` seconds; the error to raise."""
        at = self.state.clock() + wait
        self.state.holds[self._key] = max(at, self.state.holds.get(self._key, 0.0))
        self.transient = RetryLater(
            f"{what}: {reason}; retry in {wait:.0f} s", at=at, installation_id=self.installation_id
        )
        log.warning(
            "GitHub asked to wait",
            extra={"request": what, "installation": self.installation_id, "wait": round(wait, 1)},
        )
        return self.transient

    async def handle_rate_limit_error(
        self, *, method: str, url: str, exception: HTTPException, attempt: int
    ) -> bool:
        app = self.state.app
        if int(exception.status_code) == 401 and app and self.installation_id and attempt == 1:
            app.forget(self.installation_id)  # a revoked token: mint a new one once
            return True
        policy = self.state.retry
        wait = policy.rate_limit_wait(exception, attempt, self.state.clock())
        if wait is None:
            return False
        what = f"{method} {urlsplit(url).path}"
        if wait <= policy.max_inline_wait and attempt < policy.attempts:
            await self.sleep(wait)
            return True
        raise self._defer(what, wait, f"{int(exception.status_code)} {exception}") from exception

    async def manage_rate_limit(self, *, method: str, url: str) -> None:
        now = self.state.clock()
        what = f"{method} {urlsplit(url).path}"
        held = self.state.holds.get(self._key, 0.0)
        if held > now:  # another delivery of this installation already heard "wait"
            raise self._defer(what, held - now, "installation held back by a rate limit")
        # gidgethub decrements ``remaining`` before each request: below zero means the last
        # response said none were left, so wait for the window to reset.
        limit = self.rate_limit
        if limit is None or limit.remaining >= 0:
            return
        wait = limit.reset_datetime.timestamp() - now
        if wait <= 0:
            return
        if wait <= self.state.retry.max_inline_wait:
            await self.sleep(wait)
            return
        raise self._defer(what, wait, "rate limit exhausted")


async def _stream(
    response: aiohttp.ClientResponse, sink: IO[bytes], max_bytes: int
) -> tuple[int, Download | Response]:
    """A 2xx body into ``sink`` (from its start: a retry writes it again), else the error."""
    if not 200 <= response.status < 300:
        return response.status, (response.status, response.headers, await response.read())
    sink.seek(0)
    sink.truncate()
    size = 0
    async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK):
        keep = chunk[: max_bytes - size]
        sink.write(keep)
        size += len(keep)
        if len(keep) < len(chunk):
            return response.status, Download(size, truncated=True)
    return response.status, Download(size, truncated=False)
