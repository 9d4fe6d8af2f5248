"""Fifth triage corpus: pre-commit, coverage gates, Django, tox, pytest plugins, job logs."""

from __future__ import annotations

from dataclasses import dataclass

from testdata.corpora.project import CORE, PROJECT, TESTS, RealCase, Run, as_job, at, in_file

#: Every tool the throwaway venv gets, pinned (pre-commit hooks run them as ``language: system``).
CI_PINS = (
    "pre-commit==4.7.0",
    "pre-commit-hooks==6.0.0",
    "ruff==0.17.6",
    "black==26.10.1",
    "isort==9.0.2",
    "flake8==7.5.0",
    "mypy==2.4.1",
    "pytest==9.2.0",
    "pytest-cov==7.1.0",
    "coverage==7.17.3",
    "pytest-randomly==5.1.0",
    "pytest-xdist==3.8.0",
    "django==5.2.19",
    "tox==4.67.15",
)


def _hook(hook_id: str, entry: str, types: str = "[python]") -> str:
    return (
        f"    - id: {hook_id}\n      name: {hook_id}\n      entry: {entry}\n"
        f"      language: system\n      types: {types}\n"
    )


#: The hooks of a typical ``.pre-commit-config.yaml``, as local hooks calling installed tools.
HOOKS = "repos:\n- repo: local\n  hooks:\n" + "".join(
    [
        _hook("trailing-whitespace", "trailing-whitespace-fixer", "[text]"),
        _hook("end-of-file-fixer", "end-of-file-fixer", "[text]"),
        _hook("check-yaml", "check-yaml", "[yaml]"),
        _hook("check-toml", "check-toml", "[toml]"),
        _hook("check-merge-conflict", "check-merge-conflict --assume-in-merge", "[text]"),
        _hook("debug-statements", "debug-statement-hook"),
        _hook("check-ast", "check-ast"),
        _hook("ruff", "ruff check --force-exclude"),
        _hook("ruff-format", "ruff format --force-exclude"),
        _hook("black", "black"),
        _hook("isort", "isort"),
        _hook("flake8", "flake8"),
        _hook("mypy", "mypy --ignore-missing-imports"),
    ]
)

PYPROJECT = """[project]
name = "calc"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = ["attrs==26.1.0"]

[project.optional-dependencies]
test = ["pytest==9.2.0", "pytest-cov==7.1.0", "coverage==7.17.3", "iniconfig==2.3.1"]

[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[tool.setuptools]
packages = ["calc"]

[tool.pytest.ini_options]
pythonpath = ["."]

[tool.ruff.lint]
select = ["E", "F", "W", "I"]

[tool.isort]
profile = "black"
"""

WORKFLOW = """name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: pip install -e .[test]
      - run: pytest --cov=calc
"""

#: The tiny project with packaging metadata, a workflow file and a pre-commit configuration.
CI_PROJECT = dict(PROJECT) | {
    "pyproject.toml": PYPROJECT,
    ".pre-commit-config.yaml": HOOKS,
    ".github/workflows/ci.yml": WORKFLOW,
}


@dataclass
class CiCase(RealCase):
    """A case on the tiny project (``project="calc"``) or a generated Django project."""

    place: str = "runner"


PC = ["pre-commit", "run", "--all-files"]
NO_COLOR = {"PRE_COMMIT_COLOR": "never"}
COLOR = {"PRE_COMMIT_COLOR": "always"}
COV = ["pytest", "-p", "no:randomly", "--cov=calc", "--cov-report=term-missing"]
C, T = "calc/core.py", "tests/test_core.py"
UNIT = "tests/test_unit.py"
WS = ("calc/core.py", "    return a + b\n", "    return a + b   \n")
EOF = ("calc/cli.py", "raise SystemExit(main())\n", "raise SystemExit(main())  # eof")
UGLY = ("calc/core.py", "def add(a: int, b: int) -> int:", "def add( a: int,b: int )->int:  # fmt")
IMPORTS = (
    "tests/test_core.py",
    "from calc.core import",
    "import os  # isort\nfrom calc.core import",
)
UNTESTED = (
    "calc/core.py",
    "def lookup(",
    'def describe(n: int) -> str:\n    """Uncovered."""\n    if n > 100:\n        return "big"\n'
    '    if n > 10:\n        return "medium"\n    if n > 1:\n        return "small"\n'
    '    return "tiny"\n\n\ndef lookup(',
)
DEPRECATED = (
    "calc/core.py",
    "    return int(text.strip())\n",
    '    import warnings\n\n    warnings.warn("parse_int is deprecated", DeprecationWarning)'
    "  # warn\n    return int(text.strip())\n",
)

