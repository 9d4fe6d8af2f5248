"""The repository's own conventions decide what ``fix`` runs by default, and say why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.core.fixes.catalog import CATALOG
from bot.core.fixes.families import decide
from bot.core.fixes.scope import plan_fixes
from bot.core.fixes.style import Formatter, RuleSet, detect
from tests.fix.conftest import run_fix, run_fix_json
from tests.fix.project import write

# The lint part of sqlparse 0.6.1's pyproject.toml: ruff check only, no formatter.
SQLPARSE = """\
[tool.ruff]
target-version = "py310"
exclude = ["dist", "docs", "tests"]

[tool.ruff.lint]
select = ["E", "F", "W", "C90", "B", "I", "UP", "SIM", "RUF"]
ignore = ["RUF001", "RUF012", "B904", "E501", "SIM108", "RUF005"]
"""
# humanize 4.17.0: ruff's extend-select, black and whitespace hooks in pre-commit.
HUMANIZE = """\
[tool.ruff]
fix = true
lint.extend-select = ["C4", "I", "UP", "W"]
lint.ignore = ["E203", "PIE790"]
"""
PRE_COMMIT = """\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    hooks:
      - id: ruff-check
  - repo: https://github.com/psf/black-pre-commit-mirror
    hooks:
      - id: black
  - repo: https://github.com/pre-commit/pre-commit-hooks
    hooks:
      - id: end-of-file-fixer
      - id: trailing-whitespace
