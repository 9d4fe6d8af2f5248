"""Third triage corpus: doctests, raised-error styles, checkers, installers and green logs."""

from __future__ import annotations

from testdata.corpora.project import RealCase, Run, at, in_file
from testdata.corpora.realworld_checks import MYPY
from testdata.corpora.realworld_tests import PYTEST
from testdata.corpora.thirdparty_tests import WC_PYTEST

SL = "sortedcontainers/sortedlist.py"
PP = "tests/test_ci_grammar.py"
PU = "src/packaging/utils.py"
PY_UTIL = "pyparsing/util.py"
WC_WRAP = "wcwidth/textwrap.py"
ISORT = ("isort==6.0.1",)
BUGBEAR = ("flake8==7.3.0", "flake8-bugbear==24.12.12")
PIP = ["pip", "install", "--no-index", "--find-links", "{sdists}", "--target", "{ws}/site"]
UV = ["uv", "pip", "install", "--no-index", "--find-links", "{sdists}", "--target", "{ws}/site"]
RUFF = ["ruff", "check", "--no-cache", "--isolated"]
GRAMMAR = '''"""Grammar checks built on pyparsing."""

import pyparsing as pp


def parse_all(texts):
    errors = []
    for text in texts:
        try:
            pp.Word(pp.nums).parse_string(text, parse_all=True)
        except pp.ParseException as exc:
            errors.append(exc)
    if errors:
        raise ExceptionGroup("inputs failed to parse", errors)  # group


def test_numbers_group():
    parse_all(["12", "x1", "y"])


def test_report_multiline():
    raise ValueError("grammar check failed:\\n  rule 1: ok\\n  rule 2: missing")  # multi-line


def test_misspelled_method():
    pp.Word(pp.nums).parse_strings("1")  # attribute


def test_wrong_call():
    assert pp.srange("[a-c]", "[x]") == "abcx"  # wrong call


def test_key():
    names = {"word": pp.Word(pp.alphas)}
    assert names["number"]  # missing key
'''
MYPY_FAULTS = [
    (PU, '    return cast("NormalizedName", value)\n', "    return value  # return-value\n"),
    (
        PU,
        "def is_normalized_name(name: str) -> bool:\n",
        "def _ci_split(name):  # untyped\n    return name.split('-')\n\n\n"
        "def _ci_parts(names: list) -> int:  # type-arg\n"
        "    return len(_ci_split(names[0]))  # untyped call\n\n\n"
        "def is_normalized_name(name: str) -> bool:\n",
    ),
    (
        PU,
        '    while "--" in value:\n',
        '    value = re.sub(1, "-", value)  # overload\n    while "--" in value:\n',
    ),
]
MYPY_IMPORTS = [
    (
        PU,
        "import re\n",
        "import re\n\nimport ci_secrets_backend  # missing\n"
        "from ci_vault.client import Client  # missing package\n",
    ),
]
UNFORMAT = '''"""Undo the formatting of a few files, as a contributor without black would."""

import sys

for path in sys.argv[1:]:
    with open(path, "a") as f:
        f.write("ci_flags = {'strict':True,'colour' :False}  # unformatted\\n")
'''
UNSORT = '''"""Add an unsorted import block to a file, as a contributor without isort would."""

import sys

path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.replace("import os\\n", "import os\\nimport abc  # unsorted\\n", 1))
'''
BLACKED = ["src/pluggy/_hooks.py", "src/pluggy/_manager.py", "src/pluggy/_result.py"]
BUGBEAR_SRC = """

def ci_widths(texts, cache={}):  # B006
    for index, text in enumerate(texts):  # B007
        cache[text] = wcwidth_width(text)
    return cache
"""
LINT_SRC = """import json  # unused import


def ci_describe(value):
    unused_total = 3  # unused variable
    return describe_value(value)  # undefined name
"""
BAD_BACKEND = '''"""An in-tree build backend whose metadata step fails (a broken build script)."""


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(directory, config_settings=None):
    raise RuntimeError("C compiler not found: cannot build the _speedups extension")


build_wheel = prepare_metadata_for_build_wheel
'''
BAD_PYPROJECT = """[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]

[project]
name = "ci-speedups"
version = "1.0"
"""
WARN_TESTS = '''"""Tests that skip with reasons and warn with messages that say error."""

import warnings

import pytest


@pytest.mark.skip(reason="error recovery is covered by the integration suite")
def test_error_recovery():
    pass


def test_error_path_warns():
    warnings.warn("error handling API is deprecated; use on_error", UserWarning)
    assert "error" in "no error here"


@pytest.mark.xfail(reason="raises TypeError on old interpreters", strict=False)
def test_known_failure():
    raise TypeError("expected on this interpreter")
'''

