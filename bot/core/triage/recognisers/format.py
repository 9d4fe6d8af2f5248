"""Formatters in check mode: black, ruff format, isort, rustfmt and prettier."""

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
#: ``cargo fmt -- --check``: ``Diff in /src/lib.rs:1:`` (older: ``Diff in /src/lib.rs at line 1:``).
_RUSTFMT = re.compile(r"^Diff in (?P<path>\S+?)(?::(?P<line>\d+):| at line (?P<l2>\d+):)$")
#: ``prettier --check``: ``[warn] src/a.js`` per file, then ``[warn] Code style issues found``.
_PRETTIER_FILE = re.compile(r"^\[warn\] (?P<path>[^\s\[]\S*\.\w+)$")


class FormatRecogniser(Recogniser):
    """A file the formatter would change (no line), or could not parse (a syntax error)."""

    name: ClassVar[str] = "format"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"reformat",
        b"error",
        b"+++ ",
        b"diff in ",
        b"[warn] ",
    )
    #: The ``--- path`` line before ``+++ path`` (``ruff format --diff`` names files only there).
    patterns: ClassVar[tuple[bytes, ...]] = (INDENTED_OR_DIFF,)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._unformatted = 0
        self._minus = ""
        self._diffs: dict[str, int] = {}
        self._reported: set[str] = set()
        self._prettier: list[tuple[int, str]] = []

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
        if self._minus and not line.startswith("+++ "):
            self._minus = ""  # ``--- `` not followed by ``+++ ``: not a diff header
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
        if line.startswith("Diff in "):
            rustfmt = _RUSTFMT.match(line)
            if rustfmt and rustfmt["path"] not in self._reported:
                self._reported.add(rustfmt["path"])
                return (
                    Finding(
                        category=Category.FORMAT,
                        message="rustfmt would reformat this file",
                        tool="rustfmt",
                        lineno=lineno,
                        path=rustfmt["path"],
                        line=int(rustfmt["line"] or rustfmt["l2"]),
                    ),
                )
            return NONE
        if line.startswith("[warn] "):
            return self._prettier_line(lineno, line)
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

    def _prettier_line(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith("[warn] Code style issues found"):
            files, self._prettier = self._prettier, []
            return [
                Finding(
                    category=Category.FORMAT,
                    message="prettier would reformat this file",
                    tool="prettier",
                    lineno=at,
                    path=path,
                )
                for at, path in files
            ]
        listed = _PRETTIER_FILE.match(line)
        if listed and len(self._prettier) < 4096:
            self._prettier.append((lineno, listed["path"]))
        return NONE
