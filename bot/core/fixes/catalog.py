"""The mechanical fix catalog: the one place that says which findings a fixer answers."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import UsageError


class Safety(enum.Enum):
    """Whether a fix may run by default (SAFE) or only on explicit opt-in (UNSAFE)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Engine(enum.Enum):
    """What applies a fix: ruff's linter, ruff's formatter, a text fixer or a libcst codemod."""

    RUFF = "ruff"
    RUFF_FORMAT = "ruff-format"
    TEXT = "text"
    LIBCST = "libcst"


@dataclass(frozen=True)
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


_S, _U = Safety.SAFE, Safety.UNSAFE
_TEXT_FILES = (".yml", ".yaml", ".md", ".markdown", ".toml")
# Ruff marks these unsafe only because a rewrite may occasionally drop a comment.
_COMPREHENSIONS = (
    "C400", "C401", "C402", "C403", "C404", "C405", "C406",
    "C408", "C409", "C410", "C411", "C414", "C418", "C420",
)  # fmt: skip

CATALOG: tuple[FixEntry, ...] = (
    FixEntry("import-sorting", "Sort and group imports (isort rules)", Engine.RUFF, _S, ("I001",)),
    FixEntry("unused-imports", "Remove unused imports", Engine.RUFF, _S, ("F401",)),
    FixEntry(
        "formatting",
        "Format code with the repository's formatter settings",
        Engine.RUFF_FORMAT,
        _S,
        categories=("format",),
    ),
    FixEntry("trailing-whitespace", "Strip trailing whitespace", Engine.RUFF, _S, ("W291", "W293")),
    FixEntry("eof-newline", "End the file with exactly one newline", Engine.RUFF, _S, ("W292",)),
    FixEntry(
        "mixed-line-endings",
        "Use the file's first line ending throughout",
        Engine.TEXT,
        _S,
        ("MIXED-LINE-ENDING",),
        suffixes=(".py", *_TEXT_FILES),
    ),
    FixEntry(
        "yaml-whitespace",
        "YAML: strip trailing spaces and end with one newline",
        Engine.TEXT,
        _S,
        ("TRAILING-SPACES", "NEW-LINE-AT-END-OF-FILE"),
        suffixes=(".yml", ".yaml"),
    ),
    FixEntry(
        "markdown-whitespace",
        "Markdown: strip trailing spaces (keeping hard breaks) and end with one newline",
        Engine.TEXT,
        _S,
        ("MD009", "MD047"),
        suffixes=(".md", ".markdown"),
    ),
    FixEntry(
        "toml-whitespace",
        "TOML: strip trailing spaces and end with one newline",
        Engine.TEXT,
        _S,
        suffixes=(".toml",),
    ),
    FixEntry(
        "quote-style",
        "Use the configured quote style for strings",
        Engine.RUFF,
        _S,
        ("Q000", "Q001", "Q002", "Q003"),
    ),
    FixEntry(
        "fstring-conversion", "Turn str.format calls into f-strings", Engine.RUFF, _S, ("UP032",)
    ),
    FixEntry(
        "fstring-placeholders", "Drop the f prefix without placeholders", Engine.RUFF, _S, ("F541",)
    ),
    FixEntry(
        "comprehensions",
        "Rewrite needless list/set/dict calls and comprehensions",
        Engine.RUFF,
        _S,
        _COMPREHENSIONS,
        promote=_COMPREHENSIONS,
    ),
    FixEntry(
        "pyupgrade-typing",
        "Modern type annotations (PEP 585/604, unquoted annotations)",
        Engine.RUFF,
        _S,
        ("UP006", "UP007", "UP035", "UP037", "UP045"),
    ),
    FixEntry(
        "pyupgrade-syntax",
        "Modern syntax for the target Python version",
        Engine.RUFF,
        _S,
        (
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
        "pyupgrade-aliases",
        "Replace deprecated aliases (unittest, io.open, OSError, mock...)",
        Engine.RUFF,
        _S,
        ("UP005", "UP017", "UP019", "UP020", "UP021", "UP022", "UP023", "UP024", "UP026", "UP041"),
    ),
    FixEntry(
        "negated-comparison", "`not x in y` to `x not in y`", Engine.RUFF, _S, ("E713", "E714")
    ),
    FixEntry("useless-semicolon", "Remove statement-ending semicolons", Engine.RUFF, _S, ("E703",)),
    FixEntry("is-literal", "`is` with a literal to `==`", Engine.RUFF, _S, ("F632",)),
    FixEntry("escape-sequences", "Fix invalid escape sequences", Engine.RUFF, _S, ("W605",)),
    FixEntry("placeholders", "Remove needless pass and ...", Engine.RUFF, _S, ("PIE790",)),
    FixEntry(
        "redundant-parens",
        "Remove redundant parentheses around if/while/return/assert/del/for operands",
        Engine.LIBCST,
        _S,
        ("C0325",),
    ),
    # Unsafe: each may change behaviour in some programs; only on explicit opt-in.
    FixEntry("none-comparison", "`== None` to `is None`", Engine.RUFF, _U, ("E711",)),
    FixEntry("bool-comparison", "`== True` to plain truth tests", Engine.RUFF, _U, ("E712",)),
    FixEntry("unused-variables", "Remove unused local variables", Engine.RUFF, _U, ("F841",)),
    FixEntry("printf-formatting", "`%` formatting to str.format", Engine.RUFF, _U, ("UP031",)),
    FixEntry("join-to-fstring", "Static str.join to f-string", Engine.RUFF, _U, ("FLY002",)),
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
