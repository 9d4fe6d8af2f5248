"""pytest-timeout's stack dump (``+++ Timeout +++``): where the main thread was stuck.

Before the dump pytest printed the test's node id (``-v``) or its file's progress marks; when
the paste ends inside the dump and the main thread's stack read so far holds no frame of the
project (only the interpreter and pytest), the timeout is put in that file. (A dump that ends
is followed by pytest's own report of the test.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.traceback import FRAME, innermost


class TimeoutRecogniser(Recogniser):
    """Reports the dump's main-thread frame; the pytest section, when there is one, merges in."""

    name: ClassVar[str] = "pytest-timeout"
    triggers: ClassVar[tuple[bytes, ...]] = (b"timeout",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._open = False
        self._main = False
        self._start = 0
        self._frames: list[tuple[str, int]] = []
        self._test: str | None = None
        self._file: str | None = None

    @property
    def wants_more(self) -> bool:
        return self._open

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if "+++ Timeout +++" in line:
            if not self._open:
                self._open, self._main, self._frames, self._start = True, False, [], lineno
                test = line.split(" ", 1)[0]  # ``pytest -v`` prints the test id first
                self._test = test if "::" in test else None
                named = test.split("::", 1)[0]
                self._file = named if named.endswith(".py") else None
                return NONE
            return self._report(cut=False)
        if not self._open:
            return NONE
        if line.startswith("~~~") and "Stack of " in line:
            self._main = "MainThread" in line
            return NONE
        frame = FRAME.match(line)
        if frame and self._main and len(self._frames) < 128:
            self._frames.append((frame["path"], int(frame["line"])))
        return NONE

    def _report(self, *, cut: bool) -> Sequence[Finding]:
        self._open = False
        path, number = innermost(self._frames)
        if path is None and (self._file is None or not cut):
            return NONE
        message = "Timeout: the test ran past pytest-timeout's limit"
        return (
            Finding(
                category=Category.TIMEOUT,
                message=message,
                tool="pytest-timeout",
                lineno=self._start,
                path=path or self._file,
                line=number if path else None,
                test=self._test,
            ),
        )

    def finish(self) -> Sequence[Finding]:
        return self._report(cut=True) if self._open else NONE
