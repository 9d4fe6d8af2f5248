"""Find which fix units make a validation command fail, by repeated binary search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

Unit = TypeVar("Unit")


def first_culprit(units: Sequence[Unit], passes: Callable[[Sequence[Unit]], bool]) -> int:
    """Index of the unit whose addition first makes ``passes(units[:k])`` fail.

    Assumes ``passes([])`` holds and ``passes(units)`` does not; costs about log2(n) calls.
    """
    lo, hi = 0, len(units)  # passes(units[:lo]) holds, passes(units[:hi]) fails
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if passes(units[:mid]):
            lo = mid
        else:
            hi = mid
    return hi - 1


def isolate_culprits(
    units: Sequence[Unit], passes: Callable[[Sequence[Unit]], bool], *, limit: int = 20
) -> tuple[list[Unit], list[Unit]]:
    """Split ``units`` into (kept, backed out) so that ``passes(kept)`` holds.

    Backs out one culprit at a time until the rest passes; after ``limit`` culprits it gives
    up on the remainder and backs everything out, which is what the command accepted before.
    """
    kept = list(units)
    backed_out: list[Unit] = []
    while kept and not passes(kept):
        if len(backed_out) >= limit:
            return [], [*backed_out, *kept]
        culprit = kept.pop(first_culprit(kept, passes))
        backed_out.append(culprit)
    return kept, backed_out
