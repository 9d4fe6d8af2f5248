"""make's own error line: ``make: *** [Makefile:3: test] Error 1``, or the signal that killed
the recipe's command: ``make[1]: *** [test-ci] Segmentation fault (core dumped)``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

#: The normaliser takes ``make[1]: `` off as a syslog-style ``name[pid]: `` prefix.
_MAKE = re.compile(
    r"^(?:g?make(?:\[\d+\])?: )?\*\*\* \[(?:[^\]:]+:\d+: )?(?P<target>[^\]]+)\] "
    r"(?:Error (?P<code>\d+)"
    r"|(?P<signal>Segmentation fault|Aborted|Bus error|Illegal instruction"
    r"|Floating point exception|Killed)(?: \(core dumped\))?$)"
)


class MakeRecogniser(Recogniser):
    """A failed recipe is ``unknown`` and weak: the failing command's own output explains more.
    A recipe's command killed by a signal is the crash itself (SIGKILL: out of memory)."""

    name: ClassVar[str] = "make"
    triggers: ClassVar[tuple[bytes, ...]] = (b": *** [",)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        match = _MAKE.match(line.strip()) if "*** [" in line else None
        if match is None:
            return NONE
        signal = match["signal"]
        if signal is not None:
            killed = signal == "Killed"
            category = Category.INFRASTRUCTURE if killed else Category.RUNTIME_ERROR
            message = f"make target {match['target']}: the command crashed ({signal})"
            return (Finding(category=category, message=message, tool=self.name, lineno=lineno),)
        message = f"make target {match['target']} failed (exit code {match['code']})"
        return (
            Finding(
                category=Category.UNKNOWN, message=message, tool=self.name, lineno=lineno, weak=True
            ),
        )
