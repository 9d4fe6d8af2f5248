"""Apply a checked patch in an isolated git worktree, never in the caller's checkout."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.core.patch_safety import MAX_BYTES, MAX_FILES, PatchReport, Refusal, check_patch
from bot.errors import AutopilotError, UsageError
from bot.process import CommandResult, run_command

GIT_TIMEOUT = 120.0


class PatchRefused(AutopilotError):
    """The patch failed a safety check or does not apply; ``report`` says why."""

    def __init__(self, report: PatchReport) -> None:
        self.report = report
        super().__init__("; ".join(refusal.message for refusal in report.refusals))


@dataclass(frozen=True)
class AppliedPatch:
    """A worktree holding the patched tree, the commit it started from, and the check."""

    path: Path
    base: str
    report: PatchReport


def git(repo: Path, *args: str, stdin_file: Path | None = None) -> CommandResult:
    """Run ``git -C repo ARGS`` with a timeout, no prompts and no stdin (``stdin_file`` is
    passed as the last argument, as ``git apply FILE`` takes it)."""
    argv = ["git", "-C", str(repo), *args] + ([str(stdin_file)] if stdin_file else [])
    return run_command("git " + args[0], argv, cwd=repo, timeout=GIT_TIMEOUT, tail=None)


def _symlinks_on_disk(tree: Path, report: PatchReport) -> list[Refusal]:
    """Files the patch touches that are symlinks, or sit under one, in the checked-out tree."""
    refusals = []
    for path in report.paths:
        where = tree
        for part in Path(path).parts:
            where = where / part
            if where.is_symlink():
                reason = f"{where.relative_to(tree)} is a symlink in the repository"
                refusals.append(Refusal(path, "symlink", reason))
                break
    return refusals


def remove_worktree(repo: Path, tree: Path) -> None:
    """Remove a worktree made by ``apply_patch_in_worktree`` (and its bookkeeping)."""
    git(repo, "worktree", "remove", "--force", str(tree))
    git(repo, "worktree", "prune")
    if tree.parent.name.startswith("autopilot-worktree-"):
        shutil.rmtree(tree.parent, ignore_errors=True)


def checkout_worktree(repo: Path, ref: str, into: Path) -> Path:
    """A detached worktree of ``ref`` at ``into`` (remove it with ``remove_worktree``)."""
    added = git(repo, "worktree", "add", "--detach", str(into), ref)
    if not added.ok:
        raise UsageError(f"git worktree add {ref}: {added.stderr.strip() or 'failed'}")
    return into


def apply_patch_in_worktree(
    repo: Path,
    diff_text: str,
    *,
    ref: str = "HEAD",
    allow_workflows: bool = False,
    max_bytes: int = MAX_BYTES,
    max_files: int = MAX_FILES,
    into: Path | None = None,
) -> AppliedPatch:
    """Check ``diff_text``, then apply it to ``ref`` in a fresh detached worktree.

    Raises PatchRefused (the worktree removed again) when a check or ``git apply --check``
    fails. The caller removes the worktree with ``remove_worktree`` when done.
    """
    report = check_patch(
        diff_text, allow_workflows=allow_workflows, max_bytes=max_bytes, max_files=max_files
    )
    if not report.ok:
        raise PatchRefused(report)
    base = git(repo, "rev-parse", "--verify", f"{ref}^{{commit}}")
    if not base.ok:
        raise PatchRefused(_with(report, Refusal("", "bad-ref", f"{ref}: not a commit")))
    tree = into or Path(tempfile.mkdtemp(prefix="autopilot-worktree-")) / "tree"
    added = git(repo, "worktree", "add", "--detach", str(tree), base.stdout.strip())
    if not added.ok:
        raise PatchRefused(_with(report, Refusal("", "worktree", added.stderr.strip())))
    try:
        refusals = _symlinks_on_disk(tree, report)
        if refusals:
            raise PatchRefused(_with(report, *refusals))
        if not report.files:  # an empty patch: the worktree is REF as it is
            return AppliedPatch(tree, base.stdout.strip(), report)
        patch_file = tree.parent / f"{tree.name}.patch"
        patch_file.write_text(diff_text, encoding="utf-8")
        for args in (("apply", "--check"), ("apply",)):
            result = git(tree, *args, stdin_file=patch_file)
            if not result.ok:
                reason = f"git apply --check: {result.stderr.strip()[:500]}"
                raise PatchRefused(_with(report, Refusal("", "does-not-apply", reason)))
        patch_file.unlink()
    except BaseException:
        remove_worktree(repo, tree)
        raise
    return AppliedPatch(tree, base.stdout.strip(), report)


def _with(report: PatchReport, *refusals: Refusal) -> PatchReport:
    return PatchReport(report.files, (*report.refusals, *refusals), report.size)


@contextmanager
def patched_worktree(
    repo: Path, diff_text: str, *, ref: str = "HEAD", allow_workflows: bool = False
) -> Iterator[AppliedPatch]:
    """``apply_patch_in_worktree`` as a context manager that removes the worktree after."""
    applied = apply_patch_in_worktree(repo, diff_text, ref=ref, allow_workflows=allow_workflows)
    try:
        yield applied
    finally:
        remove_worktree(repo, applied.path)
