"""Injected failures: 5xx, secondary rate limits and 429s answered instead of the real route."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from aiohttp import web

from bot.fakegh.http import error_response

_MESSAGES = {
    403: "You have exceeded a secondary rate limit. "
    "Please wait a few minutes before you try again.",
    429: "API rate limit exceeded",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
}


@dataclass
class Fault:
    """Answer ``status`` to the next ``times`` requests matching method and path/operation."""

    status: int
    method: str | None = None
    path: str | None = None
    operation_id: str | None = None
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    hits: int = 0

    def matches(self, method: str, path: str, operation_id: str | None) -> bool:
        if self.hits >= self.times:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        if self.operation_id and self.operation_id != operation_id:
            return False
        if self.path:
            if any(c in self.path for c in "*?["):
                return fnmatch.fnmatchcase(path, self.path)
            return path.startswith(self.path)
        return True

    def response(self) -> web.Response:
        self.hits += 1
        headers = dict(self.headers)
        if self.status in (403, 429):
            headers.setdefault("retry-after", "1")
        message = self.message or _MESSAGES.get(self.status, "Injected failure")
        return error_response(self.status, message, headers=headers)


@dataclass
class Faults:
    """The faults waiting to fire, first match wins."""

    pending: list[Fault] = field(default_factory=list)

    def add(self, fault: Fault) -> Fault:
        self.pending.append(fault)
        return fault

    def take(self, method: str, path: str, operation_id: str | None) -> Fault | None:
        for fault in self.pending:
            if fault.matches(method, path, operation_id):
                return fault
        return None
