"""The README's CLI block, run as written against a small project made here.

The project is a real one in miniature: a package, its pytest suite, ruff settings that
select pyflakes and isort rules, a git history, and a CI log made by running ruff on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fix.project import write
from tests.validation.conftest import commit_all, git

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

PYPROJECT = """\
[project]
name = "shop"
version = "0.1"
requires-python = ">=3.11"

[tool.ruff.lint]
select = ["F", "I"]

[tool.pytest.ini_options]
pythonpath = ["."]
"""
MONEY = """\
import sys
import os
from decimal import Decimal


def total(prices):
    return sum((Decimal(p) for p in prices), Decimal(0))
"""
TEST = """\
from shop.money import total


def test_total():
    assert str(total(["1.10", "2.20"])) == "3.30"
"""


def readme_cli_block() -> str:
    """The first ``sh`` block of the README's "The CLI" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The CLI") :]
    start = section.index("```sh\n") + len("```sh\n")
    return section[start : section.index("```\n", start)]


def test_the_readme_cli_block_runs_as_written(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    write(
        project,
        {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/money.py": MONEY,
         "tests/test_money.py": TEST, ".gitignore": "build.log\nfix.patch\nsignals.json\n"},
    )  # fmt: skip
    git(project, "init", "-q")
    commit_all(project)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    env.pop("AUTOPILOT_STORE", None)
    ruff = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "."],
        cwd=project, capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    (project / "build.log").write_text(ruff.stdout + ruff.stderr)
    assert ruff.returncode == 1  # the CI log: F401 and I001 in shop/money.py

    block = readme_cli_block()
    statuses = tmp_path / "statuses"
    # Record each command's exit status without changing the block's own lines.
    script = f"trap 'echo \"$? $BASH_COMMAND\" >> {statuses}' ERR\n" + block
    done = subprocess.run(["bash", "-c", script], cwd=project, capture_output=True, text=True,
                          env=env, timeout=900, check=False)  # fmt: skip
    failed = statuses.read_text().splitlines() if statuses.exists() else []
    # triage exits 1: it found the failures it was asked about; nothing else fails
    assert [line.split(" ", 1)[1] for line in failed] == [
        "autopilot triage build.log --format text"
    ], done.stderr
    assert failed[0].startswith("1 ")
    assert "F401" in done.stdout and "shop/money.py:1" in done.stdout

    patch = (project / "fix.patch").read_text()
    assert "+++ b/shop/money.py" in patch and "-import os" in patch
    signals = json.loads((project / "signals.json").read_text())
    assert signals["tests"] == 1.0 and signals["lint"] is True
    counts = {"passed": 1, "failed": 0, "error": 0}
    assert signals["evidence"]["tests"]["after"] == counts
    assert signals["evidence"]["tests"]["before"] == counts  # from the base's coverage run
    assert "no type-check command" in signals["evidence"]["types"]["reason"]
    assert '"route":' in done.stdout  # score printed its route
    assert "no matching items" in done.stdout or "rq-1" in done.stdout  # queue list ran
    assert (tmp_path / "state" / "autopilot" / "autopilot.db").is_file()
    assert not (project / "autopilot.db").exists()
    # the last line fixed the tree in place and said why
    assert (project / "shop" / "money.py").read_text().startswith("from decimal import Decimal")
    assert "ran: import-sorting: the repository sorts imports with ruff" in done.stdout
    assert "not run: formatting: the repository uses no formatter" in done.stdout
