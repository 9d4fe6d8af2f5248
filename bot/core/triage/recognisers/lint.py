"""Linters: ruff (concise, full, ``--statistics``), flake8 and pylint ``path:line:col: CODE``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.classify import category_for_lint
from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import (
    INDENTED_OR_DIFF,
    NONE,
    PY_FILE_LINE,
    LogState,
    Recogniser,
)

_CODE = r"(?P<code>[A-Z]{1,4}\d{2,4}|invalid-syntax|SyntaxError)"
_CONCISE = re.compile(
    r"^(?P<path>[^\s:][^:]*?):(?P<line>\d+):(?P<col>\d+): "
    + _CODE
    + r"(?::| \[\*\])? ?(?P<msg>.*)$"
)
_FULL_HEADER = re.compile(r"^" + _CODE + r"(?: \[\*\])?:? (?P<msg>.+)$")
_ARROW = re.compile(r"^\s*--> (?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+)\s*$")
_PYLINT = re.compile(r"^[CRWEFI]\d{4}$")
#: ``--output-format pylint`` (ruff) and pylint's ``parseable``: ``path:3: [F401] msg``.
_BRACKETED = re.compile(
    r"^(?P<path>[^\s:][^:]*?\.pyi?):(?P<line>\d+): \[(?P<code>[A-Z]{1,4}\d{2,4})(?:\([\w-]+\))?"
    r"(?:, [^\]]*)?\] (?P<msg>.*)$"
)
#: ``--output-format grouped``: a ``path:`` line, then ``  line:col  CODE msg`` lines.
_GROUP_FILE = re.compile(r"^(?P<path>[^\s:][^:]*?\.pyi?):$")
_GROUPED = re.compile(r"^\s+(?P<line>\d+):(?P<col>\d+)\s+" + _CODE + r"(?: \[\*\])? (?P<msg>.*)$")
#: ``ruff check --statistics``: ``count<TAB>code<TAB>[*] name`` per rule, and no locations.
_STATISTICS = re.compile(
    r"^ *(?P<count>\d+)\t(?P<code>[A-Z]{1,4}\d{2,4}) *\t\[[ *-]\] (?P<name>[a-z][a-z0-9-]*)$"
)


#: eslint's default (stylish) output: a line with the file, then ``  4:7  error  msg  rule``.
_ESLINT_FILE = re.compile(r"^(?:[A-Za-z]:)?[^\s:]*[\w-]\.(?:[cm]?[jt]sx?|vue|svelte|astro)$")
_ESLINT = re.compile(
    r"^\s+(?P<line>\d+):(?P<col>\d+)\s+error\s+(?P<msg>.+?)(?:\s{2,}(?P<rule>[@\w/-]+))?$"
)


def _tool(code: str) -> str:
    return "pylint" if _PYLINT.match(code) else "ruff/flake8"


class LintRecogniser(Recogniser):
    """One finding per reported violation; syntax errors are reported as such."""

    name: ClassVar[str] = "lint"
    reads_before: ClassVar[bool] = True
    patterns: ClassVar[tuple[bytes, ...]] = (
        rb":\d+:(?:\d+[: \r\n]| \[[A-Z]{1,4}\d)",
        rb"[0-9]  error  ",
        rb"[0-9]\t[A-Z]{1,4}[0-9]{2,4} *\t\[[ *-]\] [a-z]",
        PY_FILE_LINE,
        INDENTED_OR_DIFF,
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._header: tuple[str, str, int] | None = None
        self._group: str | None = None
        self._eslint: str | None = None

    @property
    def wants_more(self) -> bool:
        return self._header is not None

    def gap(self) -> Sequence[Finding]:
        self._header = None
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        header, self._header = self._header, None
        if header is not None:
            arrow = _ARROW.match(line)
            if arrow:
                code, msg, at = header
                return (self._finding(code, msg, at, arrow["path"], int(arrow["line"])),)
        if line[:1] == " " and "  error  " in line and self._eslint is not None:
            eslint = _ESLINT.match(line)
            if eslint:
                return (self._eslint_finding(lineno, eslint),)
        if self._group is not None and line[:1] == " ":
            grouped = _GROUPED.match(line)
            if grouped:
                code, msg, number = grouped["code"], grouped["msg"], int(grouped["line"])
                return (self._finding(code, msg, lineno, self._group, number),)
        if not line or line[0] == " ":
            return NONE
        if _ESLINT_FILE.match(line):
            self._eslint = line.strip()
            return NONE
        group = _GROUP_FILE.match(line)
        self._group = group["path"] if group else None
        if group:
            return NONE
        bracketed = _BRACKETED.match(line)
        if bracketed:
            code, msg, number = bracketed["code"], bracketed["msg"], int(bracketed["line"])
            return (self._finding(code, msg, lineno, bracketed["path"], number),)
        match = _CONCISE.match(line)
        if match:
            code = match["code"]
            return (self._finding(code, match["msg"], lineno, match["path"], int(match["line"])),)
        statistics = _STATISTICS.match(line) if "\t" in line else None
        if statistics:
            code, count = statistics["code"], statistics["count"]
            message = f"{code} {statistics['name']} ({count} found)"
            return (
                Finding(
                    category=category_for_lint(code),
                    message=message,
                    tool=_tool(code),
                    lineno=lineno,
                    rule=code,
                ),
            )
        full = _FULL_HEADER.match(line)
        if full:
            self._header = (full["code"], full["msg"], lineno)
        return NONE

    @staticmethod
    def _finding(code: str, msg: str, lineno: int, path: str, line: int) -> Finding:
        rule = "invalid-syntax" if code == "SyntaxError" else code
        message = f"{code} {msg}".strip()
        return Finding(
            category=category_for_lint(rule),
            message=message,
            tool=_tool(code),
            lineno=lineno,
            path=path,
            line=line,
            rule=rule,
        )

    def _eslint_finding(self, lineno: int, match: re.Match[str]) -> Finding:
        assert self._eslint is not None
        message, rule = match["msg"], match["rule"]
        syntax = message.startswith("Parsing error")
        return Finding(
            category=Category.SYNTAX_ERROR if syntax else Category.LINT,
            message=f"{message}  [{rule}]" if rule else message,
            tool="eslint",
            lineno=lineno,
            path=self._eslint,
            line=int(match["line"]),
            rule=rule,
        )
