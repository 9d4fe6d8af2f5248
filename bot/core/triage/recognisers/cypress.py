"""Cypress test retries: ``(Attempt 1 of 3) title`` lines, then the test's outcome.

Cypress (mocha's spec reporter) prints each failed attempt of a retried test, then the test
once more: ``✓ title`` when a retry passed (**flaky**), ``1) title`` when every attempt failed
(``assertion``, weak: the numbered failure's own message and stack, read by ``node.py``, say
more when the log has them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_ATTEMPT = re.compile(r"^\s*\(Attempt \d+ of \d+\) (?P<title>.+?)\s*$")
#: The outcome: ``✓ title (123ms)`` (U+2713 or U+221A on Windows) or ``1) title``.
_OUTCOME = re.compile(
    r"^\s*(?:(?P<passed>[\u2713\u221a\u2714])|(?P<number>\d+)\)) (?P<title>.+?)(?: \(\d+m?s\))?$"
)
#: Lines between the last attempt and the outcome (a test's own output may come between).
_MAX_LINES = 8


class CypressRecogniser(Recogniser):
    """A retried test that passed is flaky; one whose every attempt failed is an assertion."""

    name: ClassVar[str] = "cypress"
    triggers: ClassVar[tuple[bytes, ...]] = (b"(attempt ",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._title: str | None = None
        self._start = 0
        self._lines = 0

    @property
    def wants_more(self) -> bool:
        return self._title is not None

    def gap(self) -> Sequence[Finding]:
        self._title = None
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if "(Attempt " in line:
            attempt = _ATTEMPT.match(line)
            if attempt is not None:
                if self._title != attempt["title"]:
                    self._start = lineno
                self._title, self._lines = attempt["title"], 0
                return NONE
        title = self._title
        if title is None:
            return NONE
        self._lines += 1
        outcome = _OUTCOME.match(line)
        if outcome is None or outcome["title"] != title:
            if self._lines > _MAX_LINES:
                self._title = None
            return NONE
        self._title = None
        if outcome["passed"]:
            return (
                Finding(
                    category=Category.FLAKY,
                    message=f"{title} passed on a retry",
                    tool="cypress",
                    lineno=self._start,
                    test=title,
                ),
            )
        return (
            Finding(
                category=Category.ASSERTION,
                message=f"{title} failed on every attempt",
                tool="cypress",
                lineno=self._start,
                test=title,
                weak=True,
            ),
        )
