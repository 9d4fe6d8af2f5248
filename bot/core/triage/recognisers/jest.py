"""jest and vitest: each failed test's section, placed at its first frame inside the repository.

jest prints ``FAIL path`` for a test file, then one ``● suite \u203a test`` section per failed test
(the message, a code frame, ``at`` frames); a section without a frame in the repository (a
fragment cut short, a timeout) is placed at the test file. vitest prints ``FAIL  path > suite
> test``, the error and ``\u276f path:line:col`` frames.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.generic import tsc_category
from bot.core.triage.recognisers.node import node_core

#: ``  ● suite \u203a test``; jest 0.x (on jasmine 1) printed it at the margin, where the
#: suite's separator (U+203A) tells it from other bullets (``systemctl status``'s units).
_HEADER = re.compile(r"^(?:  \u25cf (?P<test>.+)|\u25cf (?P<nested>.+ \u203a .+))$")
_FRAME = re.compile(r"^\s+at (?:.+? \()?(?P<path>[^\s()]+?):(?P<line>\d+):\d+\)?$")
#: vitest's frames (U+276F): ``test/a.test.ts:7:22`` or ``method src/a.ts:3:9`` after it.
_VITEST_FRAME = re.compile(r"^\s*\u276f (?:\S+ )?(?P<path>[^\s:()]+):(?P<line>\d+):\d+$")
#: jest's ``FAIL src/a.test.ts (5.6 s)``; vitest's `` FAIL  |unit| src/a.test.ts > suite > t``
#: and a file that failed to load, `` FAIL  src/a.test.ts [ src/a.test.ts ]``.
_FAIL = re.compile(
    r"^\s*FAIL +(?:\|[^|]+\| )?(?P<path>[^\s|>]+\.[cm]?[jt]sx?)"
    r"(?: > (?P<test>.+?))?(?: \[ [^\]]+ \]| \(\d[^)]*\))?$"
)
#: The scanner's pattern for ``_FAIL`` (no trigger word in it that is rare enough); colours
#: may stand between ``FAIL`` and the path.
_FAIL_LINE = rb"FAIL [^\r\n]*?\.[cm]?[jt]sx?[^A-Za-z0-9_]"
_ERROR_NAME = re.compile(r"^(?P<name>[A-Z]\w*Error)\b")
#: jest's own section headers that are not a failed test.
_NOT_A_TEST = ("Console", "Test suite failed to run")
_SUITE = "Test suite failed to run"
#: ts-jest's TypeScript diagnostic, the reason a suite failed to run:
#: ``src/a.test.ts:4:9 - error TS2322: Type 'number' is not assignable to type 'string'.``
_TS_DIAGNOSTIC = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):\d+ - error (?P<rule>TS\d+): (?P<msg>.+)$"
)
#: JavaScript errors by name; a thrown value of any other kind is ``runtime_error``.
_BY_NAME = {
    "TypeError": Category.TYPE_ERROR,
    "SyntaxError": Category.SYNTAX_ERROR,
    "AssertionError": Category.ASSERTION,
    "JestAssertionError": Category.ASSERTION,
}
#: vitest ends a failure with a rule of ``⎯``.
_RULE = "\u23af"
_MAX_VITEST_LINES = 40


def _category(message: str) -> Category:
    # jasmine 1 (jest 0.x): ``- Expected: 1 toBe: 2``.
    if message.startswith(("expect(", "expect.", "- Expected")):
        return Category.ASSERTION
    # jest: ``thrown: "Exceeded timeout of 5000 ms for a test.``; vitest: ``Test timed out in``.
    if "Exceeded timeout of" in message or message.startswith("Error: Test timed out in "):
        return Category.TIMEOUT
    # jasmine (jest-jasmine2, jest 20 to 26): ``Timeout - Async callback was not invoked within
    # …``; jasmine 3: ``Error: Timeout - Async function did not complete within 5000ms``.
    if message.startswith(("Timeout - Async ", "Error: Timeout - Async ")):
        return Category.TIMEOUT
    if "Cannot find module" in message[:40] or message.startswith(
        ("Error: Failed to load url", "Error: Failed to resolve import")
    ):
        return Category.IMPORT_ERROR
    if message.startswith("Jest encountered an unexpected token"):
        return Category.SYNTAX_ERROR
    if message.startswith("Error: Snapshot ") and "mismatched" in message:
        return Category.ASSERTION
    name = _ERROR_NAME.match(message)
    return _BY_NAME.get(name["name"], Category.RUNTIME_ERROR) if name else Category.RUNTIME_ERROR


def _in_project(path: str) -> bool:
    return "node_modules/" not in path and ":" not in path and not node_core(path)


class JestRecogniser(Recogniser):
    """A failed ``expect`` is an assertion; a thrown error is categorised by its name."""

    name: ClassVar[str] = "jest"
    triggers: ClassVar[tuple[bytes, ...]] = ("\u25cf ".encode(),)
    patterns: ClassVar[tuple[bytes, ...]] = (_FAIL_LINE,)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._test: str | None = None
        self._message = ""
        self._start = 0
        #: The test file of the last ``FAIL`` line: the place of a section without a frame.
        self._file: str | None = None
        #: Reading a vitest failure (``FAIL  path > test``) rather than a jest section.
        self._vitest = False
        self._lines = 0

    @property
    def wants_more(self) -> bool:
        return self._test is not None

    def _finding(self, path: str | None = None, line: int | None = None) -> Sequence[Finding]:
        test, self._test = self._test, None
        if test is None:
            return NONE
        message = self._message or test
        category = _category(message)
        if path is None:
            path = self._file
        suite = test == _SUITE
        diagnostic = _TS_DIAGNOSTIC.match(message) if suite else None
        if diagnostic is not None:
            category, message = tsc_category(diagnostic["rule"]), diagnostic["msg"]
            path, line = diagnostic["path"], int(diagnostic["line"])
        return (
            Finding(
                category=category,
                message=message,
                tool="vitest" if self._vitest else "jest",
                lineno=self._start,
                path=path,
                line=line,
                test=None if suite else test,
            ),
        )

    def gap(self) -> Sequence[Finding]:
        return self._finding()

    def _open_vitest(self, lineno: int, line: str) -> Sequence[Finding]:
        """A ``FAIL`` line: the test file, and in vitest the failure that follows."""
        failed = _FAIL.match(line)
        if failed is None:
            return NONE
        done = self._finding()
        self._file = failed["path"]
        if failed["test"] is not None or line.endswith(" ]"):
            # vitest: the failure itself follows; jest's ``FAIL path`` only names the file.
            self._test = failed["test"] or _SUITE
            self._message, self._start, self._vitest, self._lines = "", lineno, True, 0
        return done

    def _feed_vitest(self, lineno: int, line: str) -> Sequence[Finding]:
        self._lines += 1
        stripped = line.strip()
        if stripped.startswith(_RULE) or self._lines > _MAX_VITEST_LINES:
            return self._finding()
        if "FAIL " in line and _FAIL.match(line):
            return self._open_vitest(lineno, line)
        if not self._message:
            if stripped:
                self._message = stripped
            return NONE
        frame = _VITEST_FRAME.match(line)
        if frame and _in_project(frame["path"]):
            return self._finding(frame["path"], int(frame["line"]))
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._test is not None and self._vitest:
            return self._feed_vitest(lineno, line)
        if "FAIL " in line and _FAIL.match(line):
            return self._open_vitest(lineno, line)
        header = _HEADER.match(line)
        if header:
            done = self._finding()
            test = header["test"] or header["nested"]
            if test.startswith(_SUITE) or not test.startswith(_NOT_A_TEST):
                self._test, self._message, self._start = test, "", lineno
                self._vitest = False
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
        if frame and _in_project(frame["path"]):
            return self._finding(frame["path"], int(frame["line"]))
        return NONE
