"""The toy corpus's other cases: linters, formatters, timeouts, flaky tests, installers,
the runner's own failures, several failures at once, and green logs."""

from __future__ import annotations

from testdata.corpora.project import PROJECT, TESTS, Case, Run, at, in_file, local_wheels
from testdata.corpora.toy_cases import CORE, MYPY, PYTEST, RUFF, TEST, T, prepend

PIP = ["pip", "install", "--target", "{ws}/site", "--no-cache-dir"]
UV = ["uv", "pip", "install", "--target", "{ws}/site"]
#: Exact strings the GitHub Actions runner prints; they cannot be produced outside a runner.
SHUTDOWN = (
    "##[error]The runner has received a shutdown signal. This can happen when the runner "
    "service is stopped, or a manually started runner is canceled.\n"
)
CANCELED = "##[error]The operation was canceled.\n"
LOST = (
    "##[error]The hosted runner: GitHub Actions 7 lost communication with the server. Anything "
    "in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks "
    "its network access can cause this error.\n"
)
TIME_LIMIT = (
    "##[error]The job running on runner GitHub Actions 3 has exceeded the maximum execution "
    "time of 5 minutes.\n"
)

SLOW = '''"""A test that hangs."""

import time


def test_slow() -> None:
    time.sleep(30)  # hangs
'''
FLAKY = '''"""A test that fails on its first attempt only."""

from pathlib import Path


def test_flaky() -> None:
    marker = Path(__file__).with_suffix(".ran")
    if not marker.exists():
        marker.write_text("once")
        raise AssertionError("first attempt fails")


def test_steady() -> None:
    assert True
'''
DISK = '''"""A test that writes to a full disk."""


def test_write_report() -> None:
    with open("/dev/full", "w") as out:
        out.write("report")
        out.flush()  # disk full
'''

