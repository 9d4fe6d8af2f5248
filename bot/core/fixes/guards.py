"""Where a safe fix could still change behaviour, so the fixer holds it back in that file."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+(?P<star>\*)?"
    r"|import[ \t]+(?P<plain>[\w.]+))",
    re.MULTILINE,
)
_IMPORT_STATEMENT = re.compile(
    r"^([ \t]*)(from[ \t]+[\w.]+[ \t]+import[ \t]*(?:\([^)]*\)[^\n]*|[^\n]*)|import[ \t]+[^\n]*)",
    re.MULTILINE,
)
_USE = re.compile(r"\.(\w+)|[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)")
_DYNAMIC = re.compile(r"\b(?:locals|globals|vars)\(\s*\)|\b(?:eval|exec)\(")
#: Folders whose files are tests (or their helpers and inputs).
TEST_DIRS = frozenset({"tests", "test", "testing"})
_TRIPLE_QUOTED = re.compile(r"(\"\"\"|''')(.*?)\1", re.DOTALL)
_SOURCE_READ = re.compile(r"\b(?:getsource|getsourcelines|findsource)\(")
_LOWER = re.compile(r"(?:>=|~=|==|>)\s*(\d+)\.(\d+)")

#: Reasons, as the report shows them.
ORDER_MATTERS = (
    "import order matters here: package __init__ importing its own modules, or star imports"
)
DYNAMIC_NAMES = "the file reads names dynamically (locals/globals/vars/eval/exec)"
IMPORT_TEST = "an import inside a test function may be what the test checks"
RE_EXPORTED = "other files import {names} from this module"
DOCTEST_TEXT = "formatting would change a docstring holding doctests (trailing spaces, tabs)"
READS_SOURCE = "a test or doctest here reads source code (inspect.getsource) and may compare it"
MISSING_MODULE = (
    "{module} is not in the repository, so this import fails (ModuleNotFoundError) where "
    "{top} is the project's own package: removing it would hide a real error"
)
#: Suffixes of files that provide an importable module (sources and built extensions).
MODULE_SUFFIXES = (".py", ".pyi", ".pyx", ".so", ".pyd")


def _line_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern anchored at line starts whose matches have
    ``import`` on their first line: tries only the lines that say ``import`` (much faster)."""
    end, at = 0, text.find("import")
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        if start >= end and (match := pattern.match(text, start)):
            yield match
            end = match.end()
        newline = text.find("\n", at)
        if newline == -1:
            return
        at = text.find("import", max(newline + 1, end))


def _import_order(rel: str, text: str) -> list[str]:
    """Modules whose import order can matter, in order: the package's own (in an
    ``__init__``) and every star import's."""
    parts = rel.split("/")
    own = parts[-2] if parts[-1] == "__init__.py" and len(parts) > 1 else None
    seen: list[str] = []
    for match in _line_matches(_IMPORT, text):
        module, star = match["module"] or match["plain"], bool(match["star"])
        mine = own is not None and (module.startswith(".") or module.split(".")[0] == own)
        if (mine or star) and module not in seen:
            seen.append(module)
    return seen


def sorting_changed_behaviour(rel: str, before: str, after: str) -> bool:
    """True when sorting moved imports whose order decides what runs first or which name wins.

    A package ``__init__`` that imports its own modules may rely on that order to resolve
    circular imports; with two star imports the later one's names win.
    """
    old, new = _import_order(rel, before), _import_order(rel, after)
    return [m for m in old if m in new] != [m for m in new if m in old]


def import_bindings(text: str) -> set[tuple[str, bool]]:
    """Names bound by import statements, each with whether it is at module level.

    Reads only the import statements (parsing whole files is slow); an indented import
    counts as nested even under a module-level ``try``, which errs on the careful side.
    """
    found: set[tuple[str, bool]] = set()
    for match in _line_matches(_IMPORT_STATEMENT, text):
        try:
            body = ast.parse(match[2]).body
        except (SyntaxError, ValueError):
            continue
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    found.add((alias.asname or alias.name.split(".")[0], not match[1]))
    return found


def module_stem(rel: str) -> str:
    """The last dotted component other modules use to import this file."""
    parts = rel.removesuffix(".pyi").removesuffix(".py").split("/")
    return parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]


def is_test_module(name: str) -> bool:
    """A file name pytest or unittest collects tests from, or a pytest ``conftest.py``."""
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name in {"conftest.py", "test.py", "tests.py"}
    )


