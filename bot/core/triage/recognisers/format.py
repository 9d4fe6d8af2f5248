"""Formatters in check mode: ``black --check``, ``ruff format --check`` and isort."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_REFORMAT = re.compile(r"^(?:would reformat|Would reformat:) (?P<path>\S.*?)\s*$")
_UNPARSABLE = re.compile(
    r"^error: (?:cannot format (?P<p1>.+?): )?(?:cannot parse: |Failed to parse )"
    r"(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):? ?(?P<msg>.*)$"
)
_ARROW = re.compile(r"^\s*--> (?P<path>[^:]+):(?P<line>\d+):\d+\s*$")
_ISORT = re.compile(r"^ERROR: (?P<path>\S+) Imports are incorrectly sorted")


class FormatRecogniser(Recogniser):
    """A file the formatter would change (no line), or could not parse (a syntax error)."""

    name: ClassVar[str] = "format"
    triggers: ClassVar[tuple[bytes, ...]] = (b"reformat", b"error")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._unformatted = 0

    @property
    def wants_more(self) -> bool:
        return bool(self._unformatted)

    def gap(self) -> Sequence[Finding]:
        self._unformatted = 0
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        pending, self._unformatted = self._unformatted, 0
        if pending:
            arrow = _ARROW.match(line)
            if arrow:  # ruff format --check, full output: the first changed line
                message = "ruff format would reformat this file"
                path, number = arrow["path"], int(arrow["line"])
                return (Finding(Category.FORMAT, message, "ruff format", pending, path, number),)
        if line.startswith("unformatted: File would be reformatted"):
            self._unformatted = lineno
            return NONE
        if "eformat" in line:
            match = _REFORMAT.match(line)
            if match:
                tool = "black" if line.startswith("would") else "ruff format"
                message = f"{tool} would reformat this file"
                return (Finding(Category.FORMAT, message, tool, lineno, match["path"]),)
        if line.startswith("error: "):
            bad = _UNPARSABLE.match(line)
            if bad:
                message = f"cannot parse: {bad['msg']}".strip()
                return (
                    Finding(
                        Category.SYNTAX_ERROR,
                        message,
                        "formatter",
                        lineno,
                        bad["path"],
                        int(bad["line"]),
                    ),
                )
        if line.startswith("ERROR: "):
            isort = _ISORT.match(line)
            if isort:
                message = "imports are incorrectly sorted"
                return (
                    Finding(Category.LINT, message, "isort", lineno, isort["path"], rule="I001"),
                )
        return NONE
