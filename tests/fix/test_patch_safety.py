"""Patch safety: each refusal with its reason, and applying in an isolated git worktree."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.core.patch_safety import check_patch
from bot.fixer.worktree import PatchRefused, apply_patch_in_worktree, patched_worktree


def hunk(old: str, new: str | None = None, *, git: bool = True) -> str:
    new = old if new is None else new
    head = f"diff --git a/{old} b/{new}\n" if git else ""
    return f"{head}--- a/{old}\n+++ b/{new}\n@@ -1 +1 @@\n-a\n+b\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}  # fmt: skip
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("a\n")
    (root / "data.bin").write_bytes(b"\x00\x01")
    os.symlink("pkg", root / "alias")
    for argv in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "i"]):
        subprocess.run(argv, cwd=root, check=True, env=env, timeout=60)
    return root


def git_diff(repo: Path) -> str:
    out = subprocess.run(["git", "diff", "--binary"], cwd=repo, capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    subprocess.run(["git", "checkout", "--", "."], cwd=repo, timeout=60, check=True)
    return out.stdout


def codes(diff: str, **options: int | bool) -> list[str]:
    return [refusal.code for refusal in check_patch(diff, **options).refusals]  # type: ignore[arg-type]


def test_plain_patch_is_ok() -> None:
    report = check_patch(hunk("pkg/a.py"))
    assert report.ok and report.paths == ("pkg/a.py",)
    assert (report.files[0].added, report.files[0].removed) == (1, 1)


def test_each_refusal_has_a_code_and_reason() -> None:
    assert codes(hunk("../etc/passwd")) == ["escapes-repo"]
    assert codes(hunk("pkg/../../x")) == ["escapes-repo"]
    assert codes(hunk(".git/hooks/pre-commit")) == ["escapes-repo"]
    absolute = "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n"
    assert codes(absolute) == ["absolute-path"]
    assert codes(hunk(".github/workflows/ci.yml")) == ["workflow"]
    assert codes(hunk(".github/workflows/ci.yml"), allow_workflows=True) == []
    assert codes(hunk("a.py"), max_bytes=10) == ["too-large"]
    assert codes(hunk("a.py") + hunk("b.py"), max_files=1) == ["too-large"]
    assert codes("this is not a diff\n") == ["unparseable"]
    rename = "diff --git a/x b/y\nsimilarity index 100%\nrename from x\nrename to ../y\n"
    assert "escapes-repo" in codes(rename)
    report = check_patch(hunk("../x"))
    assert report.refusals[0].message == "../x: the path leaves the repository"  # path once
    flag = check_patch(hunk(".github/workflows/ci.yml")).refusals[0].message
    assert flag.count(".github/workflows/ci.yml") == 1 and "--allow-workflows" in flag
    assert not report.ok


def test_symlink_and_binary_from_real_git_diffs(repo: Path) -> None:
    (repo / "data.bin").write_bytes(b"\x00\x02")
    assert codes(git_diff(repo)) == ["binary"]
    (repo / "alias").unlink()
    os.symlink("/etc", repo / "alias")
    assert codes(git_diff(repo)) == ["symlink"]


def test_apply_in_worktree_leaves_checkout_alone(repo: Path) -> None:
    (repo / "pkg" / "a.py").write_text("b\n")
    diff = git_diff(repo)
    with patched_worktree(repo, diff) as applied:
        assert (applied.path / "pkg" / "a.py").read_text() == "b\n"
        assert applied.report.paths == ("pkg/a.py",)
        tree = applied.path
    assert not tree.exists()
    assert (repo / "pkg" / "a.py").read_text() == "a\n"
    listed = subprocess.run(["git", "worktree", "list"], cwd=repo, capture_output=True,
                            text=True, timeout=60, check=True)  # fmt: skip
    assert len(listed.stdout.strip().splitlines()) == 1


def test_apply_refuses_unsafe_or_stale_patches(repo: Path) -> None:
    with pytest.raises(PatchRefused) as refused:
        apply_patch_in_worktree(repo, hunk("../outside.py"))
    assert refused.value.report.refusals[0].code == "escapes-repo"
    with pytest.raises(PatchRefused) as through_link:
        apply_patch_in_worktree(repo, hunk("alias/a.py"))
    assert [r.code for r in through_link.value.report.refusals] == ["symlink"]
    with pytest.raises(PatchRefused) as stale:
        apply_patch_in_worktree(repo, hunk("pkg/a.py").replace("-a\n", "-zzz\n"))
    assert stale.value.report.refusals[-1].code == "does-not-apply"
    assert (repo / "pkg" / "a.py").read_text() == "a\n"
