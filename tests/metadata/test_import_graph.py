"""The import graph of ``bot/``: dependencies point from the edges to the core, never back.

The allowed direction is written down once, in ``LAYERS``: a package may import packages of
its own layer or of a lower one. Within a layer, packages must not import each other in a
cycle. Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[2] / "bot"

#: Lowest first. ``core`` is pure; ``app`` and ``cli`` are the front doors.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "core"}),
    frozenset({"config"}),
    frozenset({"process", "store", "github", "fixer", "validation", "taskqueue", "triage_io"})
    | frozenset({"alerts", "plans"}),  # the alert channels; running plans
    frozenset({"concerns", "fakegh"}),
    frozenset({"app"}),
    frozenset({"cli", "__main__"}),
)
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def package_of(module: str) -> str | None:
    """``bot.store.history`` -> ``store``; ``None`` outside ``bot``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 else None


def imports(path: Path) -> set[str]:
    """Every ``bot.*`` module ``path`` imports, at any depth."""
    module = ".".join(path.relative_to(BOT.parent).with_suffix("").parts)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                found.add(".".join([*base, node.module or ""]).rstrip("."))
            elif node.module:
                found.add(node.module)
    return {name for name in found if name == "bot" or name.startswith("bot.")}


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in BOT.rglob("*.py"):
        source = package_of(".".join(path.relative_to(BOT.parent).with_suffix("").parts))
        if source is None:
            continue
        for target in map(package_of, imports(path)):
            if target is not None and target != source:
                graph[source].add(target)
    return graph


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"bot.{source} imports bot.{target}"
        for source, targets in graph.items()
        for target in targets
        if LAYER[target] > LAYER[source]
    )


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted(
        (a, b) for a, targets in graph.items() for b in targets if a < b and a in graph.get(b, ())
    )


def test_every_package_has_a_layer() -> None:
    packages = {p.name if p.is_dir() else p.stem for p in BOT.iterdir() if p.name != "__pycache__"}
    packages -= {"__init__", "py"}
    assert sorted(packages - LAYER.keys()) == []


def test_no_package_imports_a_higher_layer() -> None:
    assert upward(package_graph()) == []


def test_no_two_packages_import_each_other() -> None:
    assert cycles(package_graph()) == []


@pytest.mark.parametrize(
    ("graph", "problem"),
    [
        ({"core": {"store"}, "store": {"core"}}, "upward"),
        ({"fixer": {"validation"}, "validation": {"fixer"}}, "cycle"),
    ],
)
def test_the_checks_catch_what_they_are_for(graph: dict[str, set[str]], problem: str) -> None:
    found = upward(graph) if problem == "upward" else cycles(graph)
    assert found
