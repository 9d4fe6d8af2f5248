"""``go test`` and ``go build``: failing tests, compile errors and panics."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``    calc_test.go:7: got 1 want 2`` (``t.Errorf``), before ``--- FAIL`` with ``-v``.
_TEST_LINE = re.compile(r"^\s+(?P<path>[\w./-]+_test\.go):(?P<line>\d+): (?P<msg>.+)$")
#: ``./calc.go:5:17: undefined: offset`` from the compiler.
_COMPILE = re.compile(r"^(?:\./)?(?P<path>[\w./-]+\.go):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")
#: ``go vet``'s findings (its analysers' messages), with or without a column.
_VET = re.compile(
    r"^(?:\./)?(?P<path>[\w./-]+\.go):(?P<line>\d+)(?::\d+)?: (?P<msg>.*(?:printf|Printf|Sprintf"
    r"|Errorf|format %|formatting directive|possible misuse|unreachable code|unkeyed fields"
    r"|copies lock|passes lock by value|self-assignment|struct field tag|should have signature"
    r"|result of .* call not used|the cancel function|loop variable .* captured"
    r"|misuse of|is never used|redundant).*)$"
)
_FRAME = re.compile(r"^\t(?P<path>/\S+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
#: Frames of the Go runtime and test harness, never where a panic comes from.
_HARNESS = ("testing.", "runtime.", "panic(", "created by ")
#: Lines of a goroutine dump read for the panic's own frame before giving up on it.
_MAX_PANIC_LINES = 400


class GoRecogniser(Recogniser):
    """A failing test at its ``t.Errorf`` line, a compile error, a panic at its first own frame."""

    name: ClassVar[str] = "go"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"--- fail: ", b"panic: ", b".go:")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._last: tuple[int, str, int, str] | None = None
        self._test: str | None = None
        self._panic: tuple[int, str, str | None] | None = None
        self._function = ""
        self._panic_lines = 0
        self._failing_at = 0
        #: Tests already reported, so a parent's or a subtest's bare ``--- FAIL`` adds nothing.
        self._reported: set[str] = set()
        #: ``panic: test timed out after 10m0s``: the tests still running come next.
        self._timeout: tuple[int, str, bool] | None = None

    @property
    def wants_more(self) -> bool:
        return self._test is not None or self._panic is not None or self._timeout is not None

    def gap(self) -> Sequence[Finding]:
        self._panic = None
        return (*self._unplaced(), *self._timed_out(None))

    def _timed_out(self, test: str | None) -> Sequence[Finding]:
        timeout, self._timeout = self._timeout, None
        if timeout is None:
            return NONE
        lineno, message, _ = timeout
        return (
            Finding(
                category=Category.TIMEOUT, message=message, tool="go", lineno=lineno, test=test
            ),
        )

    def _running(self, line: str) -> Sequence[Finding]:
        """The lines after a timeout panic: ``running tests:`` and the first test's name."""
        assert self._timeout is not None
        lineno, message, listed = self._timeout
        stripped = line.strip()
        if stripped == "running tests:":
            self._timeout = (lineno, message, True)
            return NONE
        if listed and stripped and line[:1] in " \t":
            return self._timed_out(stripped.split(" ", 1)[0])
        return self._timed_out(None)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._timeout is not None:
            return self._running(line)
        done: Sequence[Finding] = NONE
        if (
            self._test is not None
            and line[:1] not in " \t"
            and not line.startswith(("--- ", "panic: "))
        ):
            done = self._unplaced()  # the failed test printed nothing placed
        if self._panic is not None:
            return self._frame(line)
        stripped = line.lstrip() if line[:1] == " " else line
        if stripped.startswith("--- FAIL: "):
            done = (*done, *self._unplaced())
            test = stripped[10:].split(" ", 1)[0]
            last, self._last = self._last, None
            self._test, self._failing_at = test, lineno
            if last is not None:
                self._test = None
                return (*done, self._failure(test, *last))
            return done
        if done:
            return (*done, *self.feed(lineno, line))
        if line.startswith("panic: test timed out"):
            self._timeout = (lineno, line.strip(), False)
            return NONE
        if line.startswith("panic: "):
            self._panic = (lineno, line.removesuffix(" [recovered]"), self._test)
            self._test, self._panic_lines = None, 0
            return NONE
        if ".go:" not in line:
            return NONE
        found = _TEST_LINE.match(line)
        if found:
            place = (lineno, found["path"], int(found["line"]), found["msg"])
            failing, self._test = self._test, None
            if failing is None:
                self._last = place
                return NONE
            return (self._failure(failing, *place),)
        vet = _VET.match(line)
        if vet:
            return (
                Finding(
                    category=Category.LINT,
                    message=vet["msg"],
                    tool="go vet",
                    lineno=lineno,
                    path=vet["path"],
                    line=int(vet["line"]),
                ),
            )
        compiled = _COMPILE.match(line)
        if compiled:
            msg = compiled["msg"]
            category = (
                Category.SYNTAX_ERROR if msg.startswith("syntax error") else Category.TYPE_ERROR
            )
            return (
                Finding(
                    category=category,
                    message=msg,
                    tool="go",
                    lineno=lineno,
                    path=compiled["path"],
                    line=int(compiled["line"]),
                ),
            )
        return NONE

    def _unplaced(self) -> Sequence[Finding]:
        """A test that failed without a placed message (``--- FAIL: TestX`` alone): one
        ``assertion`` without a file, unless a subtest or parent of it was reported."""
        test, self._test = self._test, None
        if test is None:
            return NONE
        for other in self._reported:
            if other.startswith(test + "/") or test.startswith(other + "/"):
                return NONE
        self._reported.add(test)
        message = f"{test} failed"
        return (
            Finding(
                category=Category.ASSERTION,
                message=message,
                tool="go",
                lineno=self._failing_at,
                test=test,
            ),
        )

    def _failure(self, test: str, lineno: int, path: str, number: int, msg: str) -> Finding:
        if len(self._reported) < 4096:
            self._reported.add(test)
        return Finding(
            category=Category.ASSERTION,
            message=msg,
            tool="go",
            lineno=lineno,
            path=path,
            line=number,
            test=test,
        )

    def _frame(self, line: str) -> Sequence[Finding]:
        assert self._panic is not None
        self._panic_lines += 1
        if self._panic_lines > _MAX_PANIC_LINES:
            self._panic = None
            return NONE
        frame = _FRAME.match(line)
        if frame is None:
            self._function = line
            return NONE
        if self._function.startswith(_HARNESS):
            return NONE
        (lineno, message, test), self._panic = self._panic, None
        path, number = frame["path"], int(frame["line"])
        return (
            Finding(
                category=Category.RUNTIME_ERROR,
                message=message,
                tool="go",
                lineno=lineno,
                path=path,
                line=number,
                test=test,
            ),
        )
