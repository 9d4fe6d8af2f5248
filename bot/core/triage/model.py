"""Data model of the triage engine: failure categories, raw findings and reported failures."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What kind of failure a finding is; the values are the public contract."""

    LINT = "lint"
    FORMAT = "format"
    IMPORT_ERROR = "import_error"
    SYNTAX_ERROR = "syntax_error"
    TYPE_ERROR = "type_error"
    ASSERTION = "assertion"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    FLAKY = "flaky"
    DEPENDENCY = "dependency"
    INFRASTRUCTURE = "infrastructure"
    UNKNOWN = "unknown"


#: "Most important first": what blocks everything else comes before what is merely untidy.
RANK: dict[Category, int] = {
    category: rank
    for rank, category in enumerate(
        (
            Category.INFRASTRUCTURE,
            Category.DEPENDENCY,
            Category.SYNTAX_ERROR,
            Category.IMPORT_ERROR,
            Category.TIMEOUT,
            Category.TYPE_ERROR,
            Category.RUNTIME_ERROR,
            Category.ASSERTION,
            Category.UNKNOWN,
            Category.FLAKY,
            Category.FORMAT,
            Category.LINT,
        )
    )
}


@dataclass(frozen=True, kw_only=True)
class Finding:
    """What one recogniser saw, before paths are resolved and findings are merged.

    ``path`` is the path as the tool printed it; ``weak`` findings (a bare exit code, an
    unexplained ``##[error]``) are kept only when nothing stronger was found.
    """

    category: Category
    message: str
    tool: str
    lineno: int
    path: str | None = None
    line: int | None = None
    test: str | None = None
    rule: str | None = None
    weak: bool = False


@dataclass(frozen=True, kw_only=True)
class Failure:
    """One reported failure: the contract fields plus what ranking and fixing need."""

    category: Category
    file: str | None
    line: int | None
    message: str
    test: str | None
    fingerprint: str
    auto_fixable: bool
    rule: str | None = None
    tool: str = "unknown"
    lineno: int = 0

    @property
    def rank(self) -> int:
        """Lower is more important."""
        return RANK[self.category]

    def to_dict(self) -> dict[str, object]:
        """The JSON object of the output contract."""
        return {
            "category": str(self.category),
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "test": self.test,
            "fingerprint": self.fingerprint,
            "auto_fixable": self.auto_fixable,
        }
