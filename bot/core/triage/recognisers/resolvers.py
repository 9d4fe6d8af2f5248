"""Package managers beyond pip and npm: cargo, go modules, conda, composer, nuget."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: Each tool's own words for a requirement it cannot satisfy (``dependency``) or a registry it
#: cannot reach (``infrastructure``), as the first words of the line.
_PHRASES: tuple[tuple[str, Category, str], ...] = (
    ("error: no matching package named", Category.DEPENDENCY, "cargo"),
    ("error: failed to select a version for", Category.DEPENDENCY, "cargo"),
    ("error: failed to download from", Category.INFRASTRUCTURE, "cargo"),
    ("error: failed to get `", Category.DEPENDENCY, "cargo"),
    ("missing go.sum entry", Category.DEPENDENCY, "go"),
    ("PackagesNotFoundError:", Category.DEPENDENCY, "conda"),
    ("UnsatisfiableError:", Category.DEPENDENCY, "conda"),
    ("ResolvePackageNotFound:", Category.DEPENDENCY, "conda"),
    ("CondaHTTPError:", Category.INFRASTRUCTURE, "conda"),
    (
        "Your requirements could not be resolved to an installable set",
        Category.DEPENDENCY,
        "composer",
    ),
    ("error NU1101:", Category.DEPENDENCY, "nuget"),
    ("error NU1102:", Category.DEPENDENCY, "nuget"),
    ("error NU1301:", Category.INFRASTRUCTURE, "nuget"),
)
#: Go's module errors carry the reason after the module: ``go: example.com/x@v1: reading
#: https://proxy.golang.org/...: 404 Not Found`` or ``...: dial tcp: lookup ...: i/o timeout``
#: (``go mod download`` prints the request: ``go: x@v1: Get "https://…": dial tcp: …``).
_GO_NETWORK = ("dial tcp", "i/o timeout", "TLS handshake timeout", "connection reset", ": 5")


class ResolverRecogniser(Recogniser):
    """The first unsatisfiable requirement or unreachable registry of each tool, once."""

    name: ClassVar[str] = "resolvers"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"no matching package named",
        b"failed to select a version",
        b"failed to download from",
        b"error: failed to get `",
        b"missing go.sum entry",
        b": reading https://",
        b': get "https://',
        b"verifying module:",
        b"packagesnotfounderror",
        b"unsatisfiableerror",
        b"resolvepackagenotfound",
        b"condahttperror",
        b"could not be resolved to an installable set",
        b"error nu1",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._tools: set[str] = set()

    def _once(self, tool: str, category: Category, lineno: int, text: str) -> Sequence[Finding]:
        if tool in self._tools:
            return NONE
        self._tools.add(tool)
        return (Finding(category=category, message=text[:300], tool=tool, lineno=lineno),)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip()
        if text.startswith("go: ") and (
            "reading https://" in text or "verifying " in text or ': Get "https://' in text
        ):
            network = any(marker in text for marker in _GO_NETWORK)
            category = Category.INFRASTRUCTURE if network else Category.DEPENDENCY
            return self._once("go", category, lineno, text)
        for phrase, category, tool in _PHRASES:
            if phrase in text[: len(phrase) + 40]:
                return self._once(tool, category, lineno, text)
        return NONE
