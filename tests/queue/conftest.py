"""Queue test helpers: a scored result to enqueue, a real git repository, the ``cli`` fixture."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.core.scoring import ScoreResult, parse_signals, score
from tests.scoring.conftest import cli  # noqa: F401  (re-exported fixture)

LOW_SIGNALS = {"tests": 1, "lint": 1, "types": 0, "security": 0, "coverage": 0}  # 0.60


def scored(signals: dict[str, object] | None = None) -> ScoreResult:
    return score(parse_signals(LOW_SIGNALS if signals is None else signals))


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one commit holding ``app.py``."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Reviewer")
    git(root, "config", "user.email", "reviewer@example.com")
    (root / "app.py").write_text("import os\nimport sys\n\nprint(sys.argv)\n")
    git(root, "add", "app.py")
    git(root, "commit", "--quiet", "-m", "initial")
    return root


@pytest.fixture
def patch(repo: Path) -> str:
    """A diff removing the unused import from ``app.py`` (the tree is left unchanged)."""
    original = (repo / "app.py").read_text()
    (repo / "app.py").write_text(original.replace("import os\n", ""))
    diff = git(repo, "diff")
    (repo / "app.py").write_text(original)
    return diff
