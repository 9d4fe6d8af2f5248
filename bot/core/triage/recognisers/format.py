"""Formatters in check mode: ``black --check``, ``ruff format --check`` and isort."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import INDENTED_OR_DIFF, NONE, LogState, Recogniser

_REFORMAT = re.compile(r"^(?:would reformat|Would reformat:) (?P<path>\S.*?)\s*$")
_UNPARSABLE = re.compile(
    r"^error: (?:cannot format (?P<p1>.+?): )?(?:cannot parse: |Failed to parse )"
    r"(?P<path>.+?):(?P<line>\d+):(?P<col>\d+):? ?(?P<msg>.*)$"
)
_ARROW = re.compile(r"^\s*--> (?P<path>[^:]+):(?P<line>\d+):\d+\s*$")
_ISORT = re.compile(r"^ERROR: (?P<path>\S+) Imports are incorrectly sorted")
#: The summary of ``--check``/``--diff``: only then are the diff headers before it a verdict.
_SUMMARY = re.compile(r"^\d+ files? would be reformatted")


class FormatRecogniser(Recogniser):
    """A file the formatter would change (no line), or could not parse (a syntax error)."""

    name: ClassVar[str] = "format"
    triggers: ClassVar[tuple[bytes, ...]] = (b"reformat", b"error")
    #: The ``--- path`` line before ``+++ path`` (``ruff format --diff`` names files only there).
    patterns: ClassVar[tuple[bytes, ...]] = (INDENTED_OR_DIFF,)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._unformatted = 0
        self._minus = ""
        self._diffs: dict[str, int] = {}
        self._reported: set[str] = set()

    def _diff_header(self, lineno: int, line: str) -> Sequence[Finding]:
        minus, self._minus = self._minus, line if line.startswith("--- ") else ""
        if line.startswith("+++ ") and minus:
            path = line[4:].split("\t", 1)[0].strip()
            if path == minus[4:].split("\t", 1)[0].strip() and len(self._diffs) < 4096:
                self._diffs.setdefault(path, lineno)
        elif _SUMMARY.match(line):
            diffs, self._diffs = self._diffs, {}
            message = "the formatter would reformat this file"
            return [
                Finding(
                    category=Category.FORMAT,
                    message=message,
                    tool="formatter",
                    lineno=at,
                    path=path,
                )
                for path, at in diffs.items()
                if path not in self._reported
            ]
        return NONE

    @property
    def wants_more(self) -> bool:
        return bool(self._unformatted or self._minus)

    def gap(self) -> Sequence[Finding]:
        self._unformatted = 0
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith(("--- ", "+++ ")) or self._diffs:
            found = self._diff_header(lineno, line)
            if found:
                return found
        pending, self._unformatted = self._unformatted, 0
        if pending:
            arrow = _ARROW.match(line)
            if arrow:  # ruff format --check, full output: the first changed line
                message = "ruff format would reformat this file"
                path, number = arrow["path"], int(arrow["line"])
                return (
                    Finding(
                        category=Category.FORMAT,
                        message=message,
                        tool="ruff format",
                        lineno=pending,
                        path=path,
                        line=number,
                    ),
                )
        if line.startswith("unformatted: File would be reformatted"):
            self._unformatted = lineno
            return NONE
        if "eformat" in line:
            match = _REFORMAT.match(line)
            if match:
                tool = "black" if line.startswith("would") else "ruff format"
                message = f"{tool} would reformat this file"
                self._reported.add(match["path"])
                return (
                    Finding(
                        category=Category.FORMAT,
                        message=message,
                        tool=tool,
                        lineno=lineno,
                        path=match["path"],
                    ),
                )
        if line.startswith("error: "):
            bad = _UNPARSABLE.match(line)
            if bad:
                message = f"cannot parse: {bad['msg']}".strip()
                return (
                    Finding(
                        category=Category.SYNTAX_ERROR,
                        message=message,
                        tool="formatter",
                        lineno=lineno,
                        path=bad["path"],
                        line=int(bad["line"]),
                    ),
                )
        if line.startswith("ERROR: "):
            isort = _ISORT.match(line)
            if isort:
                message = "imports are incorrectly sorted"
                return (
                    Finding(
                        category=Category.FORMAT,
                        message=message,
                        tool="isort",
                        lineno=lineno,
                        path=isort["path"],
                        rule="I001",
                    ),
                )
        return NONE
