"""Third triage corpus: its projects, and its cases that run test suites (pytest, unittest)."""

from __future__ import annotations

from testdata.corpora.project import Project, RealCase, Run, as_job, at, in_file
from testdata.corpora.realworld_tests import PYTEST

PROJECTS = {
    "attrs": Project("attrs", "26.1.0", "attrs", "src"),
    "packaging": Project("packaging", "26.3", "packaging", "src"),
    "pluggy": Project("pluggy", "1.7.0", "pluggy", "src"),
    "iniconfig": Project("iniconfig", "2.3.1", "iniconfig", "src"),
    "sorted": Project("sortedcontainers", "2.4.0", "sortedcontainers"),
    "pyparsing": Project("pyparsing", "3.3.3", "pyparsing"),
    "wcwidth": Project("wcwidth", "0.9.4", "wcwidth"),
}
HYPOTHESIS = ("hypothesis==6.151.9",)
INI = "testing/test_ci_config.py"
INI_T = INI + "::"
PLUG = "testing/test_ci_hooks.py"
PACK = "tests/test_ci_versions.py"
ATTRS = "tests/test_ci_classes.py"
WC = "tests/test_ci_width.py"
PARSE = "src/iniconfig/_parse.py"
# wcwidth's own pytest config wants pytest-cov; these runs use the defaults instead.
WC_PYTEST = [*PYTEST, "-o", "addopts=", "-p", "no:warnings"]

INI_TESTS = '''"""CI checks of the shipped example configuration."""

import pytest

from iniconfig import IniConfig


@pytest.fixture
def example(request):
    config = IniConfig("example.ini")
    yield config
    if request.node.name.endswith("teardown"):
        raise RuntimeError("could not release example.ini")  # teardown fails


def test_sections(example):
    assert list(example.sections) == ["section1", "section2"]


def test_value(example):
    assert example["section1"]["name1"] == "value2"  # wrong expectation


def test_release_teardown(example):
    assert example.path == "example.ini"
'''
CONFTEST_FIXTURE = """

import os


@pytest.fixture
def ci_home():
    return os.environ["INICONFIG_CI_HOME"]  # conftest fixture fails
"""
INI_FIXTURE_TEST = '''"""Tests that read the CI home directory from a conftest fixture."""


def test_home_is_set(ci_home):
    assert ci_home


def test_home_is_absolute(ci_home):
    assert ci_home.startswith("/")
'''
PLUG_TESTS = '''"""A plugin system built on pluggy, as a downstream project uses it."""

import pluggy

hookspec = pluggy.HookspecMarker("ciapp")
hookimpl = pluggy.HookimplMarker("ciapp")


class Spec:
    @hookspec
    def ciapp_load(self, name):
        """Load a named resource."""


class Loader:
    @hookimpl
    def ciapp_load(self, name):
        table = {"a": 1}
        return table[name]  # KeyError deep in the hook


def test_load_through_hooks():
    pm = pluggy.PluginManager("ciapp")
    pm.add_hookspecs(Spec)
    pm.register(Loader())
    assert pm.hook.ciapp_load(name="b") == [1]
'''
ATTRS_TESTS = '''"""Property tests for an attrs class."""

from hypothesis import given
from hypothesis import strategies as st

import attr


@attr.s
class Ratio:
    num = attr.ib()
    den = attr.ib()

    def value(self):
        return self.num / self.den  # divides by zero


@given(st.integers(-1000, 1000), st.integers(min_value=0, max_value=5))
def test_ratio_value(num, den):
    assert Ratio(num, den).value() * den == num
'''
PACK_TESTS = '''"""Version parsing with parametrize ids that need quoting."""

import pytest

from packaging.version import InvalidVersion, Version


@pytest.mark.parametrize(
    "text",
    ["1.0 beta", "[2.0]", "\\u00e9t\\u00e9-1"],
    ids=["with space", "in [brackets]", "\\u00e9t\\u00e9"],
)
def test_rejects(text):
    Version(text)


def test_accepts_local():
    with pytest.raises(InvalidVersion):  # did not raise
        Version("1.0+local")


def test_fails_explicitly():
    if Version("2.0") > Version("1.0"):
        pytest.fail("release ordering check\\nneeds a second line")  # explicit fail


@pytest.mark.xfail(reason="epochs not supported yet")
def test_epoch_strict():
    assert Version("1!2.0").epoch == 1
'''
WC_UNIT = '''"""unittest-style width checks, run by pytest."""

import unittest

import wcwidth


class WidthTests(unittest.TestCase):
    def test_ascii(self):
        self.assertEqual(wcwidth.wcswidth("abc"), 3)

    def test_wide(self):
        self.assertEqual(wcwidth.wcswidth("\\u4e2d"), 1)  # wide is 2

    def test_index(self):
        widths = [wcwidth.wcwidth(c) for c in "ab"]
        self.assertEqual(widths[2], 1)  # IndexError
'''
CIRCULAR_A = '''"""Version helpers (part one)."""

from packaging.ci_b import describe

LATEST = "1.0"
'''
CIRCULAR_B = '''"""Version helpers (part two)."""

from packaging.ci_a import LATEST  # circular


def describe():
    return LATEST
'''
CIRCULAR_TEST = """from packaging.ci_a import LATEST


def test_latest():
    assert LATEST
"""
#: Marks the line that raises for an unparsable version (the raise is not otherwise unique).
NO_MATCH_RAISE = 'if not match:\n            raise InvalidVersion(f"Invalid version: {version!r}")'
NO_MATCH = (NO_MATCH_RAISE + "\n", NO_MATCH_RAISE + "  # no match\n")
RECURSING = "test_iniconfig_from_file"
RECURSE = (
    "def iscommentline(line: str) -> bool:\n",
    "def iscommentline(line: str) -> bool:\n    return iscommentline(line)  # recurse\n",
)
PACK_VALID = PACK_TESTS.replace('"1.0 beta", "[2.0]", "\\u00e9t\\u00e9-1"', '"1.0", "2.0", "3.0"')
SCRIPT = '''"""Regenerate the width tables from the Unicode data."""

import sys

import unicodedata2  # not installed

print(unicodedata2.unidata_version, file=sys.stderr)
'''

