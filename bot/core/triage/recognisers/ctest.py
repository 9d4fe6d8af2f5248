"""CTest: the failed tests' list and each test's status line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``	 16 - qa_tracking (Failed)`` under ``The following tests FAILED:``.
_LISTED = re.compile(r"^\s*\d+ - (?P<name>\S.*?) \((?P<status>[^)]+)\)(?: +\S.*)?$")
#: `` 1/26 Test  #1: name ......***Failed  0.87 sec``.
_STATUS = re.compile(r"^\s*\d+/\d+ Test +#\d+: (?P<name>\S+) \.*\s*\*\*\*(?P<status>\w+)")
_HEADER = "The following tests FAILED:"


def _category(status: str) -> Category:
    if status.startswith("Timeout"):
        return Category.TIMEOUT
    if status.startswith("Failed"):
        return Category.ASSERTION
    if status.startswith("Not Run"):
        return Category.UNKNOWN
    return Category.RUNTIME_ERROR  # SEGFAULT, Subprocess aborted, Exception, ILLEGAL, ...


class CtestRecogniser(Recogniser):
    """A failed test is reported once, by name, whichever of its lines comes first."""

    name: ClassVar[str] = "ctest"
    triggers: ClassVar[tuple[bytes, ...]] = (b"the following tests failed:", b"***")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._listing = False
        self._seen: set[str] = set()

    @property
    def wants_more(self) -> bool:
        return self._listing

    def gap(self) -> Sequence[Finding]:
        self._listing = False
        return NONE

    def _finding(self, lineno: int, name: str, status: str) -> Sequence[Finding]:
        if name in self._seen or len(self._seen) > 4096:
            return NONE
        self._seen.add(name)
        message = f"{name} ({status.strip()})"
        return (
            Finding(
                category=_category(status), message=message, tool="ctest", lineno=lineno, test=name
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._listing:
            listed = _LISTED.match(line)
            if listed:
                return self._finding(lineno, listed["name"], listed["status"])
            self._listing = False
        if line.startswith(_HEADER):
            self._listing = True
            return NONE
        if "***" in line and " Test " in line:
            status = _STATUS.match(line)
            if status and status["status"] != "Passed":
                return self._finding(lineno, status["name"], status["status"])
        return NONE
