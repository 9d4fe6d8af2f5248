"""The cases of the triage corpus: which faults go where, which tools run, what they mean."""

from __future__ import annotations

from testdata.corpora.project import PROJECT, TESTS, Case, Run, at, in_file, local_wheels

CORE = "calc/core.py"
TEST = "tests/test_core.py"
UNIT = "tests/test_unit.py"
T = "tests/test_core.py::"
PYTEST = ["pytest", "-p", "no:cacheprovider"]
RUFF = ["ruff", "check", "--no-cache"]
MYPY = ["mypy", "--no-incremental", "--cache-dir=/dev/null", "--strict", "calc"]
#: pyright comes from npm (pinned); npx fetches it once into its cache.
PYRIGHT = ["npx", "--yes", "pyright@1.1.414"]
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

CORE_DOC = '"""Small arithmetic helpers."""\n'
TEST_DOC = '"""Tests for calc.core."""\n'


def prepend(rel: str, line: str) -> tuple[str, tuple[str, str]]:
    """A fault that adds ``line`` right after the module docstring of ``rel``."""
    doc = CORE_DOC if rel == CORE else TEST_DOC
    return rel, (doc, f"{doc}\n{line}\n")


NOCOLON = ("def add(a: int, b: int) -> int:", "def add(a: int, b: int) -> int  # missing colon")
BAD_ADD = ("    return a + b", "    return a - b")

