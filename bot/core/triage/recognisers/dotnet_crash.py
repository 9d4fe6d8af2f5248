"""A .NET program's unhandled exception: ``Unhandled exception. System.X: message`` (.NET
Core), ``Unhandled Exception: System.X: …`` (.NET Framework, Mono) or a bare ``Object
reference not set to an instance of an object.`` at the margin, and its first placed frame."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.dotnet import FRAME

_UNHANDLED = re.compile(
    # .NET names the type with its namespace (``System.``), which other runtimes' words lack.
    r"^(?:Unhandled [Ee]xception(?:\.|:) +(?P<type>(?:[\w`]+\.)+[\w`]*(?:Exception|Error))"
    r"(?::|$)"
    r"|(?P<null>Object reference not set to an instance of an object\.?)$)"
)
#: The exception types whose name says more than "a runtime error".
_CATEGORIES = (
    ("Timeout", Category.TIMEOUT),
    ("FileNotFoundException", Category.RUNTIME_ERROR),
    ("TypeLoadException", Category.IMPORT_ERROR),
)
_MAX_FRAMES = 40


def _category(name: str) -> Category:
    for marker, category in _CATEGORIES:
        if marker in name:
            return category
    return Category.RUNTIME_ERROR


class DotnetCrashRecogniser(Recogniser):
    """The first unhandled exception, once, placed at its first frame with a file."""

    name: ClassVar[str] = "dotnet-crash"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"unhandled exception. ",
        b"unhandled exception: ",
        b"object reference not set to an instance of an object",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._crash: Finding | None = None
        self._frames = 0
        self._reported = False

    @property
    def wants_more(self) -> bool:
        return self._crash is not None

    def gap(self) -> Sequence[Finding]:
        crash, self._crash = self._crash, None
        return (crash,) if crash is not None else NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._crash is not None:
            stripped = line.strip()
            frame = FRAME.match(stripped) if stripped.startswith("at ") else None
            if frame and frame["path"]:
                crash, self._crash = self._crash, None
                return (replace(crash, path=frame["path"], line=int(frame["line"])),)
            self._frames += 1
            if stripped.startswith(("at ", "---", "--->")) and self._frames < _MAX_FRAMES:
                return NONE
            return self.gap()
        if self._reported or line[:1] in (" ", "\t"):
            return NONE  # indented: a test runner's message, read with its test
        unhandled = _UNHANDLED.match(line.rstrip())
        if unhandled is None:
            return NONE
        self._reported = True
        self._frames = 0
        name = unhandled["type"] or "System.NullReferenceException"
        self._crash = Finding(
            category=_category(name), message=line.strip()[:300], tool="dotnet", lineno=lineno
        )
        return NONE
