"""Run a repository's checks on a patched tree (and its base) and measure the five signals."""

from __future__ import annotations

import dataclasses
import json
import shlex
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from bot.core.checks import (
    SIGNAL_NAMES,
    Checks,
    Evidence,
    Measurement,
    Signal,
    bandit_findings,
    compared,
    coverage_signal,
    coverage_total,
    line_findings,
    missing_tool,
    pass_rate,
    pytest_counts,
    unmeasured,
)
from bot.process import CommandResult, append_log, ruff_binary, run_command

DEPENDENCY_FILES = frozenset(
    {"requirements.txt", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock",
     "poetry.lock", "uv.lock", "constraints.txt"}
)  # fmt: skip
_COVERAGE_DATA = ".autopilot-coverage"
DEFAULT_CHECKS = Checks()


@dataclass(frozen=True, kw_only=True)
class ValidationSignals:
    """The five signals, each measured (with its evidence) or not measured (and why)."""

    tests: Measurement
    lint: Measurement
    types: Measurement
    security: Measurement
    coverage: Measurement

    def measurements(self) -> dict[str, Measurement]:
        return {name: getattr(self, name) for name in SIGNAL_NAMES}

    def as_dict(self) -> dict[str, Signal]:
        """The mapping the scorer reads (``autopilot score --signals``)."""
        return {name: m.value for name, m in self.measurements().items()}

    def to_json(self) -> dict[str, Any]:
        """The signals plus ``evidence``: per signal the command, exit code, counts, reason."""
        evidence = {name: m.evidence.to_dict() for name, m in self.measurements().items()}
        return {**self.as_dict(), "evidence": evidence}


def _module(argv: Sequence[str]) -> str | None:
    """The module a ``python -m MODULE`` command runs, or the program's own name."""
    if len(argv) >= 3 and PurePosixPath(argv[0]).name.startswith("python") and argv[1] == "-m":
        return argv[2]
    return PurePosixPath(argv[0]).name if argv else None


