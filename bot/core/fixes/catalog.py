"""The mechanical fix catalog: the one place that says which findings a fixer answers."""

from __future__ import annotations

# Initial mapping; the full catalog (ids, engines, safety) replaces this table.
_FIXABLE_CATEGORIES = frozenset({"format"})
_FIXABLE_RULES = frozenset({"F401", "I001", "W291", "W292", "W293", "UP", "E711", "E712"})


def is_auto_fixable(category: str, rule: str | None = None) -> bool:
    """True when a safe fixer in the catalog answers a finding of this category/rule."""
    if category in _FIXABLE_CATEGORIES:
        return True
    if category == "lint" and rule:
        return rule in _FIXABLE_RULES or any(rule.startswith(p) for p in ("UP",))
    return False
