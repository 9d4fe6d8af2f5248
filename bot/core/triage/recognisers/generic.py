"""Compilers and checkers of other languages: ``path:line:col: error: ...``, tsc, cargo."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.paths import PathResolver, in_temporary
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_GENERIC = re.compile(
    r"^(?P<path>[^\s:()][^\s:()]*\.[A-Za-z]\w*):(?P<line>\d+)(?::(?P<col>\d+))?: "
    r"(?:fatal )?(?P<level>error|warning)(?:\[(?P<rule>\w+)\])?:? (?P<msg>.*)$"
)
#: Old cppcheck: ``[src/a.c:12]: (error) Memory leak: p``.
_CPPCHECK = re.compile(
    r"^\[(?P<path>(?:[A-Za-z]:)?[^\s:\]]+\.\w+):(?P<line>\d+)\]: \((?P<level>\w+)\) (?P<msg>.*)$"
)
#: Kotlin: ``e: file:///src/A.kt:12:5 Unresolved reference: foo`` (and ``e: /src/A.kt: (12, 5): ``).
_KOTLIN = re.compile(
    r"^e: (?:file://)?(?P<path>[^\s:]+\.kts?)(?::(?P<line>\d+):\d+|: \((?P<l2>\d+), \d+\):) "
    r"(?P<msg>.*)$"
)
_TSC = re.compile(
    r"^(?P<path>[^\s()]+\.[cm]?[jt]sx?)\((?P<line>\d+),(?P<col>\d+)\): error (?P<rule>TS\d+): "
    r"(?P<msg>.*)$"
)
#: tsc ``--pretty``: ``src/a.ts:1:27 - error TS1005: ')' expected.``
_TSC_PRETTY = re.compile(
    r"^(?P<path>[^\s()]+\.[cm]?[jt]sx?):(?P<line>\d+):(?P<col>\d+) - error (?P<rule>TS\d+): "
    r"(?P<msg>.*)$"
)
#: cargo's ``Compiling kernel v0.1.0 (/home/me/code/ws/kernel)``: a local crate's folder.
_COMPILING = re.compile(r"^\s*Compiling \S+ v\S+ \((?P<dir>(?:/|[A-Za-z]:[\\/])[^)]+)\)$")
#: MSBuild's canonical form (csc, fsc, vbc, MSVC's cl): ``src/Program.cs(12,13): error CS0103:
#: The name 'x' does not exist in the current context [/src/App.csproj]``.
_MSBUILD = re.compile(
    r"^(?P<path>[^\s(][^(]*?\.(?:cs|fs|fsx|vb|cpp|cc|cxx|c|h|hpp|hxx|xaml|razor|cshtml))"
    r"\((?P<line>\d+)(?:,\d+)*\): (?:fatal )?error (?P<rule>(?:CS|FS|BC|C)\d{4}): (?P<msg>.*?)"
    r"(?: \[[^\]]+\])?$"
)
#: C# and MSVC codes whose error is the parser's, or a missing namespace or header.
_MSBUILD_SYNTAX = frozenset(
    {"CS1001", "CS1002", "CS1003", "CS1010", "CS1012", "CS1022", "CS1026", "CS1513", "CS1514"}
    | {"CS1519", "CS1525", "CS1733", "CS8025", "C2059", "C2143", "C2146", "C2447"}
)
_MSBUILD_IMPORT = frozenset({"CS0246", "CS0234", "BC30002", "BC40056", "C1083", "FS0039"})
_RUST_HEAD = re.compile(r"^error(?:\[(?P<rule>E\d{4})\])?: (?P<msg>.+)$")
_RUST_ARROW = re.compile(r"^\s*--> (?P<path>[^:\s]+\.rs):(?P<line>\d+):(?P<col>\d+)$")
_SKIP_SUFFIXES = (".py", ".pyi")
#: rustc's parse errors carry no error code and start with these words.
_RUST_SYNTAX = (
    "expected ",
    "unexpected ",
    "mismatched closing delimiter",
    "this file contains an unclosed delimiter",
    "unknown start of token",
    "unterminated ",
)


def in_crate(crate: str | None, path: str) -> str:
    """rustc's path of a workspace member's file, relative to the member (older cargo) or to
    the workspace (newer): put under the member's folder in the checkout unless it already
    starts with that folder (``kernel/src/a.rs`` for ``…/ws/kernel``)."""
    if crate is None or path.startswith(("/", "../")) or ":" in path[:3] or in_temporary(crate):
        return path
    manifest = PathResolver().resolve(crate.rstrip("/\\") + "/Cargo.toml")
    folder = manifest.removesuffix("Cargo.toml").rstrip("/") if manifest else ""
    if not folder or path.startswith(folder + "/"):
        return path
    return f"{folder}/{path}"


#: rustc's codes for a path that does not resolve: an import, a crate, a module.
_RUST_IMPORT = frozenset({"E0432", "E0433", "E0463", "E0583"})


def _rust_category(rule: str | None, message: str) -> Category:
    if rule is None and message.startswith(_RUST_SYNTAX):
        return Category.SYNTAX_ERROR
    if rule in _RUST_IMPORT:
        return Category.IMPORT_ERROR
    return Category.TYPE_ERROR


#: A warning made an error (gcc ``[-Werror=unused-variable]``, clang ``[-Werror,-Wunused]``),
#: or a static analyser's rule (cppcheck ``[memleak]``, clang-tidy ``[bugprone-x]``,
#: shellcheck ``[SC2086]``): what a linter would say, not what a compiler must refuse.
_LINT_RULE = re.compile(
    r"\[(?:-Werror[^\]]*|[a-z]+[A-Z]\w*|[a-z]+(?:-[a-z0-9]+)+(?:,-warnings-as-errors)?|SC\d{4})\]$"
)
#: Parsers' messages in C, C++, Java, C#, Kotlin and friends.
_SYNTAX_MESSAGES = (
    "expected ",
    "';' expected",
    "')' expected",
    "'(' expected",
    "<identifier> expected",
    "illegal start of",
    "not a statement",
    "reached end of file while parsing",
    "class, interface, enum, or record expected",
    "unterminated ",
    "missing terminating",
    "stray ",
    "unexpected end of",
    "unclosed ",
    "extraneous closing brace",
    "expecting ",
    "syntax error",
    "Expecting ",
)
#: A header or package that is not there: the C and Java form of a failed import.
#: gcc says ``fatal error: filesystem: No such file or directory`` only of an ``#include``.
_MISSING = re.compile(
    r"(?:\.h(?:pp|h|xx)?: No such file or directory|\.h(?:pp|h|xx)?' file not found"
    r"|^[\w./+-]+: No such file or directory$|^'[\w./+-]+' file not found$"
    r"|^package [\w.]+ does not exist|^cannot find module|^Unresolved import)"
)
_RULE_SUFFIX = re.compile(r" \[([^\]\s]+)\]$")


#: What compilers only ever warn about: an error saying it was made one by ``-Werror``.
_WARNING_ONLY = re.compile(
    r"^(?:unused (?:variable|parameter|function|label|value|result)|variable .* set but not used"
    r"|.* defined but not used|.* declared but never referenced|comparison of integer"
    r"|implicit conversion|.* may be used uninitialized|.* is used uninitialized"
    r"|this statement may fall through|unused import)"
)


#: Test frameworks that print a failed assertion as a compiler would an error (CppUTest's
#: ``a.cpp:20: error: Failure in TEST(...)``, googletest under MSVC).
_TEST_FAILURES = ("Failure in TEST", "Value of: ", "Expected equality", "Failure", "FAILED:")


def compiler_category(message: str, rule_text: str = "") -> Category:
    """A compiler's or static analyser's error: lint, syntax, a missing import, else a type
    (semantic) error."""
    if message.startswith(_TEST_FAILURES):
        return Category.ASSERTION
    if _LINT_RULE.search(rule_text or message) or _WARNING_ONLY.match(message):
        return Category.LINT
    if message.startswith(_SYNTAX_MESSAGES) or "expected '" in message[:40]:
        return Category.SYNTAX_ERROR
    if _MISSING.search(message):
        return Category.IMPORT_ERROR
    return Category.TYPE_ERROR


def tsc_category(rule: str) -> Category:
    """TS1xxx are the parser's diagnostics; the rest come from the type checker."""
    return (
        Category.SYNTAX_ERROR if rule.startswith("TS1") and len(rule) == 6 else Category.TYPE_ERROR
    )


