"""The phases' dependency graph: unknown dependencies, cycles, order and levels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def unknown_dependencies(deps: Mapping[str, Sequence[str]]) -> list[tuple[str, int, str]]:
    """``(phase, index, dependency)`` for every dependency naming no phase."""
    return [
        (phase, index, dep)
        for phase, listed in deps.items()
        for index, dep in enumerate(listed)
        if dep not in deps
    ]


def find_cycle(deps: Mapping[str, Sequence[str]]) -> list[str] | None:
    """One dependency cycle as its members in order (``[a, b, a]``), or None."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in deps.get(node, ()):
            if dep not in deps:
                continue
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (found := visit(dep)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in deps:
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def levels(deps: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Phases grouped by the earliest step they can run in (an acyclic, known graph)."""
    depth: dict[str, int] = {}

    def level(node: str) -> int:
        if node not in depth:
            depth[node] = 1 + max((level(d) for d in deps[node]), default=-1)
        return depth[node]

    out: list[list[str]] = []
    for node in deps:
        n = level(node)
        while len(out) <= n:
            out.append([])
    for node in deps:  # file order within a level
        out[depth[node]].append(node)
    return out


def descendants(deps: Mapping[str, Sequence[str]], root: str) -> set[str]:
    """Every phase that depends on ``root``, directly or not."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node, listed in deps.items():
            if node not in found and any(d == root or d in found for d in listed):
                found.add(node)
                changed = True
    return found
