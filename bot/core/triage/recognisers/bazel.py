"""Bazel's test summary: failed, flaky and timed-out targets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_TARGET = r"(?P<target>(?:@[\w.~+-]*)?//[^\s:]*(?::\S+)?)"
#: ``//pkg:test   FLAKY, failed in 1 out of 2 in 3.4s``, ``//pkg:test   FAILED in 2.1s``.
_SUMMARY = re.compile(
    rf"^{_TARGET}\s+(?:\(cached\) )?(?P<status>FAILED|FLAKY|TIMEOUT|FAILED TO BUILD)\b(?P<rest>.*)$"
)
#: ``FAIL: //pkg:test (see .../test.log)``, ``FLAKY: //pkg:test (Summary)``, ``TIMEOUT: //x``.
_EVENT = re.compile(rf"^(?P<status>FAIL|FLAKY|TIMEOUT): {_TARGET}")
_CATEGORY = {
    "FAILED": Category.ASSERTION,
    "FAIL": Category.ASSERTION,
    "FLAKY": Category.FLAKY,
    "TIMEOUT": Category.TIMEOUT,
}
#: What a later report about the same target overrides: a failed attempt that passed later is
#: flaky, a failure that hit the time limit is a timeout.
_STRENGTH = {Category.ASSERTION: 0, Category.TIMEOUT: 1, Category.FLAKY: 2}


class BazelRecogniser(Recogniser):
    """One finding per target, reported at the end (a later line may say it was flaky)."""

    name: ClassVar[str] = "bazel"
    triggers: ClassVar[tuple[bytes, ...]] = (b"flaky", b"fail", b"timeout")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._targets: dict[str, tuple[Category, int, str]] = {}

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if "//" not in line[:80]:
            return NONE
        match = _EVENT.match(line) or _SUMMARY.match(line.strip())
        if match is None or match["status"] == "FAILED TO BUILD":
            return NONE
        target, category = match["target"], _CATEGORY[match["status"]]
        known = self._targets.get(target)
        stronger = known is None or _STRENGTH[category] > _STRENGTH[known[0]]
        if stronger and len(self._targets) < 4096:
            self._targets[target] = (category, lineno, line.strip()[:300])
        return NONE

    def finish(self) -> Sequence[Finding]:
        found = [
            Finding(category=category, message=message, tool="bazel", lineno=lineno, test=target)
            for target, (category, lineno, message) in self._targets.items()
        ]
        self._targets = {}
        return found
