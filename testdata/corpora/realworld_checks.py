"""Real-world corpus cases for checkers and installers, and the green logs of both kinds."""

from __future__ import annotations

from testdata.corpora.project import RealCase, Run, at, in_file
from testdata.corpora.realworld_tests import CLICK_PYTEST, NOXFILE, PYTEST, TZ_SRC, WRAPPERS

IDNA = "idna/core.py"
FMT = "src/click/formatting.py"
RUFF = ["ruff", "check", "--no-cache", "--isolated", "--select", "F,E9"]
MYPY = ["mypy", "--no-incremental", "--cache-dir=/dev/null", "--follow-imports=silent"]
FLAKE8 = ["flake8", "--select", "F,E9"]
PYLINT = ["pylint", "--disable=all", "--enable=unused-import,undefined-variable,syntax-error"]
PIP = ["pip", "install", "--no-index", "--find-links", "{sdists}", "--target", "{ws}/site"]
UV = ["uv", "pip", "install", "--no-index", "--find-links", "{sdists}", "--target", "{ws}/site"]
IDNA_LINT = [
    (IDNA, "import bisect\n", "import bisect\nimport os\n"),
    (IDNA, 'return "U+{:04X}".format(s)', 'return "U+{:04X}".format(cp)'),
]
IDNA_LINT_LABELS = [at(IDNA, "import os", "lint"), at(IDNA, ".format(cp)", "lint")]
TZ_LINT = [
    (TZ_SRC, "import heapq\n", "import heapq\nimport sys\n"),
    (TZ_SRC, "return dict(d)", "return dict(counts)"),
]
TZ_LINT_LABELS = [at(TZ_SRC, "import sys", "lint"), at(TZ_SRC, "dict(counts)", "lint")]
MYPY_FAULTS = [
    (FMT, "    return tuple(y for x, y", "    reveal_type(widths)\n    return tuple(y for x, y"),
    (
        FMT,
        "return tuple(y for x, y in sorted(widths.items()))",
        "return [y for x, y in sorted(widths.items())]",
    ),
    (FMT, "max(widths.get(idx, 0), term_len(col))", "max(widths.get(idx, 0), col)"),
]
MYPY_LABELS = [
    at(FMT, "return [y for x, y", "type_error"),
    at(FMT, "max(widths.get(idx, 0), col)", "type_error"),
]
#: Files click 8.2.1 ships that the pinned black would reformat (not injected faults).
BLACK_UNFORMATTED_IN_RELEASE = ("src/click/testing.py", "src/click/core.py")
UNFORMATTED = (FMT, "    widths: dict[int, int] = {}\n", "    widths : dict[int,int]={ }\n")
LOGGING_TEST = '''"""Error handling: a failed call is logged and reported, and the test passes."""

import json
import logging

log = logging.getLogger("click.app")


def test_error_handling():
    log.error("connection error while fetching config (retrying)")
    print(json.dumps({"error": None, "errors": 0, "status": "ok"}))
    print("0 errors, 0 failures")
    assert True
'''
GREEN_CHECKS = [
    Run(["ruff", "check", "--no-cache", FMT]),
    Run(["ruff", "format", "--no-cache", "--check", FMT]),
    Run(["black", "--check", FMT]),
    Run([*MYPY, "--strict", "src/click/parser.py"]),
    Run([*FLAKE8, "src/click/formatting.py"]),
    Run([*PYLINT, FMT]),
]

