"""The mechanical fix catalog: the one place that says which findings a fixer answers."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import UsageError


class Safety(enum.StrEnum):
    """Whether a fix may run by default (SAFE) or only on explicit opt-in (UNSAFE)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Engine(enum.StrEnum):
    """What applies a fix: ruff's linter, ruff's formatter, a text fixer or a libcst codemod."""

    RUFF = "ruff"
    RUFF_FORMAT = "ruff-format"
    TEXT = "text"
    LIBCST = "libcst"


@dataclass(frozen=True, kw_only=True)
class FixEntry:
    """One catalog entry: what it fixes, which findings it answers and how it runs."""

    id: str
    title: str
    engine: Engine
    safety: Safety
    #: Tool rule codes this entry fixes (ruff codes for the ruff engine; other tools' codes
    #: such as pylint's C0325 or markdownlint's MD009 for the others).
    rules: tuple[str, ...] = ()
    #: Triage categories answered as a whole (only the formatter answers ``format``).
    categories: tuple[str, ...] = ()
    #: File suffixes a text fixer or codemod applies to.
    suffixes: tuple[str, ...] = (".py",)
    #: Ruff codes whose fixes ruff marks unsafe only because a comment might be dropped;
    #: this entry promotes them to safe (``lint.extend-safe-fixes``).
    promote: tuple[str, ...] = ()
    idempotent: bool = True

    @property
    def safe(self) -> bool:
        return self.safety is Safety.SAFE

    def answers(self, category: str, rule: str | None) -> bool:
        """True when this entry fixes a finding of this category and rule."""
        if category in self.categories:
            return True
        return category == "lint" and rule is not None and rule.upper() in self.rules


_TEXT_FILES = (".yml", ".yaml", ".md", ".markdown", ".toml")
# Ruff marks these unsafe only because a rewrite may occasionally drop a comment.
_COMPREHENSIONS = (
    "C400", "C401", "C402", "C403", "C404", "C405", "C406",
    "C408", "C409", "C410", "C411", "C414", "C418", "C420",
)  # fmt: skip

