"""The sanitizers' reports (AddressSanitizer, LeakSanitizer, ThreadSanitizer, MemorySanitizer,
UndefinedBehaviorSanitizer): a native program's memory or threading bug found at run time.

``==42==ERROR: AddressSanitizer: heap-use-after-free on address …`` is followed by frames
(``    #0 0x4f5b3a in main /src/app/main.c:10:5``); the report is a ``runtime_error`` at the
first frame in the project (not the sanitizer's runtime, libc or the compiler's headers).
UBSan prints its place first: ``src/a.c:12:5: runtime error: signed integer overflow``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_REPORT = re.compile(
    r"^(?:==\d+==)?(?:ERROR|WARNING): (?P<tool>\w+Sanitizer): (?P<msg>.+?)(?: \(pid=\d+\))?$"
)
_FRAME = re.compile(
    r"^#\d+ (?:0x[0-9a-f]+ in )?\S+ (?P<path>(?:/|[A-Za-z]:[\\/])[^\s:]+?|[\w.-][^\s:]*?)"
    r":(?P<line>\d+)(?::\d+)?(?: \(.*\))?$"
)
_UBSAN = re.compile(r"^(?P<path>[^\s:]+\.\w+):(?P<line>\d+):\d+: runtime error: (?P<msg>.+)$")
#: Frames outside the project: the sanitizers' runtime, the C and C++ libraries, the toolchain.
_OUTSIDE = ("/usr/", "compiler-rt", "libsanitizer", "sanitizer_common", "/build/glibc", "/rustc/")
_MAX_LINES = 80


class SanitizerRecogniser(Recogniser):
    """One ``runtime_error`` per sanitizer report, at its first frame in the project."""

    name: ClassVar[str] = "sanitizers"
    triggers: ClassVar[tuple[bytes, ...]] = (b"sanitizer: ", b": runtime error: ")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._report: tuple[int, str] | None = None
        self._lines = 0
        self._frames = 0
        self._seen: set[str] = set()

    @property
    def wants_more(self) -> bool:
        return self._report is not None

    def finish(self) -> Sequence[Finding]:
        """The end of the input cut the report (no gap comes while one is read)."""
        return self._placed(None)

    def _placed(self, frame: re.Match[str] | None) -> Sequence[Finding]:
        report, self._report = self._report, None
        if report is None:
            return NONE
        lineno, message = report
        return (
            Finding(
                category=Category.RUNTIME_ERROR,
                message=message,
                tool="sanitizer",
                lineno=lineno,
                path=frame["path"] if frame else None,
                line=int(frame["line"]) if frame else None,
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        stripped = line.strip()
        if self._report is not None:
            self._lines += 1
            frame = _FRAME.match(stripped) if stripped.startswith("#") else None
            if frame:
                self._frames += 1
                if not any(marker in frame["path"] for marker in _OUTSIDE):
                    return self._placed(frame)
                return NONE
            if stripped.startswith("SUMMARY:") or self._lines > _MAX_LINES:
                return self._placed(None)
            if not stripped and self._frames:
                return self._placed(None)
            return NONE
        if "Sanitizer: " in stripped:
            report = _REPORT.match(stripped)
            if report and report["msg"] not in self._seen and len(self._seen) < 256:
                self._seen.add(report["msg"])
                self._report = (lineno, f"{report['tool']}: {report['msg']}")
                self._lines = self._frames = 0
            return NONE
        ubsan = _UBSAN.match(stripped) if "runtime error: " in stripped else None
        if ubsan and ubsan["msg"] not in self._seen and len(self._seen) < 256:
            self._seen.add(ubsan["msg"])
            return (
                Finding(
                    category=Category.RUNTIME_ERROR,
                    message="runtime error: " + ubsan["msg"],
                    tool="sanitizer",
                    lineno=lineno,
                    path=ubsan["path"],
                    line=int(ubsan["line"]),
                ),
            )
        return NONE
