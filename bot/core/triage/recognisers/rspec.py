"""RSpec: failed examples' sections, the ``Failed examples:`` list and rspec-retry's retries.

A section is ``  1) Thing does x``, ``Failure/Error: <code>``, the message (an expectation's
``expected …``, or an exception's class on a line of its own and its message) and the
backtrace (``# ./app/models/a.rb:31:in `m'``): an expectation is ``assertion``, an exception
``runtime_error`` (by class), placed at the first backtrace line of the project. The list
(``rspec ./spec/a_spec.rb:12 # Thing does x``) gives the example's own line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_FAILED = re.compile(
    r"^rspec (?:\./)?(?P<path>\S+?\.rb):(?P<line>\d+)(?:\[[\d:]+\])? # (?P<test>.+)$"
)
_HEADER = re.compile(r"^\s*\d+\) (?P<test>\S.*)$")
_FAILURE = re.compile(r"^\s*Failure/Error:")
#: An exception's class alone on its line: ``     NoMethodError:``.
_EXCEPTION = re.compile(r"^\s*(?P<name>[A-Z]\w*(?:::[A-Z]\w*)*):$")
#: ``expect { }.not_to raise_error`` met one: ``expected no Exception, got #<NoMethodError: …``.
_UNEXPECTED = re.compile(r"expected no \w+, got #<(?P<name>[A-Z]\w*(?:::[A-Z]\w*)*)[:>]")
#: A backtrace line: ``# ./app/models/a.rb:31:in `check'`` (``# /abs/path.rb:3`` too).
_FRAME = re.compile(r"^\s*# (?P<path>[^\s:]+\.(?:rb|rake|erb|haml|slim)):(?P<line>\d+)(?::in |$)")
#: A ``SyntaxError``'s message: ``/app/lib/cart.rb:14: syntax error, unexpected …``.
_PARSE_ERROR = re.compile(r"^(?P<path>[^\s:]+\.rb):(?P<line>\d+): ")
#: rspec-retry: ``RSpec::Retry: 2nd try ./spec/system/topics_spec.rb:94``.
_RETRY = re.compile(r"^RSpec::Retry: \d+(?:st|nd|rd|th) try (?P<path>\S+?\.rb):(?P<line>\d+)\b")
#: Where a Ruby frame is not the project's: installed gems, Ruby itself.
_OUTSIDE = ("/gems/", "vendor/bundle/", "/lib/ruby/", "/rubygems/")
#: Lines read after ``Failure/Error:`` before giving up on a place.
_MAX_LINES = 40
#: Lines between an example's header and its ``Failure/Error:``.
_HEADER_GAP = 3


def ruby_category(name: str | None, message: str) -> Category:
    """A Ruby test's failure by the class of what it raised (``None``: an expectation)."""
    if name is None or name.startswith(("RSpec::", "Minitest::", "Test::Unit::")):
        return Category.ASSERTION
    if name in ("SyntaxError", "Racc::ParseError"):
        return Category.SYNTAX_ERROR
    if name == "LoadError":
        return Category.IMPORT_ERROR
    if name.endswith(("Timeout", "TimeoutError", "Timeout::Error")) or "execution expired" in (
        message
    ):
        return Category.TIMEOUT
    return Category.RUNTIME_ERROR


def in_project(path: str) -> bool:
    """A Ruby frame of the project, not of a gem or Ruby itself."""
    return not any(marker in path for marker in _OUTSIDE)


