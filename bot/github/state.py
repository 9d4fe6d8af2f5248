"""What a GitHub client shares with its per-installation views: caches, locks, holds."""

from __future__ import annotations

import asyncio
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.github.auth import AppAuth
from bot.github.retry import RetryPolicy

REQUESTER = "ci-autopilot"
Sleep = Callable[[float], Awaitable[None]]


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
class ClientState:
    """What a client shares with its per-installation views: one entry per installation."""

    session: aiohttp.ClientSession
    base_url: str
    token: str | None = field(default=None, repr=False)
    app: AppAuth | None = None
    sleep: Sleep = asyncio.sleep
    jitter: Callable[[], float] = random.random
    clock: Callable[[], float] = time.time
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    requester: str = REQUESTER
    write_locks: dict[object, asyncio.Lock] = field(default_factory=dict)
    caches: dict[object, ETagCache] = field(default_factory=dict)
    #: Installation (or ``"token"``) → epoch seconds before which GitHub asked us to wait.
    holds: dict[object, float] = field(default_factory=dict)

    def cache(self, key: object) -> ETagCache:
        return self.caches.setdefault(key, ETagCache())

    def write_lock(self, key: object) -> asyncio.Lock:
        return self.write_locks.setdefault(key, asyncio.Lock())
