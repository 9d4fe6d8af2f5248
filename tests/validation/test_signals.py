"""Each signal is measured against the unpatched tree, or is null with the reason why."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.checks import Checks
from bot.validation.runner import validate_tree
from tests.validation.conftest import commit_all, git, make_repo

APP = "def add(a, b):\n    return a + b\n"
TEST = "from calc.app import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
# B608 (SQL built from strings) already in the project, as in sqlparse's benchmarks/.
QUERY = "def query(table):\n    return 'SELECT * FROM %s' % table\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "repo",
        {
            "calc/__init__.py": "", "calc/app.py": APP, "tests/test_app.py": TEST,
            "bench/queries.py": QUERY, "requirements.txt": "attrs\n",
        },
    )  # fmt: skip


def _patch(repo: Path, changes: dict[str, str]) -> str:
    for rel, text in changes.items():
        (repo / rel).write_text(text)
    diff = git(repo, "diff")
    git(repo, "checkout", "-q", "--", *changes)
    return diff


def _validate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object], str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_a_missing_coverage_leaves_tests_measured_and_coverage_null(
    repo: Path, tmp_path: Path, bare_python: str, capsys: pytest.CaptureFixture[str]
) -> None:
    patch = tmp_path / "fix.patch"
    patch.write_text(_patch(repo, {"calc/app.py": APP.replace("a + b", "b + a")}))
    tests = f"{bare_python} -m pytest -q -p no:cacheprovider"
    code, signals, err = _validate(capsys, str(repo), "--patch", str(patch), "--tests", tests)
    assert signals["tests"] == 1.0  # the tests pass; coverage being absent does not fail them
    assert signals["coverage"] is None
    evidence = signals["evidence"]
    assert isinstance(evidence, dict)
    assert "coverage is not installed" in evidence["coverage"]["reason"]
    assert "autopilot validate: coverage not measured: coverage is not installed" in err
    assert evidence["tests"]["exit_code"] == 0 and evidence["tests"]["after"]["passed"] == 1
    assert evidence["tests"]["command"] == tests
    assert code == 0


def test_missing_scanners_are_null_alike(repo: Path, bare_python: str, tmp_path: Path) -> None:
    (repo / "calc" / "app.py").write_text(APP.replace("a + b", "b + a"))
    (repo / "requirements.txt").write_text("attrs\nidna\n")
    checks = Checks(tests=None, coverage=False)
    changed = ["calc/app.py", "requirements.txt"]
    signals = validate_tree(repo, changed, checks, python=bare_python)
    assert signals.security.value is None
    reason = signals.security.evidence.reason or ""
    assert "bandit is not installed" in reason and "pip_audit is not installed" in reason
    only_deps = validate_tree(repo, ["requirements.txt"], checks, python=sys.executable)
    if only_deps.security.value is None:  # pip-audit absent here, or it could not reach PyPI
        assert "pip" in (only_deps.security.evidence.reason or "")


def test_security_counts_only_findings_the_patch_adds(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    restyled = QUERY.replace("'SELECT * FROM %s'", '"SELECT * FROM %s"')
    quotes = tmp_path / "quotes.patch"
    quotes.write_text(_patch(repo, {"bench/queries.py": restyled}))
    flags = ("--tests", f"{sys.executable} -m pytest -q -p no:cacheprovider", "--no-coverage")
    code, signals, _ = _validate(capsys, str(repo), "--patch", str(quotes), *flags)
    evidence = signals["evidence"]
    assert isinstance(evidence, dict)
    assert signals["security"] is True, evidence["security"]
    assert evidence["security"]["before"] == evidence["security"]["after"] == {"findings": 1}
    assert evidence["security"]["command"].startswith("bandit")
    worse = tmp_path / "worse.patch"
    extra = "\n\ndef drop(table):\n    return 'DELETE FROM %s' % table\n"
    worse.write_text(_patch(repo, {"bench/queries.py": QUERY + extra}))
    code, signals, _ = _validate(capsys, str(repo), "--patch", str(worse), *flags)
    evidence = signals["evidence"]
    assert isinstance(evidence, dict)
    assert code == 1 and signals["security"] is False
    assert evidence["security"]["after"] == {"findings": 2}
    assert "adds 1 finding" in evidence["security"]["reason"]


def test_types_compare_with_the_base(repo: Path, tmp_path: Path) -> None:
    (repo / "calc" / "typed.py").write_text("x: int = 'one'\n")
    commit_all(repo, "a type error already there")
    base = tmp_path / "base"
    git(repo, "worktree", "add", "-q", "--detach", str(base), "HEAD")
    (repo / "calc" / "app.py").write_text(APP.replace("a + b", "b + a"))
    mypy = f"{sys.executable} -m mypy --no-incremental --cache-dir=/dev/null calc"
    checks = Checks(tests=None, types=mypy, security=False, coverage=False)
    signals = validate_tree(repo, ["calc/app.py"], checks, base=base)
    assert signals.types.value is True
    assert signals.types.evidence.exit_code == 1
    assert signals.types.evidence.before == signals.types.evidence.after == {"findings": 1}
    (repo / "calc" / "app.py").write_text(APP + "\ny: str = 2\n")
    worse = validate_tree(repo, ["calc/app.py"], checks, base=base)
    assert worse.types.value is False and worse.types.evidence.after == {"findings": 2}


def test_a_missing_test_runner_is_not_a_failure(repo: Path) -> None:
    checks = Checks(tests=f"{sys.executable} -m no_such_runner", security=False)
    signals = validate_tree(repo, [], checks)
    assert signals.tests.value is None
    assert "no_such_runner is not installed" in (signals.tests.evidence.reason or "")
    gone = validate_tree(repo, [], Checks(tests="no-such-program --run", security=False))
    assert gone.tests.value is None and gone.tests.evidence.exit_code == 127


def test_relative_paths_and_folders_outside_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    patch = tmp_path / "fix.patch"
    patch.write_text(_patch(repo, {"calc/app.py": APP.replace("a + b", "b + a")}))
    monkeypatch.chdir(tmp_path)
    tests = f"{sys.executable} -m pytest -q -p no:cacheprovider"
    code, signals, _ = _validate(
        capsys, "repo", "--patch", "fix.patch", "--tests", tests, "--no-coverage"
    )
    assert code == 0 and signals["tests"] == 1.0
    (tmp_path / "nogit").mkdir()
    code, signals, err = _validate(capsys, "nogit", "--tests", tests)
    assert code == 2 and signals == {}
    assert err.strip().count("\n") == 0  # one line, not git's usage text
    assert "nogit: not a git repository" in err


def test_long_reports_are_read_whole(repo: Path) -> None:
    """bandit's JSON for many files runs past any log-sized tail: it is read in full."""
    names = [f"bench/q{index:02d}.py" for index in range(40)]
    for name in names:
        (repo / name).write_text(QUERY)
    commit_all(repo, "forty queries")
    base = repo.parent / "base40"
    git(repo, "worktree", "add", "-q", "--detach", str(base), "HEAD")
    for name in names:
        (repo / name).write_text(QUERY.replace("'", '"'))
    checks = Checks(tests=None, coverage=False)
    signals = validate_tree(repo, names, checks, base=base)
    assert signals.security.value is True, signals.security.evidence
    assert signals.security.evidence.before == signals.security.evidence.after == {"findings": 40}


def test_an_empty_patch_measures_ref_as_it_is(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.patch").write_text("")
    tests = f"{sys.executable} -m pytest -q -p no:cacheprovider"
    code, signals, err = _validate(
        capsys, str(repo), "--patch", str(tmp_path / "empty.patch"), "--tests", tests,
        "--no-coverage",
    )  # fmt: skip
    assert code == 0 and signals["tests"] == 1.0 and signals["lint"] is None
    assert "the patch is empty" in err
