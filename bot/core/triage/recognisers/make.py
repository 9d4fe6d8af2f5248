"""make's own error line: ``make: *** [Makefile:3: test] Error 1``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

_MAKE = re.compile(
    r"^(?:g?make(?:\[\d+\])?): \*\*\* \[(?:[^\]:]+:\d+: )?(?P<target>[^\]]+)\] Error (?P<code>\d+)"
)


class MakeRecogniser(Recogniser):
    """A failed recipe is ``unknown`` and weak: the failing command's own output explains more."""

    name: ClassVar[str] = "make"
    triggers: ClassVar[tuple[bytes, ...]] = (b": *** [",)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        match = _MAKE.match(line.strip()) if "*** [" in line else None
        if match is None:
            return NONE
        message = f"make target {match['target']} failed (exit code {match['code']})"
        return (
            Finding(
                category=Category.UNKNOWN, message=message, tool=self.name, lineno=lineno, weak=True
            ),
        )
