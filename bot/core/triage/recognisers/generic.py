"""Compilers and checkers of other languages: ``path:line:col: error: ...``, tsc, cargo."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_GENERIC = re.compile(
    r"^(?P<path>[^\s:()][^\s:()]*\.[A-Za-z]\w*):(?P<line>\d+)(?::(?P<col>\d+))?: "
    r"(?:fatal )?error(?:\[(?P<rule>\w+)\])?:? (?P<msg>.*)$"
)
_TSC = re.compile(
    r"^(?P<path>[^\s()]+\.[cm]?[jt]sx?)\((?P<line>\d+),(?P<col>\d+)\): error (?P<rule>TS\d+): "
    r"(?P<msg>.*)$"
)
#: tsc ``--pretty``: ``src/a.ts:1:27 - error TS1005: ')' expected.``
_TSC_PRETTY = re.compile(
    r"^(?P<path>[^\s()]+\.[cm]?[jt]sx?):(?P<line>\d+):(?P<col>\d+) - error (?P<rule>TS\d+): "
    r"(?P<msg>.*)$"
)
_RUST_HEAD = re.compile(r"^error(?:\[(?P<rule>E\d{4})\])?: (?P<msg>.+)$")
_RUST_ARROW = re.compile(r"^\s*--> (?P<path>[^:\s]+\.rs):(?P<line>\d+):(?P<col>\d+)$")
_SKIP_SUFFIXES = (".py", ".pyi")
#: rustc's parse errors carry no error code and start with these words.
_RUST_SYNTAX = (
    "expected ",
    "unexpected ",
    "mismatched closing delimiter",
    "this file contains an unclosed delimiter",
    "unknown start of token",
    "unterminated ",
)


def _rust_category(rule: str | None, message: str) -> Category:
    if rule is None and message.startswith(_RUST_SYNTAX):
        return Category.SYNTAX_ERROR
    return Category.TYPE_ERROR


def _tsc_category(rule: str) -> Category:
    """TS1xxx are the parser's diagnostics; the rest come from the type checker."""
    return (
        Category.SYNTAX_ERROR if rule.startswith("TS1") and len(rule) == 6 else Category.TYPE_ERROR
    )


class GenericRecogniser(Recogniser):
    """Errors in the common ``file:line[:col]: error`` shape; Python files are left to mypy."""

    name: ClassVar[str] = "generic"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._rust: tuple[int, str, str | None] | None = None

    @property
    def wants_more(self) -> bool:
        return self._rust is not None

    def gap(self) -> Sequence[Finding]:
        self._rust = None
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        rust, self._rust = self._rust, None
        if rust is not None:
            arrow = _RUST_ARROW.match(line)
            if arrow:
                at, msg, rule = rust
                path, number = arrow["path"], int(arrow["line"])
                category = _rust_category(rule, msg)
                return (
                    Finding(
                        category=category,
                        message=msg,
                        tool="cargo",
                        lineno=at,
                        path=path,
                        line=number,
                        rule=rule,
                    ),
                )
        if "error" not in line:
            return NONE
        head = _RUST_HEAD.match(line)
        if head and not line.startswith("error: could not compile"):
            self._rust = (lineno, head["msg"], head["rule"])
            return NONE
        for tool, pattern in (("tsc", _TSC), ("tsc", _TSC_PRETTY), ("compiler", _GENERIC)):
            match = pattern.match(line)
            if match and not match["path"].endswith(_SKIP_SUFFIXES):
                path, number, rule = match["path"], int(match["line"]), match["rule"]
                category = _tsc_category(rule) if tool == "tsc" else Category.UNKNOWN
                return (
                    Finding(
                        category=category,
                        message=match["msg"],
                        tool=tool,
                        lineno=lineno,
                        path=path,
                        line=number,
                        rule=rule,
                    ),
                )
        return NONE
