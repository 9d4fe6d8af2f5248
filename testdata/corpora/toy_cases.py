"""The toy corpus's cases that run tests, type checkers and parsers: faults, tools, labels."""

from __future__ import annotations

from testdata.corpora.project import Case, Run, at

CORE = "calc/core.py"
TEST = "tests/test_core.py"
UNIT = "tests/test_unit.py"
T = "tests/test_core.py::"
PYTEST = ["pytest", "-p", "no:cacheprovider"]
RUFF = ["ruff", "check", "--no-cache"]
MYPY = ["mypy", "--no-incremental", "--cache-dir=/dev/null", "--strict", "calc"]
#: pyright comes from npm (pinned); npx fetches it once into its cache.
PYRIGHT = ["npx", "--yes", "pyright@1.1.414"]
CORE_DOC = '"""Small arithmetic helpers."""\n'
TEST_DOC = '"""Tests for calc.core."""\n'


def prepend(rel: str, line: str) -> tuple[str, tuple[str, str]]:
    """A fault that adds ``line`` right after the module docstring of ``rel``."""
    doc = CORE_DOC if rel == CORE else TEST_DOC
    return rel, (doc, f"{doc}\n{line}\n")


NOCOLON = ("def add(a: int, b: int) -> int:", "def add(a: int, b: int) -> int  # missing colon")
BAD_ADD = ("    return a + b", "    return a - b")

TEST_CASES: list[Case] = [
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
]
