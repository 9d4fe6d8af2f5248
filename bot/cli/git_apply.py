"""Apply a reviewed patch to a local git working tree with ``git apply``, and commit it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.errors import AutopilotError, UsageError


class ApplyError(AutopilotError):
    """``git apply`` or ``git commit`` refused; the message carries git's own words."""


def worktree_root(path: Path) -> Path:
    """The top of the git working tree at ``path``; ``UsageError`` if it is not one."""
    if not path.is_dir():
        raise UsageError(f"{path} is not a directory")
    done = _git(path, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise UsageError(f"{path} is not inside a git working tree: {done.stderr.strip()}")
    return Path(done.stdout.strip())


def check_applies(root: Path, diff: str, *, index: bool) -> None:
    """Raise ``ApplyError`` unless ``diff`` applies cleanly (and, with ``index``, the index
    holds no other staged change that a commit would sweep in)."""
    if index:  # stale stat data (a file touched, content unchanged) is not a change
        _git(root, "update-index", "-q", "--refresh")
    if index and _git(root, "diff", "--cached", "--quiet").returncode != 0:
        raise ApplyError("the index has staged changes; commit or unstage them before --commit")
    _run(root, "apply", "--check", *(["--index"] if index else []), stdin=diff)


def apply(root: Path, diff: str, *, index: bool, reverse: bool = False) -> None:
    """Apply (or with ``reverse`` undo) ``diff`` in the working tree, and the index if asked."""
    flags = [*(["--index"] if index else []), *(["--reverse"] if reverse else [])]
    _run(root, "apply", *flags, stdin=diff)


def commit(root: Path, message: str) -> str:
    """Commit what is staged and return the new commit's SHA."""
    _run(root, "commit", "--quiet", "--file", "-", stdin=message)
    return _run(root, "rev-parse", "HEAD").strip()


def _run(root: Path, *args: str, stdin: str | None = None) -> str:
    done = _git(root, *args, stdin=stdin)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise ApplyError(f"git {args[0]} failed: {detail}")
    return done.stdout


def _git(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