HOOK_CASE = RealCase(
    "runtime_hook_through_site_packages_long",
    "a hookimpl raises KeyError through pluggy in site-packages; --tb=long",
    "iniconfig",
    [Run([*PYTEST, "--tb=long", PLUG])],
    [at(PLUG, "# KeyError deep in the hook", "runtime_error", PLUG + "::test_load_through_hooks")],
    [(PLUG, "", PLUG_TESTS)],
)
TEST_CASES: list[RealCase] = [
    RealCase(
        "runtime_iniconfig_teardown_error",
        "a fixture's teardown raises (ERROR at teardown of) beside a wrong expectation",
        "iniconfig",
        [Run([*PYTEST, INI])],
        [
            at(INI, "# teardown fails", "runtime_error", INI_T + "test_release_teardown"),
            at(INI, "# wrong expectation", "assertion", INI_T + "test_value"),
        ],
        [(INI, "", INI_TESTS)],
    ),
    RealCase(
        "runtime_iniconfig_conftest_fixture_setup",
        "a conftest fixture raises KeyError: two ERRORs at setup, -v",
        "iniconfig",
        [Run([*PYTEST, "-v", "testing/test_ci_home.py"])],
        [
            at("testing/conftest.py", "# conftest fixture fails", "runtime_error", t)
            for t in (
                "testing/test_ci_home.py::test_home_is_set",
                "testing/test_ci_home.py::test_home_is_absolute",
            )
        ],
        [
            ("testing/conftest.py", "", "import pytest\n" + CONFTEST_FIXTURE),
            ("testing/test_ci_home.py", "", INI_FIXTURE_TEST),
        ],
    ),
    RealCase(
        "runtime_iniconfig_recursion",
        "iniconfig's parser recurses; pytest reads its own config with iniconfig and crashes",
        "iniconfig",
        [Run([*PYTEST, "--tb=short", "testing/test_iniconfig.py::" + RECURSING])],
        [at(PARSE, "# recurse", "runtime_error")],
        [(PARSE, *RECURSE)],
    ),
    HOOK_CASE,
    as_job(
        HOOK_CASE,
        "runtime_hook_through_site_packages_native_gha",
        "the same hook failure with --tb=native in a job log (frames in the venv's site-packages)",
        [Run([*PYTEST, "--tb=native", PLUG])],
    ),
    RealCase(
        "runtime_attrs_hypothesis_falsifying",
        "a hypothesis property test finds den=0: Falsifying example, ZeroDivisionError",
        "attrs",
        [Run([*PYTEST, ATTRS])],
        [at(ATTRS, "# divides by zero", "runtime_error", ATTRS + "::test_ratio_value")],
        [(ATTRS, "", ATTRS_TESTS)],
        extra=HYPOTHESIS,
    ),
    RealCase(
        "mixed_packaging_raises_fail_xpass",
        "parametrize ids with spaces/brackets/unicode, DID NOT RAISE, pytest.fail, XPASS(strict)",
        "packaging",
        [Run([*PYTEST, PACK])],
        [
            at(PACK, "# did not raise", "assertion", PACK + "::test_accepts_local"),
            at(PACK, "# explicit fail", "assertion", PACK + "::test_fails_explicitly"),
            in_file(PACK, "assertion", PACK + "::test_epoch_strict"),
        ],
        [(PACK, "", PACK_VALID)],
    ),
    RealCase(
        "runtime_packaging_invalid_version_showlocals",
        "packaging's own --showlocals config: InvalidVersion for ids with spaces and brackets",
        "packaging",
        [Run([*PYTEST, PACK + "::test_rejects"])],
        [
            at(
                "src/packaging/version.py",
                "# no match",
                "runtime_error",
                PACK + f"::test_rejects[{i}]",
            )
            for i in ("with space", "in [brackets]", "\\xe9t\\xe9")
        ],
        [(PACK, "", PACK_TESTS), ("src/packaging/version.py", *NO_MATCH)],
    ),
    RealCase(
        "mixed_wcwidth_unittest_class_under_pytest",
        "a unittest.TestCase run by pytest: assertEqual fails, an IndexError",
        "wcwidth",
        [Run([*WC_PYTEST, WC], env={"WCWIDTH_PYTHON": "1"})],
        [
            at(WC, "# wide is 2", "assertion", WC + "::WidthTests::test_wide"),
            at(WC, "# IndexError", "runtime_error", WC + "::WidthTests::test_index"),
        ],
        [(WC, "", WC_UNIT)],
    ),
    RealCase(
        "import_packaging_circular_collection",
        "two new modules import each other: ImportError (partially initialized module)",
        "packaging",
        [Run([*PYTEST, "tests/test_ci_circular.py"])],
        [at("src/packaging/ci_b.py", "# circular", "import_error")],
        [
            ("src/packaging/ci_a.py", "", CIRCULAR_A),
            ("src/packaging/ci_b.py", "", CIRCULAR_B),
            ("tests/test_ci_circular.py", "", CIRCULAR_TEST),
        ],
    ),
    RealCase(
        "syntax_pyparsing_indentation_collection",
        "an IndentationError in pyparsing's util module at import during collection",
        "pyparsing",
        [Run([*PYTEST, "-q", "tests/test_util.py"])],
        [at("pyparsing/util.py", "  # bad indent", "syntax_error")],
        [("pyparsing/util.py", "\nimport ", "\n  x = 1  # bad indent\nimport ")],
    ),
    RealCase(
        "syntax_attrs_test_file_unterminated_gha",
        "an unterminated string in a test module: collection SyntaxError in a job log",
        "attrs",
        [Run([*PYTEST, ATTRS])],
        [at(ATTRS, '"""Property tests', "syntax_error")],
        [(ATTRS, "", ATTRS_TESTS.replace('for an attrs class."""', "for an attrs class."))],
        place="runner",
        gha=True,
        extra=HYPOTHESIS,
    ),
    RealCase(
        "import_wcwidth_script_module_missing_gha",
        "a CI step runs a repository script that imports a module not installed",
        "wcwidth",
        [Run(["python", "bin/ci-regen.py"])],
        [at("bin/ci-regen.py", "# not installed", "import_error")],
        [("bin/ci-regen.py", "", SCRIPT)],
        place="runner",
        gha=True,
    ),
]
