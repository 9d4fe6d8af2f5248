"""Runner and infrastructure failures: shutdown, cancellation, disk full, job time limit, and
a process the shell reports killed by a signal (SIGKILL: out of memory; SIGSEGV: a crash)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_CANCELED = "The operation was canceled"
_UNCAUGHT = "terminate called after throwing an instance of"
#: Exact phrases the runner, the OS or common network clients print.
_PHRASES: tuple[tuple[str, Category], ...] = (
    ("The runner has received a shutdown signal", Category.INFRASTRUCTURE),
    (_CANCELED, Category.INFRASTRUCTURE),
    ("lost communication with the server", Category.INFRASTRUCTURE),
    ("The hosted runner encountered an error", Category.INFRASTRUCTURE),
    # ``no space left on device`` too: Go and docker print it in lower case.
    ("o space left on device", Category.INFRASTRUCTURE),
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
    # The OOM killer stopping the compiler (gcc's driver says so).
    ("Killed signal terminated program", Category.INFRASTRUCTURE),
    # A job no runner took, or a runner that failed under it (GitHub, GitLab, Azure).
    ("was not acquired by Runner", Category.INFRASTRUCTURE),
    ("Job failed (system failure)", Category.INFRASTRUCTURE),
    ("We stopped hearing from agent", Category.INFRASTRUCTURE),
    # Travis' and Azure Pipelines' job time limits, Jenkins' timeout step.
    ("exceeded the maximum time limit for jobs", Category.TIMEOUT),
    ("ran longer than the maximum time of", Category.TIMEOUT),
    ("Timeout has been exceeded", Category.TIMEOUT),
    ("Cancelling nested steps due to timeout", Category.TIMEOUT),
    # A C++ program's uncaught exception (``what():`` follows, then ``Aborted``).
    (_UNCAUGHT, Category.RUNTIME_ERROR),
)
#: How a CI system or a package runner reports a step's exit code: GitHub Actions, CircleCI
#: (``Exited with code exit status 137``), yarn (``error Command failed with exit code 137.``),
#: Travis (``The command "pytest" exited with 139.``), Gradle's test executor (``Process 'Gradle
#: Test Executor 1' finished with non-zero exit value 137``).
_EXIT = re.compile(
    r"(?:Process completed with exit code |^Exited with code (?:exit status )?"
    r"|^error Command failed with exit code |^The command \".*\" exited with "
    r"|finished with non-zero exit value )(?P<code>\d+)"
)
#: A shell's report of a child killed by a signal: ``bash: line 1:   42 Killed   cmd`` (SIGKILL,
#: the OOM killer), ``…: line 288: 14092 Segmentation fault (core dumped) ./tests``, also after
#: the unfinished line of the program it killed (``tests/test_a.py::test_b /home/travis/…``);
#: a program run by lerna or yarn workspaces prints a bare ``pkg: Killed``.
_SIGNALLED = re.compile(
    r"^(?:(?P<before>.*?) (?=\S+: line \d+: ))?(?:\S+: )?(?:line \d+: +)?\d+ "
    r"(?P<signal>Killed|Segmentation fault|Aborted|Bus error|Illegal instruction"
    r"|Floating point exception)(?: +\(core dumped\))?\s+\S"
    r"|^(?:[@\w./-]+: )?(?P<bare>Killed|Segmentation fault \(core dumped\))$"
)
#: What the killed program was running, when its unfinished line says: a pytest node id or
#: a file's progress line.
_RUNNING = re.compile(r"^(?P<path>[\w./-]+\.py)(?P<test>::\S+)?(?: [.sxXFE]*)?$")
#: The CI systems' own messages, found even in an indented paste.
_INDENTED_PHRASES = (
    "No output has been received in the last",
    "Too long with no output (exceeded",
    "exceeded the maximum execution time",
)
_SIGNAL_WORD = re.compile(r"Killed|Segmentation fault|Aborted|Bus error|Illegal instr|Floating")
#: Exit codes that say how a step died: ``timeout`` kills with 124, SIGKILL (OOM) gives 137,
#: SIGABRT 134 and SIGSEGV 139 (the program crashed).
_EXIT_CATEGORY = {
    124: Category.TIMEOUT,
    134: Category.RUNTIME_ERROR,
    137: Category.INFRASTRUCTURE,
    139: Category.RUNTIME_ERROR,
}


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
        b"exceeded the maximum execution time",
        b"runner has received a shutdown signal",
        b"lost communication with the server",
        b"exited with code",
        b'" exited with ',
        b"killed signal terminated program",
        b"was not acquired by runner",
        b"stopped hearing from agent",
        b"exceeded the maximum time limit",
        b"ran longer than the maximum time",
        b"timeout has been exceeded",
        b"nested steps due to timeout",
        b"finished with non-zero exit value",
        b"terminate called after throwing",
    )
    #: The shell's job report, case-sensitive: "killed" alone is common in application logs.
    patterns: ClassVar[tuple[bytes, ...]] = (
        rb" Killed[ \r\n]",
        rb"[0-9] (?:Segmentation fault|Aborted|Bus error|Illegal instruction|Floating point) ",
        rb"Segmentation fault \(core dumped\)\r?\n",
    )

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
        if line.startswith((" ", "E ")):
            stripped = line.lstrip()
            if not stripped.startswith(_INDENTED_PHRASES):
                return NONE
            line = stripped
        # The shell's report of a killed process ends a session that never finished.
        if _SIGNAL_WORD.search(line):
            signalled = _SIGNALLED.match(line)
            if signalled:
                return self._signalled(lineno, signalled)
        # The runner's own lines can cut into a pytest session that never finished.
        if self.state.in_pytest and not line.startswith("##[error]"):
            return NONE
        for phrase, category in _PHRASES:
            if phrase in line:
                if phrase in self._seen:
                    return NONE
                self._seen.add(phrase)
                if phrase == _UNCAUGHT:
                    self._seen.add("crashed")  # the shell's ``Aborted`` that follows adds nothing
                message = line.removeprefix("##[error]").removeprefix("Error: ").strip()
                finding = Finding(category=category, message=message, tool="runner", lineno=lineno)
                if phrase == _CANCELED:
                    self._canceled = finding
                    return NONE
                return (finding,)
        match = _EXIT.search(line) if "xit" in line else None
        if match is None:
            return NONE
        code = int(match["code"])
        known = _EXIT_CATEGORY.get(code)
        if known is not None and ("killed" in self._seen or "crashed" in self._seen):
            return NONE  # the shell already said which signal
        if known is None and "Process completed" not in line:
            return NONE  # the step recogniser tells other systems' failed steps
        message = line.removeprefix("##[error]").removeprefix("Error: ").strip()[:300]
        return (
            Finding(
                category=known or Category.UNKNOWN,
                message=message,
                tool="runner",
                lineno=lineno,
                weak=True,
            ),
        )

    def _signalled(self, lineno: int, signalled: re.Match[str]) -> Sequence[Finding]:
        """A process killed by SIGKILL is the runner's doing (memory); one that crashed
        (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE) is the program's."""
        signal = signalled["signal"] or signalled["bare"]
        killed = signal == "Killed"
        key = "killed" if killed else "crashed"
        if key in self._seen:
            return NONE
        self._seen.add(key)
        before = signalled["before"]
        report = signalled.string[len(before) + 1 :] if before else signalled.string
        if killed:
            category = Category.INFRASTRUCTURE
            message = "The process was killed (SIGKILL: out of memory?): " + report.strip()
        else:
            category = Category.RUNTIME_ERROR
            message = "The process crashed: " + report.strip()
        running = _RUNNING.match(before.strip()) if before else None
        return (
            Finding(
                category=category,
                message=message[:300],
                tool="runner",
                lineno=lineno,
                path=running["path"] if running else None,
                test=running["path"] + running["test"] if running and running["test"] else None,
            ),
        )
