"""How the GitHub client retries: the policy, its typed outcomes, and the wait it asks for.

Short waits (a 5xx, a brief ``retry-after``) are slept inside the client, bounded small.
A longer wait is not slept: ``RetryLater`` says "try again at T, installation I", and the
worker puts the delivery back in the queue and holds back only that installation.
"""

from __future__ import annotations

from dataclasses import dataclass

from gidgethub import HTTPException

from bot.core.backoff import backoff
from bot.errors import AutopilotError

#: Server errors worth another try; other 5xx (501, 505) will not get better.
RETRY_STATUSES = frozenset({500, 502, 503, 504})


class GitHubGaveUp(AutopilotError):
    """A request still failed after the few quick retries the policy allows."""


class RetryLater(AutopilotError):
    """GitHub asked us to wait (rate limit, ``retry-after``): try again at ``at``."""

    def __init__(self, message: str, *, at: float, installation_id: int | None) -> None:
        super().__init__(message)
        self.at = at
        self.installation_id = installation_id


#: What a client view reports to its worker: the transient trouble a handler met.
Transient = GitHubGaveUp | RetryLater


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try inside one request, and the longest wait slept rather than deferred."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 2.0
    #: GitHub asks for at least a minute after a secondary limit without ``retry-after``.
    secondary_delay: float = 60.0
    #: Waits up to this long are slept in place; longer ones raise ``RetryLater``.
    max_inline_wait: float = 1.0
    #: The longest hold a rate limit may ask for (a clock gone wrong must not park work).
    max_hold: float = 3600.0

    def backoff(self, attempt: int, jitter: float) -> float:
        return backoff(attempt, base=self.base_delay, cap=self.max_delay, jitter=jitter)

    def rate_limit_wait(self, exc: HTTPException, attempt: int, now: float) -> float | None:
        """Seconds GitHub asks us to wait after a 403/429, or ``None`` when it is no limit."""
        status = int(exc.status_code)
        if status not in (403, 429):
            return None
        headers = exc.headers
        retry_after = headers.get("retry-after", "").strip()
        if retry_after.isdigit():
            return min(float(retry_after), self.max_hold)
        reset = headers.get("x-ratelimit-reset", "").strip()
        if headers.get("x-ratelimit-remaining") == "0" and reset.isdigit():
            return min(max(0.0, float(reset) - now), self.max_hold)
        if status == 429 or "secondary rate limit" in str(exc).lower():
            return min(self.secondary_delay * 2.0 ** (attempt - 1), self.max_hold)
        return None  # a plain 403: permission denied, waiting will not help


#: For one-shot runs with no queue to come back later (the Action): wait in place, up to
#: five minutes, and try harder.
ONE_SHOT = RetryPolicy(attempts=5, max_delay=30.0, max_inline_wait=300.0)
