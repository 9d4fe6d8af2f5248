"""``cargo test`` and Rust programs: a thread that panicked, at the place Rust prints."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_PLACE = r"(?P<path>[^\s:']+\.rs):(?P<line>\d+):\d+"
#: Rust 1.73 and later: ``thread 'tests::x' (42) panicked at src/lib.rs:15:9:``, message below.
_PANIC = re.compile(rf"^thread '(?P<test>[^']*)'(?: \(\d+\))? panicked at {_PLACE}:$")
#: Earlier releases: ``thread 'tests::x' panicked at 'message', src/lib.rs:15:9`` (the message
#: may span lines, the place ends the last one).
_OLD_PANIC = re.compile(r"^thread '(?P<test>[^']*)' panicked at '(?P<msg>.*)$")
_OLD_END = re.compile(rf"^(?P<msg>.*)', {_PLACE}$")
_NOT_TESTS = ("main", "<unnamed>")
#: A panic inside a crate downloaded from a registry or git: a tool or dependency crashed,
#: kept only when nothing else explains the failure.
_REGISTRY = ("/cargo/registry/", "/.cargo/registry/", "/cargo/git/", "/.cargo/git/")
_MAX_MESSAGE_LINES = 8


def _finding(test: str, message: str, lineno: int, path: str, line: int) -> Finding:
    """An assertion macro's panic is ``assertion``; any other panic is ``runtime_error``."""
    category = Category.ASSERTION if message.startswith("assertion") else Category.RUNTIME_ERROR
    name = None if test in _NOT_TESTS else test
    return Finding(
        category=category,
        message=message,
        tool="cargo",
        lineno=lineno,
        path=path,
        line=line,
        test=name,
        weak=any(folder in path for folder in _REGISTRY),
    )


class CargoRecogniser(Recogniser):
    """``thread '…' panicked at …``: the test, the place and the panic message."""

    name: ClassVar[str] = "cargo"
    triggers: ClassVar[tuple[bytes, ...]] = (b"panicked at",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._pending: tuple[str, int, str, int] | None = None
        self._old: tuple[str, int, list[str]] | None = None

    @property
    def wants_more(self) -> bool:
        return self._pending is not None or self._old is not None

    def gap(self) -> Sequence[Finding]:
        pending, self._pending, self._old = self._pending, None, None
        if pending is None:
            return NONE
        test, lineno, path, line = pending
        return (_finding(test, "panicked", lineno, path, line),)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._pending is not None:
            test, start, path, number = self._pending
            self._pending = None
            return (_finding(test, line.strip() or "panicked", start, path, number),)
        if self._old is not None:
            return self._old_message(self._old, line)
        if "panicked at" not in line:
            return NONE
        panic = _PANIC.match(line)
        if panic:
            self._pending = (panic["test"], lineno, panic["path"], int(panic["line"]))
            return NONE
        old = _OLD_PANIC.match(line)
        if old:
            self._old = (old["test"], lineno, [])
            return self._old_message(self._old, old["msg"])
        return NONE

    def _old_message(self, old: tuple[str, int, list[str]], line: str) -> Sequence[Finding]:
        test, start, parts = old
        end = _OLD_END.match(line)
        if end:
            self._old = None
            message = " ".join([*parts, end["msg"]]).strip()
            return (_finding(test, message, start, end["path"], int(end["line"])),)
        parts.append(line.strip())
        if len(parts) > _MAX_MESSAGE_LINES:
            self._old = None
        return NONE
