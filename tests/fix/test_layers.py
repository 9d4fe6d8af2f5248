"""The fixer and the validation runner share one process module and import neither the
other; the configuration takes its pure types from the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.core.checks import Checks
from bot.core.fixes.catalog import Engine, FixEntry, Safety

BOT = Path(__file__).resolve().parents[2] / "bot"


def imported(folder: Path) -> set[str]:
    """Modules imported anywhere under ``folder`` (or by the one file ``folder``)."""
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.py"))
    found: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_fixer_and_validation_do_not_import_each_other() -> None:
    assert not {m for m in imported(BOT / "fixer") if m.startswith("bot.validation")}
    assert not {m for m in imported(BOT / "validation") if m.startswith("bot.fixer")}
    assert "bot.process" in imported(BOT / "fixer") & imported(BOT / "validation")
    assert not {m for m in imported(BOT / "config" / "repo.py") if m.startswith("bot.validation")}


def test_many_field_types_take_keywords_only() -> None:
    with pytest.raises(TypeError):
        FixEntry("x", "title", Engine.RUFF, Safety.SAFE)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Checks("pytest")  # type: ignore[call-arg]
    entry = FixEntry(id="x", title="t", engine=Engine.RUFF, safety=Safety.SAFE, rules=("F401",))
    assert entry.safe and entry.answers("lint", "f401")
