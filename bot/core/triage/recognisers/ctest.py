"""CTest: the failed tests' list and each test's status line; a test that failed and then
passed (``--repeat until-pass``) is flaky."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``	 16 - qa_tracking (Failed)`` under ``The following tests FAILED:``.
_LISTED = re.compile(r"^\s*\d+ - (?P<name>\S.*?) \((?P<status>[^)]+)\)(?: +\S.*)?$")
#: `` 1/26 Test  #1: name ......***Failed  0.87 sec``.
_STATUS = re.compile(r"^\s*\d+/\d+ Test +#\d+: (?P<name>\S+) \.*\s*\*\*\*(?P<status>\w+)")
#: A rerun's ``      Test #1: name ......   Passed    0.00 sec``.
_PASSED = re.compile(r"^\s*(?:\d+/\d+ )?Test +#\d+: (?P<name>\S+) \.* *Passed\b")
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
    patterns: ClassVar[tuple[bytes, ...]] = (rb"Test +#[0-9]+: [^ \t\r\n]+ \.* *Passed",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._listing = False
        self._seen: set[str] = set()
        #: Status lines of failed runs, by test, until the end says whether a rerun passed.
        self._failed: dict[str, Finding] = {}

    def finish(self) -> Sequence[Finding]:
        self._listing = False
        failed, self._failed = self._failed, {}
        return tuple(failed.values())

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
        self._failed.pop(name, None)
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
                name = status["name"]
                if name not in self._failed and name not in self._seen and len(self._failed) < 4096:
                    found = self._finding(lineno, name, status["status"])
                    self._seen.discard(name)  # the list, if it follows, reports it for good
                    if found:
                        self._failed[name] = found[0]
            return NONE
        if "Passed" in line:
            passed = _PASSED.match(line)
            failed = self._failed.get(passed["name"]) if passed else None
            if failed is not None:
                self._failed[failed.test or ""] = replace(
                    failed, category=Category.FLAKY, message=f"{failed.message}, then passed"
                )
        return NONE
