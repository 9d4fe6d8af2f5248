"""``GitHubClient``: gidgethub's ``GitHubAPI`` with App auth, retries, rate limits and ETags."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

import aiohttp
from gidgethub import BadRequest, HTTPException, RateLimitExceeded, sansio
from gidgethub import abc as gh_abc
from gidgethub.abc import JSON_CONTENT_TYPE
from uritemplate import variable

from bot.errors import AutopilotError
from bot.github.auth import AppAuth

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
REQUESTER = "ci-autopilot"
#: Server errors worth another try; other 5xx (501, 505) will not get better.
RETRY_STATUSES = frozenset({500, 502, 503, 504})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
DOWNLOAD_CHUNK = 64 * 1024
Sleep = Callable[[float], Awaitable[None]]


class GitHubGaveUp(AutopilotError):
    """A request still failed after every retry the policy allows."""


class GitHubRefused(BadRequest):
    """GitHub answered a request with a 4xx that retrying will not change (not a rate limit).

    Still a ``BadRequest`` (callers that expect a 404 keep catching it); ``reason`` is the
    one line the worker records instead of a traceback.
    """

    def __init__(self, method: str, url: str, cause: BadRequest) -> None:
        super().__init__(cause.status_code, *cause.args, headers=cause.headers)
        self.method, self.path = method, urlsplit(url).path

    @property
    def reason(self) -> str:
        return f"GitHub refused {self.method} {self.path}: {int(self.status_code)} {self}"


class InstallationGone(GitHubRefused):
    """The installation's token cannot be minted: it was removed or suspended."""

    def __init__(self, installation_id: int, method: str, url: str, cause: BadRequest) -> None:
        super().__init__(method, url, cause)
        self.installation_id = installation_id

    @property
    def reason(self) -> str:
        return (
            f"installation {self.installation_id} is gone (removed or suspended): "
            f"GitHub answered {int(self.status_code)} {self} to its token request"
        )


class _Retry(Exception):
    """Internal: the retry policy asked for another attempt of a download."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per request, backoff bounds, longest rate-limit wait."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    #: GitHub asks for at least a minute after a secondary limit without ``retry-after``.
    secondary_delay: float = 60.0
    max_rate_limit_wait: float = 300.0


@dataclass(frozen=True)
class Download:
    """What ``GitHubClient.download`` wrote: its size, and whether ``max_bytes`` cut it."""

    size: int
    truncated: bool


class ETagCache(OrderedDict[str, Any]):
    """A bounded LRU mapping for gidgethub's conditional-request cache."""

    def __init__(self, maxsize: int = 512) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)


