"""Node.js: an uncaught error and its stack, placed at the first frame outside node itself.

Node prints an uncaught error as the file and line it came from, the source line, a caret,
then the error and its stack; an unhandled promise rejection as ``(node:123)
UnhandledPromiseRejectionWarning: Error: …`` (node 6 to 14) or, when the process dies of it
(node 15+), as ``[UnhandledPromiseRejection: … reason "…".] { code: 'ERR_UNHANDLED_REJECTION' }``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``TypeError: Cannot read properties of undefined``, ``AssertionError [ERR_ASSERTION]: x``.
_ERROR = re.compile(
    r"^(?:Uncaught )?(?P<name>[A-Z]\w*(?:Error|Exception)|Error)(?: \[(?P<code>[A-Z_]+)\])?"
    r": (?P<msg>.+)$"
)
_FRAME = re.compile(
    r"^\s+at (?:.+? \()?(?:file://|webpack://[^/\s]*/)?(?P<path>[^\s()]+?):(?P<line>\d+):\d+\)?$"
)
#: ``Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'x' imported from /app/src/a.js``.
_IMPORTED_FROM = re.compile(r" imported from (?:file://)?(?P<path>\S+?\.[cm]?[jt]sx?)$")
#: A frame without a place: ``at async Promise.all (index 1)``, ``at new Promise (<anonymous>)``.
_BARE_FRAME = re.compile(r"^\s+at \S")
#: Where an uncaught error was thrown, before its source line and caret: ``/app/src/a.js:136``.
_THROWN_AT = re.compile(r"^ ?(?:file://)?(?P<path>\S+?\.(?:[cm]?[jt]sx?|coffee)):(?P<line>\d+)$")
_CARET = re.compile(r"^\s*\^+\s*$")
#: node 6 to 14: ``(node:6003) UnhandledPromiseRejectionWarning: Error: …`` (node 6 to 9 add
#: ``Unhandled promise rejection (rejection id: 2): `` before the error).
_REJECTION_WARNING = re.compile(
    r"^\(node:\d+\) UnhandledPromiseRejectionWarning: "
    r"(?:Unhandled promise rejection \(rejection id: \d+\): )?"
)
#: node 15+: the process dies of a rejection whose reason is not an Error (node 15 to 18 print
#: it in brackets, node 20 with node's own stack).
_REJECTION = re.compile(
    r"^\[?UnhandledPromiseRejection: .*?"
    r'(?:The promise rejected with the reason "(?P<reason>.*)"\.)?(?:\]|$)'
)
#: mocha names the test file of a timeout: ``Timeout of 2000ms exceeded. … (/app/test/a.js)``.
_MOCHA_FILE = re.compile(r"\((?P<path>[^()]+\.[cm]?[jt]sx?)\)$")
#: Pattern of the scanner for ``_THROWN_AT``: the line has no trigger word (and may carry a
#: CI system's prefix, so the pattern does not start at the margin).
_THROWN_AT_LINE = rb"[^ \t\r\n:]\.(?:[cm]?[jt]sx?|coffee):[0-9]+\r?\n"
_MAX_LINES = 12
#: Lines between ``path.js:12`` and the error: the source line, the caret, a blank line.
_MAX_HEADER_LINES = 5
_BY_NAME = {
    "TypeError": Category.TYPE_ERROR,
    "SyntaxError": Category.SYNTAX_ERROR,
    "AssertionError": Category.ASSERTION,
}


def _category(name: str, code: str | None, message: str) -> Category:
    if code == "ERR_MODULE_NOT_FOUND" or message.startswith("Cannot find module"):
        return Category.IMPORT_ERROR
    if message.startswith(("expect(", "expect.")) or code == "ERR_ASSERTION":
        return Category.ASSERTION
    if name == "Error" and message.startswith("Expected ") and " to " in message:
        return Category.ASSERTION  # jasmine and karma: ``Error: Expected 4 to be 5.``
    if name == "Error" and message[:11].lower() == "timeout of " and "exceeded" in message:
        return Category.TIMEOUT  # mocha (``timeout of 2000ms exceeded`` before mocha 4)
    if name == "Error" and message.startswith("Timeout - Async "):
        return Category.TIMEOUT  # jasmine and karma: ``Error: Timeout - Async function did not …``
    return _BY_NAME.get(name, Category.RUNTIME_ERROR)


#: A package manager's own code: its crash stack repeats the error it printed itself.
_PACKAGE_MANAGER = ("node_modules/yarn/", "node_modules/npm/", "node_modules/pnpm/")


#: node's own modules, named bare in the frames of node 0.x to 14 (``timers.js:488:11``).
_CORE_MODULE = re.compile(
    r"(?:_\w+|assert|async_hooks|bootstrap_node|buffer|child_process|cluster|console|crypto"
    r"|dgram|dns|domain|events|fs|http2?|https|module|net|node|os|path|process|punycode"
    r"|querystring|readline|repl|stream|string_decoder|timers|tls|tty|url|util|vm|zlib)\.js"
)


def node_core(path: str) -> bool:
    """A frame of node itself: ``node:internal/…``, ``internal/…``, or a bare ``timers.js``."""
    return path.startswith(("node:", "internal/")) or _CORE_MODULE.fullmatch(path) is not None


def _outside(path: str) -> bool:
    """A frame of node itself or of a dependency, not of the project."""
    path = path.replace("\\", "/")
    return node_core(path) or "node_modules/" in path


class _Error:
    """An error line being read, with what places it."""

    def __init__(self, lineno: int, message: str, category: Category) -> None:
        self.lineno = lineno
        self.message = message
        self.category = category
        #: ``path.js:12`` with a caret printed above the error: where node says it was thrown.
        self.thrown_at: tuple[str, int] | None = None
        #: Reported even without a stack (an unhandled rejection says enough by itself).
        self.certain = False
        self.lines = 0
        self.framed = False


class NodeRecogniser(Recogniser):
    """An error line at the margin followed by ``    at`` frames is a Node.js stack."""

    name: ClassVar[str] = "node"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"error: ",
        b"error [err_",
        b"exception: ",
        b"unhandledpromiserejection",
    )
    patterns: ClassVar[tuple[bytes, ...]] = (_THROWN_AT_LINE,)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._error: _Error | None = None
        #: ``path.js:12``, whether a caret followed, and the lines read since.
        self._thrown_at: tuple[str, int] | None = None
        self._caret = False
        self._header_lines = 0

    @property
    def wants_more(self) -> bool:
        return self._error is not None or self._thrown_at is not None

    def gap(self) -> Sequence[Finding]:
        self._thrown_at = None
        return self._done(None, None)

    def _done(self, path: str | None, line: int | None) -> Sequence[Finding]:
        error, self._error = self._error, None
        if error is None:
            return NONE
        if error.thrown_at is not None and (error.category is Category.SYNTAX_ERROR or not path):
            # A parse error is where node points, even in a dependency (then no project file).
            path, line = error.thrown_at
            if _outside(path):
                path = line = None
        elif not (error.framed or path or error.certain):
            return NONE
        mocha = _MOCHA_FILE.search(error.message) if error.category is Category.TIMEOUT else None
        if mocha is not None:
            # mocha's own frames; the test file is named in the message.
            path, line = mocha["path"], None
        elif path is None and error.category is Category.IMPORT_ERROR:
            # An ES module's import: node's loader frames only; the message names the file.
            imported = _IMPORTED_FROM.search(error.message)
            if imported is not None and not _outside(imported["path"]):
                path, line = imported["path"], None
        return (
            Finding(
                category=error.category,
                message=error.message,
                tool="node",
                lineno=error.lineno,
                path=path,
                line=line,
            ),
        )

    def _start(self, lineno: int, line: str) -> Sequence[Finding]:
        """A line that may open an error (or say where the next one was thrown)."""
        certain = False
        text = line.lstrip(" ") if line[:1] == " " and line[:9].strip() else line
        if text.startswith("(node:"):
            warning = _REJECTION_WARNING.match(text)
            if warning is None:
                return NONE
            text, certain = text[warning.end() :], True
            if text.startswith("Unhandled promise rejection"):
                return NONE  # the warning's explanation of the one before
        elif text.startswith(("[UnhandledPromiseRejection: ", "UnhandledPromiseRejection: ")):
            rejection = _REJECTION.match(text)
            reason = rejection["reason"] if rejection else None
            named = _ERROR.match(reason) if reason else None
            category = (
                _category(named["name"], named["code"], named["msg"])
                if named
                else Category.RUNTIME_ERROR
            )
            message = f"Unhandled promise rejection: {reason or text[:200]}"
            self._error = _Error(lineno, message, category)
            self._error.certain = True
            return self._done(None, None)
        if text[:1].isupper() and ": " in text:
            error = _ERROR.match(text)
            # ts-node's ``TSError: … Unable to compile TypeScript`` is followed by tsc's own
            # ``path(line,col): error TS…`` lines, which place it.
            if error and error["name"] == "TSError":
                error = None
            if error and not (self.state.in_pytest or self.state.in_js_report):
                category = _category(error["name"], error["code"], error["msg"])
                self._error = _Error(lineno, text.strip()[:300], category)
                self._error.certain = certain
                if self._thrown_at is not None and self._caret:
                    self._error.thrown_at = self._thrown_at
                self._thrown_at = None
                return NONE
        if certain:
            # ``Unhandled promise rejection (rejection id: 2): ReferenceError: x`` without a stack
            # on the same line: the warning says what it says.
            self._error = _Error(lineno, text.strip()[:300], Category.RUNTIME_ERROR)
            self._error.certain = True
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._error is not None:
            error = self._error
            error.lines += 1
            frame = _FRAME.match(line) if line[:1] in " \t" else None
            if frame is None:
                if error.framed and _BARE_FRAME.match(line):
                    return NONE
                # A message may span lines (jest's Expected/Received) before the stack starts.
                if error.framed or error.lines > _MAX_LINES or line.startswith("(node:"):
                    return (*self.gap(), *self._start(lineno, line))
                return NONE
            path = frame["path"]
            if not error.framed and any(t in path.replace("\\", "/") for t in _PACKAGE_MANAGER):
                self._error = None  # npm.py reads what yarn or npm said
                return NONE
            error.framed = True
            if _outside(path):
                return NONE
            return self._done(path, int(frame["line"]))
        if line[-1:].isdigit():
            thrown_at = _THROWN_AT.match(line)
            if thrown_at is not None:
                self._thrown_at = (thrown_at["path"], int(thrown_at["line"]))
                self._caret, self._header_lines = False, 0
                return NONE
        if self._thrown_at is not None:
            self._header_lines += 1
            if _CARET.match(line):
                self._caret = True
            elif self._header_lines > _MAX_HEADER_LINES:
                self._thrown_at = None
        return self._start(lineno, line)
