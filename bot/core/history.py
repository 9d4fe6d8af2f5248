"""Triage history as the core sees it: run identities, stored failures, and how to rank them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.render.triage_report import ReportItem
from bot.core.triage import Failure, find_flaky, recurrences


@dataclass(frozen=True, kw_only=True)
class RunKey:
    """Which run of which workflow: the identity of one triage."""

    repository: str
    workflow: str
    run_id: int
    attempt: int
    head_sha: str


@dataclass(frozen=True, kw_only=True)
class FailureRow:
    """One failure of a triaged run, as the history keeps it."""

    fingerprint: str
    category: str
    file: str | None
    line: int | None
    test: str | None

    @classmethod
    def of(cls, failure: Failure) -> FailureRow:
        return cls(
            fingerprint=failure.fingerprint,
            category=str(failure.category),
            file=failure.file,
            line=failure.line,
            test=failure.test,
        )


@dataclass(frozen=True, kw_only=True)
class PastRun:
    """An earlier triage of the repository: its commit and the fingerprints that failed."""

    run_id: int
    attempt: int
    head_sha: str
    workflow: str
    fingerprints: frozenset[str]


def build_items(
    per_job: Sequence[tuple[str, Sequence[Failure]]], past: Sequence[PastRun], key: RunKey
) -> tuple[ReportItem, ...]:
    """One item per failure across jobs (a matrix repeats them), most important first.

    Fingerprints leave line numbers out, so the same place is what makes two jobs' failures one.
    """
    jobs: dict[tuple[str, str | None, int | None], list[str]] = {}
    first: dict[tuple[str, str | None, int | None], Failure] = {}
    for job, failures in per_job:
        for failure in failures:
            place = (failure.fingerprint, failure.file, failure.line)
            first.setdefault(place, failure)
            jobs.setdefault(place, []).append(job)
    seen = recurrences(p.fingerprints for p in past)
    same_commit = [
        (p.head_sha, p.fingerprints)
        for p in past
        if p.head_sha == key.head_sha and p.workflow == key.workflow
    ]
    flaky = find_flaky([*same_commit, (key.head_sha, {f.fingerprint for f in first.values()})])
    ordered = sorted(first.items(), key=lambda item: item[1].rank)
    return tuple(
        ReportItem(
            failure=f,
            jobs=tuple(dict.fromkeys(jobs[place])),
            seen_before=seen.get(f.fingerprint, 0),
            flaky=f.fingerprint in flaky,
        )
        for place, f in ordered
    )
