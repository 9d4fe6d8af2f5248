"""The ``flaky`` pytest plugin's report: a test that failed, was rerun and then passed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_FAILED = re.compile(r"^(?P<test>\S+) failed \((?P<left>\d+) runs? remaining out of \d+\)\.$")
_PASSED = re.compile(r"^(?P<test>\S+) passed \d+ out of the required \d+ times?\. Success!$")


class FlakyPluginRecogniser(Recogniser):
    """``test_x failed (1 runs remaining out of 2).`` then ``test_x passed … Success!``."""

    name: ClassVar[str] = "flaky-plugin"
    triggers: ClassVar[tuple[bytes, ...]] = (b"runs remaining out of", b"out of the required")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._failed: dict[str, str] = {}

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        failed = _FAILED.match(line)
        if failed:
            self._failed.setdefault(failed["test"], line.strip())
            return NONE
        passed = _PASSED.match(line)
        if passed and passed["test"] in self._failed:
            test = passed["test"]
            message = f"{test} failed, then passed on rerun: {self._failed.pop(test)}"
            return (
                Finding(
                    category=Category.FLAKY, message=message, tool="flaky", lineno=lineno, test=test
                ),
            )
        return NONE
