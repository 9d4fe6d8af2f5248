"""Python tracebacks outside pytest: the innermost frame inside the repository and the error."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.classify import EXCEPTION_LINE, category_for_exception
from bot.core.triage.model import Category, Finding
from bot.core.triage.paths import in_repository, module_root
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?$')
#: Implicit chaining: the first exception is the real problem, what follows is fallout.
IMPLICIT_CHAIN = "During handling of the above exception"
#: Explicit chaining (``raise ... from ...``): the last exception is the one meant for us.
EXPLICIT_CHAIN = "The above exception was the direct cause"
_MAX_FRAMES = 64
_MAX_UNOWNED = 4096
_STARTS = ("Traceback (most recent call last)", "Exception Group Traceback (most recent call last)")
#: An exception group's lines (3.11+): ``  + Exception Group Traceback``, ``  | `` before each
#: line of the group, ``  +-+---- 1 ----`` before each member's own traceback.
_GROUP_LINE = re.compile(r"^ *(?:\| ?|\+(?= Exception Group|-))")
#: ``compileall`` and rpm's bytecompile name the file before its error: Python 3 as
#: ``*** Error compiling 'path'...``, Python 2 as ``Compiling path ...``, distutils'
#: ``setup.py install`` as ``byte-compiling path to name.pyc``.
_COMPILING = re.compile(
    r"^(?:(?:\*\*\* Error compiling|Compiling) '?(?P<path>[^']+?\.py)'?(?: \.\.\.|\.\.\.)"
    r"|byte-compiling (?P<built>\S+\.py) to \S+\.pyc)$"
)
#: The interpreter could not find the module ``python -m`` names (``tox`` without ``pytest``).
_NO_MODULE = re.compile(
    r"^(?:\S*[/\\])?python[\d.]*(?:\.exe)?: (?:No module named (?P<module>\S+)"
    r"|Error while finding module specification for \S+ \((?P<name>\w+): (?P<msg>.*)\))$"
)
#: Python 2's and old compileall's one-line report: ``Sorry: IndentationError: msg (a.py, line 3)``.
_SORRY = re.compile(
    r"^(?:\*\*\* )?Sorry: (?P<name>\w+): (?P<msg>.*) \((?P<file>[^(),]+), line (?P<line>\d+)\)$"
)
_SYNTAX_NAMES = ("SyntaxError", "IndentationError", "TabError")
_PACKAGES = re.compile(r"/(?:site|dist)-packages/")
#: pytest's prefix on each line of the traceback of its own crash.
_INTERNAL = "INTERNALERROR>"
#: Frames a paste left out (``....``, ``[...]``): the traceback goes on, and the source line
#: right after it may have lost its indentation.
_ELISION = re.compile(r"^\s*(?:\.{3,}|\[\.\.\.\]|\u2026)\s*$")
#: Lines at the margin taken for source code after an elision, before the exception line.
_AFTER_ELISION = 2


def _compiled(path: str, frame: str | None) -> str | None:
    """The file compileall named, as its package path when it was installed into a build root
    (the repository holds ``pkg/mod.py``, the build root ``.../site-packages/pkg/mod.py``)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    if frame is not None and frame.replace("\\", "/").rsplit("/", 1)[-1] != name:
        return None
    parts = _PACKAGES.split(path, maxsplit=1)
    return parts[1] if len(parts) == 2 else path


def innermost(frames: Sequence[tuple[str, int]]) -> tuple[str | None, int | None]:
    """The last frame inside the repository, else the last frame at all."""
    for path, line in reversed(frames):
        if in_repository(path):
            return path, line
    return None, None


