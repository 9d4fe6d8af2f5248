"""The ``ruff check --fix`` step, holding back fixes that could change behaviour in a file."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.fixes import guards
from bot.core.fixes.catalog import FixEntry
from bot.core.fixes.ruff import RepoStyle, check_args, parse_show_fixes, parse_syntax_errors
from bot.fixer.files import SKIP_DIRS, read_texts, write_texts

#: Runs ruff with these arguments on these files under root and returns its output.
RuffRunner = Callable[[Path, list[str], Sequence[str]], str]


@dataclass
class LintOutcome:
    """Codes fixed per file, fixes held back per file (with why), files ruff cannot parse."""

    fixed: dict[str, dict[str, int]] = field(default_factory=dict)
    held_back: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    syntax_errors: dict[str, str] = field(default_factory=dict)

    def hold(self, rel: str, fix: str, reason: str) -> None:
        self.held_back.setdefault(rel, []).append((fix, reason))


def _run(
    run: RuffRunner,
    root: Path,
    entries: Sequence[FixEntry],
    style: RepoStyle,
    groups: Mapping[frozenset[str], list[str]],
    outcome: LintOutcome,
) -> None:
    """One ruff call per group of files that skip the same codes."""
    for skip, names in groups.items():
        args = check_args(entries, style, skip)
        if not names or not args:
            continue
        output = run(root, args, names)
        outcome.fixed.update(parse_show_fixes(output))
        outcome.syntax_errors.update(parse_syntax_errors(output))


def _tree_names(root: Path) -> list[str]:
    """Every file under root (tool and VCS folders left out), for module lookups."""
    names: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in SKIP_DIRS]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        names += [prefix + name for name in files]
        names += [prefix + name + "/" for name in dirs]
    return names


def lint_fix(
    run: RuffRunner,
    root: Path,
    py: Mapping[str, str],
    entries: Sequence[FixEntry],
    style: RepoStyle,
) -> LintOutcome:
    """Fix the files of ``py`` (their text as on disk under root) with ruff's linter.

    Then, in each file where a fix could change behaviour, the file is put back and fixed
    again without that rule: import sorting that moved imports whose order matters, and
    removed "unused" imports that another file uses, that the file may read dynamically,
    that a test function may be checking, or of a module missing from the project's own
    package (the import fails, and removing it would hide that).
    """
    outcome = LintOutcome()
    reach: dict[frozenset[str], list[str]] = {}  # files outside a hook's reach skip its codes
    for rel in sorted(py):
        reach.setdefault(style.skipped_codes(rel, entries), []).append(rel)
    _run(run, root, entries, style, reach, outcome)
    touched = sorted(rel for rel, codes in outcome.fixed.items() if {"I001", "F401"} & set(codes))
    if not touched:
        return outcome
    after = read_texts(root, touched)
    removed = {rel: guards.removed_imports(py[rel], after.get(rel, py[rel])) for rel in touched}
    local = {rel: guards.local_import_risk(rel, py[rel], removed[rel]) for rel in touched}
    if any(removed[rel] and local[rel] is None for rel in touched):
        modules = guards.tree_modules(_tree_names(root))
        for rel in touched:
            if removed[rel] and local[rel] is None:
                text = after.get(rel, py[rel])
                local[rel] = guards.missing_module_risk(py[rel], text, modules)
    # Other files are scanned only for modules whose own text does not already hold them back.
    stems = {guards.module_stem(rel) for rel in touched if removed[rel] and local[rel] is None}
    used = guards.references(py, stems) if stems else {}
    redo: dict[frozenset[str], list[str]] = {}
    for rel in touched:
        first = style.skipped_codes(rel, entries)  # what the first run already left out
        skip: set[str] = set(first)
        if guards.sorting_changed_behaviour(rel, py[rel], after.get(rel, py[rel])):
            outcome.hold(rel, "import-sorting", guards.ORDER_MATTERS)
            skip.add("I001")
        reason = local[rel] or guards.re_export_risk(rel, removed[rel], used)
        if reason is not None:
            outcome.hold(rel, "unused-imports", reason)
            skip.add("F401")
        if skip != first:
            redo.setdefault(frozenset(skip), []).append(rel)
            del outcome.fixed[rel]
    write_texts(root, {rel: py[rel] for names in redo.values() for rel in names})
    _run(run, root, entries, style, redo, outcome)
    return outcome