class RspecRecogniser(Recogniser):
    """Each failed example once: its section's place, else the example's ``file:line``."""

    name: ClassVar[str] = "rspec"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"rspec ./",
        b".rb:",
        b"failure/error:",
        b"rspec::retry: ",
    )
    #: An example's header, ``  1) Thing does x`` (its words may be another tool's triggers,
    #: which hand the line over before ``Failure/Error:`` would).
    patterns: ClassVar[tuple[bytes, ...]] = (rb" [0-9]{1,4}\) [^ \r\n]",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._header: tuple[int, str] | None = None
        #: The section being read: its start, test, message, exception class and lines read.
        self._open = False
        self._start = 0
        self._test: str | None = None
        self._code = ""
        self._message = ""
        self._exception: str | None = None
        self._lines = 0
        #: rspec-retry's retried examples (``path:line`` -> finding), reported at the end
        #: unless the example is in the ``Failed examples:`` list after all.
        self._retried: dict[str, Finding] = {}

    @property
    def wants_more(self) -> bool:
        return self._open

    def _section(self, path: str | None = None, line: int | None = None) -> Sequence[Finding]:
        if not self._open:
            return NONE
        self._open = False
        message = self._message or self._code or "Failure/Error"
        if self._exception is not None and not message.startswith("expected no "):
            message = f"{self._exception}: {message}"
        elif self._exception is None and self._code and self._message:
            message = f"{self._code}: {self._message}"
        return (
            Finding(
                category=ruby_category(self._exception, message),
                message=message[:300],
                tool="rspec",
                lineno=self._start,
                path=path,
                line=line,
                test=self._test,
            ),
        )

    def gap(self) -> Sequence[Finding]:
        return self._section()

    def finish(self) -> Sequence[Finding]:
        retried, self._retried = tuple(self._retried.values()), {}
        return (*self._section(), *retried)

    def _read_section(self, line: str) -> Sequence[Finding]:
        self._lines += 1
        frame = _FRAME.match(line) if "#" in line else None
        if frame is not None:
            if in_project(frame["path"]):
                return self._section(frame["path"], int(frame["line"]))
            return NONE
        stripped = line.strip()
        if not stripped:
            return NONE
        # The class of an exception is the first thing after ``Failure/Error:`` (``Diff:`` is not).
        exception = _EXCEPTION.match(line) if not self._message else None
        if exception is not None and self._exception is None:
            self._exception = exception["name"]
            self._message = ""
            return NONE
        unexpected = _UNEXPECTED.search(line) if "expected no " in line else None
        if unexpected is not None:
            self._exception = unexpected["name"]
            self._message = stripped
            return NONE
        if not self._message:
            self._message = stripped
            parsed = _PARSE_ERROR.match(stripped) if self._exception == "SyntaxError" else None
            if parsed is not None:
                # Ruby names the file that does not parse; the backtrace is the require.
                return self._section(parsed["path"], int(parsed["line"]))
        if self._lines > _MAX_LINES or stripped.startswith(("Finished in ", "Failed examples:")):
            return self._section()
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith("rspec "):
            failed = _FAILED.match(line)
            if failed is None:
                return NONE
            done = self._section()
            self._retried.pop(f"{failed['path']}:{failed['line']}", None)
            return (
                *done,
                Finding(
                    category=Category.ASSERTION,
                    message=f"{failed['test']} failed",
                    tool="rspec",
                    lineno=lineno,
                    path=failed["path"],
                    line=int(failed["line"]),
                    test=failed["test"],
                ),
            )
        if ") " in line[:12]:
            header = _HEADER.match(line)
            if header is not None:
                done = self._section()
                self._header = (lineno, header["test"])
                return done
        if "Failure/Error:" in line and _FAILURE.match(line):
            done = self._section()
            seen = self._header
            self._open, self._start, self._lines = True, lineno, 0
            self._test = seen[1] if seen and lineno - seen[0] <= _HEADER_GAP else None
            self._code = line.split("Failure/Error:", 1)[1].strip()
            self._message, self._exception = "", None
            return done
        if self._open:
            return self._read_section(line)
        if line.startswith("RSpec::Retry: "):
            retry = _RETRY.match(line)
            if retry is not None:
                where = f"{retry['path'].removeprefix('./')}:{retry['line']}"
                self._retried.setdefault(
                    where,
                    Finding(
                        category=Category.FLAKY,
                        message=f"{retry['path']}:{retry['line']} passed on a retry",
                        tool="rspec",
                        lineno=lineno,
                        path=retry["path"],
                        line=int(retry["line"]),
                        test=f"{retry['path']}:{retry['line']}",
                    ),
                )
        return NONE
