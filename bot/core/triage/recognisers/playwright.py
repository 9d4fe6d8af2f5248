"""Playwright Test: each failed test's section, and the tests its summary calls flaky.

A section starts ``  1) [chromium] > tests/a.spec.ts:8:7 > suite > title ───`` (``>`` stands
for U+203A here), then the
error: ``Error: expect(…)`` (``assertion``; a web-first assertion's ``Timed out 5000ms waiting
for expect(…)`` too), ``Test timeout of 30000ms exceeded.`` or an action's ``Timeout 30000ms
exceeded`` (``timeout``), any other error by its name; placed at the first ``at`` frame of
the project, else at the test's own line. The summary's ``  1 flaky`` lists tests that failed
and then passed on a retry (**flaky**).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``  1) [chromium] > tests/a.spec.ts:8:7 > suite > title ────`` (``>`` is U+203A; the
#: project is optional).
_HEADER = re.compile(
    r"^\s*\d+\) (?:\[[^\]]+\] \u203a )?(?P<path>[^\s\u203a]+\.[cm]?[jt]sx?):(?P<line>\d+):\d+"
    r" \u203a (?P<title>.+?)(?: \u2500+)?$"
)
#: A test in the summary's lists: ``    [chromium] > tests/a.spec.ts:8:7 > suite > title``.
_LISTED = re.compile(
    r"^\s+(?:\[[^\]]+\] \u203a )?(?P<path>[^\s\u203a]+\.[cm]?[jt]sx?):(?P<line>\d+):\d+"
    r" \u203a (?P<title>.+?)(?: \u2500+)?$"
)
_FLAKY = re.compile(r"^\s+\d+ flaky$")
_FRAME = re.compile(r"^\s+at (?:.+? \()?(?:file://)?(?P<path>[^\s()]+?):(?P<line>\d+):\d+\)?$")
_ERROR_NAME = re.compile(r"^(?P<name>[A-Z]\w*Error)\b")
_TIMEOUT = re.compile(r"^Test timeout of \d+ms exceeded|\bTimeout \d+ms exceeded")
_MAX_LINES = 60


def _category(message: str) -> Category:
    if message.startswith(("Error: expect(", "Error: Timed out ")) and "expect(" in message:
        return Category.ASSERTION
    if _TIMEOUT.search(message):
        return Category.TIMEOUT
    name = _ERROR_NAME.match(message)
    if name and name["name"] == "TypeError":
        return Category.TYPE_ERROR
    return Category.RUNTIME_ERROR


class PlaywrightRecogniser(Recogniser):
    """One finding per failed test section; one flaky finding per test the summary lists."""

    name: ClassVar[str] = "playwright"
    triggers: ClassVar[tuple[bytes, ...]] = (" \u203a ".encode(),)
    patterns: ClassVar[tuple[bytes, ...]] = (rb"[0-9]+ flaky\r?\n",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        #: The section being read: start, test, its own place, message, lines read.
        self._test: str | None = None
        self._place: tuple[str, int] = ("", 0)
        self._start = 0
        self._message = ""
        self._lines = 0
        self._flaky = False
        #: Failed sections by test and place, until the summary says which were flaky.
        self._held: dict[tuple[str, str, int], Finding] = {}

    @property
    def wants_more(self) -> bool:
        return self._test is not None or self._flaky

    def _section(self, path: str | None = None, line: int | None = None) -> Sequence[Finding]:
        """Close the section; its finding waits for the summary (a flaky test has one too)."""
        test, self._test = self._test, None
        self.state.in_js_report = False
        if test is None:
            return NONE
        own = self._place
        if path is None:
            path, line = own
        message = self._message or f"{test} failed"
        self._held[(test, *own)] = Finding(
            category=_category(message),
            message=message[:300],
            tool="playwright",
            lineno=self._start,
            path=path,
            line=line,
            test=test,
        )
        return NONE

    def gap(self) -> Sequence[Finding]:
        self._flaky = False
        return self._section()

    def finish(self) -> Sequence[Finding]:
        self._section()
        self._flaky = False
        held, self._held = tuple(self._held.values()), {}
        return held

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if ") " in line[:12]:
            header = _HEADER.match(line)
            if header is not None:
                self._section()
                self._test, self._start, self._message, self._lines = header["title"], lineno, "", 0
                self._place = (header["path"], int(header["line"]))
                self.state.in_js_report = True
                return NONE
        if self._flaky:
            listed = _LISTED.match(line)
            if listed is None:
                self._flaky = False
                return NONE
            self._held.pop((listed["title"], listed["path"], int(listed["line"])), None)
            return (
                Finding(
                    category=Category.FLAKY,
                    message=f"{listed['title']} failed, then passed on a retry",
                    tool="playwright",
                    lineno=lineno,
                    path=listed["path"],
                    line=int(listed["line"]),
                    test=listed["title"],
                ),
            )
        if line.endswith(" flaky") and _FLAKY.match(line):
            self._flaky = True
            return self._section()
        if self._test is None:
            return NONE
        self._lines += 1
        stripped = line.strip()
        if not self._message:
            if stripped:
                self._message = stripped
            return NONE
        frame = _FRAME.match(line)
        if frame is not None and "node_modules/" not in frame["path"]:
            return self._section(frame["path"], int(frame["line"]))
        if self._lines > _MAX_LINES or stripped.startswith("Retry #"):
            return self._section()
        return NONE