PRE_COMMIT_CASES: list[CiCase] = [
    CiCase(
        "green_precommit_all_passed",
        "pre-commit run --all-files: every hook Passed or Skipped",
        "calc",
        [Run([*PC], NO_COLOR)],
        [],
    ),
    CiCase(
        "format_precommit_whitespace_eof",
        "trailing-whitespace and end-of-file-fixer modify files (Fixing …)",
        "calc",
        [Run([*PC], NO_COLOR)],
        [in_file(C, "format"), in_file("calc/cli.py", "format")],
        [WS, EOF],
    ),
    CiCase(
        "format_precommit_show_diff_gha",
        "formatter hooks modify a file; --show-diff-on-failure prints the diff, in a job log",
        "calc",
        [Run([*PC, "--show-diff-on-failure"], COLOR)],
        [in_file(C, "format")],
        [UGLY],
        gha=True,
    ),
    CiCase(
        "format_precommit_isort_color",
        "isort hook rewrites imports (Fixing /abs/path), coloured output",
        "calc",
        [Run([*PC], COLOR)],
        [
            in_file(T, "format"),
            at(T, "import os  # isort", "lint"),
            at(T, "import os  # isort", "lint"),
        ],
        [IMPORTS],
    ),
    CiCase(
        "syntax_precommit_yaml_toml",
        "check-yaml and check-toml parse errors",
        "calc",
        [Run([*PC], NO_COLOR)],
        [
            at("config/app.yaml", "  - b: [", "syntax_error"),
            in_file("config/app.toml", "syntax_error"),
        ],
        [
            ("config/app.yaml", "", "items:\n  - a: 1\n  - b: [\nname: x\n"),
            ("config/app.toml", "", '[tool]\nname = "x"\nvalue =\n'),
        ],
    ),
    CiCase(
        "syntax_precommit_merge_conflict_ast",
        "check-merge-conflict and check-ast on a file with conflict markers",
        "calc",
        [Run([*PC, "--show-diff-on-failure"], NO_COLOR)],
        [at(C, "<<<<<<< HEAD", "syntax_error")],
        [
            (
                C,
                "    return a + b\n",
                "<<<<<<< HEAD\n    return a + b\n=======\n    return b + a\n>>>>>>> topic\n",
            )
        ],
    ),
    CiCase(
        "lint_precommit_debug_flake8_mypy_gha",
        "debug-statements, ruff, flake8 and mypy hooks fail in one job log",
        "calc",
        [Run([*PC], NO_COLOR)],
        [
            at(C, "import pdb", "lint"),
            at(C, 'return units.get(key, "zero")', "type_error"),
        ],
        [
            (
                C,
                '"""Small arithmetic helpers."""\n',
                '"""Small arithmetic helpers."""\n\nimport pdb  # noqa: E401\n\npdb.set_trace\n',
            ),
            (C, "    return units.get(key, 0)", '    return units.get(key, "zero")'),
        ],
        gha=True,
    ),
]

