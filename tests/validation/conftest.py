"""Fixtures for validation: a git repository, and a real virtual environment that has pytest
but none of coverage, bandit or pip-audit (as many projects' environments)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.fix.project import write

#: What pytest needs to run, linked from this environment into the bare one.
PYTEST_PARTS = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "py.py")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def commit_all(repo: Path, message: str = "init") -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message)


def make_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    write(root, files)
    git(root, "init", "-q")
    commit_all(root)
    return root


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The interpreter of a fresh venv with pytest only (no coverage, bandit, pip-audit)."""
    home = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home / "venv")],
                   check=True, timeout=120)  # fmt: skip
    ours = Path(sysconfig.get_paths()["purelib"])
    keep = home / "keep"
    keep.mkdir()
    for entry in ours.iterdir():
        name = entry.name.split("-")[0].lower()
        if entry.name in PYTEST_PARTS or (
            entry.name.endswith(".dist-info") and name in PYTEST_PARTS
        ):
            (keep / entry.name).symlink_to(entry)
    python = home / "venv" / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    Path(site, "pytest-only.pth").write_text(f"{keep}\n")
    for module, present in (("pytest", True), ("coverage", False), ("bandit", False)):
        found = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True,
                               timeout=60, check=False)  # fmt: skip
        assert (found.returncode == 0) is present, module
    return str(python)
