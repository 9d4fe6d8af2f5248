"""pre-commit's per-hook report: files a fixer hook modified, and the built-in hooks' checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_STATUS = re.compile(r"^\S.*?\.{3,}(?:Passed|Failed|Skipped)$|^\S.*?\(no files to check\)Skipped$")
_HOOK = re.compile(r"^- hook id: (?P<hook>\S+)$")
#: ``Fixing x.py`` (pre-commit-hooks' fixers, isort) and black's ``reformatted x.py``.
_FIXED = re.compile(r"^(?:Fixing|reformatted) (?P<path>\S+)$")
_YAML = re.compile(r'^  in "(?P<path>[^"]+)", line (?P<line>\d+), column \d+$')
_TOML = re.compile(r"^(?P<path>\S+\.toml): (?P<message>.+) \(at line (?P<line>\d+), column \d+\)$")
_DEBUG = re.compile(r"^(?P<path>\S+\.py):(?P<line>\d+):\d+: (?P<what>\S+ (?:imported|called))$")
_CONFLICT = re.compile(r"^(?P<path>\S+):(?P<line>\d+): Merge conflict string .+ found$")
_DIFF = re.compile(r"^diff --git a/(?P<path>\S+) b/")
_DIFF_BODY = re.compile(r"^(?:diff --git |index |--- |\+\+\+ |@@|[ +\\-]|new file|deleted file|$)")
#: The catalog's rule for what a fixer hook does (whitespace, end of file, import order).
_RULES = {"trailing-whitespace": "W291", "end-of-file-fixer": "W292", "isort": "I001"}


class PreCommitRecogniser(Recogniser):
    """``- hook id: x`` blocks: a hook that modified files is ``format`` (one per file)."""

    name: ClassVar[str] = "pre-commit"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"- hook id: ", b"all changes made by hooks")

    _hook: str | None = None
    _modified = False
    _named = False
    _diff = False
    _yaml = False

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._unnamed: list[Finding] = []
        self._conflicts: set[str] = set()

    @property
    def wants_more(self) -> bool:
        return self._hook is not None or self._diff

    def _close(self, lineno: int) -> Sequence[Finding]:
        hook, modified, named = self._hook, self._modified, self._named
        self._hook, self._modified, self._named, self._yaml = None, False, False, False
        self._conflicts.clear()
        if hook is not None and modified and not named:
            # Held to the end: a ``--show-diff-on-failure`` diff may name the files later.
            message = f"pre-commit hook {hook} modified files"
            rule = _RULES.get(hook)
            self._unnamed.append(
                Finding(
                    category=Category.FORMAT,
                    message=message,
                    tool="pre-commit",
                    lineno=lineno,
                    rule=rule,
                )
            )
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith("All changes made by hooks"):
            self._diff = True
            return self._close(lineno)
        if self._diff:
            return self._feed_diff(lineno, line)
        hook = _HOOK.match(line)
        if hook:
            done = self._close(lineno)
            self._hook = hook["hook"]
            return done
        if self._hook is None:
            return NONE
        if _STATUS.match(line):
            return self._close(lineno)
        if line == "- files were modified by this hook":
            self._modified = True
            return NONE
        return self._feed_hook(lineno, line, self._hook)

    def _feed_hook(self, lineno: int, line: str, hook: str) -> Sequence[Finding]:
        fixed = _FIXED.match(line)
        if fixed and self._modified:
            self._named = True
            message = f"pre-commit hook {hook} modified {fixed['path']}"
            rule = _RULES.get(hook)
            return (
                Finding(
                    category=Category.FORMAT,
                    message=message,
                    tool="pre-commit",
                    lineno=lineno,
                    path=fixed["path"],
                    rule=rule,
                ),
            )
        found = _CONFLICT.match(line) or _TOML.match(line)
        if found and found["path"] not in self._conflicts:
            self._conflicts.add(found["path"])
            message = found["message"] if "message" in found.groupdict() else line
            path, at = found["path"], int(found["line"])
            return (
                Finding(
                    category=Category.SYNTAX_ERROR,
                    message=message,
                    tool=hook,
                    lineno=lineno,
                    path=path,
                    line=at,
                ),
            )
        yaml = _YAML.match(line)
        if yaml and not self._yaml:
            self._yaml = True
            message = f"YAML parse error in {yaml['path']}"
            return (
                Finding(
                    category=Category.SYNTAX_ERROR,
                    message=message,
                    tool=hook,
                    lineno=lineno,
                    path=yaml["path"],
                    line=int(yaml["line"]),
                ),
            )
        debug = _DEBUG.match(line)
        if debug:
            path, at = debug["path"], int(debug["line"])
            return (
                Finding(
                    category=Category.LINT,
                    message=debug["what"],
                    tool=hook,
                    lineno=lineno,
                    path=path,
                    line=at,
                ),
            )
        return NONE

    def _feed_diff(self, lineno: int, line: str) -> Sequence[Finding]:
        if not _DIFF_BODY.match(line):
            self._diff = False
            return NONE
        diff = _DIFF.match(line)
        if diff is None:
            return NONE
        self._unnamed.clear()
        message = f"pre-commit hooks modified {diff['path']}"
        return (
            Finding(
                category=Category.FORMAT,
                message=message,
                tool="pre-commit",
                lineno=lineno,
                path=diff["path"],
            ),
        )

    def gap(self) -> Sequence[Finding]:
        self._diff = False
        return self._close(0)

    def finish(self) -> Sequence[Finding]:
        self.gap()
        unnamed, self._unnamed = self._unnamed, []
        return unnamed
