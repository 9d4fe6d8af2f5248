"""Pure decisions about ruff: which codes and settings a run uses, and reading its fix report."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.fixes.catalog import Engine, FixEntry

_FILE_LINE = re.compile(r"^- (?P<path>.+):$")
_SYNTAX = re.compile(
    r"^(?:error: Failed to parse )?(?P<path>.+?):(?P<row>\d+):(?P<col>\d+):"
    r" (?:invalid-syntax: )?(?P<message>.+)$"
)
#: Entries whose rewrites need a newer Python than some projects still support.
VERSION_SENSITIVE = frozenset(
    {"pyupgrade-typing", "pyupgrade-syntax", "pyupgrade-aliases", "fstring-conversion"}
)
#: The oldest Python ruff can target; a project supporting older ones skips those entries.
OLDEST_TARGET = (3, 7)
_COUNT_LINE = re.compile(r"^\s+(?P<count>\d+) " "\u00d7" r" (?P<code>[A-Z]+[0-9]+)\b")


@dataclass(frozen=True, kw_only=True)
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
    #: The oldest Python the project supports, when its metadata says (None: unknown).
    min_python: tuple[int, int] | None = None
    #: Settings for the formatter only (black's line length when black is the formatter).
    format_overrides: tuple[str, ...] = ()
    #: The only rule codes the linter may fix (None: every code of the chosen entries); the
    #: repository's own rule selection, or the rules a failed run complained about.
    only_codes: frozenset[str] | None = None
    #: Files a fix family must leave alone (fix id -> paths): outside the reach of the
    #: pre-commit hook that asks for it (its ``files``/``exclude``).
    out_of_reach: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def skipped_codes(self, rel: str, entries: Iterable[FixEntry]) -> frozenset[str]:
        """Rule codes of the entries that must leave ``rel`` alone."""
        return frozenset(
            code
            for entry in entries
            if rel in self.out_of_reach.get(entry.id, ())
            for code in entry.rules
        )

    @property
    def too_old_for(self) -> frozenset[str]:
        """Entry ids skipped because the project supports a Python ruff cannot target."""
        old = self.min_python is not None and self.min_python < OLDEST_TARGET
        return VERSION_SENSITIVE if old else frozenset()


def is_ignored(code: str, ignore: Iterable[str]) -> bool:
    """True when the repository ignores this code by exact code, prefix or ``ALL``."""
    return any(prefix == "ALL" or code.startswith(prefix) for prefix in ignore)


def lint_codes(
    entries: Iterable[FixEntry], style: RepoStyle, skip: Iterable[str] = ()
) -> tuple[str, ...]:
    """Ruff codes to select for these entries, minus what the repository ignores or ``skip``."""
    chosen: list[str] = []
    skipped = set(skip)
    for entry in entries:
        if entry.engine is not Engine.RUFF or entry.id in style.too_old_for:
            continue
        if entry.id == "quote-style" and style.quote_style == "preserve":
            continue  # the repository keeps whatever quotes the author wrote
        chosen.extend(
            code
            for code in entry.rules
            if not is_ignored(code, style.ignore)
            and code not in skipped
            and (style.only_codes is None or code in style.only_codes)
        )
    return tuple(chosen)


def check_args(
    entries: Sequence[FixEntry], style: RepoStyle, skip: Iterable[str] = ()
) -> list[str]:
    """Arguments for one ``ruff check --fix`` over the tree (files appended by the caller)."""
    codes = lint_codes(entries, style, skip)
    if not codes:
        return []
    promoted = [code for entry in entries for code in entry.promote] + [
        code for entry in entries if not entry.safe for code in entry.rules
    ]
    args = ["check", "--fix", "--show-fixes", "--no-cache", "--force-exclude", "--exit-zero"]
    args += ["--output-format", "concise"]
    args += ["--select", ",".join(codes), *style.overrides]
    if promoted:
        safe = sorted({*promoted, *style.extend_safe_fixes})
        args += ["--config", f"lint.extend-safe-fixes = {safe!r}"]
    if style.quote_style == "single" and not style.lint_quotes_configured:
        args += ["--config", "lint.flake8-quotes.inline-quotes = 'single'"]
    return args


def report_args(entries: Sequence[FixEntry], style: RepoStyle) -> list[str]:
    """Arguments for ``ruff check`` listing, as JSON, what the same run would still fix."""
    args = check_args(entries, style)
    if not args:
        return []
    at = args.index("--output-format")
    kept = [a for a in args[:at] + args[at + 2 :] if a not in {"--fix", "--show-fixes"}]
    return [*kept, "--output-format", "json"]


def format_args(style: RepoStyle) -> list[str]:
    """Arguments for one ``ruff format`` over the tree (files appended by the caller)."""
    return ["format", "--no-cache", "--force-exclude", *style.overrides, *style.format_overrides]


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


def parse_syntax_errors(output: str) -> dict[str, str]:
    """Files ruff could not parse (from ``check`` or ``format`` output): path -> first error."""
    errors: dict[str, str] = {}
    for line in output.splitlines():
        match = _SYNTAX.match(line)
        if match and ("invalid-syntax: " in line or line.startswith("error: Failed to parse")):
            where = f"line {match['row']}, column {match['col']}"
            errors.setdefault(match["path"], f"syntax error at {where}: {match['message']}")
    return errors


def codes_to_entries(codes: Mapping[str, int], entries: Iterable[FixEntry]) -> list[str]:
    """Ids of the entries that own these fixed codes, in catalog order."""
    return [entry.id for entry in entries if any(code in entry.rules for code in codes)]
