"""``fix --diff`` prints exactly what ``fix`` writes, and both are idempotent.

The project has PyYAML 6.0.4's layout: the package in ``lib/yaml`` and, at the top, a
``yaml/`` folder holding only the C extension's sources. Whether ``import yaml`` is first-
or third-party depends on that folder, so a scratch copy without it sorted imports
differently from the real tree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fix.conftest import run_fix
from tests.fix.project import write

CANONICAL = "import yaml, yaml.composer, yaml.constructor, yaml.resolver\n\nX = yaml.YAMLError\n"
TEST_ALL = "import sys, yaml, test_appliance\n\nprint(sys, yaml, test_appliance)\n"
ISORT = '[tool.ruff.lint]\nselect = ["I", "F401"]\n'


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    return done.stdout


@pytest.fixture
def pyyaml_like(tmp_path: Path) -> Path:
    root = tmp_path / "pyyaml"
    write(
        root,
        {
            "pyproject.toml": ISORT,
            "lib/yaml/__init__.py": "from .error import *\n",
            "lib/yaml/error.py": "class YAMLError(Exception):\n    pass\n",
            "lib/yaml/composer.py": "", "lib/yaml/constructor.py": "",
            "lib/yaml/resolver.py": "",
            "yaml/_yaml.pyx": "# the C extension\n", "yaml/_yaml.h": "#include <yaml.h>\n",
            "tests/legacy_tests/canonical.py": CANONICAL,
            "tests/legacy_tests/test_all.py": TEST_ALL,
            "tests/legacy_tests/test_appliance.py": "",
        },
    )  # fmt: skip
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sdist")
    return root


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


def test_diff_is_what_fix_writes_and_both_are_idempotent(pyyaml_like: Path, tmp_path: Path) -> None:
    code, patch = run_fix(str(pyyaml_like), "--diff")
    assert code == 0 and "+++ b/tests/legacy_tests/canonical.py" in patch
    # a tree built by applying the diff ...
    applied = tmp_path / "applied"
    shutil.copytree(pyyaml_like, applied)
    subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=applied, check=True)
    # ... is the tree a run in place writes
    code, _ = run_fix(str(pyyaml_like))
    assert code == 0
    assert _files(applied) == _files(pyyaml_like)
    # and neither changes again, in place or as a diff
    assert run_fix(str(applied), "--diff") == (0, "")
    assert run_fix(str(pyyaml_like), "--diff") == (0, "")
    before = _files(pyyaml_like)
    run_fix(str(pyyaml_like))
    assert _files(pyyaml_like) == before


def test_a_subfolders_diff_applies_at_the_repository_top(pyyaml_like: Path) -> None:
    code, patch = run_fix(str(pyyaml_like / "tests"), "--diff")
    assert code == 0 and "+++ b/tests/legacy_tests/canonical.py" in patch
    subprocess.run(["git", "apply", "--check", "-"], input=patch, text=True, cwd=pyyaml_like,
                   check=True)  # fmt: skip
