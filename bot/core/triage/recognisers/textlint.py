"""Linters of text files: codespell, yamllint (standard and parsable), markdownlint-cli."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: codespell: ``calc/core.py:5: teh ==> the``.
_CODESPELL = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+): (?P<word>\S.*?) ==> (?P<fix>.+)$")
#: yamllint's standard format: a file name, then ``  3:9   error  message  (rule)``.
_YAML_ISSUE = re.compile(
    r"^  (?P<line>\d+):\d+ +(?P<level>error|warning) +(?P<message>.+?)(?:  \((?P<rule>[\w-]+)\))?$"
)
_YAML_FILE = re.compile(r"^(?P<path>[^\s:]+\.ya?ml)$")
#: yamllint ``-f parsable``: ``path:3:9: [error] message (rule)``.
_YAML_PARSABLE = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):\d+: \[error\] (?P<message>.+?)(?: \((?P<rule>[\w-]+)\))?$"
)
#: markdownlint-cli: ``README.md:3:20 MD009/no-trailing-spaces Trailing spaces [...]``.
_MARKDOWN = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+)(?::\d+)? (?P<rule>MD\d{3})(?:/[\w/-]+)? (?P<message>.+)$"
)


class TextLintRecogniser(Recogniser):
    """Each reported problem is ``lint`` at its place; yamllint warnings do not fail a job."""

    name: ClassVar[str] = "textlint"
    reads_before: ClassVar[bool] = True
    #: yamllint pads its level column to nine characters; warnings are triggers too, so
    #: the file name above a file's first issue is in view.
    triggers: ClassVar[tuple[bytes, ...]] = (
        b" ==> ",
        b": [error] ",
        b" md0",
        b" error    ",
        b" warning  ",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._yaml: str | None = None

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        # Cheap substring checks first: every handed line reaches every recogniser.
        text = line.rstrip()
        if text.endswith((".yml", ".yaml")) and (header := _YAML_FILE.match(text)):
            self._yaml = header["path"]
            return NONE
        if text.startswith("  ") and self._yaml is not None:
            issue = _YAML_ISSUE.match(text)
            if issue is None or issue["level"] != "error":
                return NONE
            return (self._lint(lineno, self._yaml, issue["line"], issue["message"], issue["rule"]),)
        if ": [error] " in text or " MD" in text:
            for regex in (_YAML_PARSABLE, _MARKDOWN):
                if match := regex.match(text):
                    rule = match["rule"]
                    return (
                        self._lint(lineno, match["path"], match["line"], match["message"], rule),
                    )
        if " ==> " in text and (spelling := _CODESPELL.match(text)):
            message = f"misspelling: {spelling['word']} ==> {spelling['fix']}"
            return (self._lint(lineno, spelling["path"], spelling["line"], message, None),)
        return NONE

    def _lint(self, lineno: int, path: str, line: str, message: str, rule: str | None) -> Finding:
        code = rule.upper() if rule else None
        return Finding(
            category=Category.LINT,
            message=message.strip(),
            tool=self.name,
            lineno=lineno,
            path=path,
            line=int(line),
            rule=code,
        )
