"""Node.js: an uncaught error and its stack, placed at the first frame outside node itself."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``TypeError: Cannot read properties of undefined``, ``AssertionError [ERR_ASSERTION]: x``.
_ERROR = re.compile(
    r"^(?:Uncaught )?(?P<name>[A-Z]\w*(?:Error|Exception)|Error)(?: \[(?P<code>[A-Z_]+)\])?"
    r": (?P<msg>.+)$"
)
_FRAME = re.compile(r"^\s+at (?:.+? \()?(?:file://)?(?P<path>[^\s()]+?):(?P<line>\d+):\d+\)?$")
_MAX_LINES = 12
_BY_NAME = {
    "TypeError": Category.TYPE_ERROR,
    "SyntaxError": Category.SYNTAX_ERROR,
    "AssertionError": Category.ASSERTION,
}


def _category(name: str, code: str | None, message: str) -> Category:
    if code == "ERR_MODULE_NOT_FOUND" or message.startswith("Cannot find module"):
        return Category.IMPORT_ERROR
    if message.startswith(("expect(", "expect.")) or code == "ERR_ASSERTION":
        return Category.ASSERTION
    if name == "Error" and message.startswith("Timeout of ") and "exceeded" in message:
        return Category.TIMEOUT  # mocha
    return _BY_NAME.get(name, Category.RUNTIME_ERROR)


class NodeRecogniser(Recogniser):
    """An error line at the margin followed by ``    at`` frames is a Node.js stack."""

    name: ClassVar[str] = "node"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error: ", b"error [err_", b"exception: ")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._error: tuple[int, str, Category] | None = None
        self._lines = 0
        self._framed = False

    @property
    def wants_more(self) -> bool:
        return self._error is not None

    def gap(self) -> Sequence[Finding]:
        return self._done(None, None)

    def _done(self, path: str | None, line: int | None) -> Sequence[Finding]:
        error, self._error = self._error, None
        if error is None or not (self._framed or path):
            return NONE
        lineno, message, category = error
        return (
            Finding(
                category=category, message=message, tool="node", lineno=lineno, path=path, line=line
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._error is not None:
            self._lines += 1
            frame = _FRAME.match(line) if line[:1] in " \t" else None
            if frame is None:
                # A message may span lines (jest's Expected/Received) before the stack starts.
                if self._framed or self._lines > _MAX_LINES:
                    return self.gap()
                return NONE
            self._framed = True
            path = frame["path"]
            if path.startswith("node:") or "node_modules/" in path or path.startswith("internal/"):
                return NONE
            return self._done(path, int(frame["line"]))
        text = line.lstrip(" ") if line[:1] == " " and line[:9].strip() else line
        if text[:1].isupper() and ": " in text:
            error = _ERROR.match(text)
            if error and not self.state.in_pytest:
                category = _category(error["name"], error["code"], error["msg"])
                self._error, self._lines, self._framed = (
                    (lineno, line.strip()[:300], category),
                    0,
                    False,
                )
        return NONE
