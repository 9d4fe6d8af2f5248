"""A coverage gate: pytest-cov's and ``coverage report``'s ``--fail-under`` failure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

#: pytest-cov's ``FAIL Required test coverage of 95% not reached. Total coverage: 44.83%``
#: and coverage.py's ``Coverage failure: total of 45 is less than fail-under=95``.
_GATE = re.compile(
    r"^(?:FAIL Required test coverage of (?P<required>\d+(?:\.\d+)?)% not reached"
    r"|(?:ERROR: )?Coverage failure: total of \S+ is less than fail-under=(?P<under>\S+))"
)


class CoverageRecogniser(Recogniser):
    """The gate line is why the job failed (``unknown``: no file or test is to blame).

    pytest-cov prints both lines for one gate: both give one message, so they merge."""

    name: ClassVar[str] = "coverage"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"required test coverage of",
        b"coverage failure: total of",
    )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        gate = _GATE.match(line.strip())
        if gate is None:
            return NONE
        message = f"total coverage below fail-under={gate['required'] or gate['under']}%"
        return (
            Finding(category=Category.UNKNOWN, message=message, tool="coverage", lineno=lineno),
        )
