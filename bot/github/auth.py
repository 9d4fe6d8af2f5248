"""GitHub App auth: RS256 JWTs and installation tokens cached until shortly before expiry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt

#: Backdate ``iat`` for clock drift between this host and GitHub.
CLOCK_SKEW = 60
#: GitHub refuses App JWTs that live longer than 10 minutes (from ``iat``).
JWT_LIFETIME = 10 * 60
#: Installation tokens live one hour; mint a new one this long before ``expires_at``.
REFRESH_MARGIN = 5 * 60

Mint = Callable[[str], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True)
class InstallationToken:
    token: str = field(repr=False)
    expires_at: float


def app_jwt(app_id: str, private_key: str, *, now: float) -> str:
    """The App's JWT: ``iat`` backdated by ``CLOCK_SKEW``, ``exp`` within 10 minutes."""
    issued = int(now) - CLOCK_SKEW
    claims = {"iat": issued, "exp": issued + JWT_LIFETIME, "iss": app_id}
    return jwt.encode(claims, private_key, algorithm="RS256")


def parse_expiry(value: object) -> float:
    """``expires_at`` (ISO 8601, ``Z`` suffix) as epoch seconds."""
    if not isinstance(value, str):
        raise ValueError(f"installation token response has no expires_at: {value!r}")
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class AppAuth:
    """An App's identity; mints and caches one token per installation."""

    def __init__(
        self,
        app_id: str,
        private_key: str,
        *,
        clock: Callable[[], float] = time.time,
        refresh_margin: float = REFRESH_MARGIN,
    ) -> None:
        self.app_id = app_id
        self._private_key = private_key
        self.clock = clock
        self.refresh_margin = refresh_margin
        self._jwt: tuple[str, float] | None = None
        self._tokens: dict[int, InstallationToken] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def __repr__(self) -> str:
        return f"AppAuth(app_id={self.app_id!r})"

    def jwt(self) -> str:
        """A JWT reused until two minutes before it expires."""
        now = self.clock()
        if self._jwt is None or now >= self._jwt[1]:
            token = app_jwt(self.app_id, self._private_key, now=now)
            self._jwt = (token, now - CLOCK_SKEW + JWT_LIFETIME - 120)
        return self._jwt[0]

    async def installation_token(self, installation_id: int, mint: Mint) -> str:
        """A cached token for the installation, minted through ``mint(jwt)`` when stale."""
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:  # concurrent handlers of one installation share one mint
            cached = self._tokens.get(installation_id)
            if cached is not None and self.clock() < cached.expires_at - self.refresh_margin:
                return cached.token
            response = await mint(self.jwt())
            token = response.get("token")
            if not isinstance(token, str) or not token:
                raise ValueError("installation token response has no token")
            fresh = InstallationToken(token, parse_expiry(response.get("expires_at")))
            self._tokens[installation_id] = fresh
            return fresh.token

    def forget(self, installation_id: int) -> None:
        """Drop a cached token GitHub refused (revoked or expired early)."""
        self._tokens.pop(installation_id, None)
