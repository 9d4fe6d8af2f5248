"""CMake's configure errors: ``CMake Error at CMakeLists.txt:12 (find_package):``.

A package, library, program or CMake release that is not there (``find_package``,
``pkg_check_modules``, ``Could NOT find Boost``, ``CMake 3.20 or higher is required``) is
``dependency``; any other configure error is ``unknown`` with its message. The place is the
first one in the project: the error's own file when it is the project's, else the innermost
project entry of the ``Call Stack`` (CMake's own modules under ``/usr/share/cmake`` are not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_ERROR = re.compile(r"^CMake Error at (?P<path>.+?):(?P<line>\d+) \((?P<command>\w+)\):$")
_ENTRY = re.compile(r"^(?P<path>\S.*?):(?P<line>\d+) \((?P<command>\w+)\)$")
_FINDERS = frozenset(
    {"find_package", "pkg_check_modules", "pkg_search_module", "find_library", "find_path"}
    | {"find_program", "find_file", "cmake_minimum_required", "find_dependency"}
)
_MISSING = (
    "Could NOT find",
    "Could not find a package configuration file",
    "A required package was not found",
    "or higher is required",
    "Could not find a configuration file for package",
)
#: CMake's own modules, not the project's files.
_CMAKE_MODULES = ("/share/cmake", "/Modules/", "cmake-", "/CMake.app/")
_MAX_LINES = 40


def _own(path: str) -> bool:
    return not any(marker in path for marker in _CMAKE_MODULES)


class CmakeRecogniser(Recogniser):
    """One finding per ``CMake Error at …`` block."""

    name: ClassVar[str] = "cmake"
    triggers: ClassVar[tuple[bytes, ...]] = (b"cmake error at ",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        #: (line, command, place, message lines, call stack read).
        self._block: tuple[int, str, tuple[str, int] | None, list[str], bool] | None = None
        self._lines = 0

    @property
    def wants_more(self) -> bool:
        return self._block is not None

    def finish(self) -> Sequence[Finding]:
        """The end of the input cut the report (no gap comes while one is read)."""
        block, self._block = self._block, None
        if block is None:
            return NONE
        lineno, command, place, message, _ = block
        text = " ".join(message) or f"CMake Error ({command})"
        missing = command in _FINDERS or any(marker in text for marker in _MISSING)
        return (
            Finding(
                category=Category.DEPENDENCY if missing else Category.UNKNOWN,
                message=text[:300],
                tool="cmake",
                lineno=lineno,
                path=place[0] if place else None,
                line=place[1] if place else None,
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        stripped = line.strip()
        if self._block is None:
            error = _ERROR.match(stripped) if stripped.startswith("CMake Error at ") else None
            if error:
                path = error["path"]
                place = (path, int(error["line"])) if _own(path) else None
                self._block, self._lines = (lineno, error["command"], place, [], False), 0
            return NONE
        start, command, place, message, in_stack = self._block
        self._lines += 1
        if self._lines > _MAX_LINES or stripped.startswith(("-- ", "CMake Error")):
            return (*self.finish(), *(self.feed(lineno, line) if stripped else ()))
        if stripped.startswith("Call Stack"):
            self._block = (start, command, place, message, True)
            return NONE
        if not stripped:
            return NONE
        if line[:1] not in " \t":
            return (*self.finish(), *self.feed(lineno, line))
        if in_stack:
            entry = _ENTRY.match(stripped)
            if entry:
                if entry["command"] in _FINDERS:
                    command = entry["command"]
                if place is None and _own(entry["path"]):
                    place = (entry["path"], int(entry["line"]))
                self._block = (start, command, place, message, True)
            return NONE
        if len(message) < 4:
            message.append(stripped)
        return NONE
