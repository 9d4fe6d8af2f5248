"""Type checkers: mypy ``path:line: error: message  [code]`` and pyright ``path:l:c - error``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_MYPY = re.compile(
    r"^(?P<path>[^\s:][^:]*?\.pyi?):(?P<line>\d+)(?::\d+)?(?::\d+:\d+)?: error: "
    r"(?P<msg>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)
_PYRIGHT = re.compile(
    r"^\s*(?P<path>[^\s:][^:]*?\.pyi?):(?P<line>\d+):(?P<col>\d+) - error: "
    r"(?P<msg>.*?)(?: \((?P<code>report\w+)\))?$"
)
_RULE = re.compile(r"\((?P<rule>report\w+)\)\s*$")
#: mypy wraps a long message (``--pretty``, or a ``pretty`` config) and ends it with the code.
_WRAPPED_CODE = re.compile(r"(?:^|\s)\[(?P<code>[a-z][\w-]*)\]$")
_HEADER = re.compile(r"^[^\s:][^:]*?\.pyi?:\d+(?::\d+)?: ")
_IMPORT_CODES = frozenset({"import-not-found", "import", "reportMissingImports"})


def _category(tool: str, code: str | None) -> Category:
    if code in _IMPORT_CODES:
        return Category.IMPORT_ERROR
    if code == "syntax" or (tool == "pyright" and code is None):
        return Category.SYNTAX_ERROR
    return Category.TYPE_ERROR


class TypeCheckRecogniser(Recogniser):
    """One finding per type checker error; notes and summaries are ignored.

    pyright puts the rule on the message's last continuation line, so its error is held until
    the next line that is not a continuation; a syntax error's cascade (many rule-less errors
    in one file) is reported once.
    """

    name: ClassVar[str] = "mypy"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._pyright: tuple[int, str, str, int] | None = None
        self._rule: str | None = None
        self._unparsable: set[str] = set()
        self._mypy: tuple[int, str, str, int] | None = None

    @property
    def wants_more(self) -> bool:
        return self._pyright is not None or self._mypy is not None

    def _mypy_done(self, code: str | None = None, more: str = "") -> Sequence[Finding]:
        pending, self._mypy = self._mypy, None
        if pending is None:
            return NONE
        lineno, message, path, line = pending
        message = f"{message} {more}".strip() + (f"  [{code}]" if code else "")
        category = _category("mypy", code)
        return (
            Finding(
                category=category,
                message=message,
                tool="mypy",
                lineno=lineno,
                path=path,
                line=line,
                rule=code,
            ),
        )

    def _wrapped(self, line: str) -> Sequence[Finding] | None:
        """A continuation of a wrapped mypy message, or None when the message has ended."""
        assert self._mypy is not None
        if (
            not line.strip()
            or line.startswith(("    ", "Found ", "Success: "))
            or _HEADER.match(line)
        ):
            return None
        code = _WRAPPED_CODE.search(line)
        if code:
            return self._mypy_done(code["code"], line[: code.start()].strip())
        lineno, message, path, number = self._mypy
        self._mypy = (lineno, f"{message} {line.strip()}"[:1000], path, number)
        return NONE

    def gap(self) -> Sequence[Finding]:
        done = self._mypy_done()
        if done:
            return done
        pending, self._pyright = self._pyright, None
        if pending is None:
            return NONE
        lineno, message, path, line = pending
        category = _category("pyright", self._rule)
        if category is Category.SYNTAX_ERROR:
            if path in self._unparsable:
                return NONE
            self._unparsable.add(path)
        message += f"  [{self._rule}]" if self._rule else ""
        return (
            Finding(
                category=category,
                message=message,
                tool="pyright",
                lineno=lineno,
                path=path,
                line=line,
                rule=self._rule,
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        done: Sequence[Finding] = NONE
        if self._mypy is not None:
            wrapped = self._wrapped(line)
            if wrapped is not None:
                return wrapped
            done = self._mypy_done()
        if self._pyright is not None:
            # Continuation lines are indented with spaces and no-break spaces.
            if not line[:4].strip() and line[:1].isspace() and " - error: " not in line:
                rule = _RULE.search(line)
                self._rule = rule["rule"] if rule else self._rule
                return NONE
            done = self.gap()
        if "error: " not in line:
            return done
        pyright = _PYRIGHT.match(line)
        if pyright:
            self._rule = pyright["code"]
            self._pyright = (lineno, pyright["msg"], pyright["path"], int(pyright["line"]))
            return done
        match = _MYPY.match(line)
        if match:
            self._mypy = (lineno, match["msg"], match["path"], int(match["line"]))
            if match["code"]:
                return (*done, *self._mypy_done(match["code"]))
        return done