class TracebackRecogniser(Recogniser):
    """``Traceback (most recent call last):`` ... frames ... ``SomeError: message``."""

    name: ClassVar[str] = "traceback"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"traceback", b"error", b"no module named")
    #: The line naming the file a byte-compiler is about to compile (its error comes later
    #: than the lines read before a trigger).
    patterns: ClassVar[tuple[bytes, ...]] = (rb"ompiling '?[^ \n']+\.py(?:'? ?\.\.\.| to )",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._frames: list[tuple[str, int]] = []
        self._active = False
        self._start = 0
        self._pending: Finding | None = None
        self._keep_first = False
        #: Inside the members of an exception group: the group itself is the failure.
        self._members = False
        self._group = False
        #: The file ``compileall`` is compiling, for the syntax error that follows.
        self._compiling: str | None = None
        #: Margin lines still taken for source code after a paste's elision.
        self._elided = 0
        #: Reading pytest's ``INTERNALERROR>`` traceback.
        self._internal = False
        #: Tracebacks outside a unittest ``FAIL:``/``ERROR:`` block, held until the step ends.
        self._unowned: list[Finding] = []

    @property
    def wants_more(self) -> bool:
        return self._active or self._pending is not None

    def _flush(self) -> Sequence[Finding]:
        pending, self._pending = self._pending, None
        if pending is None:
            return NONE
        if pending.test is None and len(self._unowned) < _MAX_UNOWNED:
            self._unowned.append(pending)  # a test run may yet say it passed
            return NONE
        return (pending,)

    def finish(self) -> Sequence[Finding]:
        """The step is over: tracebacks no test owned stand, unless a test run printed them
        and then said it passed (logged exceptions of a green run), or pip printed them as a
        failed build's output (pip reports that failure)."""
        found = [*self.gap(), *self._unowned]
        self._unowned = []
        captured = self.state.captured
        return [
            f
            for f in found
            if f.test is not None
            or (
                f.lineno > self.state.passed_at
                and not any(
                    start < f.lineno and (f.lineno < end or not end) for start, end in captured
                )
            )
        ]

    def gap(self) -> Sequence[Finding]:
        self._active = self._keep_first = self._members = self._group = False
        self._frames = []
        return self._flush()

    def _learn_root(self, test: str) -> None:
        for path, _ in self._frames:
            root = module_root(path, test)
            if root is not None and root not in self.state.roots:
                self.state.roots.append(root)
                return

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        internal = line.startswith(_INTERNAL)
        if internal:
            line = line[len(_INTERNAL) + 1 :]
        if line[:1] == " " and (self._group or "+ Exception Group" in line):
            group = _GROUP_LINE.match(line)
            if group:
                line = line[group.end() :].removeprefix(" ")
                if self._members:
                    return NONE
                if line.startswith("-"):
                    self._members = self._pending is not None
                    return NONE
        self._members = False
        if self._pending is not None and line.strip():
            if line.startswith(EXPLICIT_CHAIN):
                self._pending = None
                return NONE
            if line.startswith(IMPLICIT_CHAIN):
                self._keep_first = True
                return NONE
            if not line.startswith("Traceback"):
                self._keep_first = False
                return (*self._flush(), *self.feed(lineno, line))
        if line.startswith(_STARTS):
            # pytest's own crash (a plugin's, a conftest hook's): no section reports it.
            self._internal = internal
            done = NONE if self._keep_first else self._flush()
            self._group = line.startswith("Exception Group")
            self._active, self._frames, self._start = True, [], lineno
            self._elided = 0
            return done
        if not self._active:
            return self._outside(lineno, line)
        frame = FRAME.match(line)
        if frame:
            self._frames.append((frame["path"], int(frame["line"])))
            del self._frames[:-_MAX_FRAMES]
            return NONE
        if line.startswith((" ", "\t")) or not line.strip():
            return NONE
        if _ELISION.match(line):
            self._elided = _AFTER_ELISION
            return NONE
        match = EXCEPTION_LINE.match(line.strip())
        if not match and self._elided:
            self._elided -= 1
            return NONE
        self._active = False
        if not match or (self.state.in_pytest and not self._internal):
            self.state.unittest_test = None
            return NONE
        if self._keep_first:
            return NONE
        path, number = innermost(self._frames)
        name, message = match["name"], match["message"] or ""
        compiling, self._compiling = self._compiling, None
        if compiling and name.endswith(_SYNTAX_NAMES):
            last = self._frames[-1] if self._frames else None
            place = _compiled(compiling, last[0] if last else None)
            if place is not None:
                path, number = place, last[1] if last else None
        if self.state.unittest_test:
            self._learn_root(self.state.unittest_test)
        self._pending = Finding(
            category=category_for_exception(name, message),
            message=line.strip(),
            tool="unittest" if self.state.unittest_test else "python",
            lineno=self._start,
            path=path,
            line=number,
            test=self.state.unittest_test,
        )
        self.state.unittest_test = None
        return NONE

    def _outside(self, lineno: int, line: str) -> Sequence[Finding]:
        """Lines outside a traceback: a frame whose header a paste dropped (a syntax error has
        none), and compileall's reports."""
        if line.startswith(("  File ", "File ")) and not self.state.in_pytest:
            frame = FRAME.match(line)
            if frame:
                self._active, self._start = True, lineno
                self._frames = [(frame["path"], int(frame["line"]))]
                return self._flush()
        if "ompiling" in line:
            named = _COMPILING.match(line)
            if named:
                self._compiling = named["path"] or named["built"]
                return self._flush()
        if "ython" in line and (": No module named " in line or ": Error while finding" in line):
            missing = _NO_MODULE.match(line)
            if missing:
                message = line[line.index(": ") + 2 :]
                return (
                    *self._flush(),
                    Finding(
                        category=Category.IMPORT_ERROR,
                        message=message,
                        tool="python",
                        lineno=lineno,
                    ),
                )
        if "Sorry: " in line[:12]:
            sorry = _SORRY.match(line)
            if sorry:
                compiling, self._compiling = self._compiling, None
                place = _compiled(compiling, sorry["file"]) if compiling else None
                message = f"{sorry['name']}: {sorry['msg']}"
                return (
                    *self._flush(),
                    Finding(
                        category=category_for_exception(sorry["name"], sorry["msg"]),
                        message=message,
                        tool="python",
                        lineno=lineno,
                        path=place or sorry["file"],
                        line=int(sorry["line"]),
                    ),
                )
        return NONE
