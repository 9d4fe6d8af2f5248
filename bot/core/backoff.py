"""Exponential backoff with jitter, capped: the one formula for every retry in the project."""

from __future__ import annotations


def backoff(attempt: int, *, base: float, cap: float, jitter: float) -> float:
    """Seconds to wait before try ``attempt + 1``: ``base * 2**(attempt-1)``, capped.

    ``jitter`` in [0, 1] (a random draw) spreads the wait over the upper half of that
    ceiling, so retries of many failures do not arrive together.
    """
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    return ceiling * (0.5 + max(0.0, min(1.0, jitter)) / 2)