class GenericRecogniser(Recogniser):
    """Errors in the common ``file:line[:col]: error`` shape; Python files are left to mypy."""

    name: ClassVar[str] = "generic"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"error",)
    patterns: ClassVar[tuple[bytes, ...]] = (rb"Compiling [^ \t\r\n]+ v[0-9][^ \t\r\n]* \(",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        #: The local crate cargo is compiling, whose folder rustc's relative paths may start from.
        self._crate: str | None = None
        self._rust: tuple[int, str, str | None] | None = None
        self._clippy: Finding | None = None
        #: ``cc1: warnings being treated as errors`` (gcc before 4.8 prints it first).
        self._werror = False

    @property
    def wants_more(self) -> bool:
        return self._rust is not None or self._clippy is not None

    def gap(self) -> Sequence[Finding]:
        self._rust = None
        clippy, self._clippy = self._clippy, None
        return (clippy,) if clippy is not None else NONE

    def _clippy_line(self, line: str) -> Sequence[Finding] | None:
        """Lines after a Rust error's place: clippy's notes make it a lint."""
        assert self._clippy is not None
        stripped = line.strip()
        if stripped[:1] in ("=", "|") or stripped.startswith("help:") or stripped[:1].isdigit():
            if "rust-clippy" in stripped or "clippy::" in stripped:
                found, self._clippy = self._clippy, None
                return (replace(found, category=Category.LINT, tool="clippy"),)
            return NONE
        return None

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._clippy is not None:
            held = self._clippy_line(line)
            if held is not None:
                return held
            return (*self.gap(), *self.feed(lineno, line))
        rust, self._rust = self._rust, None
        if rust is not None:
            arrow = _RUST_ARROW.match(line)
            if arrow:
                at, msg, rule = rust
                self._clippy = Finding(
                    category=_rust_category(rule, msg),
                    message=msg,
                    tool="cargo",
                    lineno=at,
                    path=in_crate(self._crate, arrow["path"]),
                    line=int(arrow["line"]),
                    rule=rule,
                )
                return NONE
        if "Compiling " in line:
            compiling = _COMPILING.match(line)
            if compiling:
                self._crate = compiling["dir"]
                return NONE
        if "warnings being treated as errors" in line:
            self._werror = True
            return NONE
        if "error" not in line and not (self._werror and "warning" in line):
            return NONE
        head = _RUST_HEAD.match(line)
        if head and not line.startswith("error: could not compile"):
            self._rust = (lineno, head["msg"], head["rule"])
            return NONE
        for pattern in (_TSC, _TSC_PRETTY):
            match = pattern.match(line)
            if match:
                return (
                    Finding(
                        category=tsc_category(match["rule"]),
                        message=match["msg"],
                        tool="tsc",
                        lineno=lineno,
                        path=match["path"],
                        line=int(match["line"]),
                        rule=match["rule"],
                    ),
                )
        return self._compiler(lineno, line)

    def _msbuild(self, lineno: int, line: str) -> Sequence[Finding]:
        match = _MSBUILD.match(line)
        if match is None:
            return NONE
        rule, message = match["rule"], match["msg"]
        if rule in _MSBUILD_SYNTAX:
            category = Category.SYNTAX_ERROR
        elif rule in _MSBUILD_IMPORT and not (rule == "FS0039" and "namespace" not in message):
            category = Category.IMPORT_ERROR
        else:
            category = compiler_category(message)
        return (
            Finding(
                category=category,
                message=message,
                tool="compiler",
                lineno=lineno,
                path=match["path"],
                line=int(match["line"]),
                rule=rule,
            ),
        )

    def _compiler(self, lineno: int, line: str) -> Sequence[Finding]:
        if "): " in line and " error " in line:
            found = self._msbuild(lineno, line)
            if found:
                return found
        kotlin = _KOTLIN.match(line) if line.startswith("e: ") else None
        if kotlin:
            return (
                Finding(
                    category=compiler_category(kotlin["msg"]),
                    message=kotlin["msg"],
                    tool="kotlinc",
                    lineno=lineno,
                    path=kotlin["path"],
                    line=int(kotlin["line"] or kotlin["l2"]),
                ),
            )
        cppcheck = _CPPCHECK.match(line) if line.startswith("[") else None
        match = cppcheck or _GENERIC.match(line)
        if match is None or match["path"].endswith(_SKIP_SUFFIXES):
            return NONE
        message, level = match["msg"], match["level"]
        if "o space left on device" in message:
            return NONE  # the compiler could not write its output: the runner's disk is full
        rule_match = _RULE_SUFFIX.search(message)
        rule = match.groupdict().get("rule") or (rule_match[1] if rule_match else None)
        if cppcheck:
            category = Category.LINT  # cppcheck reports what it was asked to check
        elif level == "warning":
            # A warning fails the build only when the log says warnings are errors.
            if not (self._werror or (rule and rule.startswith("-Werror"))):
                return NONE
            category = Category.LINT
        else:
            category = compiler_category(message)
        if rule and "clang-format" in rule:
            category = Category.FORMAT
        path = match["path"]
        while path.startswith("../"):  # a build directory one level below the checkout
            path = path[3:]
        return (
            Finding(
                category=category,
                message=message,
                tool="cppcheck" if cppcheck else "compiler",
                lineno=lineno,
                path=path,
                line=int(match["line"]),
                rule=rule,
            ),
        )
