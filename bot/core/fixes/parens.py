"""A codemod that ruff lacks: drop redundant parentheses around a statement's operand."""

from __future__ import annotations

import re

# Cheap filter so libcst parses only files that may hold a one-line redundant pair.
_CANDIDATE = re.compile(
    r"^[ \t]*(?:(?:(?:el)?if|while|for\b.*?\bin)[ \t]*(\(.*\))[ \t]*:"
    r"|(?:return|assert|del)[ \t]*(\(.*\)))[ \t]*(?:#.*)?$",
    re.MULTILINE,
)
_OPEN, _CLOSE = "([{", ")]}"


def _wraps_whole(group: str) -> bool:
    """True when the first parenthesis closes at the end and holds no top-level comma."""
    if group == "()" or group.startswith(("(yield", "(await")) or " for " in group or ":=" in group:
        return False
    depth = 0
    for index, char in enumerate(group):
        depth += (char in _OPEN) - (char in _CLOSE)
        if char == "," and depth == 1:
            return False
        if depth == 0:
            return index == len(group) - 1
    return False


def remove_redundant_parens(source: str) -> str:
    """``if (x):`` to ``if x:`` (and return/assert/del/while/for), leaving other code as is."""
    groups = (match.group(1) or match.group(2) for match in _CANDIDATE.finditer(source))
    if not any(_wraps_whole(group) for group in groups):
        return source
    # libcst is slow to import and to parse; most files never get this far.
    from bot.core.fixes.codemod import strip_parens

    return strip_parens(source)
