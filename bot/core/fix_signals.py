"""The scorer's signals for a fix commit, read from the checks that ran on it (pure).

The CI run on the fix commit is the test signal: the workflows or checks named in
``autofix.checks.tests`` (or every workflow run on the commit; with none, every check run
of another CI), as a pass rate. Types, security
and coverage come from the checks named for them, and are null (not measured) otherwise.
Lint is measured by the bot itself, with ruff on the fixed files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.fix_plan import MergeChecks
from bot.core.scoring import Signals

#: Conclusions that count as a pass (a skipped job did not fail).
PASSED = frozenset({"success", "neutral", "skipped"})
#: The bot's own check runs never count as a signal.
OWN_PREFIX = "autopilot/"


@dataclass(frozen=True)
class CheckResult:
    """A workflow run or check run on the fix commit."""

    name: str
    status: str
    conclusion: str | None
    workflow: bool = True


def pending(results: Iterable[CheckResult]) -> list[str]:
    """Names of the runs still going: routing waits until every one has completed."""
    return sorted(
        {r.name for r in results if r.status != "completed" and not r.name.startswith(OWN_PREFIX)}
    )


def _rate(results: Sequence[CheckResult]) -> float | None:
    if not results:
        return None
    passed = sum(1 for r in results if r.conclusion in PASSED)
    return round(passed / len(results), 4)


def _named(results: Sequence[CheckResult], names: Sequence[str] | None) -> list[CheckResult]:
    if names is None:
        return []
    return [r for r in results if r.name in names]


def signals_from(
    results: Iterable[CheckResult], checks: MergeChecks, *, lint: float | None
) -> Signals:
    """The five signals of a fix commit whose runs have all completed."""
    ours = [r for r in results if not r.name.startswith(OWN_PREFIX)]
    if checks.tests is not None:
        tests = _named(ours, checks.tests)
    else:  # every workflow run; without any, every check run (another CI's)
        tests = [r for r in ours if r.workflow] or [r for r in ours if not r.workflow]
    return Signals(
        tests=_rate(tests),
        lint=lint,
        types=_rate(_named(ours, checks.types)),
        security=_rate(_named(ours, checks.security)),
        coverage=_rate(_named(ours, checks.coverage)),
    )
