"""``go test`` and ``go build``: failing tests (testify's blocks too), compile errors, panics."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``    calc_test.go:7: got 1 want 2`` (``t.Errorf``), before ``--- FAIL`` with ``-v``; testify
#: prints the place alone (``    calc_test.go:7: ``) and its block under it.
_TEST_LINE = re.compile(r"^\s+(?P<path>[\w./-]+_test\.go):(?P<line>\d+):(?: (?P<msg>.*))?$")
#: testify's block: ``Error Trace:\tcalc_test.go:7`` (a path, absolute in newer releases, or
#: old releases' ``Location:``), ``Error:\tNot equal:``, ``Test:\tTestAdd``, ``Messages:``.
_TESTIFY = re.compile(
    r"^\s*(?P<key>Error Trace|Location|Error|Test|Messages):\s+(?P<value>\S.*?)\s*$"
)
_TESTIFY_PLACE = re.compile(r"^(?P<path>\S+\.go):(?P<line>\d+)")
#: A compile error that says an imported package is not there.
_MISSING_PACKAGE = (
    "no required module provides package",
    "cannot find package",
    "is not in GOROOT",
    "is not in std",
    "could not import ",
    # GOPATH-era module mode (Go 1.11-1.13): ``unknown import path "x": cannot find module
    # providing package x``.
    "unknown import path ",
    "cannot find module providing package",
)
#: The module's files out of step with its imports, and the harness killing a test binary.
_MODULE_PROBLEMS = ("go: updates to go.mod needed", "go: inconsistent vendoring")
_KILLED_TEST = "*** Test killed with quit: ran too long"
#: The result line of a failing package: ``FAIL\tgithub.com/o/r/internal/cli\t0.61s``.
_PACKAGE = re.compile(r"^FAIL\s+(?P<package>[\w.~/-]+)\s+(?:\d+(?:\.\d+)?s|\[)")
#: Module paths whose hosting service puts the repository at the third segment.
_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "golang.org")
_MAJOR = re.compile(r"v\d+")
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
#: golangci-lint: ``pkg/a.go:12:5: Error return value of `f.Close` is not checked (errcheck)``.
_GOLANGCI = re.compile(
    r"^(?:\./)?(?P<path>[\w./-]+\.go):(?P<line>\d+)(?::\d+)?: (?P<msg>.+)"
    r" \((?P<linter>[a-z][\w-]*)\)$"
)
#: Its linters that check formatting (``typecheck`` is its report of a compile error).
_FORMATTERS = frozenset({"gofmt", "goimports", "gofumpt", "gci", "golines"})
_FRAME = re.compile(r"^\t(?P<path>(?:/|[A-Za-z]:/)\S+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
#: Frames of the Go runtime and test harness, never where a panic comes from.
_HARNESS = ("testing.", "runtime.", "panic(", "created by ")
#: A frame in the standard library (``…/go/src/fmt/``, ``go-1.19/src/…``), the module cache
#: or a vendored package: a dependency, not the place to fix.
_DEPENDENCY = re.compile(r"/go[\w.-]*/src/[^./]+/|/pkg/mod/|/vendor/|hostedtoolcache/")


def package_dir(package: str) -> str:
    """The folder of a package in its repository, from its import path: the module's own
    path (``github.com/owner/repo``, ``example.org/repo``, a dotless ``calc``) and a major
    version suffix (``/v2``) taken off."""
    parts = package.split("/")
    skip = 1 if "." not in parts[0] else 3 if parts[0] in _HOSTS else 2
    rest = parts[skip:]
    if rest and _MAJOR.fullmatch(rest[0]):
        rest = rest[1:]
    return "/".join(rest)


#: The race detector's frames: ``      /src/a/b.go:263 +0x118`` under ``  pkg.TestX.func1()``.
_RACE_FRAME = re.compile(r"^\s+(?P<path>(?:/|[A-Za-z]:/)\S+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
_RACE_TEST = re.compile(r"\.(?P<test>Test\w*)")
#: Lines of a goroutine dump read for the panic's own frame before giving up on it.
_MAX_PANIC_LINES = 400


#: A place the test printed: (log line, path, line, message, test when the block names it).
_Place = tuple[int, str, int, str, str | None]


@dataclass
class _Block:
    """testify's block being read: its place (once known), message and test."""

    lineno: int
    path: str = ""
    line: int = 0
    message: str = ""
    test: str | None = None


