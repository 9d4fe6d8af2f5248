"""Runner and infrastructure failures: shutdown, cancellation, disk full, job time limit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_CANCELED = "The operation was canceled"
#: Exact phrases the runner, the OS or common network clients print.
_PHRASES: tuple[tuple[str, Category], ...] = (
    ("The runner has received a shutdown signal", Category.INFRASTRUCTURE),
    (_CANCELED, Category.INFRASTRUCTURE),
    ("lost communication with the server", Category.INFRASTRUCTURE),
    ("The hosted runner encountered an error", Category.INFRASTRUCTURE),
    ("No space left on device", Category.INFRASTRUCTURE),
    ("Disk quota exceeded", Category.INFRASTRUCTURE),
    ("Out of memory: Killed process", Category.INFRASTRUCTURE),
    ("Could not resolve host", Category.INFRASTRUCTURE),
    ("Temporary failure in name resolution", Category.INFRASTRUCTURE),
    ("exceeded the maximum execution time", Category.TIMEOUT),
    ("The action has timed out", Category.TIMEOUT),
    ("has timed out after", Category.TIMEOUT),
    # GitLab, Travis, CircleCI and Jenkins' build-timeout plugin.
    ("execution took longer than", Category.TIMEOUT),
    ("No output has been received in the last", Category.TIMEOUT),
    ("Too long with no output (exceeded", Category.TIMEOUT),
    ("Build timed out (after", Category.TIMEOUT),
    ("API rate limit exceeded", Category.INFRASTRUCTURE),
)
_EXIT = re.compile(r"Process completed with exit code (?P<code>\d+)")
#: A shell's report of a child killed by SIGKILL (the OOM killer): ``bash: line 1: 42 Killed  cmd``.
_KILLED = re.compile(r"^(?:\S+: )?(?:line \d+: )?\d+ Killed\s+\S")
#: Exit codes that say how a step died: ``timeout`` kills with 124, SIGKILL (OOM) gives 137.
_EXIT_CATEGORY = {124: Category.TIMEOUT, 137: Category.INFRASTRUCTURE}


class RunnerRecogniser(Recogniser):
    """Each distinct runner message once; a bare exit code only when nothing else explains it."""

    name: ClassVar[str] = "runner"
    #: The runner's own messages come as ``##[error]...`` lines, so "error" finds most of them.
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"error",
        b"fail",
        b"no space left",
        b"no output has been received",
        b"too long with no output",
        b"build timed out",
        b"rate limit exceeded",
    )
    #: The shell's job report, case-sensitive: "killed" alone is common in application logs.
    patterns: ClassVar[tuple[bytes, ...]] = (rb" Killed[ \r\n]",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._seen: set[str] = set()
        self._canceled: Finding | None = None

    def finish(self) -> Sequence[Finding]:
        """Report a cancellation only when no shutdown, lost runner or time limit explains it."""
        canceled, self._canceled = self._canceled, None
        if canceled is None or len(self._seen) > 1:
            return NONE
        return (canceled,)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        # The runner's own lines can cut into a pytest session that never finished.
        in_pytest = self.state.in_pytest and not line.startswith("##[error]")
        if in_pytest or line.startswith((" ", "E ")):
            return NONE
        for phrase, category in _PHRASES:
            if phrase in line:
                if phrase in self._seen:
                    return NONE
                self._seen.add(phrase)
                message = line.removeprefix("##[error]").removeprefix("Error: ").strip()
                finding = Finding(category=category, message=message, tool="runner", lineno=lineno)
                if phrase == _CANCELED:
                    self._canceled = finding
                    return NONE
                return (finding,)
        if "Killed" in line and "killed" not in self._seen and _KILLED.match(line):
            self._seen.add("killed")
            message = "The process was killed (SIGKILL: out of memory?): " + line.strip()
            return (
                Finding(
                    category=Category.INFRASTRUCTURE, message=message, tool="runner", lineno=lineno
                ),
            )
        if "exit code" in line:
            match = _EXIT.search(line)
            if match:
                code = int(match["code"])
                category = _EXIT_CATEGORY.get(code, Category.UNKNOWN)
                message = f"Process completed with exit code {code}."
                return (
                    Finding(
                        category=category, message=message, tool="runner", lineno=lineno, weak=True
                    ),
                )
        return NONE