COVERAGE_LOW = CiCase(
    "unknown_coverage_fail_under_pytest",
    "pytest --cov-fail-under=95: all tests pass, coverage too low",
    "calc",
    [Run([*COV, "--cov-fail-under=95"])],
    [in_file(None, "unknown")],
    [UNTESTED],
)
COVERAGE_CASES: list[CiCase] = [
    CiCase(
        "green_coverage_above_threshold",
        "pytest-cov term-missing table, coverage above --cov-fail-under",
        "calc",
        [Run([*COV, "--cov-fail-under=50"])],
        [],
    ),
    COVERAGE_LOW,
    as_job(
        COVERAGE_LOW,
        "unknown_coverage_report_fail_under_gha",
        "coverage run, then coverage report --fail-under in a job log",
        [
            Run(["coverage", "run", "-m", "pytest", "-q", "-p", "no:randomly"]),
            Run(["coverage", "report", "-m", "--fail-under=95"]),
        ],
    ),
    CiCase(
        "assertion_coverage_and_failure",
        "a failing test under pytest-cov with the table and the threshold line",
        "calc",
        [Run([*COV, "--cov-fail-under=95"])],
        [at(T, "assert add(2, 3) == 6", "assertion", T + "::test_add"), in_file(None, "unknown")],
        [(T, "assert add(2, 3) == 5", "assert add(2, 3) == 6"), UNTESTED],
    ),
]

PLUGIN_CASES: list[CiCase] = [
    CiCase(
        "green_pytest_randomly_xdist",
        "pytest-randomly seed and xdist workers, all passing",
        "calc",
        [Run(["pytest", "-n", "2", "-p", "randomly"])],
        [],
    ),
    CiCase(
        "assertion_randomly_xdist_no_warnings",
        "pytest-randomly and -n 2 with -p no:warnings, two failures",
        "calc",
        [Run(["pytest", "-n", "2", "-p", "no:warnings", "-rA"])],
        [
            at(T, "assert mean([1.0, 2.0, 3.0]) == 3.0", "assertion", T + "::test_mean"),
            at(C, "units[key]  # key", "runtime_error", T + "::test_error_handling"),
        ],
        [
            (T, "assert mean([1.0, 2.0, 3.0]) == 2.0", "assert mean([1.0, 2.0, 3.0]) == 3.0"),
            (C, "return units.get(key, 0)", "return units[key]  # key"),
        ],
    ),
    CiCase(
        "assertion_last_failed_rerun_gha",
        "a run, then pytest --lf reruns only the failure (job log)",
        "calc",
        [
            Run(["pytest", "-q", "-p", "no:randomly"], gate=False),
            Run(["pytest", "--lf", "-p", "no:randomly"]),
        ],
        [at(T, 'assert parse_int(" 42 ") == 41', "assertion", T + "::test_parse_int")],
        [(T, 'assert parse_int(" 42 ") == 42', 'assert parse_int(" 42 ") == 41')],
        gha=True,
    ),
    CiCase(
        "assertion_doctest_markdown",
        "pytest --doctest-glob='*.md' fails on an example in README.md",
        "calc",
        [Run(["pytest", "-p", "no:randomly", "--doctest-glob=*.md", "README.md"])],
        [at("README.md", ">>> add(2, 2)", "assertion")],
        [
            (
                "README.md",
                "",
                "# calc\n\nUsage:\n\n```python\n"
                ">>> from calc.core import add\n>>> add(2, 2)\n5\n\n```\n",
            )
        ],
    ),
    CiCase(
        "runtime_w_error_deprecation",
        "python -W error turns a DeprecationWarning into a failing test",
        "calc",
        [Run(["python", "-W", "error::DeprecationWarning", "-m", "pytest", "-p", "no:randomly"])],
        [
            at(C, "DeprecationWarning)  # warn", "runtime_error", T + "::test_parse_int"),
            at(C, "DeprecationWarning)  # warn", "runtime_error", UNIT + "::CoreTest::test_parse"),
        ],
        [DEPRECATED],
    ),
    CiCase(
        "green_w_error_clean",
        "python -W error with no warnings raised",
        "calc",
        [Run(["python", "-W", "error", "-m", "pytest", "-q", "-p", "no:randomly"])],
        [],
    ),
]

__all__ = ["CI_PROJECT", "CORE", "TESTS"]