CHECK_CASES: list[Case] = [
    # --- lint -------------------------------------------------------------------------------
    Case(
        "lint_ruff_full",
        "ruff (full output): an unused import",
        [Run([*RUFF, "."])],
        [at(CORE, "import os", "lint")],
        [prepend(CORE, "import os")],
    ),
    Case(
        "lint_ruff_concise_three",
        "ruff concise: unused import, unsorted imports and a long line",
        [Run([*RUFF, "--output-format=concise", "."])],
        [
            at(TEST, "from calc.core import", "lint"),
            at(TEST, "import sys", "lint"),
            at(CORE, "very long", "lint"),
        ],
        [
            (
                TEST,
                (
                    "import add, label, lookup, mean, parse_int",
                    "import add, label, lookup, mean, parse_int\nimport sys",
                ),
            ),
            (
                CORE,
                ('    """Return the sum."""', '    """Return the sum' + " very long" * 10 + '."""'),
            ),
        ],
    ),
    Case(
        "lint_ruff_github_gha",
        "ruff --output-format=github in a job log",
        [Run([*RUFF, "--output-format=github", "."])],
        [at(CORE, "l = ", "lint"), at(CORE, "l = ", "lint")],
        [(CORE, ("    units = {", "    l = 1\n    units = {"))],
        gha=True,
    ),
    Case(
        "lint_flake8",
        "flake8: an unused local variable and trailing whitespace",
        [Run(["flake8", "calc"])],
        [at(CORE, "unused = 1", "lint"), at(CORE, "return a + b ", "lint")],
        [
            (CORE, ("    units = {", "    unused = 1\n    units = {")),
            (CORE, ("    return a + b\n", "    return a + b \n")),
        ],
    ),
    Case(
        "lint_pylint",
        "pylint: an unused import and an unused argument",
        [Run(["pylint", "--persistent=n", "--disable=all", "--enable=W", "calc"])],
        [at(CORE, "import os", "lint"), at(CORE, "def label(n: int, spare", "lint")],
        [
            prepend(CORE, "import os"),
            (CORE, ("def label(n: int)", "def label(n: int, spare: int = 0)")),
        ],
    ),
    # --- format -----------------------------------------------------------------------------
    Case(
        "format_black",
        "black --check: one badly formatted file",
        [Run(["black", "--check", "calc", "tests"])],
        [in_file(CORE, "format")],
        [(CORE, ("def add(a: int, b: int) -> int:", "def add( a:int,b:int )->int:"))],
    ),
    Case(
        "format_ruff_two_files_gha",
        "ruff format --check: two files, in a job log",
        [Run(["ruff", "format", "--check", "--no-cache", "."])],
        [in_file(CORE, "format"), in_file(TEST, "format")],
        [
            (CORE, ("def add(a: int, b: int) -> int:", "def add( a:int,b:int )->int:")),
            (TEST, ("assert add(2, 3) == 5", "assert add(2,3)==5")),
        ],
        gha=True,
    ),
    Case(
        "format_black_root",
        "black --check from the project root",
        [Run(["black", "--check", "."])],
        [in_file(TEST, "format")],
        [(TEST, ("def test_add() -> None:\n", "def test_add() -> None :\n\n\n"))],
    ),
    # --- timeout ----------------------------------------------------------------------------
    Case(
        "timeout_pytest_signal",
        "pytest-timeout (signal method) stops a sleeping test",
        [Run([*PYTEST, "-p", "timeout", "--timeout=1", "tests/test_slow.py"])],
        [at("tests/test_slow.py", "# hangs", "timeout", "tests/test_slow.py::test_slow")],
        [("tests/test_slow.py", ("", SLOW))],
    ),
    Case(
        "timeout_pytest_thread_gha",
        "pytest-timeout (thread method) kills the run, in a job log",
        [Run([*PYTEST, "-v", "-p", "timeout", "--timeout=1", "--timeout-method=thread"])],
        [at("tests/test_slow.py", "# hangs", "timeout")],
        [("tests/test_slow.py", ("", SLOW))],
        gha=True,
    ),
    Case(
        "timeout_command_gha",
        "the coreutils timeout command ends a hanging step (exit code 124)",
        [Run(["timeout", "1", "python", "-c", "import time; time.sleep(30)"])],
        [in_file(None, "timeout")],
        gha=True,
    ),
    Case(
        "timeout_job_limit_gha",
        "the job hits timeout-minutes while tests run (runner message, exact wording)",
        [Run([*PYTEST, "-v", "tests/test_core.py"], suffix=TIME_LIMIT + CANCELED)],
        [in_file(None, "timeout")],
        gha=True,
    ),
    # --- flaky ------------------------------------------------------------------------------
    Case(
        "flaky_rerun_verbose",
        "pytest-rerunfailures: fails once, passes on rerun (-v)",
        [Run([*PYTEST, "-v", "-p", "rerunfailures", "--reruns=2", "tests/test_flaky.py"])],
        [in_file("tests/test_flaky.py", "flaky", "tests/test_flaky.py::test_flaky")],
        [("tests/test_flaky.py", ("", FLAKY))],
    ),
    Case(
        "flaky_rerun_summary_gha",
        "pytest-rerunfailures with -rR, in a job log",
        [Run([*PYTEST, "-rR", "-p", "rerunfailures", "--reruns=1", "tests/test_flaky.py"])],
        [in_file("tests/test_flaky.py", "flaky", "tests/test_flaky.py::test_flaky")],
        [("tests/test_flaky.py", ("", FLAKY))],
        gha=True,
    ),
    Case(
        "flaky_rerun_xdist",
        "pytest-rerunfailures under xdist (-v)",
        [
            Run(
                [
                    *PYTEST,
                    "-v",
                    "-p",
                    "xdist",
                    "-n",
                    "2",
                    "-p",
                    "rerunfailures",
                    "--reruns=1",
                    "tests/test_flaky.py",
                    "tests/test_core.py",
                ]
            )
        ],
        [in_file("tests/test_flaky.py", "flaky", "tests/test_flaky.py::test_flaky")],
        [("tests/test_flaky.py", ("", FLAKY))],
    ),
    # --- dependency -------------------------------------------------------------------------
    Case(
        "dependency_pip_no_version",
        "pip: a version that does not exist (local index only)",
        [Run([*PIP, "--no-index", "--find-links", "{ws}/wheels", "calc-base==9.9"])],
        [in_file(None, "dependency")],
        setup=local_wheels,
    ),
    Case(
        "dependency_pip_conflict_gha",
        "pip: conflicting requirements, in a job log",
        [Run([*PIP, "--no-index", "--find-links", "{ws}/wheels", "calc-plugin"])],
        [in_file(None, "dependency")],
        gha=True,
        setup=local_wheels,
    ),
    Case(
        "dependency_uv_no_solution",
        "uv: a package that is nowhere to be found",
        [Run([*UV, "--no-index", "--find-links", "{ws}/wheels", "calc-plugin"])],
        [in_file(None, "dependency")],
        setup=local_wheels,
    ),
    Case(
        "dependency_pip_requirements",
        "pip -r requirements.txt with an unknown package",
        [Run([*PIP, "--no-index", "--find-links", "{ws}/wheels", "-r", "requirements.txt"])],
        [in_file(None, "dependency")],
        [("requirements.txt", ("", "calc-base==1.0\ncalc-missing>=2\n"))],
        setup=local_wheels,
    ),
    # --- infrastructure ---------------------------------------------------------------------
    Case(
        "infrastructure_pip_network",
        "pip cannot reach its package index (connection refused)",
        [Run([*PIP, "--index-url", "http://127.0.0.1:9/simple", "--retries", "1", "calc-base"])],
        [in_file(None, "infrastructure")],
    ),
    Case(
        "infrastructure_uv_network_gha",
        "uv cannot reach its package index, in a job log",
        [Run([*UV, "--index-url", "http://127.0.0.1:9/simple", "calc-base"])],
        [in_file(None, "infrastructure")],
        gha=True,
    ),
    Case(
        "infrastructure_disk_full_test",
        "a test writes to a full disk (ENOSPC from /dev/full)",
        [Run([*PYTEST, "tests/test_disk.py"])],
        [
            at(
                "tests/test_disk.py",
                "# disk full",
                "infrastructure",
                "tests/test_disk.py::test_write_report",
            )
        ],
        [("tests/test_disk.py", ("", DISK))],
    ),
    Case(
        "infrastructure_disk_full_cp_gha",
        "cp into a full disk (ENOSPC from /dev/full), in a job log",
        [Run(["cp", "calc/core.py", "/dev/full"])],
        [in_file(None, "infrastructure")],
        gha=True,
    ),
    Case(
        "infrastructure_shutdown_gha",
        "the runner is shut down mid-run (runner messages, exact wording)",
        [Run([*PYTEST, "-v", "tests/test_core.py"], suffix=SHUTDOWN + CANCELED)],
        [in_file(None, "infrastructure")],
        gha=True,
    ),
    Case(
        "infrastructure_lost_runner_gha",
        "the runner lost contact with GitHub (runner message, exact wording)",
        [Run(["python", "-m", "pip", "--version"], suffix=LOST)],
        [in_file(None, "infrastructure")],
        gha=True,
    ),
    # --- unknown ----------------------------------------------------------------------------
    Case(
        "unknown_exit_code_gha",
        "a step exits 3 without saying why",
        [Run(["python", "-c", "import sys; print('checking'); sys.exit(3)"])],
        [in_file(None, "unknown")],
        gha=True,
    ),
    Case(
        "unknown_annotation_gha",
        "a script emits an ::error workflow command",
        [
            Run(
                [
                    "sh",
                    "-c",
                    "echo '::error file=calc/core.py,line=4::version check failed'; exit 1",
                ]
            )
        ],
        [at(CORE, "def add(", "unknown")],
        gha=True,
    ),
    # --- several failures -------------------------------------------------------------------
    Case(
        "multi_lint_types_tests_gha",
        "ruff, mypy and pytest each find one fault, in one job",
        [
            Run([*RUFF, "--output-format=concise", "."], gate=False),
            Run(MYPY, gate=False),
            Run([*PYTEST, "tests/test_core.py"]),
        ],
        [
            at(CORE, "import os", "lint"),
            at(CORE, "return n  #", "type_error"),
            at(TEST, "== 6", "assertion", T + "test_add"),
        ],
        [
            prepend(CORE, "import os"),
            (CORE, ('    return "positive"', "    return n  # not a str")),
            (TEST, ("assert add(2, 3) == 5", "assert add(2, 3) == 6")),
        ],
        gha=True,
    ),
    Case(
        "multi_test_categories",
        "three failing tests: assertion, KeyError and AttributeError",
        [Run([*PYTEST, "tests/test_core.py"])],
        [
            at(TEST, "== 6", "assertion", T + "test_add"),
            at(CORE, "units[key]", "runtime_error", T + "test_error_handling"),
            at(CORE, ".upper_case()", "type_error", T + "test_parse_int"),
        ],
        [
            (TEST, ("assert add(2, 3) == 5", "assert add(2, 3) == 6")),
            (CORE, ("return units.get(key, 0)", "return units[key]")),
            (CORE, ("return int(text.strip())", "return int(text.upper_case())")),
        ],
    ),
    # --- green ------------------------------------------------------------------------------
    Case(
        "green_pytest_verbose",
        "all tests pass (-v, -W error::DeprecationWarning, test_error_handling PASSED)",
        [Run([*PYTEST, "-v", "-W", "error::DeprecationWarning", "-rA"])],
        [],
    ),
    Case(
        "green_checks_gha",
        "ruff, mypy, black and pytest all pass, in a job log",
        [
            Run([*RUFF, "."]),
            Run(MYPY),
            Run(["black", "--check", "."]),
            Run([*PYTEST, "--color=yes", "-q"]),
        ],
        [],
        gha=True,
    ),
    Case(
        "green_install_unittest",
        "pip installs from a local folder, unittest passes",
        [
            Run([*PIP, "--no-index", "--find-links", "{ws}/wheels", "calc-base"]),
            Run(["python", "-m", "unittest", "-v"]),
            Run(["flake8", "calc", "tests"]),
        ],
        [],
        setup=local_wheels,
    ),
    Case(
        "green_rerun_none_needed",
        "rerunfailures and timeout enabled, nothing fails (0 errors)",
        [Run([*PYTEST, "-p", "rerunfailures", "-p", "timeout", "--timeout=30", "--reruns=2"])],
        [],
        project={**PROJECT, "tests/test_extra.py": TESTS.replace("Tests for", "More tests")},
    ),
]
