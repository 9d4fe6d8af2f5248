"""A failed step: the command that failed and its last lines, for when no tool explains it."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: How CI systems and shells say a step or command failed, and its exit code when they do.
_FAILED = re.compile(
    r"(?:Process completed with exit code (?P<a>\d+)"  # GitHub Actions
    r"|ERROR: Job failed: exit code (?P<b>\d+)"  # GitLab
    r"|script returned exit code (?P<c>\d+)"  # Jenkins
    r"|did not complete successfully: exit code: (?P<d>\d+)"  # BuildKit
    r"|returned (?:a )?non-zero exit (?:status|code):? (?P<e>\d+)"  # subprocess, docker
    r"|Bad exit status from \S+ \((?P<phase>%\w+)\)"  # rpmbuild
    r"|: FAIL code (?P<f>\d+)"  # tox 4
    r"|InvocationError for command .*\(exited with code (?P<g>\d+)\)"  # tox 3
    r"|Errors while running CTest"
    r"|Command exited with code (?P<h>\d+)"
    r"|exited with code (?P<i>\d+)"
    r"|Exited with code (?:exit status )?(?P<j>\d+)"  # CircleCI
    r"|The command \"(?P<travis>.+)\" exited with (?P<k>\d+)\."  # Travis
    r")"
)
#: Lines that say which command ran: a shell's trace, GitLab's echo, tox, npm, docker.
_COMMAND = re.compile(
    r"^(?:\+ |\$ |> |Run |RUN |#\d+ \[[^\]]*\] RUN |[\w.-]+: commands\[\d+\]> "
    r"|Executing\((?:%\w+)\): )"
    r"(?P<command>\S.*)$"
)
_NOISE = ("##[", "Error: Process completed", "section_end:")
#: A CI system's own report of the failure, which adds nothing to the step's last lines.
_RUNNER_LINES = ("Process completed", "Job failed", "script returned", "Errors while running CTest")
#: BuildKit names the command in its report: ``process "/bin/sh -c make" did not complete``.
_DOCKER_PROCESS = re.compile(r'process "(?:/bin/(?:ba)?sh -c )?(?P<command>.+?)" did not complete')
_KEEP = 4


class StepRecogniser(Recogniser):
    """A weak ``unknown`` finding per failed step, carrying the failing command and the last
    meaningful lines before the failure; the engine keeps one only when nothing else was found."""

    name: ClassVar[str] = "step"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"exit code",
        b"exit status",
        b"bad exit status",
        b"fail code",
        b"invocationerror",
        b"errors while running ctest",
        b"exited with code",
        b'" exited with ',
        b"] run ",
        b"commands[",
        b"##[group]run ",
    )
    patterns: ClassVar[tuple[bytes, ...]] = (rb"\n(?:\+|\$|>) [A-Za-z./]",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._last: deque[str] = deque(maxlen=_KEEP)
        self._command: str | None = None
        self._reported = False

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        stripped = line.strip()
        if not stripped:
            return NONE
        command = (
            _COMMAND.match(stripped)
            if stripped[:1] in "+$>RrE#p" or ": commands[" in stripped
            else None
        )
        if command:
            self._command = command["command"][:200]
            self._last.clear()
            return NONE
        failed = (
            _FAILED.search(stripped)
            if "xit" in stripped or "CTest" in stripped or "FAIL" in stripped
            else None
        )
        if failed is None:
            if not stripped.startswith(_NOISE):
                self._last.append(stripped[:200])
            return NONE
        if self._reported:
            return NONE
        code = next((value for value in failed.groups() if value and value.isdigit()), None)
        if code == "0":
            return NONE
        self._reported = True
        docker = _DOCKER_PROCESS.search(stripped)
        ran = (
            docker["command"] if docker else failed["travis"] or self._command or self.state.command
        )
        if not docker and not any(marker in stripped for marker in _RUNNER_LINES):
            self._last.append(stripped[:200])
        what = f"`{ran}` failed" if ran else "A step failed"
        if code is not None:
            what += f" (exit code {code})"
        elif failed["phase"]:
            what += f" (rpmbuild {failed['phase']})"
        last = " | ".join(self._last)
        message = f"{what}; last lines: {last}" if last else what
        return (
            Finding(
                category=Category.UNKNOWN, message=message, tool="step", lineno=lineno, weak=True
            ),
        )
