"""Documentation builds: ``sphinx-build -W`` warnings and ``twine check``'s markup errors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

#: ``docs/index.rst:12: WARNING: undefined label: 'x' [ref.ref]`` (``-W`` makes it fail).
_SPHINX = re.compile(
    r"^(?P<path>[^\s:]+\.(?:rst|md|txt)):(?P<line>\d+): (?:WARNING|ERROR): "
    r"(?P<message>.+?)(?: \[(?P<rule>[\w.]+)\])?$"
)
_TWINE = "has syntax errors in markup"


class DocsRecogniser(Recogniser):
    """A Sphinx warning is ``lint`` at its line; a description that does not render is ``lint``
    without a file (twine names only the built archive)."""

    name: ClassVar[str] = "docs"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b": warning: ",
        b": error: ",
        _TWINE.encode(),
    )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if _TWINE in line:
            message = "long_description has syntax errors in markup and would not render on PyPI"
            return (Finding(category=Category.LINT, message=message, tool="twine", lineno=lineno),)
        if "WARNING: " not in line and "ERROR: " not in line:
            return NONE
        match = _SPHINX.match(line.rstrip())
        if match is None:
            return NONE
        place = (match["path"], int(match["line"]))
        return (
            Finding(
                category=Category.LINT,
                message=match["message"],
                tool="sphinx",
                lineno=lineno,
                path=place[0],
                line=place[1],
                rule=match["rule"],
            ),
        )
