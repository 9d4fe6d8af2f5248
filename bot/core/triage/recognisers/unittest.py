"""unittest's ``FAIL:``/``ERROR:`` headers: name the test whose traceback follows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

#: The header, also indented by a paste or made a Markdown heading (``## FAIL: …``) when the
#: ``-----`` rule under it was pasted unfenced.
_HEADER = re.compile(
    r"^ *(?:#{1,6} )?(?:FAIL|ERROR|UNEXPECTED SUCCESS): (?P<name>\S+) \((?P<where>[^)]+)\)"
)
_STARTS = ("FAIL: ", "ERROR: ", "UNEXPECTED")


def test_id(name: str, where: str) -> str:
    """``module.Class.method`` from the header's two parts (3.11+ prints the full id in
    brackets; some runners print a dotted name before them, of which the method is last)."""
    method = name.rsplit(".", 1)[-1]
    return where if where.endswith(method) else f"{where}.{method}"


class UnittestRecogniser(Recogniser):
    """Sets the test name; the traceback recogniser reports the failure itself."""

    name: ClassVar[str] = "unittest"
    triggers: ClassVar[tuple[bytes, ...]] = (b"fail", b"error")

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.lstrip(" #")
        if text.startswith(_STARTS):
            match = _HEADER.match(line)
            if match:
                self.state.unittest_test = test_id(match["name"], match["where"])
        return NONE
