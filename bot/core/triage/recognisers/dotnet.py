""".NET test runners (VSTest, MSTest, xUnit, NUnit): a failed test, its message and frame."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``  Failed Calc.Tests.Adds [12 ms]`` (VSTest), ``  failed Adds (6s 220ms)`` (MSTest runner).
_FAILED = re.compile(r"^(?:X )?[Ff]ailed (?P<test>[\w.+`<>]+)(?: \([^)]*\))*(?: \[[^\]]*\])?")
#: ``at Calc.Tests.Adds() in /src/CalcTests.cs:line 12`` and MSTest's ``... in /_/a.cs:280``.
_FRAME = re.compile(r"^at .+ in (?P<path>\S+\.(?:cs|fs|vb)):(?:line )?(?P<line>\d+)$")
_MAX_LINES = 30


def _category(message: str) -> Category:
    if "Assert" in message or message.startswith(("Expected", "Shouldly")):
        return Category.ASSERTION
    if "TimeoutException" in message or "timed out" in message:
        return Category.TIMEOUT
    return Category.RUNTIME_ERROR


class DotnetTestRecogniser(Recogniser):
    """``Failed Test`` then ``Error Message:`` (or the message) and the first stack frame."""

    name: ClassVar[str] = "dotnet"
    triggers: ClassVar[tuple[bytes, ...]] = (b"failed ",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._test: tuple[int, str, str] | None = None
        self._lines = 0

    @property
    def wants_more(self) -> bool:
        return self._test is not None

    def gap(self) -> Sequence[Finding]:
        self._test = None
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        stripped = line.strip()
        if self._test is None:
            failed = _FAILED.match(stripped) if "ailed " in stripped[:10] else None
            if failed and ("[" in stripped or "(" in stripped):
                self._test, self._lines = (lineno, failed["test"], ""), 0
            return NONE
        start, test, message = self._test
        self._lines += 1
        frame = _FRAME.match(stripped)
        if frame:
            self._test = None
            path = frame["path"].removeprefix("/_/")
            return (
                Finding(
                    category=_category(message),
                    message=message or f"{test} failed",
                    tool="dotnet test",
                    lineno=start,
                    path=path,
                    line=int(frame["line"]),
                    test=test,
                ),
            )
        if stripped and not message and not stripped.endswith(":"):
            self._test = (start, test, stripped[:300])
        if self._lines > _MAX_LINES:
            self._test = None
        return NONE
