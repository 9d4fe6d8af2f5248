"""The recogniser protocol and the small state that recognisers of one log share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from bot.core.triage.model import Finding

NONE: Sequence[Finding] = ()
#: Scanner patterns shared by several recognisers (one automaton runs them all, so sharing
#: only keeps it small). Written in the syntax RE2 and ``re`` share: no ``\s``, no lookaround.
#: A ``.py`` file's line: ruff's grouped ``path.py:`` header, pytest's ``path.py ..R.`` progress.
PY_FILE_LINE = rb"\.py(?:i?:\r?\n| [.sxXFEf]*R)"
#: Line starts: ruff's grouped ``  12:5  F401`` and a diff's ``+++ path`` (read from ``---``).
INDENTED_OR_DIFF = rb"\n(?: {1,8}\d+:\d+ +[A-Z]{1,4}\d|\+\+\+ [^ \t\n\r\f\x0b/])"


@dataclass
class LogState:
    """Facts one recogniser learns that change how another reads the same log."""

    #: Inside a pytest session: pytest reports its own tracebacks, so the generic one is quiet.
    in_pytest: bool = False
    #: Directories a tool said it ran from (pytest's ``rootdir:``), for relative paths.
    roots: list[str] = field(default_factory=list)
    #: The unittest test whose traceback comes next (``FAIL: test_x (pkg.mod.Case.test_x)``).
    unittest_test: str | None = None
    #: The package index was unreachable: resolution errors that follow are infrastructure.
    index_unreachable: bool = False
    #: The command of the step being read (``##[group]Run pytest``), when the log says it.
    command: str | None = None
    #: Inside a JavaScript test runner's own failure section (Playwright's): it places the
    #: error itself, so the generic Node.js reader is quiet.
    in_js_report: bool = False
    #: Where faulthandler last saw the interpreter crash, inside the repository.
    crashed_at: tuple[str, int] | None = None
    #: The line of the last test run that said it passed (unittest's ``OK``, pytest's
    #: ``N passed in``): a traceback printed before it was logged, not the failure.
    passed_at: int = 0
    #: Lines pip printed as a build's captured output, ``[start, end]`` (``end`` 0 while open):
    #: the install failure is reported once, not each traceback inside; also what a unittest
    #: ``-v`` test printed before its ``ok``.
    captured: list[list[int]] = field(default_factory=list)
    #: A runner inside ``go test`` (Ginkgo) reported its failed specs: the suite's own
    #: ``--- FAIL: TestSuite`` adds nothing.
    spec_failures: bool = False


class Recogniser:
    """Reads cleaned log lines and reports findings; one small subclass per tool.

    ``triggers`` are lowercase byte literals and ``patterns`` byte regexes (RE2 syntax that
    ``re`` reads alike): the scanner only hands over lines that hold a literal or the start
    of a pattern's match (and, with ``reads_before``, the three lines before), so every line
    a recogniser needs to *start* recognising a failure must contain a trigger; after that,
    ``wants_more`` makes the scanner hand over the following lines until it turns false.
    """

    name: ClassVar[str] = "recogniser"
    triggers: ClassVar[tuple[bytes, ...]] = ()
    patterns: ClassVar[tuple[bytes, ...]] = ()
    #: Whether the few lines before a trigger line are wanted too (a syntax error's ``File``
    #: line and caret, a file name above its first issue, a step's last lines).
    reads_before: ClassVar[bool] = False

    def __init__(self, state: LogState) -> None:
        self.state = state

    @property
    def wants_more(self) -> bool:
        """In the middle of something: the scanner should hand over the next line too."""
        return False

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        """Read one cleaned line; return the findings it completes."""
        raise NotImplementedError

    def gap(self) -> Sequence[Finding]:
        """Lines were skipped here: flush whatever needed contiguous lines."""
        return NONE

    def finish(self) -> Sequence[Finding]:
        """End of the input: flush what is pending."""
        return self.gap()