class GoRecogniser(Recogniser):
    """A failing test at its ``t.Errorf`` line or testify's ``Error Trace``, a compile error, a
    panic at its innermost frame in the project; a test's file is placed in its package's
    folder when the package's ``FAIL`` line names it."""

    name: ClassVar[str] = "go"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"--- fail: ",
        b"=== fail: ",
        b"panic: ",
        b".go:",
        b"error trace:",
        b"warning: data race",
        b"go: updates to go.mod needed",
        b"go: inconsistent vendoring",
        b"test killed with quit",
    )
    patterns: ClassVar[tuple[bytes, ...]] = (rb"\nFAIL[\t ]+[\w./~-]+[\t ]+(?:[0-9.]+s|\[)",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._last: _Place | None = None
        self._test: str | None = None
        #: An open testify block: its place (or none yet), message and test.
        self._block: _Block | None = None
        self._panic: tuple[int, str, str | None] | None = None
        #: The first frame of a panic outside the runtime, kept while a project frame may follow.
        self._fallback: Finding | None = None
        self._frames = 0
        self._function = ""
        self._panic_lines = 0
        self._failing_at = 0
        #: Tests already reported, so a parent's or a subtest's bare ``--- FAIL`` adds nothing.
        self._reported: set[str] = set()
        #: ``WARNING: DATA RACE``: (its line, the last function, the first frame outside the
        #: project), until the report's first project frame.
        self._race: tuple[int, str, Finding | None] | None = None
        #: Messages said once: the module out of step, the harness's timeout.
        self._said: set[str] = set()
        #: The package folder gotestsum named with the failing test.
        self._folder = ""
        #: Failures placed at a bare file name, until the package's ``FAIL`` line says its folder.
        self._pending: list[Finding] = []
        #: ``panic: test timed out after 10m0s``: the tests still running come next.
        self._timeout: tuple[int, str, bool] | None = None

    @property
    def wants_more(self) -> bool:
        return (
            self._test is not None
            or self._panic is not None
            or self._timeout is not None
            or self._block is not None
            or self._race is not None
        )

    def gap(self) -> Sequence[Finding]:
        if not self.wants_more:
            return NONE
        return (
            *self._end_race(),
            *self._end_panic(),
            *self._close_block(),
            *self._unplaced(),
            *self._timed_out(None),
        )

    def finish(self) -> Sequence[Finding]:
        done = self.gap()
        last, self._last = self._last, None
        if last is not None and last[4] is not None:
            done = (*done, *self._failure(last[4], last))
        pending, self._pending = self._pending, []
        return (*done, *pending)

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
        if line.isdigit():
            return NONE  # a line number of a log copied from the Actions web page
        if self._panic is not None:
            return self._frame(lineno, line)
        if self._race is not None:
            return self._race_line(line)
        if line.startswith("WARNING: DATA RACE"):
            self._race = (lineno, "", None)
            return NONE
        if self._block is not None:
            if line[:1] in " \t":
                return self._in_block(line)
            return (*self._close_block(), *self.feed(lineno, line))
        done: Sequence[Finding] = NONE
        if (
            self._test is not None
            and line[:1] not in " \t"
            and not line.startswith(("--- ", "panic: "))
        ):
            done = self._unplaced()  # the failed test printed nothing placed
        stripped = line.lstrip() if line[:1] == " " else line
        if stripped.startswith(("--- FAIL: ", "=== FAIL: ")):
            done = (*done, *self._unplaced())
            words = stripped[10:].split(" ")
            if stripped[0] == "=" and len(words) > 1 and not words[1].startswith("("):
                # gotestsum: ``=== FAIL: internal/cli TestX (0.00s)``, the package first.
                package, words = words[0], words[1:]
                self._folder = package_dir(package) if "." in package.split("/")[0] else package
            test = words[0]
            last, self._last = self._last, None
            self._test, self._failing_at = test, lineno
            if last is not None:
                self._test = None
                return (*done, *self._failure(test, last))
            return done
        if done:
            return (*done, *self.feed(lineno, line))
        if line.startswith("FAIL"):
            return self._package(line)
        if line.startswith(_MODULE_PROBLEMS) and "module" not in self._said:
            self._said.add("module")
            message = line.strip()
            return (
                Finding(category=Category.DEPENDENCY, message=message, tool="go", lineno=lineno),
            )
        if line.startswith(_KILLED_TEST) and "killed" not in self._said:
            self._said.add("killed")
            return (
                Finding(category=Category.TIMEOUT, message=line.strip(), tool="go", lineno=lineno),
            )
        if line.startswith("panic: test timed out"):
            self._timeout = (lineno, line.strip(), False)
            return NONE
        if line.startswith("panic: "):
            self._panic = (lineno, line.removesuffix(" [recovered]"), self._test)
            self._test, self._panic_lines, self._frames = None, 0, 0
            return NONE
        if "Error Trace:" in line or "Location:" in line:
            self._block = _Block(lineno)
            return self._in_block(line)
        if ".go:" not in line:
            return NONE
        found = _TEST_LINE.match(line)
        if found:
            if not found["msg"]:
                self._block = _Block(lineno, found["path"], int(found["line"]))
                return NONE
            return self._placed((lineno, found["path"], int(found["line"]), found["msg"], None))
        linted = _GOLANGCI.match(line) if line.endswith(")") else None
        if linted and linted["linter"] != "typecheck":
            linter = linted["linter"]
            return (
                Finding(
                    category=Category.FORMAT if linter in _FORMATTERS else Category.LINT,
                    message=linted["msg"],
                    tool="golangci-lint",
                    lineno=lineno,
                    path=linted["path"],
                    line=int(linted["line"]),
                    rule=linter,
                ),
            )
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
            if msg.startswith("syntax error"):
                category = Category.SYNTAX_ERROR
            elif any(marker in msg for marker in _MISSING_PACKAGE):
                category = Category.IMPORT_ERROR
            else:
                category = Category.TYPE_ERROR
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

    def _placed(self, place: _Place) -> Sequence[Finding]:
        """A placed message: the failure of the test whose ``--- FAIL`` came before, or held
        for the ``--- FAIL`` that follows (``-v``)."""
        failing, self._test = self._test, None
        test = failing or place[4]
        if failing is None:
            self._last = place
            return NONE
        return self._failure(test or failing, place)

    def _in_block(self, line: str) -> Sequence[Finding]:
        """A line of testify's block: its place, message and test; the rest is the message's
        continuation (expected and actual values, a diff)."""
        assert self._block is not None
        field = _TESTIFY.match(line) if ":" in line else None
        if field is None:
            return NONE
        key, value = field["key"], field["value"]
        block = self._block
        if key in ("Error Trace", "Location") and not block.path:
            place = _TESTIFY_PLACE.match(value)
            if place:
                block.path, block.line = place["path"], int(place["line"])
        elif key == "Error" and not block.message:
            block.message = value
        elif key == "Test" and block.test is None:
            block.test = value.split(" ", 1)[0]
        return NONE

    def _close_block(self) -> Sequence[Finding]:
        block, self._block = self._block, None
        if block is None or not block.path:
            return NONE
        message = block.message or "assertion failed"
        return self._placed((block.lineno, block.path, block.line, message, block.test))

    def _package(self, line: str) -> Sequence[Finding]:
        """``FAIL\t<import path>\t0.6s``: the failures held at a bare file name are in that
        package's folder."""
        package = _PACKAGE.match(line)
        if package is None:
            return NONE
        pending, self._pending = self._pending, []
        folder = package_dir(package["package"])
        if not folder:
            return pending
        return [replace(f, path=f"{folder}/{f.path}") for f in pending]

    def _unplaced(self) -> Sequence[Finding]:
        """A test that failed without a placed message (``--- FAIL: TestX`` alone): one
        ``assertion`` without a file, unless a subtest or parent of it was reported."""
        test, self._test = self._test, None
        if test is None or self.state.spec_failures:
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

    def _failure(self, test: str, place: _Place) -> Sequence[Finding]:
        lineno, path, number, msg, _ = place
        if len(self._reported) < 4096:
            self._reported.add(test)
        finding = Finding(
            category=Category.ASSERTION,
            message=msg,
            tool="go",
            lineno=lineno,
            path=path,
            line=number,
            test=test,
        )
        if self._folder and "/" not in path and self._folder != ".":
            return (replace(finding, path=f"{self._folder}/{path}"),)
        if "/" in path or len(self._pending) >= 4096:
            return (finding,)
        self._pending.append(finding)
        return NONE

    def _race_line(self, line: str) -> Sequence[Finding]:
        """A line of the race detector's report: the first access's innermost frame in the
        project is the place (``runtime_error``, as a crash is)."""
        assert self._race is not None
        start, function, fallback = self._race
        if line.startswith("=================="):
            return self._end_race()
        frame = _RACE_FRAME.match(line) if ".go:" in line else None
        if frame is None:
            if line.strip():
                self._race = (start, line.strip(), fallback)
            return NONE
        test = _RACE_TEST.search(function)
        finding = Finding(
            category=Category.RUNTIME_ERROR,
            message="WARNING: DATA RACE",
            tool="go",
            lineno=start,
            path=frame["path"],
            line=int(frame["line"]),
            test=test["test"] if test else None,
        )
        if _DEPENDENCY.search(frame["path"]):
            self._race = (start, function, fallback or finding)
            return NONE
        self._race = None
        return (finding,)

    def _end_race(self) -> Sequence[Finding]:
        race, self._race = self._race, None
        if race is None:
            return NONE
        start, _, fallback = race
        if fallback is not None:
            return (fallback,)
        message = "WARNING: DATA RACE"
        return (Finding(category=Category.RUNTIME_ERROR, message=message, tool="go", lineno=start),)

    def _end_panic(self) -> Sequence[Finding]:
        """The goroutine's frames ended without one in the project: the first outside the
        runtime, or the panic without a place."""
        panic, self._panic = self._panic, None
        fallback, self._fallback = self._fallback, None
        if panic is None:
            return NONE
        if fallback is not None:
            return (fallback,)
        lineno, message, test = panic
        finding = Finding(
            category=Category.RUNTIME_ERROR, message=message, tool="go", lineno=lineno, test=test
        )
        return (finding,)

    def _frame(self, lineno: int, line: str) -> Sequence[Finding]:
        assert self._panic is not None
        self._panic_lines += 1
        if self._panic_lines > _MAX_PANIC_LINES:
            return self._end_panic()
        frame = _FRAME.match(line)
        if frame is None:
            if self._frames and (not line or line.startswith(("exit status", "FAIL"))):
                return (*self._end_panic(), *self.feed(lineno, line))
            self._function = line
            return NONE
        self._frames += 1
        if self._function.startswith(_HARNESS):
            return NONE
        start, message, test = self._panic
        path, number = frame["path"], int(frame["line"])
        finding = Finding(
            category=Category.RUNTIME_ERROR,
            message=message,
            tool="go",
            lineno=start,
            path=path,
            line=number,
            test=test,
        )
        if _DEPENDENCY.search(path):
            if self._fallback is None:
                self._fallback = finding
            return NONE
        self._panic, self._fallback = None, None
        return (finding,)
