"""``autopilot fix`` on a generated real project: fixes, idempotence, what it must not touch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.fixes.catalog import select
from bot.core.fixes.ruff import RepoStyle, report_args
from bot.core.patch_safety import check_patch
from bot.errors import UsageError
from bot.process import ruff_binary
from tests.fix.conftest import run_fix, run_fix_json
from tests.fix.project import MESSY, make_project, snapshot

UNTOUCHED = (
    "tests/fixtures/input_case.py",
    "generated/messy.py",
    "sample/blob.py",
    "sample/linked.py",
)


def fixable_findings(root: Path) -> list[dict[str, object]]:
    """Findings the catalog's safe entries could still fix, as ruff reports them."""
    result = subprocess.run(
        [ruff_binary(), *report_args(select(), RepoStyle()), "."],
        cwd=root, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return [
        item
        for item in findings
        if isinstance(fix := item.get("fix"), dict)
        and fix.get("applicability") == "safe"
        and Path(str(item["filename"])).relative_to(root).as_posix() not in UNTOUCHED
    ]


def test_fix_applies_catalog_and_second_run_changes_nothing(project: Path) -> None:
    outside = (project.parent / "outside/messy.py").read_bytes()
    before = snapshot(project)
    assert fixable_findings(project)

    report = run_fix_json(str(project), "--all")

    files = {item["path"]: item["fixes"] for item in report["files"]}
    assert {"unused-imports", "pyupgrade-typing", "formatting", "eof-newline"} <= set(
        files["sample/core.py"]
    )
    assert files["README.md"] == ["markdown-whitespace"]
    after = snapshot(project)
    assert after != before
    for rel in UNTOUCHED:
        assert after[rel] == before[rel], rel
    assert (project.parent / "outside/messy.py").read_bytes() == outside
    assert b"from sample.util import slugify\n" in after["sample/__init__.py"]  # re-export kept
    core = after["sample/core.py"].decode()
    assert "def names(items: list[str], prefix: str | None = None) -> dict[str, int]:" in core
    assert "value == None" in core  # unsafe: only on explicit opt-in
    assert fixable_findings(project) == []
    ours = [rel for rel in after if rel.endswith(".py") and rel not in UNTOUCHED]
    formatted = subprocess.run(
        [ruff_binary(), "format", "--no-cache", "--check", *ours],
        cwd=project, timeout=60, capture_output=True, check=False,
    )  # fmt: skip
    assert formatted.returncode == 0

    again = run_fix_json(str(project), "--all")
    assert again["changed_files"] == 0
    assert snapshot(project) == after


def test_text_fixers_keep_meaning(project: Path) -> None:
    run_fix(str(project), "--all")
    assert (project / "README.md").read_text() == "# Sample\n\nline one  \nline two\ntrailing\n"
    # Trailing spaces inside a YAML block scalar are data: the whole file is left as it was.
    assert "keep this   \n" in (project / "config.yml").read_text()


def test_diff_touches_nothing_and_applies_cleanly(project: Path) -> None:
    before = snapshot(project)
    code, patch = run_fix(str(project), "--all", "--diff")
    assert code == 0  # a diff was asked for and printed: success, as `git diff`
    assert snapshot(project) == before
    assert run_fix(str(project), "--all", "--diff", "--exit-code") == (1, patch)
    assert check_patch(patch).ok
    assert "+++ b/sample/core.py" in patch
    applied = subprocess.run(["git", "apply", "-"], input=patch.encode(), cwd=project,
                             timeout=60, check=False)  # fmt: skip
    assert applied.returncode == 0
    assert run_fix(str(project), "--all", "--diff") == (0, "")


def test_select_restricts_to_named_fixes(project: Path) -> None:
    report = run_fix_json(str(project), "--select", "trailing-whitespace,eof-newline")
    fixes = {fix for item in report["files"] for fix in item["fixes"]}
    assert fixes == {"trailing-whitespace", "eof-newline"}
    core = (project / "sample/core.py").read_text()
    assert "from typing import List, Optional, Dict" in core
    assert "result = dict()\n" in core and core.endswith("return value == None\n")


def test_unsafe_fix_needs_explicit_opt_in(project: Path) -> None:
    with pytest.raises(UsageError, match="--unsafe"):
        run_fix(str(project), "--select", "none-comparison")
    with pytest.raises(UsageError, match="unknown fix id"):
        run_fix(str(project), "--select", "no-such-fix")
    code, _ = run_fix(str(project), "--select", "none-comparison", "--unsafe")
    assert code == 0
    assert "return value is None" in (project / "sample/core.py").read_text()


def test_subdirectory_path_leaves_the_rest_alone(project: Path) -> None:
    before = snapshot(project)
    run_fix(str(project / "tests"), "--all")
    after = snapshot(project)
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert changed and all(rel.startswith("tests/") for rel in changed)
    assert after["tests/fixtures/input_case.py"] == MESSY.encode()


def test_gitignore_honoured_without_git(tmp_path: Path) -> None:
    project = make_project(tmp_path, git=False)
    (project / "sample" / "cache").mkdir()
    (project / "sample" / "cache" / ".gitignore").write_text("*.py\n")
    (project / "sample" / "cache" / "skip.py").write_text(MESSY)
    run_fix(str(project), "--all")
    assert (project / "generated/messy.py").read_text() == MESSY
    assert (project / "sample/cache/skip.py").read_text() == MESSY
    assert "import os" not in (project / "sample/core.py").read_text()


def test_repository_ruff_config_is_respected(project: Path) -> None:
    with (project / "pyproject.toml").open("a") as handle:
        handle.write(
            '\n[tool.ruff]\nline-length = 60\nextend-exclude = ["sample/app.py"]\n'
            '[tool.ruff.lint]\nignore = ["UP006", "UP035"]\n'
            '[tool.ruff.format]\nquote-style = "single"\n'
        )
    app_before = (project / "sample/app.py").read_bytes()
    run_fix(str(project), "--all")
    core = (project / "sample/core.py").read_text()
    assert "from typing import Dict, List\n" in core  # UP006/UP035 ignored; Optional -> | None
    assert "items: List[str]," in core  # wrapped at 60 columns
    assert "item = f'{prefix}{item}'" in core  # single quotes, as configured
    assert max(len(line) for line in core.splitlines()) <= 60
    assert (project / "sample/app.py").read_bytes() == app_before
    assert run_fix_json(str(project), "--all")["changed_files"] == 0


def test_project_tests_pass_after_validated_fix(project: Path) -> None:
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider"
    report = run_fix_json(str(project), "--all", "--validate", command)
    backed = {(item["fix"], item["path"]) for item in report["backed_out"]}
    assert ("unused-imports", "sample/app.py") in backed
    assert any(path == "sample/legacy.py" for _, path in backed)  # quotes the test reads
    assert all(path in {"sample/app.py", "sample/legacy.py"} for _, path in backed)
    assert report["validation"]["baseline_ok"] and report["validation"]["final_ok"]
    assert "passed before fixing" in report["backed_out"][0]["reason"]
    assert "import sample.plugins" in (project / "sample/app.py").read_text()
    assert "def run(name, text):" in (project / "sample/app.py").read_text()  # kept: formatting
    assert "def names(items: list[str]" in (project / "sample/core.py").read_text()
    tests = subprocess.run(command.split(), cwd=project, capture_output=True, timeout=120,
                           check=False)  # fmt: skip
    assert tests.returncode == 0, tests.stdout
    again = run_fix_json(str(project), "--all", "--validate", command)
    assert again["changed_files"] == 0


def test_validate_with_diff_leaves_tree_alone(project: Path) -> None:
    before = snapshot(project)
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider tests/test_app.py"
    code, out = run_fix(str(project), "--all", "--diff", "--validate", command)
    assert code == 0
    assert snapshot(project) == before
    assert "+++ b/sample/core.py" in out and "-import sample.plugins" not in out
