"""The README's CLI block, run as written against a small project made here.

The project is a real one in miniature: a package, its pytest suite, ruff settings that
select pyflakes and isort rules, a git history, and a CI log made by running ruff on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
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


def readme_cli_blocks() -> list[str]:
    """The ``sh`` blocks of the README's "The CLI" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The CLI") : readme.index("## The Action")]
    return [part.split("```", 1)[0] for part in section.split("```sh\n")[1:]]


def run_block(
    block: str, project: Path, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run a README block with bash in ``project``: the run, and "STATUS COMMAND" for each
    command that exited non-zero (recorded by a trap; the block's lines are not changed)."""
    statuses = project.parent / "statuses"
    statuses.unlink(missing_ok=True)
    script = f"trap 'echo \"$? $BASH_COMMAND\" >> {statuses}' ERR\n" + block
    done = subprocess.run(["bash", "-c", script], cwd=project, capture_output=True, text=True,
                          env=env, timeout=900, check=False)  # fmt: skip
    return done, statuses.read_text().splitlines() if statuses.exists() else []


def test_the_readme_cli_blocks_run_as_written(tmp_path: Path) -> None:
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

    block, more = readme_cli_blocks()
    done, failed = run_block(block, project, env)
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

    # the second block: a run's logs as a zip, and every safe fix under the tests
    with zipfile.ZipFile(project / "logs.zip", "w") as archive:
        archive.writestr("lint/2_ruff.txt", (project / "build.log").read_text())
    (project / "shop" / "money.py").write_text(MONEY)  # the failure again
    done, failed = run_block(more, project, env)
    assert [line.split(" ", 1)[1] for line in failed] == [
        "autopilot triage logs.zip --format github"
    ], done.stderr
    assert "::error file=shop/money.py,line=1" in done.stdout
    assert "fixed 1 file(s)" in done.stdout and "backed out" not in done.stdout
    assert (project / "shop" / "money.py").read_text().startswith("from decimal import Decimal")
