"""What validation measures: the configured checks, and pure reading of each check's output.

The runner (``bot/validation/runner.py``) executes commands; everything here decides from
their exit codes and text: pass rates, coverage totals, findings a patch added over its
base, and whether a tool was missing (then the signal is not measured, never failed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Signal = bool | float | None
SIGNAL_NAMES = ("tests", "lint", "types", "security", "coverage")

_PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?|xpassed)\b")
_COVERAGE_TOTAL = re.compile(r"^TOTAL\s.*?(\d+(?:\.\d+)?)%\s*$", re.MULTILINE)
_NO_MODULE = re.compile(r"No module named '?([\w.]+)'?")
_NOT_FOUND = re.compile(r"(?:^|\s)([\w./-]+): (?:\d+: [\w./-]+: )?(?:command )?not found", re.M)
#: ``path:line[:col]: message`` as ruff (concise), mypy, flake8, pylint and pyright print.
_FINDING = re.compile(r"^\s*(?P<path>[^\s:][^:]*?\.pyi?):\d+(?::\d+)?:?\s*-?\s*(?P<rest>.+)$")
#: Exit codes a shell gives when the program cannot be found or run.
MISSING_EXIT = frozenset({126, 127})


@dataclass(frozen=True, kw_only=True)
class Checks:
    """The repository's configured checks (commands run through the shell in the tree)."""

    tests: str | None = "python -m pytest -q"
    lint: str | None = None
    types: str | None = None
    security: bool = True
    coverage: bool = True
    timeout: float = 900.0


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """How a signal was measured: the command, its exit code, counts before and after."""

    command: str | None = None
    exit_code: int | None = None
    before: Mapping[str, int | float] | None = None
    after: Mapping[str, int | float] | None = None
    #: Why the signal is null (not measured) or false, in one sentence.
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "exit_code": self.exit_code,
            "before": None if self.before is None else dict(self.before),
            "after": None if self.after is None else dict(self.after),
            "reason": self.reason,
        }


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """One signal's value (a bool, a number in [0, 1], or None: not measured) and evidence."""

    value: Signal
    evidence: Evidence = field(default_factory=Evidence)


def unmeasured(
    reason: str, *, command: str | None = None, exit_code: int | None = None
) -> Measurement:
    """A signal that could not be measured, and why."""
    return Measurement(
        value=None, evidence=Evidence(command=command, exit_code=exit_code, reason=reason)
    )


def missing_tool(
    command: str, exit_code: int | None, output: str, module: str | None = None
) -> str | None:
    """Why ``command`` could not run (its program or ``-m`` module missing), else None.

    ``module``: the module the command runs with ``-m`` (its absence is a missing tool, where
    another ``No module named`` is the project's own import failing).
    """
    if exit_code is None:
        return None
    if exit_code in MISSING_EXIT:
        found = _NOT_FOUND.search(output)
        what = found.group(1) if found else command.split()[0]
        return f"{what} was not found (exit {exit_code})"
    missing = _NO_MODULE.search(output)
    if module is not None and missing and missing.group(1).split(".")[0] == module:
        return f"{module} is not installed for this interpreter ({missing.group(0)})"
    return None


def pytest_counts(output: str) -> dict[str, int]:
    """passed / failed / error counts from pytest's summary lines (empty when none)."""
    counts = {"passed": 0, "failed": 0, "error": 0}
    found = False
    for number, word in _PYTEST_COUNTS.findall(output):
        key = "error" if word.startswith("error") else ("passed" if word == "xpassed" else word)
        counts[key] += int(number)
        found = True
    return counts if found else {}


def pass_rate(exit_code: int | None, output: str) -> Signal:
    """Pytest's pass rate from its summary line, else the exit status (False on timeout)."""
    if exit_code is None:
        return False
    counts = pytest_counts(output)
    total = sum(counts.values())
    if total == 0 or exit_code not in (0, 1):
        return exit_code == 0
    return 1.0 if exit_code == 0 else round(counts["passed"] / total, 4)


def coverage_total(report: str) -> float | None:
    """The TOTAL percentage of ``coverage report``, if printed."""
    found = _COVERAGE_TOTAL.search(report)
    return float(found.group(1)) if found else None


def coverage_signal(before: float | None, after: float | None) -> Signal:
    """1.0 when coverage held or rose; each point lost costs 0.1 (clamped to [0, 1])."""
    if before is None or after is None:
        return None
    return round(max(0.0, min(1.0, 1.0 + (after - before) / 10.0)), 4)


def line_findings(output: str) -> Counter[str]:
    """Findings printed as ``path:line[:col]: message``, keyed without line numbers (a patch
    that moves code keeps its findings' keys)."""
    found: Counter[str] = Counter()
    for line in output.splitlines():
        match = _FINDING.match(line)
        if match:
            found[f"{match['path']}: {match['rest'].strip()}"] += 1
    return found


def bandit_findings(results: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Bandit's JSON ``results`` keyed by file, test id and issue (not the line or its code:
    a patch that only restyles a flagged line keeps its finding's key)."""
    found: Counter[str] = Counter()
    for item in results:
        found[f"{item.get('filename')}: {item.get('test_id')}: {item.get('issue_text')}"] += 1
    return found


def added(before: Counter[str], after: Counter[str]) -> list[str]:
    """Findings in ``after`` beyond those already in ``before`` (by key, counting repeats)."""
    return sorted((after - before).elements())


def compared(
    *,
    command: str,
    before_code: int | None,
    after_code: int | None,
    before: Counter[str] | None,
    after: Counter[str],
) -> Measurement:
    """A findings-based signal: true when the patch adds no finding over its base.

    Without a base run (``before`` None) the after run decides alone. When a failing command
    prints nothing this module can read as findings, and the base failed too, the patch's
    effect cannot be told: not measured.
    """
    counts_after = {"findings": sum(after.values())}
    counts_before = None if before is None else {"findings": sum(before.values())}

    def result(value: Signal, reason: str | None = None) -> Measurement:
        evidence = Evidence(
            command=command, exit_code=after_code, before=counts_before, after=counts_after,
            reason=reason,
        )  # fmt: skip
        return Measurement(value=value, evidence=evidence)

    if after_code is None:
        return result(False, "timed out")
    if after_code == 0:
        return result(True)
    if before is None:
        return result(False, f"exit {after_code} with {counts_after['findings']} finding(s)")
    new = added(before, after)
    if new:
        shown = "; ".join(new[:3]) + (" ..." if len(new) > 3 else "")
        return result(False, f"the patch adds {len(new)} finding(s): {shown}")
    if before_code == 0:
        return result(False, f"passed before the patch, exit {after_code} after it")
    if not after and not before:
        return result(None, f"exit {after_code} before and after the patch, no readable findings")
    return result(True, "no finding added by the patch (the base has the same ones)")
