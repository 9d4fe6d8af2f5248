"""Workflow-command annotations (``::error file=...::message``) and bare ``##[error]`` lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.classify import category_for_lint
from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser
from bot.core.triage.recognisers.pytest import category_of_message

_COMMAND = re.compile(r"^::error(?: (?P<props>[^:]*(?::(?!:)[^:]*)*))?::(?P<msg>.*)$")
_TITLE_RULE = re.compile(r"\((?P<rule>[A-Z]{1,4}\d{2,4})\)")
_MSG_RULE = re.compile(r":\d+:\d+: (?P<rule>[A-Z]{1,4}\d{2,4}|invalid-syntax)\b")
_EXCEPTION = re.compile(r"\b(?:\w+\.)*\w+(?:Error|Exception)\b(?::.*)?")


def unescape(value: str) -> str:
    """Undo workflow-command escaping."""
    return (
        value.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def _properties(raw: str | None) -> dict[str, str]:
    props: dict[str, str] = {}
    for item in (raw or "").split(","):
        key, _, value = item.partition("=")
        if key.strip():
            props[key.strip()] = unescape(value)
    return props


def _category(title: str, message: str) -> tuple[Category, str | None]:
    rule_match = _TITLE_RULE.search(title) or _MSG_RULE.search(message)
    if rule_match:
        return category_for_lint(rule_match["rule"]), rule_match["rule"]
    if "mypy" in title.lower() or "pyright" in title.lower():
        return Category.TYPE_ERROR, None
    for text in (message, title):
        exception = _EXCEPTION.search(text)
        if exception:
            return category_of_message(exception[0]), None
    if "assert" in message:
        return Category.ASSERTION, None
    return Category.UNKNOWN, None


class AnnotationRecogniser(Recogniser):
    """An ``::error`` command is a finding; a bare ``##[error]`` is weak evidence."""

    name: ClassVar[str] = "annotation"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error",)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line.startswith("::error"):
            match = _COMMAND.match(line)
            if not match:
                return NONE
            props = _properties(match["props"])
            message = unescape(match["msg"]).strip()
            category, rule = _category(props.get("title", ""), message)
            line_no = props.get("line", "")
            return (
                Finding(
                    category=category,
                    message=message.split("\n", 1)[0],
                    tool="annotation",
                    lineno=lineno,
                    path=props.get("file"),
                    line=int(line_no) if line_no.isdigit() else None,
                    rule=rule,
                ),
            )
        if line.startswith("##[error]"):
            message = line[9:].strip()
            if message and "exit code" not in message:
                category, rule = _category("", message)
                return (
                    Finding(
                        category=category,
                        message=message,
                        tool="runner",
                        lineno=lineno,
                        rule=rule,
                        weak=True,
                    ),
                )
        return NONE
