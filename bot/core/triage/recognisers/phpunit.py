"""PHPUnit: ``1) Class::test`` then the message, then the stack's files (the test's first)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_TEST = re.compile(r"^\d+\) (?P<test>[\w\\]+::\w+)")
_PLACE = re.compile(r"^(?P<path>[^\s:]+\.php):(?P<line>\d+)$")
_SECTION = re.compile(r"^There (?:was|were) \d+ (?P<kind>failure|error|warning|risky)")
_MAX_LINES = 40


class PhpunitRecogniser(Recogniser):
    """A failure is ``assertion``, an error ``runtime_error``, placed at the first stack line
    outside ``vendor/``."""

    name: ClassVar[str] = "phpunit"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"failed asserting", b"there was 1", b"there were ")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._kind = "failure"
        self._test: tuple[int, str, str] | None = None
        self._lines = 0

    @property
    def wants_more(self) -> bool:
        return self._test is not None

    def gap(self) -> Sequence[Finding]:
        self._test = None
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        section = _SECTION.match(line) if line.startswith("There w") else None
        if section:
            self._kind = section["kind"]
            return NONE
        test = _TEST.match(line) if line[:1].isdigit() else None
        if test:
            self._test, self._lines = (lineno, test["test"], ""), 0
            return NONE
        if self._test is None:
            return NONE
        start, name, message = self._test
        self._lines += 1
        stripped = line.strip()
        place = _PLACE.match(stripped)
        if place and "/vendor/" not in place["path"]:
            self._test = None
            failed = self._kind == "failure" or message.startswith("Failed asserting")
            return (
                Finding(
                    category=Category.ASSERTION if failed else Category.RUNTIME_ERROR,
                    message=message or f"{name} failed",
                    tool="phpunit",
                    lineno=start,
                    path=place["path"],
                    line=int(place["line"]),
                    test=name,
                ),
            )
        if stripped and not message:
            self._test = (start, name, stripped[:300])
        if self._lines > _MAX_LINES:
            self._test = None
        return NONE
