"""bandit's ``>> Issue: [B602:name]`` blocks: a security linter's findings are ``lint``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_ISSUE = re.compile(r"^>> Issue: \[(?P<rule>B\d+)(?::[\w-]+)?\] (?P<message>.+)$")
#: ``   Location: ./src/x.py:5:4`` a few lines after the issue line.
_LOCATION = re.compile(r"^\s+Location: (?P<path>\S+?):(?P<line>\d+)(?::\d+)?$")
#: Lines between an issue and its location (severity, CWE, more info).
_MAX_GAP = 6


class BanditRecogniser(Recogniser):
    """One finding per issue, placed at the ``Location:`` line that follows it."""

    name: ClassVar[str] = "bandit"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b">> issue: [b",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._issue: re.Match[str] | None = None
        self._lines = 0

    @property
    def wants_more(self) -> bool:
        return self._issue is not None

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        issue = _ISSUE.match(line.rstrip()) if line.startswith(">> Issue: [") else None
        if issue:
            self._issue, self._lines = issue, 0
            return NONE
        if self._issue is None:
            return NONE
        self._lines += 1
        location = _LOCATION.match(line.rstrip())
        if location is None:
            if self._lines > _MAX_GAP:
                self._issue = None
            return NONE
        found, self._issue = self._issue, None
        path = location["path"].removeprefix("./")
        place = (path, int(location["line"]))
        return (
            Finding(
                category=Category.LINT,
                message=found["message"],
                tool=self.name,
                lineno=lineno,
                path=place[0],
                line=place[1],
                rule=found["rule"],
            ),
        )
