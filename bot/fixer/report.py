"""What a fix run did: changed files, fixes per file, what validation backed out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.fixes.diff import render_patch
from bot.core.fixes.families import FamilyDecision


@dataclass(frozen=True)
class BackedOut:
    """A fix that validation backed out of one file, and why."""

    fix: str
    path: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A file left alone, or one fix held back in it (``fix``), and why."""

    path: str
    reason: str
    fix: str | None = None


@dataclass(frozen=True, kw_only=True)
class Validation:
    """The validation command's verdicts before and after fixing."""

    command: str
    baseline_ok: bool
    final_ok: bool | None
    runs: int
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class FixReport:
    """Original and fixed text of every changed file, and the fixes applied to each."""

    root: str
    before: Mapping[str, str]
    after: Mapping[str, str]
    applied: Mapping[str, tuple[str, ...]]
    backed_out: tuple[BackedOut, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    validation: Validation | None = None
    written: bool = field(default=False)
    #: The repository's tooling found, and per fix family whether it ran and why.
    conventions: tuple[str, ...] = ()
    decisions: tuple[FamilyDecision, ...] = ()
    #: Where ``root`` sits in its git repository ("src/"; "" at the top or outside git):
    #: the patch's paths start there, so it applies at the repository's top.
    prefix: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.after)

    def patch(self) -> str:
        """The fixes as one unified diff (paths relative to the repository's top)."""
        before = {self.prefix + rel: text for rel, text in self.before.items()}
        return render_patch(before, {self.prefix + rel: text for rel, text in self.after.items()})

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "written": self.written,
            "changed_files": len(self.after),
            "files": [
                {"path": path, "fixes": list(self.applied.get(path, ()))}
                for path in sorted(self.after)
            ],
            "backed_out": [
                {"fix": item.fix, "path": item.path, "reason": item.reason}
                for item in self.backed_out
            ],
            "skipped": [
                {"path": item.path, "fix": item.fix, "reason": item.reason} for item in self.skipped
            ],
            "conventions": list(self.conventions),
            "families": [
                {"fix": d.fix, "runs": d.runs, "reason": d.reason} for d in self.decisions
            ],
            "validation": None
            if self.validation is None
            else {
                "command": self.validation.command,
                "baseline_ok": self.validation.baseline_ok,
                "final_ok": self.validation.final_ok,
                "runs": self.validation.runs,
                "note": self.validation.note,
            },
        }
