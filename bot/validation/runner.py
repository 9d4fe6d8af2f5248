"""Run a repository's checks on a patched tree and measure the five validation signals."""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.validation.execute import CommandResult, append_log, run_command

Signal = bool | float | None
DEPENDENCY_FILES = frozenset(
    {"requirements.txt", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock",
     "poetry.lock", "uv.lock", "constraints.txt"}
)  # fmt: skip
_PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?|xpassed)\b")
_COVERAGE_TOTAL = re.compile(r"^TOTAL\s.*?(\d+(?:\.\d+)?)%\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Checks:
    """The repository's configured checks (commands run through the shell in the tree)."""

    tests: str | None = "python -m pytest -q"
    lint: str | None = None
    types: str | None = None
    security: bool = True
    coverage: bool = True
    timeout: float = 900.0


@dataclass(frozen=True)
class ValidationSignals:
    """The five signals, each a bool, a number in [0, 1], or None (not measured)."""

    tests: Signal = None
    lint: Signal = None
    types: Signal = None
    security: Signal = None
    coverage: Signal = None

    def as_dict(self) -> dict[str, Signal]:
        """The mapping the scorer reads (``autopilot score --signals``)."""
        return {
            "tests": self.tests,
            "lint": self.lint,
            "types": self.types,
            "security": self.security,
            "coverage": self.coverage,
        }


def pass_rate(result: CommandResult) -> Signal:
    """Pytest's pass rate from its summary line, else the exit status (None on timeout)."""
    if result.timed_out:
        return False
    counts = {"passed": 0, "failed": 0, "error": 0}
    for number, word in _PYTEST_COUNTS.findall(result.stdout + result.stderr):
        key = "error" if word.startswith("error") else ("passed" if word == "xpassed" else word)
        counts[key] += int(number)
    total = sum(counts.values())
    if total == 0 or result.returncode not in (0, 1):
        return result.ok
    return 1.0 if result.ok else round(counts["passed"] / total, 4)


def coverage_command(tests: str, data_file: Path) -> str | None:
    """The tests command run under coverage.py, when it is a pytest command."""
    argv = shlex.split(tests)
    if not argv:
        return None
    program = PurePosixPath(argv[0]).name
    if program.startswith("python") and argv[1:3] == ["-m", "pytest"]:
        python, rest = argv[0], argv[3:]
    elif program == "pytest":
        python, rest = "python", argv[1:]
    else:
        return None
    cov = [python, "-m", "coverage", "run", f"--data-file={data_file}", "-m", "pytest"]
    return shlex.join([*cov, *rest])


def coverage_signal(before: float | None, after: float | None) -> Signal:
    """1.0 when coverage held or rose; each point lost costs 0.1 (clamped to [0, 1])."""
    if before is None or after is None:
        return None
    return round(max(0.0, min(1.0, 1.0 + (after - before) / 10.0)), 4)


class _Runner:
    def __init__(self, checks: Checks, log: Path | None) -> None:
        self.checks, self.log = checks, log

    def run(self, name: str, argv: Sequence[str] | str, tree: Path) -> CommandResult:
        return run_command(name, argv, cwd=tree, timeout=self.checks.timeout, log=self.log)

    def tests_and_coverage(self, tree: Path, base: Path | None) -> tuple[Signal, Signal]:
        command = self.checks.tests
        if not command:
            return None, None
        if not self.checks.coverage or base is None:
            return pass_rate(self.run("tests", command, tree)), None
        percents: list[float | None] = []
        result: CommandResult | None = None
        for label, where in (("base", base), ("patched", tree)):
            data = where / ".autopilot-coverage"
            cov = coverage_command(command, data)
            if cov is None:
                return pass_rate(self.run("tests", command, tree)), None
            result = self.run(f"tests ({label}, coverage)", cov, where)
            python = shlex.split(cov)[0]
            report = self.run(
                "coverage report",
                [python, "-m", "coverage", "report", f"--data-file={data}"],
                where,
            )
            found = _COVERAGE_TOTAL.search(report.stdout)
            percents.append(float(found.group(1)) if found and report.ok else None)
            data.unlink(missing_ok=True)
        assert result is not None
        return pass_rate(result), coverage_signal(percents[0], percents[1])

    def security(self, tree: Path, changed: Sequence[str]) -> Signal:
        verdicts: list[bool] = []
        python = [rel for rel in changed if rel.endswith(".py") and (tree / rel).is_file()]
        if python:
            bandit = self.run("bandit", [sys.executable, "-m", "bandit", "-q", "-f", "json",
                                         "-ll", *python], tree)  # fmt: skip
            with contextlib.suppress(ValueError, KeyError, TypeError):  # no bandit: unmeasured
                verdicts.append(not json.loads(bandit.stdout)["results"])
        deps = [rel for rel in changed if PurePosixPath(rel).name in DEPENDENCY_FILES]
        requirements = [rel for rel in deps if rel.endswith(".txt") and (tree / rel).is_file()]
        if deps:
            argv = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off"]
            argv += [arg for rel in requirements for arg in ("-r", rel)] or [str(tree)]
            audit = self.run("pip-audit", argv, tree)
            if audit.returncode in (0, 1):
                verdicts.append(audit.ok)
        return all(verdicts) if verdicts else None


def validate_tree(
    tree: Path,
    changed: Sequence[str],
    checks: Checks = Checks(),
    *,
    base: Path | None = None,
    log: Path | None = None,
) -> ValidationSignals:
    """Measure the five signals on ``tree`` (the patched worktree).

    ``changed`` lists the patched files (relative paths): bandit scans the changed Python
    files, pip-audit runs when a dependency file changed. Coverage is the delta against
    ``base`` (the unpatched tree), so it is measured only when ``base`` is given.
    """
    runner = _Runner(checks, log)
    tests, coverage = runner.tests_and_coverage(tree, base)
    lint: Signal = None
    if checks.lint:
        lint = runner.run("lint", checks.lint, tree).ok
    elif python := [rel for rel in changed if rel.endswith((".py", ".pyi"))]:
        from bot.fixer.engine import ruff_binary  # the same ruff the fixer runs

        lint = runner.run("lint", [ruff_binary(), "check", "--no-cache", *python], tree).ok
    types = runner.run("types", checks.types, tree).ok if checks.types else None
    security = runner.security(tree, changed) if checks.security else None
    signals = ValidationSignals(tests, lint, types, security, coverage)
    if log is not None:
        append_log(log, {"event": "signals", **signals.as_dict()})
    return signals
