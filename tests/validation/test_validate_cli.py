"""``autopilot validate``: a patch's signals measured in a worktree, piped into the scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main

TESTS = f"{sys.executable} -m pytest -q -p no:cacheprovider"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "calc").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "calc" / "__init__.py").write_text("")
    (root / "calc" / "core.py").write_text("def add(a, b):\n    return a + b\n")
    (root / "tests" / "test_core.py").write_text(
        "from calc.core import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
    )
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return root


def _patch(repo: Path, path: str, new: str) -> str:
    (repo / path).write_text(new)
    diff = _git(repo, "diff")
    _git(repo, "checkout", "-q", "--", path)
    return diff


def _validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object], str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_a_good_patch_passes_and_the_checkout_is_untouched(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patch = tmp_path / "fix.patch"
    patch.write_text(_patch(repo, "calc/core.py", "def add(a, b):\n    return b + a\n"))
    log = tmp_path / "log.jsonl"
    code, signals, _ = _validate(
        capsys, str(repo), "--patch", str(patch), "--tests", TESTS, "--log", str(log)
    )
    assert code == 0
    assert signals["tests"] == 1.0 and signals["lint"] is True and signals["security"] is True
    assert signals["types"] is None
    assert isinstance(signals["coverage"], float)
    assert (repo / "calc" / "core.py").read_text() == "def add(a, b):\n    return a + b\n"
    assert _git(repo, "worktree", "list").count("\n") == 1  # both worktrees removed
    names = {json.loads(line).get("name") for line in log.read_text().splitlines()}
    assert {"tests", "coverage (base)", "coverage (patched)", "lint", "lint (base)"} <= names


def test_a_breaking_patch_fails_and_scores_manual_review(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patch = tmp_path / "bad.patch"
    patch.write_text(_patch(repo, "calc/core.py", "def add(a, b):\n    return a - b\n"))
    code, signals, _ = _validate(
        capsys, str(repo), "--patch", str(patch), "--tests", TESTS, "--no-coverage"
    )
    assert code == 1
    assert signals["tests"] == 0.0 and signals["coverage"] is None
    signals_file = tmp_path / "signals.json"
    signals_file.write_text(json.dumps(signals))
    assert main(["score", "--signals", str(signals_file)]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert scored["route"] == "manual_review"


def test_a_refused_patch_is_never_applied(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".github" / "workflows").mkdir(parents=True)
    patch = tmp_path / "wf.patch"
    (repo / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    _git(repo, "add", "-N", ".github/workflows/ci.yml")
    patch.write_text(_git(repo, "diff"))
    code, signals, err = _validate(capsys, str(repo), "--patch", str(patch), "--tests", TESTS)
    assert code == 2 and signals == {}
    assert "[workflow]" in err and ".github/workflows/ci.yml" in err


def test_without_a_patch_the_working_tree_is_measured(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "calc" / "core.py").write_text("import os\ndef add(a, b):\n    return a + b\n")
    code, signals, _ = _validate(capsys, str(repo), "--tests", TESTS, "--no-coverage")
    assert code == 1
    assert signals["tests"] == 1.0 and signals["lint"] is False  # F401 on the changed file


def test_config_supplies_the_checks_and_flags_override(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "autopilot.yml"
    config.write_text("validation:\n  tests: 'exit 3'\n  security: false\n  coverage: false\n")
    code, signals, _ = _validate(capsys, str(repo), "--config", str(config))
    assert code == 1 and signals["tests"] is False and signals["security"] is None
    code, signals, _ = _validate(capsys, str(repo), "--config", str(config), "--tests", TESTS)
    assert code == 0 and signals["tests"] == 1.0


def test_usage_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(repo / "missing")]) == 2
    assert main(["validate", str(repo), "--patch", str(repo / "none.patch")]) == 2
    assert main(["validate", str(repo), "--timeout", "0"]) == 2
    assert "error" in capsys.readouterr().err


def test_every_changed_file_is_measured_however_many(repo: Path) -> None:
    """Long listings of changed files are read whole, not cut to a log-sized tail."""
    from bot.cli.validate import _changed_since

    names = [f"calc/module_{index:03d}_with_a_long_name.py" for index in range(400)]
    for name in ["calc/aa_first.py", *names]:
        (repo / name).write_text("X = 1\n")
    (repo / "calc" / "core.py").write_text("def add(a, b):\n    return b + a\n")
    assert _changed_since(repo, "HEAD") == sorted(["calc/aa_first.py", "calc/core.py", *names])