CHECK_CASES: list[RealCase] = [
    RealCase(
        "lint_idna_ruff_full",
        "ruff's default (full) output with code frames",
        "idna",
        [Run([*RUFF, IDNA])],
        IDNA_LINT_LABELS,
        IDNA_LINT,
    ),
    RealCase(
        "lint_idna_ruff_concise",
        "ruff --output-format concise",
        "idna",
        [Run([*RUFF, "--output-format", "concise", "idna"])],
        IDNA_LINT_LABELS,
        IDNA_LINT,
    ),
    RealCase(
        "lint_idna_ruff_grouped",
        "ruff --output-format grouped",
        "idna",
        [Run([*RUFF, "--output-format", "grouped", "idna"])],
        IDNA_LINT_LABELS,
        IDNA_LINT,
    ),
    RealCase(
        "lint_idna_ruff_pylint_format",
        "ruff --output-format pylint",
        "idna",
        [Run([*RUFF, "--output-format", "pylint", "idna"])],
        IDNA_LINT_LABELS,
        IDNA_LINT,
    ),
    RealCase(
        "lint_idna_ruff_github_gha",
        "ruff --output-format github in a job log",
        "idna",
        [Run([*RUFF, "--output-format", "github", "idna"])],
        IDNA_LINT_LABELS,
        IDNA_LINT,
        place="runner",
        gha=True,
    ),
    RealCase(
        "lint_idna_ruff_full_color_gha",
        "ruff's full output with colours in a job log",
        "idna",
        [Run([*RUFF, "idna"], env={"FORCE_COLOR": "1"})],
        IDNA_LINT_LABELS,
        IDNA_LINT,
        place="runner",
        gha=True,
    ),
    RealCase(
        "lint_toolz_flake8",
        "flake8 default output",
        "toolz",
        [Run([*FLAKE8, TZ_SRC, "toolz/functoolz.py"])],
        TZ_LINT_LABELS,
        TZ_LINT,
        place="srv",
    ),
    RealCase(
        "lint_toolz_flake8_show_source",
        "flake8 --show-source",
        "toolz",
        [Run([*FLAKE8, "--show-source", TZ_SRC])],
        TZ_LINT_LABELS,
        TZ_LINT,
    ),
    RealCase(
        "lint_toolz_pylint",
        "pylint default output (Module header, score)",
        "toolz",
        [Run([*PYLINT, "toolz/itertoolz.py", "toolz/functoolz.py"])],
        TZ_LINT_LABELS,
        TZ_LINT,
    ),
    RealCase(
        "syntax_idna_ruff_flake8_mypy",
        "one syntax error seen by ruff, flake8 and mypy",
        "idna",
        [Run([*RUFF, "idna"]), Run([*FLAKE8, "idna"]), Run([*MYPY, "idna/core.py"])],
        [at(IDNA, "def check_nfc(label: str) -> None", "syntax_error")],
        [(IDNA, "def check_nfc(label: str) -> None:\n", "def check_nfc(label: str) -> None\n")],
    ),
    RealCase(
        "type_click_mypy_plain",
        "mypy --no-pretty with a note (reveal_type)",
        "click",
        [Run([*MYPY, "--no-pretty", FMT])],
        MYPY_LABELS,
        MYPY_FAULTS,
    ),
    RealCase(
        "type_click_mypy_pretty",
        "mypy --pretty: source lines and carets",
        "click",
        [Run([*MYPY, "--pretty", FMT])],
        MYPY_LABELS,
        MYPY_FAULTS,
        place="srv",
    ),
    RealCase(
        "type_click_mypy_columns_gha",
        "mypy --show-column-numbers --show-error-codes, colours, job log",
        "click",
        [
            Run(
                [*MYPY, "--show-column-numbers", "--show-error-codes", FMT],
                env={"MYPY_FORCE_COLOR": "1", "TERM": "xterm-256color"},
            )
        ],
        MYPY_LABELS,
        MYPY_FAULTS,
        place="runner",
        gha=True,
    ),
    RealCase(
        "import_click_mypy_missing",
        "mypy cannot find an imported module",
        "click",
        [Run([*MYPY, FMT])],
        [at(FMT, "import yaml_extras", "import_error")],
        [
            (
                FMT,
                "import collections.abc as cabc\n",
                "import collections.abc as cabc\nimport yaml_extras\n",
            )
        ],
    ),
    RealCase(
        "format_click_black_check",
        "black --check",
        "click",
        [Run(["black", "--check", "src/click/formatting.py", "src/click/parser.py"])],
        [in_file(FMT, "format")],
        [UNFORMATTED],
    ),
    RealCase(
        "format_click_black_diff",
        "black --check --diff; two files of the release are not black-formatted already",
        "click",
        [Run(["black", "--check", "--diff", "src/click"])],
        [in_file(path, "format") for path in (FMT, *BLACK_UNFORMATTED_IN_RELEASE)],
        [UNFORMATTED],
        place="srv",
    ),
    RealCase(
        "format_click_ruff_check_gha",
        "ruff format --check in a job log",
        "click",
        [Run(["ruff", "format", "--no-cache", "--check", "src/click"])],
        [in_file(FMT, "format")],
        [UNFORMATTED],
        place="runner",
        gha=True,
    ),
    RealCase(
        "format_click_ruff_diff",
        "ruff format --diff",
        "click",
        [Run(["ruff", "format", "--no-cache", "--diff", "src"])],
        [in_file(FMT, "format")],
        [UNFORMATTED],
    ),
    RealCase(
        "dependency_pip_conflict",
        "two requirements on one package that cannot both hold",
        "toolz",
        [Run([*PIP, "toolz==1.0.0", "toolz<1.0"])],
        [in_file(None, "dependency")],
    ),
    RealCase(
        "dependency_pip_no_version_requirements",
        "a requirements file pins a version that does not exist",
        "toolz",
        [Run([*PIP, "-r", "requirements-ci.txt"])],
        [at("requirements-ci.txt", "tabulate==", "dependency")],
        [("requirements-ci.txt", "", "# pinned for CI\ntabulate==9.9.9\n")],
    ),
    RealCase(
        "dependency_pip_missing_package_gha",
        "a package no index has, in a job log",
        "toolz",
        [Run([*PIP, "ci-autopilot-no-such-package"])],
        [in_file(None, "dependency")],
        place="runner",
        gha=True,
    ),
    RealCase(
        "dependency_pip_build_failure",
        "setup.py of the project cannot run: the build fails",
        "toolz",
        [Run([*PIP, "--no-deps", "."])],
        [in_file(None, "dependency")],
        [("setup.py", "import versioneer\n", "import versioneer_ci\n")],
    ),
    RealCase(
        "dependency_uv_conflict",
        "uv pip install with conflicting requirements",
        "toolz",
        [Run([*UV, "toolz==1.0.0", "toolz<1.0"])],
        [in_file(None, "dependency")],
    ),
    RealCase(
        "dependency_uv_missing_package_gha",
        "uv pip install of a package no index has, job log",
        "toolz",
        [Run([*UV, "ci-autopilot-no-such-package"])],
        [in_file(None, "dependency")],
        place="runner",
        gha=True,
    ),
    # --- green logs --------------------------------------------------------------------------
    RealCase(
        "green_more_pytest_q_warnings",
        "more-itertools passes: -q, subtests, warnings summary",
        "more",
        [Run([*PYTEST, "-q", "tests"])],
        [],
    ),
    RealCase(
        "green_tabulate_verbose_skips",
        "tabulate passes with skips, -v -rs",
        "tabulate",
        [Run([*PYTEST, "-v", "-rs", "test/test_output.py", "test/test_regression.py"])],
        [],
        place="srv",
    ),
    RealCase(
        "green_click_W_error_ra",
        "click passes with -W error::DeprecationWarning and -ra (xfail)",
        "click",
        [
            Run(
                [
                    *PYTEST,
                    "-W",
                    "error::DeprecationWarning",
                    *CLICK_PYTEST[3:],
                    "-ra",
                    "tests/test_basic.py",
                    "tests/test_chain.py",
                    "tests/test_termui.py",
                ]
            )
        ],
        [],
    ),
    RealCase(
        "green_toolz_xdist_color_gha",
        "toolz passes under xdist with colours, job log",
        "toolz",
        [Run([*PYTEST, "-n", "2", "--color=yes", "toolz/tests"])],
        [],
        place="runner",
        gha=True,
        venv_inside=True,
    ),
    RealCase(
        "green_idna_unittest_verbose",
        "idna passes under unittest discover -v",
        "idna",
        [Run(["python", "-m", "unittest", "-v", "tests.test_idna", "tests.test_intranges"])],
        [],
    ),
    RealCase(
        "green_click_logging_ra_live",
        "a passing test logs ERROR and prints JSON with an error key; -rA, live logs",
        "click",
        [
            Run(
                [
                    *CLICK_PYTEST,
                    "-rA",
                    "-o",
                    "log_cli=true",
                    "--log-cli-level=INFO",
                    "tests/test_app_errors.py",
                    "tests/test_parser.py",
                ]
            )
        ],
        [],
        [("tests/test_app_errors.py", "", LOGGING_TEST)],
    ),
    RealCase(
        "green_checks_gha",
        "ruff, ruff format, black, mypy --strict, flake8, pylint all pass, job log",
        "click",
        GREEN_CHECKS,
        [],
        place="runner",
        gha=True,
    ),
    RealCase(
        "green_toolz_nox",
        "a nox session that passes",
        "toolz",
        [Run(["nox", "-s", "tests"])],
        [],
        [("noxfile.py", "", NOXFILE)],
        extra=WRAPPERS,
    ),
]