CHECK_CASES: list[RealCase] = [
    RealCase(
        "mixed_sortedcontainers_doctest_modules",
        "pytest --doctest-modules: one wrong expected output, one example raising IndexError",
        "sorted",
        [Run([*PYTEST, "--doctest-modules", SL])],
        [
            at(
                SL,
                "# doctest fault",
                "assertion",
                f"{SL}::sortedcontainers.sortedlist.SortedList.add",
            ),
            at(
                SL,
                "# doctest raises",
                "runtime_error",
                f"{SL}::sortedcontainers.sortedlist.SortedList.__contains__",
            ),
        ],
        [
            (
                SL,
                "        >>> sl.add(2)\n        >>> sl\n",
                "        >>> sl.add(2)\n        >>> list(sl)  # doctest fault\n",
            ),
            (SL, "        >>> 3 in sl\n", "        >>> 3 in sl[10]  # doctest raises\n"),
        ],
    ),
    RealCase(
        "mixed_pyparsing_raised_styles",
        "ExceptionGroup, a multi-line message, AttributeError, a wrong call and KeyError; -rfE",
        "pyparsing",
        [Run([*PYTEST, "-rfE", PP])],
        [
            at(PP, "# group", "runtime_error", PP + "::test_numbers_group"),
            at(PP, "# multi-line", "runtime_error", PP + "::test_report_multiline"),
            at(PP, "# attribute", "type_error", PP + "::test_misspelled_method"),
            at(PP, "# wrong call", "type_error", PP + "::test_wrong_call"),
            at(PP, "# missing key", "runtime_error", PP + "::test_key"),
        ],
        [(PP, "", GRAMMAR)],
    ),
    RealCase(
        "type_packaging_mypy_strict",
        "mypy --strict on packaging with injected errors (notes follow some of them)",
        "packaging",
        [Run([*MYPY, "--strict", "src/packaging"])],
        [
            at(PU, "# return-value", "type_error"),
            at(PU, "# untyped", "type_error"),
            at(PU, "# type-arg", "type_error"),
            at(PU, "# untyped call", "type_error"),
            at(PU, "# overload", "type_error"),
        ],
        MYPY_FAULTS,
    ),
    RealCase(
        "import_packaging_mypy_strict_missing_gha",
        "mypy --strict: a module without stubs and one that does not exist, in a job log",
        "packaging",
        [Run([*MYPY, "--strict", "src/packaging"])],
        [at(PU, "# missing", "import_error"), at(PU, "# missing package", "import_error")],
        MYPY_IMPORTS,
        place="runner",
        gha=True,
    ),
    RealCase(
        "lint_pyparsing_ruff_statistics",
        "ruff check --statistics prints counts per rule and no locations",
        "pyparsing",
        [Run([*RUFF, "--select", "F", "--statistics", PY_UTIL])],
        [in_file(None, "lint"), in_file(None, "lint")],
        [
            (PY_UTIL, "import types\n", "import types\nimport os\nimport sys\n"),
            (
                PY_UTIL,
                "\n\nclass __config_flags:",
                "\nci_total = undefined_total\n\n\nclass __config_flags:",
            ),
        ],
    ),
    RealCase(
        "lint_pyparsing_ruff_fix_show_fixes",
        "ruff check --fix --show-fixes: fixed imports are listed, the undefined name remains",
        "pyparsing",
        [Run([*RUFF, "--select", "F", "--fix", "--show-fixes", "pyparsing/ci_lint.py"])],
        [
            at("pyparsing/ci_lint.py", "# unused variable", "lint"),
            at("pyparsing/ci_lint.py", "# undefined name", "lint"),
        ],
        # The fixable import goes last, so the fix moves no line of the remaining findings.
        [
            (
                "pyparsing/ci_lint.py",
                "",
                LINT_SRC.split("\n\n\n", 1)[1] + "\n\nimport json  # unused\n",
            )
        ],
    ),
    RealCase(
        "lint_wcwidth_flake8_bugbear",
        "flake8 with flake8-bugbear's B codes",
        "wcwidth",
        [Run(["flake8", "--select", "B,F", WC_WRAP])],
        [at(WC_WRAP, "# B006", "lint"), at(WC_WRAP, "# B007", "lint")],
        [(WC_WRAP, "\ndef wrap(", BUGBEAR_SRC + "\n\ndef wrap(")],
        extra=BUGBEAR,
    ),
    RealCase(
        "lint_pyparsing_pylint_colorized_gha",
        "pylint --output-format=colorized (ANSI in every message line), job log",
        "pyparsing",
        [
            Run(
                [
                    "pylint",
                    "--output-format=colorized",
                    "--disable=all",
                    "--enable=unused-import,unused-variable,undefined-variable",
                    "pyparsing/ci_lint.py",
                ]
            )
        ],
        [
            at("pyparsing/ci_lint.py", "# unused import", "lint"),
            at("pyparsing/ci_lint.py", "# undefined name", "lint"),
        ],
        [("pyparsing/ci_lint.py", "", LINT_SRC)],
        place="runner",
        gha=True,
    ),
    RealCase(
        "format_pluggy_black_many_files",
        "black --check over pluggy's sources (formatted first, then three files changed)",
        "pluggy",
        [
            Run(["black", "-q", "src/pluggy", "testing"]),
            Run(["python", "ci_unformat.py", *BLACKED]),
            Run(["black", "--check", "src/pluggy", "testing"]),
        ],
        [in_file(path, "format") for path in BLACKED],
        [("ci_unformat.py", "", UNFORMAT)],
    ),
    RealCase(
        "format_iniconfig_isort_check_diff",
        "isort --check-only --diff over iniconfig (sorted first, then one block unsorted)",
        "iniconfig",
        [
            Run(["isort", "-q", "--profile", "black", "src", "testing"]),
            Run(["python", "ci_unsort.py", "src/iniconfig/__init__.py"]),
            Run(["isort", "--check-only", "--diff", "--profile", "black", "src", "testing"]),
        ],
        [in_file("src/iniconfig/__init__.py", "format")],
        [("ci_unsort.py", "", UNSORT)],
        extra=ISORT,
    ),
    RealCase(
        "dependency_pip_require_hashes_mismatch",
        "pip install --require-hashes with a wrong sha256 for a local sdist",
        "iniconfig",
        [Run([*PIP, "--require-hashes", "-r", "requirements-ci.txt"])],
        [at("requirements-ci.txt", "iniconfig==", "dependency")],
        [("requirements-ci.txt", "", "iniconfig==2.3.1 --hash=sha256:" + "0" * 64 + "\n")],
    ),
    RealCase(
        "dependency_pip_subprocess_exited_gha",
        "pip builds a local project whose build backend fails: subprocess-exited-with-error",
        "iniconfig",
        [Run(["pip", "install", "--no-index", "--target", "{ws}/site", "./speedups"])],
        [in_file(None, "dependency")],
        [
            ("speedups/backend.py", "", BAD_BACKEND),
            ("speedups/pyproject.toml", "", BAD_PYPROJECT),
        ],
        place="runner",
        gha=True,
    ),
    RealCase(
        "dependency_uv_pip_conflicting_pins",
        "uv pip install -r with two pins of one package that cannot both hold",
        "iniconfig",
        [Run([*UV, "-r", "requirements-ci.txt"])],
        [in_file(None, "dependency")],
        [("requirements-ci.txt", "", "iniconfig==2.3.1\npluggy>=1.7\niniconfig>=3\n")],
    ),
    RealCase(
        "green_pluggy_verbose_skips_warnings",
        "pluggy's suite with -v -rs: skip reasons and warnings that say error, an xfail",
        "pluggy",
        [
            Run(
                [*PYTEST, "-v", "-rsx", "-W", "default::UserWarning", "testing"],
            )
        ],
        [],
        [("testing/test_ci_errors.py", "", WARN_TESTS)],
    ),
    RealCase(
        "green_checks_strict_gha",
        "mypy --strict, ruff, black, isort and flake8 all pass on iniconfig; a job log",
        "iniconfig",
        [
            Run([*MYPY, "--strict", "src/iniconfig"]),
            Run([*RUFF, "--select", "F,E9,W6", "src/iniconfig"]),
            Run(["black", "--check", "src/iniconfig/_parse.py"]),
            Run(["isort", "--check-only", "--diff", "src/iniconfig/exceptions.py"]),
            Run(["flake8", "--select", "F,E9", "src/iniconfig"]),
        ],
        [],
        place="runner",
        gha=True,
        extra=ISORT,
    ),
    RealCase(
        "green_sortedcontainers_doctests_verbose",
        "every doctest of sortedcontainers passes, -v",
        "sorted",
        [Run([*PYTEST, "-v", "--doctest-modules", "sortedcontainers"])],
        [],
    ),
    RealCase(
        "green_wcwidth_unittest_classes",
        "wcwidth's core tests under pytest -q -rA (every passing test listed)",
        "wcwidth",
        [Run([*WC_PYTEST, "-q", "-rA", "tests/test_core.py"], env={"WCWIDTH_PYTHON": "1"})],
        [],
    ),
]