"""


def runs(files: dict[str, str]) -> dict[str, str]:
    decisions = decide(detect(files), CATALOG)
    return {d.fix: d.reason for d in decisions if d.runs}


def test_a_ruff_check_only_repository_gets_no_formatter_and_no_quotes() -> None:
    ran = runs({"pyproject.toml": SQLPARSE})
    assert "formatting" not in ran and "quote-style" not in ran
    assert "comprehensions" not in ran  # C4 is not selected
    assert ran["import-sorting"] == "the repository sorts imports with ruff"
    assert ran["unused-imports"] == "enabled by ruff: F401"
    assert "pyupgrade-typing" in ran and "trailing-whitespace" in ran


def test_black_and_pre_commit_hooks_are_followed() -> None:
    files = {"pyproject.toml": HUMANIZE, ".pre-commit-config.yaml": PRE_COMMIT}
    conventions = detect(files)
    assert conventions.formatter is Formatter.BLACK
    ran = runs(files)
    assert ran["formatting"] == "the repository formats with black"
    assert ran["markdown-whitespace"] == "pre-commit hook end-of-file-fixer, trailing-whitespace"
    assert "comprehensions" in ran and "placeholders" not in ran  # PIE is not selected


def test_isort_flake8_and_no_configuration() -> None:
    files = {"setup.cfg": "[flake8]\nextend-ignore = F401\n\n[isort]\nprofile = black\n"}
    ran = runs(files)
    assert ran["import-sorting"] == "the repository sorts imports with isort"
    assert "unused-imports" not in ran  # flake8 ignores F401 here
    assert "escape-sequences" in ran and "formatting" not in ran
    bare = detect({})
    assert bare.defaults_only and bare.formatter is None
    assert set(runs({})) == {
        "unused-imports", "fstring-placeholders", "negated-comparison", "useless-semicolon",
        "is-literal",
    }  # fmt: skip


def test_rule_sets_follow_ruffs_specificity() -> None:
    rules = RuleSet(select=("E", "F401"), ignore=("E5", "F"))
    assert rules.enabled("E711") and not rules.enabled("E501")
    assert rules.enabled("F401") and not rules.enabled("F541")
    assert not RuleSet(select=("ALL",), unfixable=("F401",)).enabled("F401")


def test_a_failed_runs_rules_scope_the_plan() -> None:
    plan = plan_fixes(detect({}), CATALOG, rules=["F401", "format"])
    assert plan.fixes == ("unused-imports", "formatting")
    assert plan.only_codes == frozenset({"F401", "FORMAT"})
    unsafe = plan_fixes(detect({}), CATALOG, rules=["E711"])
    assert unsafe.fixes == ()
    assert "--unsafe" in next(d.reason for d in unsafe.decisions if d.fix == "none-comparison")


def test_fix_keeps_the_repositorys_quotes_and_layout(tmp_path: Path) -> None:
    """sqlparse: a repository that runs ``ruff check`` only is not reformatted."""
    body = "import sys\nimport os\n\n\ndef name():\n    return os.sep+'x'\n"
    write(tmp_path, {"pyproject.toml": SQLPARSE, "pkg/__init__.py": "", "pkg/core.py": body})
    report = run_fix_json(str(tmp_path))
    assert report["files"] == [{"path": "pkg/core.py", "fixes": ["unused-imports"]}]
    after = (tmp_path / "pkg" / "core.py").read_text()
    assert after == "import os\n\n\ndef name():\n    return os.sep+'x'\n"
    families = {item["fix"]: item for item in report["families"]}
    assert families["formatting"]["runs"] is False
    assert families["formatting"]["reason"] == "the repository uses no formatter"
    assert any(
        line.startswith("ruff (pyproject.toml [tool.ruff])") for line in report["conventions"]
    )
    code, out = run_fix(str(tmp_path), "--explain")
    assert code == 0 and "not run: quote-style: not enabled by ruff: Q000" in out


def test_rules_scope_the_cli_to_what_failed(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "import os\nimport sys\nx=1\n", "b.py": "import json  \n"})
    report = run_fix_json(str(tmp_path), "--rules", "F401")
    assert {f["path"]: f["fixes"] for f in report["files"]} == {
        "a.py": ["unused-imports"],
        "b.py": ["unused-imports"],
    }
    assert (tmp_path / "a.py").read_text() == "x=1\n"  # not formatted: format was not reported


def test_removing_an_import_of_a_missing_module_is_held_back(tmp_path: Path) -> None:
    test = "import os\nimport shop.currency\n\n\ndef test_price():\n    assert True\n"
    write(
        tmp_path,
        {"shop/__init__.py": "", "shop/cart.py": "X = 1\n", "tests/test_shop.py": test},
    )
    report = run_fix_json(str(tmp_path), "--select", "unused-imports")
    assert report["changed_files"] == 0
    (reason,) = [s["reason"] for s in report["skipped"] if s["path"] == "tests/test_shop.py"]
    assert "shop.currency is not in the repository" in reason
    assert (tmp_path / "tests" / "test_shop.py").read_text() == test
    done = subprocess.run([sys.executable, "-c", "import shop.currency"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert "ModuleNotFoundError" in done.stderr  # the error the import would have shown


def test_the_fixer_api_scopes_to_files_and_rules(tmp_path: Path) -> None:
    from bot.fixer.run import fix_findings

    body = "import sys\nimport os\nimport json\n\nprint(os, sys)\n"
    write(tmp_path, {"pyproject.toml": SQLPARSE, "a.py": body, "b.py": body})
    report = fix_findings(tmp_path, rules=["F401"], files=["a.py"])
    assert dict(report.applied) == {"a.py": ("unused-imports",)}
    assert report.after["a.py"] == "import sys\nimport os\n\nprint(os, sys)\n"  # not sorted
    assert (tmp_path / "a.py").read_text() == body  # nothing written without write=True
    assert "+++ b/a.py" in report.patch() and "b.py" not in report.patch()
    written = fix_findings(tmp_path, rules=["F401", "I001"], files=["b.py"], write=True)
    assert written.written and (tmp_path / "b.py").read_text().startswith("import os\nimport sys")


def test_a_hooks_exclude_keeps_its_files_out_of_reach(tmp_path: Path) -> None:
    """humanize 4.17.0 excludes its GitHub templates from trailing-whitespace."""
    hooks = (
        "exclude: ^vendor/\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
        "    hooks:\n      - id: trailing-whitespace\n"
        "        exclude: \\.github/ISSUE_TEMPLATE\\.md|\\.github/PULL_REQUEST_TEMPLATE\\.md\n"
        "      - id: end-of-file-fixer\n"
    )
    decision = {d.fix: d for d in decide(detect({".pre-commit-config.yaml": hooks}), CATALOG)}
    markdown = decision["markdown-whitespace"]
    assert markdown.runs and not markdown.admits(".github/ISSUE_TEMPLATE.md")
    assert markdown.admits("docs/index.md") and not markdown.admits("vendor/notes.md")
    template = "Describe it:  \n\n- steps   \n"
    write(
        tmp_path,
        {".pre-commit-config.yaml": hooks, ".github/ISSUE_TEMPLATE.md": template,
         "docs/index.md": "# Title   \ntext", "vendor/x.py": "x = 1   \n"},
    )  # fmt: skip
    report = run_fix_json(str(tmp_path))
    assert [f["path"] for f in report["files"]] == ["docs/index.md"]
    assert (tmp_path / ".github" / "ISSUE_TEMPLATE.md").read_text() == template
    assert (tmp_path / "vendor" / "x.py").read_text() == "x = 1   \n"


def test_formatting_named_where_no_formatter_is_used_keeps_the_quotes(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "x=['one', \"two\"]\n"})
    run_fix(str(tmp_path), "--select", "formatting")
    assert (tmp_path / "a.py").read_text() == "x = ['one', \"two\"]\n"
    write(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 100\n"})
    run_fix(str(tmp_path), "--select", "formatting")  # black normalises quotes: so do we
    assert (tmp_path / "a.py").read_text() == 'x = ["one", "two"]\n'


def test_a_configured_formatter_the_code_does_not_follow_is_not_applied(tmp_path: Path) -> None:
    """python-dateutil 2.9.0 configures black and isort; most of its files follow neither."""
    loose = "import sys, os\ndef f(a,b):\n    return {'a':a,'b':b}\n"
    write(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 80\n",
                     "a.py": loose, "b.py": loose, "c.py": 'x = "kept"\n'})  # fmt: skip
    report = run_fix_json(str(tmp_path))
    families = {item["fix"]: item for item in report["families"]}
    assert families["formatting"]["runs"] is False
    assert families["formatting"]["reason"] == (
        "black is configured, but 2 of 3 Python files do not follow it: "
        "the repository does not apply it"
    )
    assert report["changed_files"] == 0  # black is the only tool, and it is not applied
    write(tmp_path, {"a.py": 'x = {"a": 1}\n', "b.py": "def f(a,b):\n    return a\n"})
    report = run_fix_json(str(tmp_path))  # now one file of three departs: black applies
    assert [f["path"] for f in report["files"]] == ["b.py"]
    assert (tmp_path / "b.py").read_text() == "def f(a, b):\n    return a\n"
