"""C++ test frameworks: googletest, CppUTest and Catch2 failures, at the assertion's line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``./src/a.cpp:665: Failure`` (gcc/clang builds), ``..\a.cpp(6862): error: Value of: x``
#: (MSVC), ``a.cpp:20: error: Failure in TEST(Suite, name)`` (CppUTest), ``a.cpp:42: FAILED:``
#: (Catch2).
_FAILURE = re.compile(
    r"^(?P<path>[^\s:()]+\.(?:cc|cpp|cxx|c\+\+|c|h|hh|hpp|cu|mm?))"
    r"(?::(?P<line>\d+):|\((?P<l2>\d+)\):)"
    r" (?:error: )?(?P<msg>Failure\b.*|FAILED:.*|Value of: .*|Expected(?: equality| \(|:).*"
    r"|The difference between .*)$"
)
_RUN = re.compile(r"^\[ RUN      \] (?P<test>\S+)$")
_FAILED = re.compile(r"^\[  FAILED  \] (?P<test>[^\s,]+)(?: \(\d+ ms\))?$")


class CxxTestRecogniser(Recogniser):
    """A failed assertion is ``assertion`` at its line, named after the running test; a test
    googletest lists as failed without a placed assertion is ``assertion`` without a file."""

    name: ClassVar[str] = "cxxtest"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b": failure",
        b"): error: ",
        b": error: failure in test",
        b": failed:",
        b"[ run      ] ",
        b"[  failed  ] ",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._running: str | None = None

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith("["):
            run = _RUN.match(line)
            if run:
                self._running = run["test"]
                return NONE
            failed = _FAILED.match(line)
            if failed:
                test = failed["test"]
                self._running = None
                return (
                    Finding(
                        category=Category.ASSERTION,
                        message=f"{test} failed",
                        tool="googletest",
                        lineno=lineno,
                        test=test,
                    ),
                )
            return NONE
        match = (
            _FAILURE.match(line)
            if ("ailure" in line or "rror: " in line or "FAILED" in line)
            else None
        )
        if match is None:
            return NONE
        path = match["path"].replace("\\", "/")
        while path.startswith("../"):  # the build directory one level below the checkout
            path = path[3:]
        return (
            Finding(
                category=Category.ASSERTION,
                message=match["msg"],
                tool="googletest",
                lineno=lineno,
                path=path,
                line=int(match["line"] or match["l2"]),
                test=self._running,
            ),
        )
