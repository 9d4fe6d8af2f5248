"""Text fixers as pure ``str -> str`` functions, each guarded so the content keeps its meaning."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable

_LINE_END = re.compile(r"\r\n|\r|\n")
_TRAILING = re.compile(r"[ \t\f\v]+(?=\r\n|\r|\n|$)")


def first_line_ending(text: str) -> str:
    """The file's first line ending (what ruff's formatter keeps), or ``\\n`` for none."""
    match = _LINE_END.search(text)
    return match.group(0) if match else "\n"


def fix_mixed_line_endings(text: str) -> str:
    """Convert every line ending to the file's first one."""
    if "\r" not in text:
        return text
    ending = first_line_ending(text)
    return _LINE_END.sub(ending, text)


def strip_trailing_whitespace(text: str) -> str:
    """Remove spaces and tabs at the end of every line."""
    return _TRAILING.sub("", text)


def ensure_final_newline(text: str) -> str:
    """End a non-empty text with exactly one line ending (blank lines at the end dropped)."""
    body = text.rstrip("\r\n")
    if not body.strip():
        return "" if not text.strip() else text
    return body + first_line_ending(text)


def _markdown_line(line: str, next_line: str) -> str:
    stripped = line.rstrip(" \t")
    # Two trailing spaces before more text is a Markdown hard line break: keep exactly two.
    if line.endswith("  ") and stripped.strip() and next_line.strip():
        return stripped + "  "
    return stripped


def fix_markdown(text: str) -> str:
    """Markdown whitespace: trailing spaces (hard breaks kept) and the final newline."""
    ending = first_line_ending(text)
    lines = _LINE_END.split(text)
    fixed = [_markdown_line(line, nxt) for line, nxt in zip(lines, [*lines[1:], ""], strict=True)]
    return ensure_final_newline(ending.join(fixed))


def _load_yaml(text: str) -> object:
    import yaml  # only runs that fix a YAML file pay for the import

    return list(yaml.safe_load_all(text))


def _load_toml(text: str) -> object:
    return tomllib.loads(text)


def _guarded(fix: Callable[[str], str], load: Callable[[str], object], text: str) -> str:
    """Apply ``fix`` only when the document still parses to the same data afterwards."""
    fixed = fix(text)
    if fixed == text:
        return text
    try:
        same = load(fixed) == load(text)
    except Exception:  # unparseable before or after: leave the file alone
        return text
    return fixed if same else text


def _whitespace(text: str) -> str:
    return ensure_final_newline(strip_trailing_whitespace(text))


def fix_yaml(text: str) -> str:
    """YAML whitespace, kept only when the documents load to the same data."""
    return _guarded(_whitespace, _load_yaml, text)


def fix_toml(text: str) -> str:
    """TOML whitespace, kept only when the document loads to the same data."""
    return _guarded(_whitespace, _load_toml, text)
