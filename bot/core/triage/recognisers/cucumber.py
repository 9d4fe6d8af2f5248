"""Cucumber (Ruby): a failed step's exception and place, and the ``Failing Scenarios:`` list.

A failed step prints its message ending in the exception's class in parentheses
(``expected true, got false (RSpec::Expectations::ExpectationNotMetError)``), then its
backtrace down to the feature's step (``features/a.feature:24:in `Then …'``): placed at the
first project frame. Each scenario fails at one step, and the closing list names the
scenarios in the same order (``cucumber features/a.feature:13 # Scenario: name``), which gives
each step failure its scenario; a listed scenario without a step failure in the log is an
``assertion`` at its own line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.rspec import in_project, ruby_category

#: The class at the end of a step's message: `` (RSpec::Expectations::ExpectationNotMetError)``.
_RAISED = re.compile(r"(?:^|\s)\((?P<name>[A-Z]\w*(?:::[A-Z]\w*)+|[A-Z]\w*(?:Error|Exception))\)$")
_FRAME = re.compile(r"^\s*(?P<path>[^\s:]+\.(?:rb|feature)):(?P<line>\d+)(?::in |$)")
_SCENARIO = re.compile(
    r"^cucumber (?:-p \S+ )?(?P<path>\S+\.feature):(?P<line>\d+)(?::\d+)* # (?P<test>.+)$"
)
#: Lines between the class and the first project frame (gems' frames).
_MAX_LINES = 12


class CucumberRecogniser(Recogniser):
    """Each failing scenario once, at its failed step's place when the log shows it."""

    name: ClassVar[str] = "cucumber"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error)", b"exception)", b"cucumber ")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        #: The step failure being read: start, exception class, lines read.
        self._raised: tuple[int, str] | None = None
        self._lines = 0
        #: Step failures waiting for their scenario's name from the closing list.
        self._held: list[Finding] = []

    @property
    def wants_more(self) -> bool:
        return self._raised is not None

    def gap(self) -> Sequence[Finding]:
        self._raised = None
        return NONE

    def finish(self) -> Sequence[Finding]:
        self._raised = None
        held, self._held = tuple(self._held), []
        return held

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith("cucumber "):
            scenario = _SCENARIO.match(line)
            if scenario is None:
                return NONE
            self._raised = None
            if self._held:
                return (replace(self._held.pop(0), test=scenario["test"]),)
            return (
                Finding(
                    category=Category.ASSERTION,
                    message=f"{scenario['test']} failed",
                    tool="cucumber",
                    lineno=lineno,
                    path=scenario["path"],
                    line=int(scenario["line"]),
                    test=scenario["test"],
                ),
            )
        if self._raised is not None:
            self._lines += 1
            frame = _FRAME.match(line)
            if frame is not None and in_project(frame["path"]):
                start, name = self._raised
                self._raised = None
                self._held.append(
                    Finding(
                        category=ruby_category(name, ""),
                        message=f"{name} in {frame['path']}:{frame['line']}",
                        tool="cucumber",
                        lineno=start,
                        path=frame["path"],
                        line=int(frame["line"]),
                    )
                )
            elif self._lines > _MAX_LINES:
                self._raised = None
            return NONE
        if line.endswith(")"):
            raised = _RAISED.search(line)
            if raised is not None:
                self._raised, self._lines = (lineno, raised["name"]), 0
        return NONE
