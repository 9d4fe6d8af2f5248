"""A Python process that crashed: faulthandler's ``Fatal Python error`` with its thread stacks,
and a shell's crash report on the line of the pytest test that was running."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.paths import in_repository
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: faulthandler's first line, after whatever the process printed last (a ``-v`` node id).
_FATAL = re.compile(
    r"^(?P<before>.*?)(?P<message>(?:Fatal Python error|Windows fatal exception): \S.*)$"
)
#: A stack's title: CPython's ``Current thread 0x… (most recent call first):`` and
#: ``Thread 0x…``, a single-threaded dump's and PyPy's ``Stack (most recent call first…):``.
_STACK = re.compile(r"^(?P<current>Current thread|Thread|Stack)\b.*\(most recent call first")
#: faulthandler's frame has no comma before ``in``: ``File "a.py", line 3 in f``.
_FRAME = re.compile(r'^File "(?P<path>[^"]+)", line (?P<line>\d+)')
_QUIET = ("<no Python frame>", "Extension modules:", "...")
#: A pytest progress line cut by the shell's report of the process it ran: a ``-v`` node id,
#: ``collecting …``, a file's progress marks.
_SHELL_CRASH = re.compile(
    r"^(?P<progress>\S+\.py::\S+|collecting\b.*?|\S+\.py [.sxXFE]*) +"
    r"(?P<report>(?:\S+: )?(?:line \d+: +)?\d+ (?:Segmentation fault|Aborted|Bus error"
    r"|Illegal instruction|Floating point exception)\b.*)$"
)
#: What pytest printed last: a ``-v`` node id, or a file's progress marks (``a.py ..``).
_NODE_ID = re.compile(r"(?P<file>[^\s:]+\.py)(?P<test>::\S+|(?: [.sxXFE]*)?)$")
_MAX_FRAMES = 256


def _test(before: str) -> tuple[str | None, str | None]:
    """The node id (or only the file) pytest was running, when the text before the crash
    ends with it."""
    node = _NODE_ID.search(before.strip())
    if node is None:
        return None, None
    return (node[0] if node["test"].startswith("::") else None), node["file"]


class CrashRecogniser(Recogniser):
    """``runtime_error`` at the innermost frame inside the repository of the crashed thread."""

    name: ClassVar[str] = "crash"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"fatal python error",
        b"windows fatal exception",
        b"segmentation fault",
        b"aborted",
        b"bus error",
        b"illegal instruction",
        b"floating point exception",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._crash: Finding | None = None
        self._stacks: list[tuple[bool, list[tuple[str, int]]]] = []

    @property
    def wants_more(self) -> bool:
        return self._crash is not None

    def gap(self) -> Sequence[Finding]:
        crash, self._crash = self._crash, None
        if crash is None:
            return NONE
        stacks, self._stacks = self._stacks, []
        current = [frames for is_current, frames in stacks if is_current]
        frames = current[0] if current else stacks[0][1] if stacks else []
        for path, line in frames:  # most recent call first
            if in_repository(path):
                self.state.crashed_at = (path, line)
                return (replace(crash, path=path, line=line),)
        return (crash,)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip()
        if self._crash is not None:
            if not text or text.startswith(_QUIET):
                return NONE
            stack = _STACK.match(text)
            if stack:
                self._stacks.append((stack["current"] == "Current thread", []))
                return NONE
            frame = _FRAME.match(text)
            if frame and self._stacks:
                frames = self._stacks[-1][1]
                if len(frames) < _MAX_FRAMES:
                    frames.append((frame["path"], int(frame["line"])))
                return NONE
            return (*self.gap(), *self.feed(lineno, line))
        if "atal " in text:
            fatal = _FATAL.match(text)
            if fatal:
                test, path = _test(fatal["before"])
                self._crash = Finding(
                    category=Category.RUNTIME_ERROR,
                    message=fatal["message"],
                    tool="python",
                    lineno=lineno,
                    path=path,
                    test=test,
                )
                return NONE
        shell = _SHELL_CRASH.match(text)
        if shell:
            test, path = _test(shell["progress"])
            return (
                Finding(
                    category=Category.RUNTIME_ERROR,
                    message=shell["report"],
                    tool="pytest",
                    lineno=lineno,
                    path=path,
                    test=test,
                ),
            )
        return NONE
