"""unittest's ``FAIL:``/``ERROR:`` headers: name the test whose traceback follows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

_HEADER = re.compile(r"^(?:FAIL|ERROR|UNEXPECTED SUCCESS): (?P<name>\S+) \((?P<where>[^)]+)\)")


class UnittestRecogniser(Recogniser):
    """Sets the test name; the traceback recogniser reports the failure itself."""

    name: ClassVar[str] = "unittest"
    triggers: ClassVar[tuple[bytes, ...]] = (b"fail", b"error")

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith(("FAIL: ", "ERROR: ", "UNEXPECTED")):
            match = _HEADER.match(line)
            if match:
                where = match["where"]
                name = match["name"]
                self.state.unittest_test = where if where.endswith(name) else f"{where}.{name}"
        return NONE
