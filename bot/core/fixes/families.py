"""Which fix families a repository's conventions ask for by default, each with its reason.

A family runs when a tool the repository uses asks for it: its linter enables one of the
family's rules (only those codes are fixed), its formatter is ruff's or black, its import
sorter is ruff's or isort, or a pre-commit hook does the same job (within the hook's reach).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.fixes.catalog import Engine, FixEntry
from bot.core.fixes.style import HOOK_FAMILIES, Conventions, Formatter, PathFilter

#: pre-commit hooks that run a formatter.
_FORMAT_HOOKS = {
    "ruff-format": Formatter.RUFF, "black": Formatter.BLACK, "black-jupyter": Formatter.BLACK,
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class FamilyDecision:
    """Whether one fix family runs by default, why, with which rule codes, and on which
    paths (every filter must admit a path; none: every file)."""

    fix: str
    runs: bool
    reason: str
    codes: tuple[str, ...] = ()
    filters: tuple[PathFilter, ...] = ()

    def admits(self, path: str) -> bool:
        return all(item.admits(path) for item in self.filters)


def decide(conventions: Conventions, entries: Sequence[FixEntry]) -> tuple[FamilyDecision, ...]:
    """Per entry: whether the repository's tooling asks for it by default, and why."""
    return tuple(_decide(conventions, entry) for entry in entries)


def _decide(c: Conventions, entry: FixEntry) -> FamilyDecision:
    if not entry.safe:
        return FamilyDecision(
            fix=entry.id, runs=False, reason="unsafe: only when named with --unsafe"
        )
    hooks = [h for h in sorted(c.hooks) if entry.id in HOOK_FAMILIES.get(h, ())]
    if entry.engine is Engine.RUFF_FORMAT:
        if c.formatter is None:
            return FamilyDecision(
                fix=entry.id, runs=False, reason="the repository uses no formatter"
            )
        hook = next((h for h in sorted(c.hooks) if _FORMAT_HOOKS.get(h) is c.formatter), None)
        return FamilyDecision(
            fix=entry.id, runs=True, reason=f"the repository formats with {c.formatter}",
            filters=c.hook_filters.get(hook, ()) if hook else (),
        )  # fmt: skip
    if entry.id == "redundant-parens":
        if c.pylint_disabled is not None and not {"C0325", "SUPERFLUOUS-PARENS"} & set(
            c.pylint_disabled
        ):
            return FamilyDecision(
                fix=entry.id, runs=True, reason="pylint checks C0325 (superfluous-parens)"
            )
        return FamilyDecision(
            fix=entry.id, runs=False, reason="no pylint with C0325 in the repository"
        )
    if entry.id == "import-sorting" and c.import_sorter is not None:
        return FamilyDecision(
            fix=entry.id, runs=True, reason=f"the repository sorts imports with {c.import_sorter}",
            codes=entry.rules,
        )  # fmt: skip
    linted = [
        (name, tuple(code for code in entry.rules if rules.enabled(code)))
        for name, rules in c.linters
        if entry.engine is Engine.RUFF
    ]
    linted = [(name, codes) for name, codes in linted if codes]
    if linted:  # the linter covers every file it checks: no hook's reach narrows it
        name, codes = linted[0]
        reason = f"enabled by {name}: {', '.join(codes)}"
        return FamilyDecision(fix=entry.id, runs=True, reason=reason, codes=codes)
    if hooks:
        codes = entry.rules if entry.engine is Engine.RUFF else ()
        reason = f"pre-commit hook {', '.join(hooks)}"
        filters = tuple(f for hook in hooks for f in c.hook_filters.get(hook, ()))
        return FamilyDecision(fix=entry.id, runs=True, reason=reason, codes=codes, filters=filters)
    if entry.engine is Engine.RUFF and c.linters:
        names = " or ".join(name for name, _ in c.linters)
        reason = f"not enabled by {names}: {', '.join(entry.rules)}"
        return FamilyDecision(fix=entry.id, runs=False, reason=reason)
    return FamilyDecision(fix=entry.id, runs=False, reason="no tool of the repository asks for it")


def unenforced(conventions: Conventions, decisions: Sequence[FamilyDecision]) -> tuple[str, ...]:
    """Running families whose tool is only configured, with nothing that enforces it: no
    pre-commit hook runs it and no linter rule checks it (a ``[tool.black]`` table over code
    black never formatted). They run only where the code mostly follows the tool already."""
    hooked = any(_FORMAT_HOOKS.get(hook) is conventions.formatter for hook in conventions.hooks)
    found = []
    for decision in decisions:
        if not decision.runs:
            continue
        if (decision.fix == "formatting" and not hooked) or (
            decision.fix == "import-sorting"
            and conventions.import_sorter == "isort"
            and "isort" not in conventions.hooks
        ):
            found.append(decision.fix)
    return tuple(found)


def adopted(
    decisions: Sequence[FamilyDecision],
    adoption: Mapping[str, tuple[int, int]],
    tools: Mapping[str, str],
) -> tuple[FamilyDecision, ...]:
    """The decisions, less the adoptable families whose tool more than half of the checked
    files depart from (``adoption``: fix id -> (departing, checked))."""
    kept = []
    for decision in decisions:
        departing, checked = adoption.get(decision.fix, (0, 0))
        if decision.runs and checked and departing * 2 > checked:
            tool = tools.get(decision.fix, "its tool")
            reason = (
                f"{tool} is configured, but {departing} of {checked} Python files do not "
                "follow it: the repository does not apply it"
            )
            decision = dataclasses.replace(decision, runs=False, reason=reason, codes=())
        kept.append(decision)
    return tuple(kept)
