"""minitest and test-unit: each failure and error of the report.

minitest (and Rails' runner) prints ``  1) Failure:`` then ``Class#test_x [path.rb:13]:`` and
the message (``assertion``, at that place), or ``  2) Error:`` then ``Class#test_y:``, the
exception (``RuntimeError: boom``) and its backtrace (placed at the first project frame);
``Skipped:`` entries are not failures. test-unit prints ``Failure: test_x(Class) [path:13]:``
and ``Error: test_y(Class): RuntimeError: boom`` with the backtrace after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.rspec import in_project, ruby_category

_HEADER = re.compile(r"^\s*(?:\d+\) )?(?P<kind>Failure|Error|Skipped):$")
#: ``Class#test_x [path.rb:13]:`` (a failure) or ``Class#test_y:`` (an error).
_TEST = re.compile(r"^(?P<test>\S.*?)(?: \[(?P<path>[^\[\]\s]+?):(?P<line>\d+)\])?:$")
#: test-unit: ``Failure: test_x(Class) [path.rb:13]:``, ``Error: test_y(Class): Boom: why``.
_TEST_UNIT = re.compile(
    r"^(?P<kind>Failure|Error): (?P<test>\w+\([\w:]+\))"
    r"(?: \[(?P<path>[^\[\]\s]+?):(?P<line>\d+)\])?:?(?: (?P<rest>.+))?$"
)
_EXCEPTION = re.compile(r"^(?P<name>[A-Z]\w*(?:::[A-Z]\w*)*): ")
_FRAME = re.compile(r"^\s*(?P<path>[^\s:]+\.(?:rb|rake)):(?P<line>\d+)(?::in |$)")
_MAX_LINES = 30


class MinitestRecogniser(Recogniser):
    """A failure is ``assertion`` at its ``[path:line]``; an error is categorised by class."""

    name: ClassVar[str] = "minitest"
    triggers: ClassVar[tuple[bytes, ...]] = (b"failure: test", b"error: test")
    #: The report's ``Failure:``/``Error:`` header alone on its line.
    patterns: ClassVar[tuple[bytes, ...]] = (rb"(?:Failure|Error|Skipped):\r?\n",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        #: The header's kind, while its test line is awaited.
        self._kind: str | None = None
        #: The error being read: start, test, exception class and message, lines read.
        self._test: str | None = None
        self._start = 0
        self._exception: str | None = None
        self._message = ""
        self._lines = 0
        #: A failure whose message comes on the next line: start, test, path, line.
        self._held: tuple[int, str, str, int] | None = None

    @property
    def wants_more(self) -> bool:
        return self._kind is not None or self._test is not None or self._held is not None

    def _error(self, path: str | None = None, line: int | None = None) -> Sequence[Finding]:
        test, self._test = self._test, None
        if test is None or self._exception is None:
            return NONE  # an error names what it raised
        message = self._message or f"{test} raised"
        return (
            Finding(
                category=ruby_category(self._exception, message),
                message=message[:300],
                tool="minitest",
                lineno=self._start,
                path=path,
                line=line,
                test=test,
            ),
        )

    def gap(self) -> Sequence[Finding]:
        self._kind = None
        return (*self._failure(), *self._error())

    def _failure(self, message: str = "") -> Sequence[Finding]:
        held, self._held = self._held, None
        if held is None:
            return NONE
        lineno, test, path, line = held
        return (
            Finding(
                category=Category.ASSERTION,
                message=message or f"{test} failed",
                tool="minitest",
                lineno=lineno,
                path=path,
                line=line,
                test=test,
            ),
        )

    def _open(self, lineno: int, test: str, rest: str | None) -> None:
        self._test, self._start, self._lines = test, lineno, 0
        self._exception, self._message = None, ""
        if rest:
            self._read_message(rest)

    def _read_message(self, text: str) -> None:
        exception = _EXCEPTION.match(text.strip())
        if exception is not None:
            self._exception = exception["name"]
        self._message = text.strip()

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._held is not None:
            if not line.strip():
                return NONE
            return self._failure(line.strip()[:300])
        if line.startswith(("Failure: ", "Error: ")):
            unit = _TEST_UNIT.match(line)
            if unit is not None:
                done = self._error()
                self._kind = None
                if unit["kind"] == "Failure" and unit["path"]:
                    self._held = (lineno, unit["test"], unit["path"], int(unit["line"]))
                    return done
                self._open(lineno, unit["test"], unit["rest"])
                if unit["kind"] == "Failure":
                    self._exception, self._message = "Test::Unit::AssertionFailedError", ""
                return done
        if line.endswith(":") and (header := _HEADER.match(line)) is not None:
            done = self._error()
            self._kind = None if header["kind"] == "Skipped" else header["kind"]
            return done
        if self._kind is not None:
            kind, self._kind = self._kind, None
            test = _TEST.match(line) if "#" in line else None  # ``Class#test_name``
            if test is None:
                return NONE
            if kind == "Failure":
                if test["path"] is not None:
                    self._held = (lineno, test["test"], test["path"], int(test["line"]))
                return NONE
            self._open(lineno, test["test"], None)
            return NONE
        if self._test is None:
            return NONE
        self._lines += 1
        frame = _FRAME.match(line)
        if frame is not None:
            if in_project(frame["path"]):
                return self._error(frame["path"], int(frame["line"]))
            return NONE
        if not line.strip() and self._message:
            return NONE
        if not self._message:
            self._read_message(line)
        elif self._lines > _MAX_LINES:
            return self._error()
        return NONE
