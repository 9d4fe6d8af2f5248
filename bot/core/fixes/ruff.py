"""Pure decisions about ruff: which codes and settings a run uses, and reading its fix report."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.fixes.catalog import Engine, FixEntry

_FILE_LINE = re.compile(r"^- (?P<path>.+):$")
_COUNT_LINE = re.compile(r"^\s+(?P<count>\d+) " "\u00d7" r" (?P<code>[A-Z]+[0-9]+)\b")


@dataclass(frozen=True)
class RepoStyle:
    """The parts of a repository's own lint/format configuration that shape a fix run."""

    #: Rule codes or prefixes the repository ignores ("ALL" ignores everything).
    ignore: tuple[str, ...] = ()
    #: Ruff codes whose fixes the repository already promotes to safe.
    extend_safe_fixes: tuple[str, ...] = ()
    #: The formatter's quote style: "double", "single", "preserve" (None: not configured).
    quote_style: str | None = None
    #: Whether the repository configures flake8-quotes for the linter itself.
    lint_quotes_configured: bool = False
    #: CLI settings taken from another tool's config (black) when ruff has none.
    overrides: tuple[str, ...] = field(default=())


def is_ignored(code: str, ignore: Iterable[str]) -> bool:
    """True when the repository ignores this code by exact code, prefix or ``ALL``."""
    return any(prefix == "ALL" or code.startswith(prefix) for prefix in ignore)


def lint_codes(entries: Iterable[FixEntry], style: RepoStyle) -> tuple[str, ...]:
    """Ruff codes to select for these entries, minus what the repository ignores."""
    chosen: list[str] = []
    for entry in entries:
        if entry.engine is not Engine.RUFF:
            continue
        if entry.id == "quote-style" and style.quote_style == "preserve":
            continue  # the repository keeps whatever quotes the author wrote
        chosen.extend(code for code in entry.rules if not is_ignored(code, style.ignore))
    return tuple(chosen)


def check_args(entries: Sequence[FixEntry], style: RepoStyle) -> list[str]:
    """Arguments for one ``ruff check --fix`` over the tree (files appended by the caller)."""
    codes = lint_codes(entries, style)
    if not codes:
        return []
    promoted = [code for entry in entries for code in entry.promote] + [
        code for entry in entries if not entry.safe for code in entry.rules
    ]
    args = ["check", "--fix", "--show-fixes", "--no-cache", "--force-exclude", "--exit-zero"]
    args += ["--select", ",".join(codes), *style.overrides]
    if promoted:
        safe = sorted({*promoted, *style.extend_safe_fixes})
        args += ["--config", f"lint.extend-safe-fixes = {safe!r}"]
    if style.quote_style == "single" and not style.lint_quotes_configured:
        args += ["--config", "lint.flake8-quotes.inline-quotes = 'single'"]
    return args


def format_args(style: RepoStyle) -> list[str]:
    """Arguments for one ``ruff format`` over the tree (files appended by the caller)."""
    return ["format", "--no-cache", "--force-exclude", "--quiet", *style.overrides]


def parse_show_fixes(output: str) -> dict[str, dict[str, int]]:
    """Read ``ruff check --fix --show-fixes`` output: path -> rule code -> times fixed."""
    fixed: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for line in output.splitlines():
        if match := _FILE_LINE.match(line):
            current = fixed.setdefault(match["path"], {})
        elif current is not None and (match := _COUNT_LINE.match(line)):
            current[match["code"]] = current.get(match["code"], 0) + int(match["count"])
        elif line.strip() and not line.startswith(" "):
            current = None
    return fixed


def codes_to_entries(codes: Mapping[str, int], entries: Iterable[FixEntry]) -> list[str]:
    """Ids of the entries that own these fixed codes, in catalog order."""
    return [entry.id for entry in entries if any(code in entry.rules for code in codes)]
