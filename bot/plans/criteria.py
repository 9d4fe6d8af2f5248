"""Checking a phase's success criteria, on a local checkout or through the contents API."""

from __future__ import annotations

import asyncio
import base64
import json
import math
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from gidgethub import BadRequest

from bot.core.plan.model import Criterion, CriterionKind
from bot.github.client import GitHubClient

#: Runs a command line; returns its exit code (None: it could not run or timed out).
CommandRunner = Callable[[str, float], Awaitable[int | None]]


class Workspace(Protocol):
    """Where criteria read files: a checkout (Action, CLI) or the repository at a ref (App)."""

    async def read(self, path: str) -> bytes | None: ...

    async def exists(self, pattern: str) -> bool | None: ...


class LocalWorkspace:
    def __init__(self, root: Path) -> None:
        self.root = root

    async def read(self, path: str) -> bytes | None:
        target = self.root / path
        try:
            return await asyncio.to_thread(target.read_bytes)
        except OSError:
            return None

    async def exists(self, pattern: str) -> bool | None:
        return any(True for _ in self.root.glob(pattern))


class RepoWorkspace:
    """Files on ``ref`` of a repository (exact paths; a glob cannot be checked: None)."""

    def __init__(self, gh: GitHubClient, repo: str, ref: str) -> None:
        self.gh, self.repo, self.ref = gh, repo, ref

    async def read(self, path: str) -> bytes | None:
        try:
            data = await self.gh.getitem(f"/repos/{self.repo}/contents/{path}?ref={self.ref}")
        except BadRequest as exc:
            if exc.status_code == 404:
                return None
            raise
        if not isinstance(data, dict) or data.get("encoding") != "base64":
            return None
        return base64.b64decode(str(data.get("content") or ""))

    async def exists(self, pattern: str) -> bool | None:
        if any(ch in pattern for ch in "*?["):
            return None
        return await self.read(pattern) is not None


def lookup(document: Any, key: str) -> Any:
    """``totals.percent`` in a JSON document (list items by index); None when absent."""
    node = document
    for part in key.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


async def check(
    criterion: Criterion,
    *,
    workspace: Workspace,
    checks: Callable[[tuple[str, ...]], Awaitable[bool | None]],
    run_command: CommandRunner | None,
) -> tuple[str, bool | None]:
    """``(description, passed)``; None when it could not be measured (not the same as False)."""
    description = criterion.describe()
    kind = criterion.kind
    if kind is CriterionKind.FILES_EXIST:
        found = [await workspace.exists(p) for p in criterion.paths]
        if any(f is False for f in found):
            return description, False
        return description, None if any(f is None for f in found) else True
    if kind is CriterionKind.CHECKS_GREEN:
        return description, await checks(criterion.checks)
    if kind is CriterionKind.COMMAND:
        if run_command is None or criterion.command is None:
            return description + " (commands run in the Action or the CLI only)", None
        code = await run_command(criterion.command, 600.0)
        return description, None if code is None else code == 0
    assert criterion.file is not None
    raw = await workspace.read(criterion.file)
    if raw is None:
        return description + f" (`{criterion.file}` not found)", False
    try:
        document = json.loads(raw)
    except ValueError:
        return description + f" (`{criterion.file}` is not valid JSON)", False
    if kind is CriterionKind.JSON_VALID:
        return description, True
    value = lookup(document, criterion.key or "")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return description + f" (`{criterion.key}` is not a number)", None
    ok = (criterion.minimum is None or value >= criterion.minimum) and (
        criterion.maximum is None or value <= criterion.maximum
    )
    return f"{description} (got {value:g})", ok