@dataclass
class _Shared:
    """State an App client shares with its per-installation views."""

    session: aiohttp.ClientSession
    app: AppAuth | None
    sleep: Sleep
    jitter: Callable[[], float]
    clock: Callable[[], float]
    retry: RetryPolicy
    write_locks: dict[object, asyncio.Lock] = field(default_factory=dict)
    caches: dict[object, ETagCache] = field(default_factory=dict)

    def cache(self, key: object) -> ETagCache:
        return self.caches.setdefault(key, ETagCache())


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
    ) -> None:
        if token is not None and app is not None:
            raise ValueError("a client uses either a token or App auth, not both")
        self._shared = _Shared(session, app, sleep, jitter, clock, retry or RetryPolicy())
        self.installation_id: int | None = None
        super().__init__(
            requester,
            oauth_token=token,
            cache=self._shared.cache(None),
            base_url=base_url.rstrip("/"),
        )

    def __repr__(self) -> str:
        return f"GitHubClient({self.base_url!r}, installation={self.installation_id})"

    @property
    def app(self) -> AppAuth | None:
        return self._shared.app

    def for_installation(self, installation_id: int | None) -> GitHubClient:
        """A view acting as the installation; token clients and ``None`` return ``self``."""
        if self._shared.app is None or installation_id is None:
            return self
        view = copy.copy(self)
        view.installation_id = installation_id
        view._cache = self._shared.cache(installation_id)
        view.rate_limit = None
        view.requests_in_flight = 0
        return view

    async def sleep(self, seconds: float) -> None:
        await self._shared.sleep(seconds)

    # -- auth ---------------------------------------------------------------------------
    async def _mint(self, jwt: str) -> Mapping[str, Any]:
        url = "/app/installations/{installation_id}/access_tokens"
        try:
            response = await self.post(
                url, {"installation_id": self.installation_id}, data=b"", jwt=jwt
            )
        except GitHubRefused as exc:
            if int(exc.status_code) not in (403, 404) or self.installation_id is None:
                raise
            raise InstallationGone(self.installation_id, exc.method, exc.path, exc) from exc
        return response if isinstance(response, Mapping) else {}

    async def _authorization(self) -> str | None:
        app = self._shared.app
        if app is None:
            return None
        if self.installation_id is None:
            return f"bearer {app.jwt()}"
        return f"token {await app.installation_token(self.installation_id, self._mint)}"

    # -- transport ----------------------------------------------------------------------
    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        request_headers = dict(headers)
        if "authorization" not in request_headers:  # absent unless a jwt/token was passed
            authorization = await self._authorization()
            if authorization is not None:
                request_headers["authorization"] = authorization
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._shared.session.request(
                    method, url, headers=request_headers, data=body
                ) as response:
                    return response.status, response.headers, await response.read()
            except (aiohttp.ClientConnectionError, TimeoutError) as exc:
                if attempt >= self._shared.retry.attempts:
                    raise GitHubGaveUp(
                        f"{method} {urlsplit(url).path}: no response after {attempt} attempts "
                        f"({type(exc).__name__}: {exc})"
                    ) from exc
                await self.sleep(self._backoff(attempt))

    async def download(self, url: str, sink: IO[bytes], *, max_bytes: int) -> Download:
        """Stream an endpoint that redirects to a file (job logs) into ``sink``, capped.

        The token goes to the API only: the redirect target is a signed URL, usually on
        another host, and is fetched without it. Errors are retried like any request.
        """
        filled = sansio.format_url(url, {}, base_url=self.base_url)
        headers = sansio.create_headers(self.requester, oauth_token=self.oauth_token)
        session, attempt = self._shared.session, 0
        while True:
            attempt += 1
            sink.seek(0)
            sink.truncate()  # a retry starts the file again
            authorization = await self._authorization()
            api_headers = {**headers, **({"authorization": authorization} if authorization else {})}
            try:
                async with session.get(filled, headers=api_headers, allow_redirects=False) as r:
                    if r.status not in REDIRECTS:
                        return await self._stream(r, sink, max_bytes, filled, attempt)
                    location = r.headers["Location"]
                plain = {"user-agent": self.requester}
                async with session.get(location, headers=plain) as r:
                    return await self._stream(r, sink, max_bytes, filled, attempt)
            except (aiohttp.ClientConnectionError, TimeoutError) as exc:
                if attempt >= self._shared.retry.attempts:
                    raise GitHubGaveUp(f"GET {urlsplit(filled).path}: no response ({exc})") from exc
                await self.sleep(self._backoff(attempt))
            except _Retry:
                continue

    async def _stream(
        self,
        response: aiohttp.ClientResponse,
        sink: IO[bytes],
        max_bytes: int,
        url: str,
        attempt: int,
    ) -> Download:
        if response.status != 200:
            try:
                sansio.decipher_response(response.status, response.headers, await response.read())
            except HTTPException as exc:
                if await self.handle_rate_limit_error(
                    method="GET", url=url, exception=exc, attempt=attempt
                ):
                    raise _Retry from exc
                raise
        size = 0
        async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK):
            keep = chunk[: max_bytes - size]
            sink.write(keep)
            size += len(keep)
            if len(keep) < len(chunk):
                return Download(size, truncated=True)
        return Download(size, truncated=False)

    async def _make_request(
        self,
        method: str,
        url: str,
        url_vars: Mapping[str, variable.VariableValue] | None,
        data: Any,
        accept: str,
        jwt: str | None = None,
        oauth_token: str | None = None,
        content_type: str = JSON_CONTENT_TYPE,
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[bytes, str | None, int]:
        args = (method, url, url_vars, data, accept, jwt, oauth_token, content_type, extra_headers)
        try:
            if method in READ_METHODS or jwt is not None:
                return await super()._make_request(*args)
            # Writes to one installation go one at a time (GitHub's advice against secondary
            # rate limits); the retries of a write stay inside its turn.
            key = self.installation_id if self._shared.app is not None else "token"
            lock = self._shared.write_locks.setdefault(key, asyncio.Lock())
            async with lock:
                return await super()._make_request(*args)
        except BadRequest as exc:
            if isinstance(exc, GitHubRefused | RateLimitExceeded):
                raise
            raise GitHubRefused(method, url, exc) from exc

    # -- retries and rate limits --------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        retry = self._shared.retry
        ceiling = min(retry.max_delay, retry.base_delay * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + self._shared.jitter() / 2)

    def _retry_delay(self, exc: HTTPException, attempt: int) -> float | None:
        """Seconds to wait before retrying ``exc``, or ``None`` when retrying is pointless."""
        retry = self._shared.retry
        status = int(exc.status_code)
        headers = exc.headers
        if status not in RETRY_STATUSES and status not in (403, 429):
            return None
        retry_after = headers.get("retry-after", "")
        if retry_after.strip().isdigit():
            return min(float(retry_after), retry.max_rate_limit_wait)
        if status in RETRY_STATUSES:
            return self._backoff(attempt)
        reset = headers.get("x-ratelimit-reset", "")
        if headers.get("x-ratelimit-remaining") == "0" and reset.strip().isdigit():
            wait = max(0.0, float(reset) - self._shared.clock())
            return min(wait, retry.max_rate_limit_wait)
        if status == 429 or "secondary rate limit" in str(exc).lower():
            return min(retry.secondary_delay * 2.0 ** (attempt - 1), retry.max_rate_limit_wait)
        return None  # a plain 403: permission denied, retrying will not help

    async def handle_rate_limit_error(
        self, *, method: str, url: str, exception: HTTPException, attempt: int
    ) -> bool:
        app = self._shared.app
        if int(exception.status_code) == 401 and app and self.installation_id and attempt == 1:
            app.forget(self.installation_id)  # a revoked token: mint a new one once
            return True
        delay = self._retry_delay(exception, attempt)
        if delay is None:
            return False
        path = urlsplit(url).path
        if attempt >= self._shared.retry.attempts:
            raise GitHubGaveUp(
                f"{method} {path}: gave up after {attempt} attempts; "
                f"last response {int(exception.status_code)} {exception}"
            ) from exception
        log.warning(
            "retrying GitHub request",
            extra={
                "method": method,
                "path": path,
                "status": int(exception.status_code),
                "attempt": attempt,
                "delay": round(delay, 3),
            },
        )
        await self.sleep(delay)
        return True

    async def manage_rate_limit(self, *, method: str, url: str) -> None:
        # gidgethub decrements ``remaining`` before each request: below zero means the last
        # response said none were left, so wait for the window to reset (capped).
        limit = self.rate_limit
        if limit is None or limit.remaining >= 0:
            return
        wait = limit.reset_datetime.timestamp() - self._shared.clock()
        if wait > 0:
            await self.sleep(min(wait, self._shared.retry.max_rate_limit_wait))