def _is_test_file(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(part in TEST_DIRS for part in rel.split("/")[:-1]) or is_test_module(name)


def reads_source(rel: str, text: str) -> bool:
    """True for a test file, or a file with doctests, that reads code with ``inspect``.

    What ``inspect.getsource`` returns is often compared with the source as written (a
    doctest printing a function's source): any rewrite of this file could break that.
    """
    # One pass for "source" (both names hold it, and it is rare), then two more passes only
    # where it is found, and the regex (slow over a whole file) only where those find a name.
    if "source" not in text or ("getsource" not in text and "findsource" not in text):
        return False
    if not _SOURCE_READ.search(text):
        return False
    return _is_test_file(rel) or ">>> " in text


def references(texts: Mapping[str, str], stems: Iterable[str]) -> dict[tuple[str, str], set[str]]:
    """(stem, name) -> files that use ``name`` from a module called ``stem``.

    Counts ``from ...stem import name`` and ``stem.name`` (which also catches dotted strings
    such as ``mock.patch("pkg.stem.name")``).
    """
    wanted = sorted(set(stems))
    found: dict[tuple[str, str], set[str]] = {}
    for rel, text in texts.items():
        for stem in wanted:
            start = text.find(stem)
            while start != -1:
                end = start + len(stem)
                before = text[start - 1] if start else " "
                if not (before.isalnum() or before == "_") and (match := _USE.match(text, end)):
                    names = [match[1]] if match[1] else re.findall(r"\w+", match[2])
                    for name in names:
                        found.setdefault((stem, name), set()).add(rel)
                start = text.find(stem, end)
    return found


def removed_imports(before: str, after: str) -> set[tuple[str, bool]]:
    """Import bindings present before a fix and gone after it."""
    return import_bindings(before) - import_bindings(after)


def local_import_risk(rel: str, before: str, removed: set[tuple[str, bool]]) -> str | None:
    """Why removing these "unused" imports could break ``rel`` itself, or None.

    Checked before ``re_export_risk``, whose scan of every file is needed only for the files
    this lets through.
    """
    if not removed:
        return None
    if _DYNAMIC.search(before):
        return DYNAMIC_NAMES
    if _is_test_file(rel) and any(not top for _, top in removed):
        return IMPORT_TEST
    return None


def re_export_risk(
    rel: str, removed: set[tuple[str, bool]], used: Mapping[tuple[str, str], set[str]]
) -> str | None:
    """Why removing these "unused" imports could break other files (``used`` comes from
    ``references``), or None."""
    stem = module_stem(rel)
    names = sorted(n for n, _ in removed if used.get((stem, n), set()) - {rel})
    return RE_EXPORTED.format(names=", ".join(names)) if names else None


def _doctest_strings(text: str) -> list[str]:
    """The body of every triple-quoted string that holds a doctest (a regex: parsing whole
    files is slow; before and after a rewrite are read the same way)."""
    return [m[2] for m in _TRIPLE_QUOTED.finditer(text) if ">>>" in m[2]]


def doctests_changed(before: str, after: str) -> bool:
    """True when a rewrite changed the text of a docstring that holds doctests.

    The formatter strips trailing spaces and re-indents docstrings; a doctest's expected
    output may hold exactly those spaces or tabs.
    """
    if ">>>" not in before:
        return False
    return _doctest_strings(before) != _doctest_strings(after)


def lower_bound(spec: str) -> tuple[int, int] | None:
    """The lowest Python version a ``requires-python`` specifier allows, if it says."""
    bounds = [(int(major), int(minor)) for major, minor in _LOWER.findall(spec)]
    return max(bounds) if bounds else None


def imported_modules(text: str) -> set[str]:
    """Absolute modules named by the import statements of ``text`` (``import a.b``, ``from
    a.b import c``)."""
    found: set[str] = set()
    for match in _line_matches(_IMPORT_STATEMENT, text):
        try:
            body = ast.parse(match[2]).body
        except (SyntaxError, ValueError):
            continue
        for node in body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
    return found


def tree_modules(names: Iterable[str]) -> frozenset[str]:
    """Every dotted name a file or folder of the tree could be imported as (each trailing
    run of path parts: ``src/shop/money.py`` gives ``src.shop.money``, ``shop.money`` and
    ``money``)."""
    found: set[str] = set()
    for rel in names:
        parts = rel.split("/")
        last = parts[-1]
        stem = last.split(".", 1)[0] if last.endswith(MODULE_SUFFIXES) else None
        folders = parts[:-1]
        for end in range(1, len(folders) + 1):  # folders: namespace and regular packages
            for start in range(end):
                found.add(".".join(folders[start:end]))
        if stem is not None:
            module = folders + ([] if stem == "__init__" else [stem])
            for start in range(len(module)):
                found.add(".".join(module[start:]))
    return frozenset(found)


def missing_module_risk(before: str, after: str, modules: frozenset[str]) -> str | None:
    """Why removing imports from ``before`` hides an error: an import of a module missing
    from the repository although its top-level package is the project's own."""
    for module in sorted(imported_modules(before) - imported_modules(after)):
        top = module.split(".")[0]
        if top in modules and module not in modules:
            return MISSING_MODULE.format(module=module, top=top)
    return None