def _split(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return command.split()


def coverage_command(tests: str, data_file: Path) -> str | None:
    """The tests command run under coverage.py, when it is a pytest command."""
    argv = _split(tests)
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


class _Runner:
    def __init__(self, checks: Checks, log: Path | None, python: str) -> None:
        self.checks, self.log, self.python = checks, log, python
        #: pytest's counts on the base tree, when the coverage run measured them.
        self.base_counts: dict[str, int] = {}

    def run(self, name: str, argv: Sequence[str] | str, tree: Path) -> CommandResult:
        # Whole output: reports (bandit's JSON) and findings are read in full; the log
        # keeps tails.
        return run_command(
            name, argv, cwd=tree, timeout=self.checks.timeout, log=self.log, tail=None
        )

    def tests(self, tree: Path) -> Measurement:
        command = self.checks.tests
        if not command:
            return unmeasured("no tests command configured")
        result = self.run("tests", command, tree)
        output = result.stdout + result.stderr
        module = _module(_split(command))
        reason = missing_tool(command, result.returncode, output, module)
        if reason is not None:
            return unmeasured(reason, command=command, exit_code=result.returncode)
        if module == "pytest" and result.returncode == 5:
            return unmeasured("pytest collected no tests (exit 5)", command=command, exit_code=5)
        counts = pytest_counts(output)
        reason = "timed out" if result.timed_out else None
        if reason is None and not result.ok:
            reason = f"exit {result.returncode}"
        evidence = Evidence(
            command=command, exit_code=result.returncode, after=counts or None, reason=reason
        )
        return Measurement(value=pass_rate(result.returncode, output), evidence=evidence)

    def _percent(self, command: str, where: Path, label: str) -> float | str:
        """Coverage of the tests in ``where`` (a percentage), or why it was not measured."""
        data = where / _COVERAGE_DATA
        cov = coverage_command(command, data)
        assert cov is not None
        argv = _split(cov)
        result = self.run(f"coverage ({label})", cov, where)
        reason = missing_tool(cov, result.returncode, result.stdout + result.stderr, "coverage")
        if reason is not None:
            return reason
        if label == "base":
            self.base_counts = pytest_counts(result.stdout + result.stderr)
        python = argv[0]
        # A project that sets ``parallel = true`` writes suffixed files: combine them first.
        self.run("coverage combine", [python, "-m", "coverage", "combine", f"--data-file={data}"],
                 where)  # fmt: skip
        report = self.run(
            "coverage report", [python, "-m", "coverage", "report", f"--data-file={data}"], where
        )
        for leftover in where.glob(_COVERAGE_DATA + "*"):
            leftover.unlink(missing_ok=True)
        percent = coverage_total(report.stdout) if report.ok else None
        if percent is None:
            said = (report.stderr or report.stdout).strip().splitlines()
            return f"coverage report gave no total on the {label} tree" + (
                f": {said[-1][:200]}" if said else f" (exit {report.returncode})"
            )
        return percent

    def coverage(self, tree: Path, base: Path | None) -> Measurement:
        command = self.checks.tests
        if not self.checks.coverage:
            return unmeasured("coverage is switched off")
        if not command:
            return unmeasured("no tests command configured")
        if base is None:
            return unmeasured("no unpatched tree to compare with")
        shown = coverage_command(command, Path(_COVERAGE_DATA))
        if shown is None:
            return unmeasured("the tests command is not pytest: coverage cannot wrap it")
        before = self._percent(command, base, "base")
        if isinstance(before, str):
            return unmeasured(before, command=shown)
        after = self._percent(command, tree, "patched")
        if isinstance(after, str):
            return unmeasured(after, command=shown)
        evidence = Evidence(command=shown, before={"percent": before}, after={"percent": after})
        return Measurement(value=coverage_signal(before, after), evidence=evidence)

    def findings(
        self, name: str, command: str | list[str], tree: Path, base: Path | None
    ) -> Measurement:
        """A lint or type check run on the patched tree and its base, compared."""
        shown = command if isinstance(command, str) else shlex.join(command)
        module = _module(_split(shown))
        after = self.run(name, command, tree)
        reason = missing_tool(shown, after.returncode, after.stdout + after.stderr, module)
        if reason is not None:
            return unmeasured(reason, command=shown, exit_code=after.returncode)
        before = self.run(f"{name} (base)", command, base) if base is not None else None
        return compared(
            command=shown,
            before_code=None if before is None else before.returncode,
            after_code=after.returncode,
            before=None if before is None else line_findings(before.stdout + before.stderr),
            after=line_findings(after.stdout + after.stderr),
        )

    def lint(self, tree: Path, base: Path | None, changed: Sequence[str]) -> Measurement:
        if self.checks.lint:
            return self.findings("lint", self.checks.lint, tree, base)
        python = [rel for rel in changed if rel.endswith((".py", ".pyi"))]
        python = [rel for rel in python if (tree / rel).is_file()]
        if not python:
            return unmeasured("no lint command configured and no changed Python file")
        # --force-exclude: a changed file the repository's ruff excludes is not linted
        argv = [ruff_binary(), "check", "--no-cache", "--force-exclude", "--output-format",
                "concise", *python]  # fmt: skip
        return self.findings("lint", argv, tree, base)

    def types(self, tree: Path, base: Path | None) -> Measurement:
        if not self.checks.types:
            return unmeasured("no type-check command configured")
        return self.findings("types", self.checks.types, tree, base)

    def _bandit(self, tree: Path, base: Path | None, files: list[str]) -> Measurement:
        argv = [self.python, "-m", "bandit", "-q", "-f", "json", "-ll"]
        shown = shlex.join(["bandit", *argv[3:], *files])

        def scan(where: Path, label: str) -> Counter[str] | str:
            present = [rel for rel in files if (where / rel).is_file()]
            if not present:
                return Counter()
            result = self.run(label, [*argv, *present], where)
            output = result.stdout + result.stderr
            reason = missing_tool(shown, result.returncode, output, "bandit")
            try:
                return bandit_findings(json.loads(result.stdout)["results"])
            except (ValueError, KeyError, TypeError):
                return reason or f"bandit printed no JSON report (exit {result.returncode})"

        return _before_and_after(scan, tree, base, "bandit", shown)

    def _audit(self, tree: Path, base: Path | None, deps: list[str]) -> Measurement:
        requirements = [rel for rel in deps if rel.endswith(".txt")]
        argv = [self.python, "-m", "pip_audit", "--progress-spinner", "off", "-f", "json"]
        shown = "pip-audit " + " ".join([f"-r {rel}" for rel in requirements] or ["<project>"])

        def scan(where: Path, label: str) -> Counter[str] | str:
            present = [rel for rel in requirements if (where / rel).is_file()]
            targets = [arg for rel in present for arg in ("-r", rel)] or [str(where)]
            result = self.run(label, [*argv, *targets], where)
            reason = missing_tool(shown, result.returncode, result.stderr, "pip_audit")
            if reason is not None:
                return reason
            if result.returncode not in (0, 1):
                lines = result.stderr.strip().splitlines()
                return f"pip-audit failed (exit {result.returncode})" + (
                    f": {lines[-1][:200]}" if lines else ""
                )
            try:
                report = json.loads(result.stdout)
            except ValueError:
                return f"pip-audit printed no JSON report (exit {result.returncode})"
            items = report.get("dependencies", []) if isinstance(report, dict) else []
            return Counter(
                f"{dep.get('name')}: {vuln.get('id')}"
                for dep in items
                for vuln in dep.get("vulns", [])
            )

        return _before_and_after(scan, tree, base, "pip-audit", shown)

    def security(self, tree: Path, base: Path | None, changed: Sequence[str]) -> Measurement:
        if not self.checks.security:
            return unmeasured("security checks are switched off")
        python = [rel for rel in changed if rel.endswith(".py") and (tree / rel).is_file()]
        deps = [rel for rel in changed if PurePosixPath(rel).name in DEPENDENCY_FILES]
        parts = ([self._bandit(tree, base, python)] if python else []) + (
            [self._audit(tree, base, deps)] if deps else []
        )
        if not parts:
            return unmeasured("no changed Python or dependency file to scan")
        return _combine(parts)


def _combine(parts: Sequence[Measurement]) -> Measurement:
    """Several scans as one signal: false if any failed, null if any was not measured."""
    values = [part.value for part in parts]
    value: Signal = False if False in values else (None if None in values else True)
    reasons = [p.evidence.reason for p in parts if p.evidence.reason]
    codes = [p.evidence.exit_code for p in parts if p.evidence.exit_code is not None]

    def total(which: str) -> dict[str, int | float] | None:
        counts = [getattr(p.evidence, which) for p in parts]
        if any(c is None for c in counts):
            return None
        return {"findings": sum(c.get("findings", 0) for c in counts)}

    evidence = Evidence(
        command="; ".join(p.evidence.command or "?" for p in parts),
        exit_code=max(codes) if codes else None,
        before=total("before"),
        after=total("after"),
        reason="; ".join(reasons) or None,
    )
    return Measurement(value=value, evidence=evidence)


def validate_tree(
    tree: Path,
    changed: Sequence[str],
    checks: Checks = DEFAULT_CHECKS,
    *,
    base: Path | None = None,
    log: Path | None = None,
    python: str = sys.executable,
) -> ValidationSignals:
    """Measure the five signals on ``tree`` (the patched worktree).

    ``changed`` lists the patched files (relative paths): lint (without a configured
    command) and bandit look at the changed Python files, pip-audit runs when a dependency
    file changed. ``base`` is the unpatched tree: lint, types and security count only the
    findings the patch adds over it, and coverage is the delta against it (not measured
    without it). ``python`` runs the security scanners (bandit, pip-audit).
    """
    runner = _Runner(checks, log, python)
    coverage = runner.coverage(tree, base)
    tests = runner.tests(tree)
    if tests.value is not None and runner.base_counts:  # the base's counts, from coverage
        evidence = dataclasses.replace(tests.evidence, before=runner.base_counts)
        tests = dataclasses.replace(tests, evidence=evidence)
    signals = ValidationSignals(
        tests=tests,
        lint=runner.lint(tree, base, changed),
        types=runner.types(tree, base),
        security=runner.security(tree, base, changed),
        coverage=coverage,
    )
    if log is not None:
        append_log(log, {"event": "signals", **signals.to_json()})
    return signals


def not_measured(signals: ValidationSignals) -> Mapping[str, str]:
    """Signal name -> why it was not measured, for the signals that are null."""
    return {
        name: m.evidence.reason or "not measured"
        for name, m in signals.measurements().items()
        if m.value is None
    }


def _before_and_after(
    scan: Callable[[Path, str], Counter[str] | str],
    tree: Path,
    base: Path | None,
    label: str,
    shown: str,
) -> Measurement:
    """Scan the patched tree and the base; the patch's added findings, or why not measured."""
    after = scan(tree, label)
    if isinstance(after, str):
        return unmeasured(after, command=shown)
    before = scan(base, f"{label} (base)") if base is not None else None
    if isinstance(before, str):
        return unmeasured(before, command=shown)
    return compared(
        command=shown,
        before_code=None if before is None else (1 if before else 0),
        after_code=1 if after else 0,
        before=before,
        after=after,
    )
