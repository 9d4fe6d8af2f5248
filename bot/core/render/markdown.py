"""Markdown that hostile text cannot break out of: escaping, mention neutralising, limits."""

from __future__ import annotations

import html
import re

#: After ``@`` a zero-width space: GitHub then links no user and notifies nobody.
_MENTION_BREAK = "@\u200b"
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_BACKTICKS = re.compile(r"`+")
_BARE_AT = re.compile("@(?!\u200b)")
TRUNCATED = "\n\n… (cut to fit GitHub's limit)"


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


def text(value: str) -> str:
    """Log text as inert inline Markdown: no HTML, no links, no mentions, no table breaks."""
    escaped = html.escape(one_line(value), quote=False)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped).replace("@", _MENTION_BREAK)


def code(value: str) -> str:
    """A code span holding ``value`` verbatim (safe in a table cell); empty for no text."""
    value = one_line(value).replace("|", "\\|")
    if not value:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def plain(value: str, limit: int) -> str:
    """Plain text (titles, annotation messages) cut to ``limit`` characters."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def fit(markdown: str, limit: int) -> str:
    """A Markdown document cut to ``limit`` characters, saying that it was cut."""
    if len(markdown) <= limit:
        return markdown
    return markdown[: limit - len(TRUNCATED)] + TRUNCATED


def no_mentions(markdown: str) -> str:
    """Markdown the bot wrote, kept as is except that no ``@name`` in it notifies anyone."""
    return _BARE_AT.sub(_MENTION_BREAK, markdown)