CASES: list[Case] = [
    # --- assertion --------------------------------------------------------------------------
    Case(
        "assertion_simple",
        "a wrong expected value in a test",
        [Run([*PYTEST, "tests/test_core.py"])],
        [at(TEST, "== 6", "assertion", T + "test_add")],
        [(TEST, ("assert add(2, 3) == 5", "assert add(2, 3) == 6"))],
    ),
    Case(
        "assertion_bug_in_source_gha",
        "a bug in the code under test, pytest with colours in a GitHub Actions job log",
        [Run([*PYTEST, "--color=yes", "-v"])],
        [
            at(TEST, "assert add(2, 3) == 5", "assertion", T + "test_add"),
            at(UNIT, "add(1, 1), 2", "assertion", "tests/test_unit.py::CoreTest::test_add"),
        ],
        [(CORE, BAD_ADD)],
        gha=True,
    ),
    Case(
        "assertion_two_tests_xdist",
        "two failing tests under pytest-xdist",
        [Run([*PYTEST, "-p", "xdist", "-n", "2", "tests/test_core.py"])],
        [
            at(TEST, "== 6", "assertion", T + "test_add"),
            at(TEST, '"positive"', "assertion", T + "test_label"),
        ],
        [
            (TEST, ("assert add(2, 3) == 5", "assert add(2, 3) == 6")),
            (TEST, ('assert label(-1) == "negative"', 'assert label(-1) == "positive"')),
        ],
    ),
    Case(
        "assertion_tb_short_ra",
        "a failing test with --tb=short and -rA (passes listed too)",
        [Run([*PYTEST, "--tb=short", "-rA", "tests/test_core.py"])],
        [at(TEST, "== 3.0", "assertion", T + "test_mean")],
        [(TEST, ("== 2.0", "== 3.0"))],
    ),
    Case(
        "assertion_unittest",
        "a failing unittest assertEqual",
        [Run(["python", "-m", "unittest", "-v", "tests.test_unit"])],
        [at(UNIT, "add(1, 1), 3", "assertion", "tests.test_unit.CoreTest.test_add")],
        [(UNIT, ("add(1, 1), 2", "add(1, 1), 3"))],
    ),
    Case(
        "assertion_tb_native",
        "a failing test with --tb=native",
        [Run([*PYTEST, "--tb=native", "tests/test_core.py"])],
        [at(TEST, '"twenty"', "assertion", T + "test_lookup")],
        [(TEST, ('assert lookup("two") == 2', 'assert lookup("two") == 3, "twenty"'))],
    ),
    # --- runtime_error ----------------------------------------------------------------------
    Case(
        "runtime_zero_division",
        "mean([]) divides by zero inside the package",
        [Run([*PYTEST, "tests/test_core.py"])],
        [at(CORE, "sum(values) / len(values)", "runtime_error", T + "test_mean")],
        [(TEST, ("mean([1.0, 2.0, 3.0]) == 2.0", "mean([]) == 0.0"))],
    ),
    Case(
        "runtime_key_error_gha",
        "a KeyError raised in the package, in a job log",
        [Run([*PYTEST, "-rA"])],
        [at(CORE, "units[key]", "runtime_error", T + "test_error_handling")],
        [(CORE, ("return units.get(key, 0)", "return units[key]"))],
        gha=True,
    ),
    Case(
        "runtime_script_traceback",
        "a command-line script crashes with ValueError",
        [Run(["python", "-m", "calc.cli", "12", "twelve"])],
        [at(CORE, "int(text.strip())", "runtime_error")],
    ),
    Case(
        "runtime_unittest_error",
        "a unittest test raises ValueError from the package",
        [Run(["python", "-m", "unittest", "tests.test_unit"])],
        [at(CORE, "int(text.strip())", "runtime_error", "tests.test_unit.CoreTest.test_parse")],
        [(UNIT, ('parse_int("7")', 'parse_int("seven")'))],
    ),
    # --- type_error -------------------------------------------------------------------------
    Case(
        "type_mypy_return",
        "mypy: wrong return type",
        [Run(MYPY)],
        [at(CORE, "return n  #", "type_error")],
        [(CORE, ('    return "positive"', "    return n  # not a str"))],
    ),
    Case(
        "type_mypy_two_errors_gha",
        "mypy: an argument and an attribute error, in a job log",
        [Run([*MYPY[:-1], "calc", "tests"])],
        [at(TEST, 'add("2", 3)', "type_error"), at(CORE, ".upper_case()", "type_error")],
        [
            (TEST, ("assert add(2, 3) == 5", 'assert add("2", 3) == 5')),
            (CORE, ("return int(text.strip())", "return int(text.upper_case())")),
        ],
        gha=True,
    ),
    Case(
        "type_runtime_attribute",
        "pytest: AttributeError from the package",
        [Run([*PYTEST, "tests/test_core.py"])],
        [at(CORE, ".upper_case()", "type_error", T + "test_parse_int")],
        [(CORE, ("return int(text.strip())", "return int(text.upper_case())"))],
    ),
    Case(
        "type_runtime_typeerror",
        "pytest: TypeError adding a str to an int in the package",
        [Run([*PYTEST, "-q", "tests/test_core.py"])],
        [at(CORE, 'a + b + ""', "type_error", T + "test_add")],
        [(CORE, ("    return a + b", '    return a + b + ""'))],
    ),
    Case(
        "type_pyright_two_errors_gha",
        "pyright: a wrong return type and a missing import, in a job log",
        [Run([*PYRIGHT, "calc"])],
        [at(CORE, "return n  #", "type_error"), at(CORE, "import yaml_missing", "import_error")],
        [
            (CORE, ('    return "positive"', "    return n  # not a str")),
            prepend(CORE, "import yaml_missing"),
        ],
        gha=True,
    ),
    # --- import_error -----------------------------------------------------------------------
    Case(
        "import_missing_module_in_test",
        "a test module imports a module that does not exist",
        [Run([*PYTEST, "tests/test_core.py"])],
        [at(TEST, "import yaml_missing", "import_error")],
        [prepend(TEST, "import yaml_missing")],
    ),
    Case(
        "import_missing_name_gha",
        "the package imports a name that does not exist, in a job log",
        [Run([*PYTEST, "--color=yes"])],
        [at(CORE, "from calc import nothing_here", "import_error")],
        [prepend(CORE, "from calc import nothing_here")],
        gha=True,
    ),
    Case(
        "import_unittest",
        "unittest loads a module that imports a missing package",
        [Run(["python", "-m", "unittest", "tests.test_unit"])],
        [at(UNIT, "import requests_missing", "import_error")],
        [(UNIT, ("import unittest\n", "import unittest\n\nimport requests_missing\n"))],
    ),
    Case(
        "import_mypy_missing",
        "mypy: an import that cannot be found",
        [Run(MYPY)],
        [at(CORE, "import yaml_missing", "import_error")],
        [prepend(CORE, "import yaml_missing  # noqa: F401")],
    ),
    # --- syntax_error -----------------------------------------------------------------------
    Case(
        "syntax_pytest_collection",
        "a missing colon in the package breaks test collection",
        [Run([*PYTEST, "tests/test_core.py"])],
        [at(CORE, "missing colon", "syntax_error")],
        [(CORE, NOCOLON)],
    ),
    Case(
        "syntax_all_tools_gha",
        "a missing colon seen by ruff, mypy and black in one job",
        [
            Run([*RUFF, "--output-format=concise", "calc"], gate=False),
            Run(MYPY, gate=False),
            Run(["black", "--check", "calc"]),
        ],
        [at(CORE, "missing colon", "syntax_error")],
        [(CORE, NOCOLON)],
        gha=True,
    ),
    Case(
        "syntax_flake8_pylint",
        "an unclosed bracket reported by flake8 and pylint",
        [
            Run(["flake8", "calc"]),
            Run(["pylint", "--persistent=n", "--disable=all", "--enable=E", "calc/core.py"]),
        ],
        [at(CORE, "units = {", "syntax_error")],
        [(CORE, ('units = {"one": 1, "two": 2}', 'units = {"one": 1, "two": 2'))],
    ),
    Case(
        "syntax_indentation_test",
        "an IndentationError in a test module",
        [Run([*PYTEST, "-q", "tests/test_core.py"])],
        [at(TEST, "assert add(1, 1)", "syntax_error")],
        [
            (
                TEST,
                (
                    "    assert add(2, 3) == 5\n",
                    "    assert add(2, 3) == 5\n      assert add(1, 1) == 2\n",
                ),
            )
        ],
    ),
    Case(
        "syntax_pyright",
        "pyright: a missing colon (one syntax error, several cascading messages)",
        [Run([*PYRIGHT, "calc"])],
        [at(CORE, "missing colon", "syntax_error")],
        [(CORE, NOCOLON)],
    ),
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
