""".NET test runners (VSTest, MSTest, xUnit, NUnit): a failed test, its message and frame."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``  Failed Calc.Tests.Adds [12 ms]`` (VSTest), ``  failed Adds (6s 220ms)`` (MSTest runner),
#: ``Failed   Calc.Tests.Adds`` (VSTest 15/16, placed by the ``Error Message:`` that follows).
_FAILED = re.compile(r"^(?:X )?[Ff]ailed +(?P<test>[\w.+`<>]+)(?: \([^)]*\))*(?: \[[^\]]*\])?")
#: VSTest 16's console logger marks a failed test with a cross: ``  X Adds [6s 729ms]``.
_CROSSED = re.compile(r"^X (?P<test>[\w.+`<>]+(?:\([^)]*\))?) \[[^\]]*\d ?m?s\]$")
#: The xUnit console runner's ``Calc.Tests.Adds [FAIL]``; NUnit's ``1) Failed : Calc.Tests.Adds``.
_OTHER_RUNNERS = re.compile(
    r"^(?:(?P<xunit>[\w.+`<>]+(?:\([^)]*\))?) \[FAIL\]"
    r"|\d+\) (?:Failed|Error) : (?P<nunit>[\w.+`<>]+))"
)
#: ``at Calc.Tests.Adds() in /src/CalcTests.cs:line 12``, MSTest's ``... in /_/a.cs:280``, and
#: the xUnit console's ``/src/CalcTests.cs(12,0): at Calc.Tests.Adds()``.
FRAME = re.compile(
    r"^(?:at .+ in (?P<path>\S+\.(?:cs|fs|vb)):(?:line )?(?P<line>\d+)"
    r"|(?P<xpath>\S+\.(?:cs|fs|vb))\((?P<xline>\d+),\d+\): at .+)$"
)
#: A test's duration ending its line: ``[12 ms]``, ``[< 1 ms]``, ``(6s 220ms)``.
_DURATION = re.compile(r"(?:\[[^\]]*\d ?m?s\]|\([^)]*\d ?m?s\))$")
_HEADINGS = ("Error Message:", "Stack Trace:", "Standard Output Messages:")
#: ``Failed!  - Failed:     1, Passed:    10, Skipped:     0, Total:    11`` (dotnet test).
_SUMMARY = re.compile(r"^Failed! +- Failed: +(?P<failed>[1-9]\d*),")
_MAX_LINES = 30


def _category(message: str) -> Category:
    if "Assert" in message or message.startswith(("Expected", "Shouldly")):
        return Category.ASSERTION
    if "TimeoutException" in message or "timed out" in message:
        return Category.TIMEOUT
    return Category.RUNTIME_ERROR


def _next_test(stripped: str) -> bool:
    """A line that starts the next failed test (not a message that says ``Failed to …``)."""
    failed = _FAILED.match(stripped)
    if failed:
        return stripped.endswith(("ms]", "ms)", "s]")) or (
            "." in failed["test"] and failed.end() == len(stripped)
        )
    return _OTHER_RUNNERS.match(stripped) is not None or _CROSSED.match(stripped) is not None


class DotnetTestRecogniser(Recogniser):
    """``Failed Test`` then ``Error Message:`` (or the message) and the first stack frame; a
    test whose frame the log does not show is reported without a place."""

    name: ClassVar[str] = "dotnet"
    triggers: ClassVar[tuple[bytes, ...]] = (b"failed ", b"[fail]", b") error : ", b"failed!  - ")
    #: Not anchored: the scanner reads lines before a CI's timestamps are taken off.
    patterns: ClassVar[tuple[bytes, ...]] = (rb" X [\w.+`<>()]+ \[[0-9<][^\]\n]*s\]",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._test: tuple[int, str, str] | None = None
        #: ``Failed   Name`` without a duration: a test only if ``Error Message:`` follows.
        self._maybe: tuple[int, str] | None = None
        self._lines = 0
        self._summarised = False

    @property
    def wants_more(self) -> bool:
        return self._test is not None or self._maybe is not None

    def finish(self) -> Sequence[Finding]:
        """The end of the input: a test whose frame never came (no gap comes while one is
        read)."""
        self._maybe = None
        return self._unplaced()

    def _unplaced(self) -> Sequence[Finding]:
        test, self._test = self._test, None
        if test is None or not test[2]:
            return NONE
        start, name, message = test
        return (
            Finding(
                category=_category(message),
                message=message,
                tool="dotnet test",
                lineno=start,
                test=name,
            ),
        )

    def _start(self, lineno: int, stripped: str) -> None:
        failed = _FAILED.match(stripped) if "ailed " in stripped[:10] else None
        if failed:
            if ("[" in stripped or "(" in stripped) and (
                "." in failed["test"] or _DURATION.search(stripped)
            ):
                self._test, self._lines = (lineno, failed["test"], ""), 0
            elif "." in failed["test"] and stripped == stripped[: failed.end()]:
                self._maybe = (lineno, failed["test"])
            return
        other = _OTHER_RUNNERS.match(stripped) if "FAIL" in stripped or ") " in stripped else None
        if other:
            self._test, self._lines = (lineno, other["xunit"] or other["nunit"], ""), 0
            return
        crossed = _CROSSED.match(stripped) if stripped.startswith("X ") else None
        if crossed:
            self._test, self._lines = (lineno, crossed["test"], ""), 0

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        stripped = line.strip()
        if self._maybe is not None:
            start, name = self._maybe
            self._maybe = None
            if stripped == "Error Message:":
                self._test, self._lines = (start, name, ""), 0
                return NONE
        if self._test is None:
            summary = _SUMMARY.match(stripped) if stripped.startswith("Failed!") else None
            if summary and not self._summarised:
                self._summarised = True  # weak: the tests' own blocks say more
                return (
                    Finding(
                        category=Category.ASSERTION,
                        message=stripped[:300],
                        tool="dotnet test",
                        lineno=lineno,
                        weak=True,
                    ),
                )
            self._start(lineno, stripped)
            return NONE
        start, test, message = self._test
        self._lines += 1
        frame = FRAME.match(stripped)
        if frame:
            self._test = None
            path = (frame["path"] or frame["xpath"]).removeprefix("/_/")
            return (
                Finding(
                    category=_category(message),
                    message=message or f"{test} failed",
                    tool="dotnet test",
                    lineno=start,
                    path=path,
                    line=int(frame["line"] or frame["xline"]),
                    test=test,
                ),
            )
        if _next_test(stripped):
            done = self._unplaced()  # the next failed test: this one showed no frame
            self._start(lineno, stripped)
            return done
        if stripped and not message and not stripped.endswith(":"):
            self._test = (start, test, stripped[:300])
        if self._lines > _MAX_LINES:
            return self._unplaced()
        return NONE
