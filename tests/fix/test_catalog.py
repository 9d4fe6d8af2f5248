"""The catalog as the single source of truth: entries, selection and ``is_auto_fixable``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.core.fixes.catalog import CATALOG, Engine, Safety, by_id, is_auto_fixable, select
from bot.errors import UsageError
from bot.fixer.engine import TEXT_FIXERS
from bot.process import ruff_binary


def test_catalog_has_enough_distinct_entries() -> None:
    ids = [entry.id for entry in CATALOG]
    assert len(ids) >= 20 and len(set(ids)) == len(ids)
    assert {entry.engine for entry in CATALOG} == set(Engine)
    assert any(entry.safety is Safety.UNSAFE for entry in CATALOG)
    codes = [code for entry in CATALOG for code in entry.rules]
    assert len(codes) == len(set(codes)), "a rule code belongs to one entry only"


def test_every_ruff_code_is_a_real_fixable_ruff_rule() -> None:
    listing = subprocess.run([ruff_binary(), "rule", "--all", "--output-format", "json"],
                             capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    rules = {rule["code"]: rule for rule in json.loads(listing.stdout)}
    for entry in CATALOG:
        if entry.engine is Engine.RUFF:
            for code in entry.rules:
                assert code in rules, code
                assert rules[code]["fix"] != "Fix is not available", code
                assert not rules[code]["preview"], code


def test_pure_engines_have_a_fixer() -> None:
    pure = {entry.id for entry in CATALOG if entry.engine in (Engine.TEXT, Engine.LIBCST)}
    assert pure == set(TEXT_FIXERS)


@pytest.mark.parametrize(
    ("category", "rule", "expected"),
    [
        ("format", None, True),
        ("lint", "F401", True),
        ("lint", "I001", True),
        ("lint", "W291", True),
        ("lint", "UP006", True),
        ("lint", "C0325", True),
        ("lint", "MD009", True),
        ("lint", "E711", False),  # unsafe: only on opt-in
        ("lint", "E501", False),
        ("lint", None, False),
        ("type_error", "F401", False),
        ("assertion", None, False),
    ],
)
def test_is_auto_fixable(category: str, rule: str | None, expected: bool) -> None:
    assert is_auto_fixable(category, rule) is expected


def test_select_defaults_to_safe_and_guards_unsafe() -> None:
    assert all(entry.safe for entry in select())
    assert len(select(unsafe=True)) == len(CATALOG)
    assert [entry.id for entry in select(["formatting", "import-sorting"])] == [
        "import-sorting",
        "formatting",
    ]
    with pytest.raises(UsageError, match="explicit opt-in"):
        select(["unused-variables"])
    assert select(["unused-variables"], unsafe=True) == (by_id("unused-variables"),)
    with pytest.raises(UsageError, match="known:"):
        by_id("nope")


def test_docs_list_every_entry() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "fixes.md").read_text(encoding="utf-8")
    for entry in CATALOG:
        assert f"| `{entry.id}` | {entry.safety.value} | {entry.engine.value} |" in docs
