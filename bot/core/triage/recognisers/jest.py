"""jest: each failed test's section, placed at its first frame inside the repository."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_HEADER = re.compile(r"^  \u25cf (?P<test>.+)$")
_FRAME = re.compile(r"^\s+at (?:.+? \()?(?P<path>[^\s()]+?):(?P<line>\d+):\d+\)?$")
_ERROR_NAME = re.compile(r"^(?P<name>[A-Z]\w*Error)\b")
#: jest's own section headers that are not a failed test.
_NOT_A_TEST = ("Console", "Test suite failed to run")
#: JavaScript errors by name; a thrown value of any other kind is ``runtime_error``.
_BY_NAME = {
    "TypeError": Category.TYPE_ERROR,
    "SyntaxError": Category.SYNTAX_ERROR,
    "AssertionError": Category.ASSERTION,
    "JestAssertionError": Category.ASSERTION,
}


def _category(message: str) -> Category:
    if message.startswith(("expect(", "expect.")):
        return Category.ASSERTION
    if "Exceeded timeout of" in message:  # ``thrown: "Exceeded timeout of 5000 ms for a test.``
        return Category.TIMEOUT
    if message.startswith("Cannot find module"):
        return Category.IMPORT_ERROR
    name = _ERROR_NAME.match(message)
    return _BY_NAME.get(name["name"], Category.RUNTIME_ERROR) if name else Category.RUNTIME_ERROR


class JestRecogniser(Recogniser):
    """A failed ``expect`` is an assertion; a thrown error is categorised by its name."""

    name: ClassVar[str] = "jest"
    triggers: ClassVar[tuple[bytes, ...]] = ("\u25cf ".encode(),)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._test: str | None = None
        self._message = ""
        self._start = 0

    @property
    def wants_more(self) -> bool:
        return self._test is not None

    def _finding(self, path: str | None = None, line: int | None = None) -> Sequence[Finding]:
        test, self._test = self._test, None
        if test is None:
            return NONE
        message = self._message or test
        category = _category(message)
        return (
            Finding(
                category=category,
                message=message,
                tool="jest",
                lineno=self._start,
                path=path,
                line=line,
                test=test,
            ),
        )

    def gap(self) -> Sequence[Finding]:
        return self._finding()

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        header = _HEADER.match(line)
        if header:
            done = self._finding()
            if not header["test"].startswith(_NOT_A_TEST):
                self._test, self._message, self._start = header["test"], "", lineno
            return done
        if self._test is None:
            return NONE
        if line and not line.startswith(" "):
            return self._finding()
        stripped = line.strip()
        if not self._message and stripped:
            self._message = stripped
            return NONE
        frame = _FRAME.match(line)
        if frame and "node_modules/" not in frame["path"] and ":" not in frame["path"]:
            return self._finding(frame["path"], int(frame["line"]))
        return NONE