CATALOG: tuple[FixEntry, ...] = (
    FixEntry(
        id="import-sorting",
        title="Sort and group imports (isort rules)",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("I001",),
    ),
    FixEntry(
        id="unused-imports",
        title="Remove unused imports",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("F401",),
    ),
    FixEntry(
        id="formatting",
        title="Format code with the repository's formatter settings",
        engine=Engine.RUFF_FORMAT,
        safety=Safety.SAFE,
        categories=("format",),
    ),
    FixEntry(
        id="trailing-whitespace",
        title="Strip trailing whitespace",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("W291", "W293"),
    ),
    FixEntry(
        id="eof-newline",
        title="End the file with exactly one newline",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("W292",),
    ),
    FixEntry(
        id="mixed-line-endings",
        title="Use the file's first line ending throughout",
        engine=Engine.TEXT,
        safety=Safety.SAFE,
        rules=("MIXED-LINE-ENDING",),
        suffixes=(".py", *_TEXT_FILES),
    ),
    FixEntry(
        id="yaml-whitespace",
        title="YAML: strip trailing spaces and end with one newline",
        engine=Engine.TEXT,
        safety=Safety.SAFE,
        rules=("TRAILING-SPACES", "NEW-LINE-AT-END-OF-FILE"),
        suffixes=(".yml", ".yaml"),
    ),
    FixEntry(
        id="markdown-whitespace",
        title="Markdown: strip trailing spaces (keeping hard breaks) and end with one newline",
        engine=Engine.TEXT,
        safety=Safety.SAFE,
        rules=("MD009", "MD047"),
        suffixes=(".md", ".markdown"),
    ),
    FixEntry(
        id="toml-whitespace",
        title="TOML: strip trailing spaces and end with one newline",
        engine=Engine.TEXT,
        safety=Safety.SAFE,
        suffixes=(".toml",),
    ),
    FixEntry(
        id="quote-style",
        title="Use the configured quote style for strings",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("Q000", "Q001", "Q002", "Q003"),
    ),
    FixEntry(
        id="fstring-conversion",
        title="Turn str.format calls into f-strings",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("UP032",),
    ),
    FixEntry(
        id="fstring-placeholders",
        title="Drop the f prefix without placeholders",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("F541",),
    ),
    FixEntry(
        id="comprehensions",
        title="Rewrite needless list/set/dict calls and comprehensions",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=_COMPREHENSIONS,
        promote=_COMPREHENSIONS,
    ),
    FixEntry(
        id="pyupgrade-typing",
        title="Modern type annotations (PEP 585/604, unquoted annotations)",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("UP006", "UP007", "UP035", "UP037", "UP045"),
    ),
    FixEntry(
        id="pyupgrade-syntax",
        title="Modern syntax for the target Python version",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=(
            "UP004",
            "UP008",
            "UP009",
            "UP010",
            "UP011",
            "UP012",
            "UP015",
            "UP018",
            "UP025",
            "UP028",
            "UP029",
            "UP033",
            "UP034",
            "UP039",
        ),
    ),
    FixEntry(
        id="pyupgrade-aliases",
        title="Replace deprecated aliases (unittest, io.open, OSError, mock...)",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=(
            "UP005",
            "UP017",
            "UP019",
            "UP020",
            "UP021",
            "UP022",
            "UP023",
            "UP024",
            "UP026",
            "UP041",
        ),
    ),
    FixEntry(
        id="negated-comparison",
        title="`not x in y` to `x not in y`",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("E713", "E714"),
    ),
    FixEntry(
        id="useless-semicolon",
        title="Remove statement-ending semicolons",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("E703",),
    ),
    FixEntry(
        id="is-literal",
        title="`is` with a literal to `==`",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("F632",),
    ),
    FixEntry(
        id="escape-sequences",
        title="Fix invalid escape sequences",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("W605",),
    ),
    FixEntry(
        id="placeholders",
        title="Remove needless pass and ...",
        engine=Engine.RUFF,
        safety=Safety.SAFE,
        rules=("PIE790",),
    ),
    FixEntry(
        id="redundant-parens",
        title="Remove redundant parentheses around if/while/return/assert/del/for operands",
        engine=Engine.LIBCST,
        safety=Safety.SAFE,
        rules=("C0325",),
    ),
    # Unsafe: each may change behaviour in some programs; only on explicit opt-in.
    FixEntry(
        id="none-comparison",
        title="`== None` to `is None`",
        engine=Engine.RUFF,
        safety=Safety.UNSAFE,
        rules=("E711",),
    ),
    FixEntry(
        id="bool-comparison",
        title="`== True` to plain truth tests",
        engine=Engine.RUFF,
        safety=Safety.UNSAFE,
        rules=("E712",),
    ),
    FixEntry(
        id="unused-variables",
        title="Remove unused local variables",
        engine=Engine.RUFF,
        safety=Safety.UNSAFE,
        rules=("F841",),
    ),
    FixEntry(
        id="printf-formatting",
        title="`%` formatting to str.format",
        engine=Engine.RUFF,
        safety=Safety.UNSAFE,
        rules=("UP031",),
    ),
    FixEntry(
        id="join-to-fstring",
        title="Static str.join to f-string",
        engine=Engine.RUFF,
        safety=Safety.UNSAFE,
        rules=("FLY002",),
    ),
)

_BY_ID = {entry.id: entry for entry in CATALOG}


def by_id(fix_id: str) -> FixEntry:
    """The entry with this id; UsageError names the known ids otherwise."""
    try:
        return _BY_ID[fix_id]
    except KeyError:
        known = ", ".join(sorted(_BY_ID))
        raise UsageError(f"unknown fix id {fix_id!r} (known: {known})") from None


def select(ids: Iterable[str] | None = None, *, unsafe: bool = False) -> tuple[FixEntry, ...]:
    """Entries to run, in catalog order: the given ids, or every safe entry.

    Naming an unsafe entry needs ``unsafe=True``: unsafe fixes run only on explicit opt-in.
    """
    if ids is None:
        return tuple(entry for entry in CATALOG if entry.safe or unsafe)
    wanted = {by_id(fix_id).id for fix_id in ids}
    chosen = tuple(entry for entry in CATALOG if entry.id in wanted)
    refused = [entry.id for entry in chosen if not entry.safe and not unsafe]
    if refused:
        raise UsageError(f"unsafe fixes need explicit opt-in (--unsafe): {', '.join(refused)}")
    return chosen


def entry_for_rule(rule: str) -> FixEntry | None:
    """The entry whose rules include this code, if any (codes belong to one entry at most)."""
    code = rule.upper()
    return next((entry for entry in CATALOG if code in entry.rules), None)


def is_auto_fixable(category: str, rule: str | None = None) -> bool:
    """True when a safe fixer in the catalog answers a finding of this category/rule."""
    return any(entry.safe and entry.answers(category, rule) for entry in CATALOG)
