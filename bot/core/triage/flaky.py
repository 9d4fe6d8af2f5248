"""Cross-run flaky detection: a failure seen and not seen on the same commit is flaky."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_flaky(runs: Iterable[tuple[str, Iterable[str]]]) -> frozenset[str]:
    """Keys (fingerprints or test ids) that failed in one run and passed in another of one SHA.

    ``runs`` holds ``(sha, keys that failed in that run)`` for comparable runs (same job).
    A key is flaky when, for some SHA, at least one run has it and another does not.
    """
    by_sha: dict[str, list[frozenset[str]]] = {}
    for sha, failed in runs:
        by_sha.setdefault(sha, []).append(frozenset(failed))
    flaky: set[str] = set()
    for outcomes in by_sha.values():
        if len(outcomes) < 2:
            continue
        every = frozenset.intersection(*outcomes)
        flaky.update(frozenset.union(*outcomes) - every)
    return frozenset(flaky)


def recurrences(runs: Iterable[Iterable[str]]) -> Mapping[str, int]:
    """How many runs each fingerprint failed in (a fingerprint counts once per run)."""
    counts: dict[str, int] = {}
    for failed in runs:
        for key in set(failed):
            counts[key] = counts.get(key, 0) + 1
    return counts
