"""Compilers and checkers of other languages: ``path:line:col: error: ...``, tsc, cargo, go."""

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
_RUST_HEAD = re.compile(r"^error(?:\[(?P<rule>E\d{4})\])?: (?P<msg>.+)$")
_RUST_ARROW = re.compile(r"^\s*--> (?P<path>[^:\s]+\.rs):(?P<line>\d+):(?P<col>\d+)$")
_GO_FAIL = re.compile(r"^\s+(?P<path>[\w./-]+_test\.go):(?P<line>\d+): (?P<msg>.+)$")
_SKIP_SUFFIXES = (".py", ".pyi")


class GenericRecogniser(Recogniser):
    """Errors in the common ``file:line[:col]: error`` shape; Python files are left to mypy."""

    name: ClassVar[str] = "generic"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error", b"fail")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._rust: tuple[int, str, str | None] | None = None
        self._go_test: str | None = None

    @property
    def wants_more(self) -> bool:
        return self._rust is not None or self._go_test is not None

    def gap(self) -> Sequence[Finding]:
        self._rust = self._go_test = None
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        rust, self._rust = self._rust, None
        if rust is not None:
            arrow = _RUST_ARROW.match(line)
            if arrow:
                at, msg, rule = rust
                path, number = arrow["path"], int(arrow["line"])
                return (Finding(Category.TYPE_ERROR, msg, "cargo", at, path, number, rule=rule),)
        if line.startswith("--- FAIL: "):
            self._go_test = line[10:].split(" ", 1)[0]
            return NONE
        if self._go_test is not None:
            go = _GO_FAIL.match(line)
            test, self._go_test = self._go_test, None
            if go:
                path, number = go["path"], int(go["line"])
                return (Finding(Category.ASSERTION, go["msg"], "go", lineno, path, number, test),)
        if "error" not in line:
            return NONE
        head = _RUST_HEAD.match(line)
        if head and not line.startswith("error: could not compile"):
            self._rust = (lineno, head["msg"], head["rule"])
            return NONE
        for tool, pattern, category in (
            ("tsc", _TSC, Category.TYPE_ERROR),
            ("compiler", _GENERIC, Category.UNKNOWN),
        ):
            match = pattern.match(line)
            if match and not match["path"].endswith(_SKIP_SUFFIXES):
                path, number, rule = match["path"], int(match["line"]), match["rule"]
                return (Finding(category, match["msg"], tool, lineno, path, number, rule=rule),)
        return NONE
