"""Real-world corpus cases that run test suites: pytest, unittest, tox and nox."""

from __future__ import annotations

from testdata.corpora.project import Project, RealCase, Run, as_job, at, in_file

PROJECTS = {
    "toolz": Project("toolz", "1.0.0", "toolz"),
    "tabulate": Project("tabulate", "0.9.0", "tabulate"),
    "more": Project("more-itertools", "10.5.0", "more-itertools"),
    "idna": Project("idna", "3.10", "idna"),
    "click": Project("click", "8.2.1", "click", "src"),
}
#: The test tools every throwaway virtualenv gets; tox and nox cases add theirs.
TEST_TOOLS = (
    "pytest==9.2.0",
    "pytest-timeout==2.4.0",
    "pytest-xdist==3.8.0",
    "pytest-rerunfailures==16.7",
)
WRAPPERS = ("tox==4.67.15", "nox==2026.10.20")

PYTEST = ["python", "-m", "pytest", "-p", "no:cacheprovider"]
CLICK_PYTEST = [*PYTEST, "-W", "ignore::pytest.PytestRemovedIn10Warning"]
TZ_SRC = "toolz/itertoolz.py"
TZ_TEST = "toolz/tests/test_itertoolz.py"
TZ = TZ_TEST + "::"
TAB_COMMON = "test/common.py"
TAB_REG = "test/test_regression.py::"
MORE_TEST = "tests/test_more.py"
IDNA_CORE = "idna/core.py"
FLAKY = '''"""A check against a slow local service: fails on its first attempt."""

from pathlib import Path


def test_service_answers():
    marker = Path(__file__).with_suffix(".ran")
    if not marker.exists():
        marker.write_text("once")
        raise ConnectionError("service not ready yet")  # first attempt


def test_service_version():
    assert "8" in "8.2"
'''
FIXTURE = '''"""Tests that need a configured home directory."""

import os

import pytest


@pytest.fixture
def home_dir():
    return os.environ["CLICK_TEST_HOME"]  # fixture fails


def test_app_dir(home_dir):
    assert home_dir
'''
OOM = '''"""A test that the kernel's OOM killer ends (SIGKILL, as on a runner out of memory)."""

import os
import signal


def test_big_table():
    os.kill(os.getpid(), signal.SIGKILL)
'''
NOXFILE = """import nox


@nox.session(python=False)
def tests(session):
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "toolz/tests")
"""
TSV_ANCHOR = '    True\n\n    """\n'
TSV_RAISE = (
    '    if separator == "!":\n        raise ValueError(f"unsupported separator {separator!r}")\n'
)
COUNT_BUG = ("return sum(1 for i in seq)", "return sum(1 for i in seq) + 1")
NTH_TYPO = (
    "return next(itertools.islice(seq, n, None))",
    "return next(itertools.islice(sequence, n, None))",
)

OOM_KILLED = RealCase(
    "infrastructure_oom_killed_raw",
    "the test process is SIGKILLed, raw output of the shell step",
    "toolz",
    [Run(["bash", "-c", "python -m pytest -q -p no:cacheprovider toolz/tests; exit $?"])],
    [in_file(None, "infrastructure")],
    [("toolz/tests/test_zz_oom.py", "", OOM)],
)
TEST_CASES: list[RealCase] = [
    RealCase(
        "assertion_toolz_source_bug_q",
        "count() off by one in toolz; pytest -q (no header, no rootdir line)",
        "toolz",
        [Run([*PYTEST, "-q", TZ_TEST])],
        [at(TZ_TEST, "count(iter((1, 2, 3, 4))) == 4", "assertion", TZ + "test_count")],
        [(TZ_SRC, *COUNT_BUG)],
    ),
    RealCase(
        "assertion_toolz_expectation_verbose_srv",
        "a wrong expectation in a toolz test; pytest -v --tb=long under /srv",
        "toolz",
        [Run([*PYTEST, "-v", "--tb=long", TZ_TEST])],
        [at(TZ_TEST, "second('ABCDE') == 'C'", "assertion", TZ + "test_second")],
        [(TZ_TEST, "assert second('ABCDE') == 'B'", "assert second('ABCDE') == 'C'")],
        place="srv",
    ),
    RealCase(
        "runtime_toolz_nameerror_native_srv",
        "a typo'd name in toolz.nth; --tb=native prints absolute paths under /srv",
        "toolz",
        [Run([*PYTEST, "--tb=native", TZ_TEST])],
        [at(TZ_SRC, "islice(sequence", "runtime_error", TZ + "test_nth")],
        [(TZ_SRC, *NTH_TYPO)],
        place="srv",
    ),
    RealCase(
        "runtime_toolz_nameerror_native_q_tmp",
        "a typo'd name, --tb=native -q: absolute paths, no rootdir line, a temporary checkout",
        "toolz",
        [Run([*PYTEST, "-q", "--tb=native", TZ_TEST])],
        [at(TZ_SRC, "islice(sequence", "runtime_error", TZ + "test_nth")],
        [(TZ_SRC, *NTH_TYPO)],
    ),
    RealCase(
        "type_toolz_attribute_short_ra",
        "a bad attribute on a defaultdict in toolz.frequencies; --tb=short -ra",
        "toolz",
        [Run([*PYTEST, "--tb=short", "-ra", TZ_TEST])],
        [at(TZ_SRC, "d.increment(item)", "type_error", TZ + "test_frequencies")],
        [(TZ_SRC, "        d[item] += 1", "        d.increment(item)")],
    ),
    RealCase(
        "type_toolz_typeerror_tb_line",
        "a TypeError in toolz.last; --tb=line (one line per failure, absolute path)",
        "toolz",
        [Run([*PYTEST, "--tb=line", TZ_TEST])],
        [at(TZ_SRC, "[0] + None", "type_error", TZ + "test_last")],
        [(TZ_SRC, "return tail(1, seq)[0]", "return tail(1, seq)[0] + None")],
        place="srv",
    ),
    RealCase(
        "import_toolz_bad_name_collection_x",
        "toolz.itertoolz imports a name toolz.utils lacks; collection error, pytest -x",
        "toolz",
        [Run([*PYTEST, "-x", TZ_TEST])],
        [at(TZ_SRC, "import no_defaults", "import_error")],
        [(TZ_SRC, "from toolz.utils import no_default\n", "from toolz.utils import no_defaults\n")],
    ),
    RealCase(
        "import_toolz_test_module_missing_ra",
        "a test imports a module that does not exist; -ra, under /srv",
        "toolz",
        [Run([*PYTEST, "-ra", "toolz/tests"])],
        [at(TZ_TEST, "toolz.itertools2", "import_error")],
        [
            (
                TZ_TEST,
                "from toolz.itertoolz import (remove,",
                "from toolz.itertools2 import (remove,",
            )
        ],
        place="srv",
    ),
    RealCase(
        "syntax_toolz_collection_color_gha",
        "a missing colon in toolz; pytest --color=yes in a job log, venv in the checkout",
        "toolz",
        [Run([*PYTEST, "--color=yes", "toolz/tests"])],
        [at(TZ_SRC, "def second(seq)", "syntax_error")],
        [(TZ_SRC, "def second(seq):", "def second(seq)")],
        place="runner",
        gha=True,
        venv_inside=True,
    ),
    RealCase(
        "timeout_toolz_thread_method",
        "toolz.take waits forever; pytest-timeout's thread method dumps the stacks",
        "toolz",
        [Run([*PYTEST, "--timeout=3", "--timeout-method=thread", TZ_TEST])],
        [at(TZ_SRC, "time.sleep(30)", "timeout")],
        [
            (TZ_SRC, "import itertools\n", "import itertools\nimport time\n"),
            (
                TZ_SRC,
                "    return itertools.islice(seq, n)\n",
                "    time.sleep(30)\n    return itertools.islice(seq, n)\n",
            ),
        ],
    ),
    RealCase(
        "timeout_click_signal_gha",
        "a click test sleeps; pytest-timeout's signal method, job log",
        "click",
        [Run([*CLICK_PYTEST, "--timeout=2", "tests/test_utils.py"])],
        [
            at(
                "tests/test_utils.py",
                "time.sleep(30)",
                "timeout",
                "tests/test_utils.py::test_filename_formatting",
            )
        ],
        [
            ("tests/test_utils.py", "import os\n", "import os\nimport time\n"),
            (
                "tests/test_utils.py",
                "def test_filename_formatting():\n",
                "def test_filename_formatting():\n    time.sleep(30)\n",
            ),
        ],
        place="runner",
        gha=True,
    ),
    RealCase(
        "flaky_click_rerun_ra",
        "a click test fails once then passes under pytest-rerunfailures; -ra",
        "click",
        [
            Run(
                [
                    *CLICK_PYTEST,
                    "-ra",
                    "--reruns",
                    "2",
                    "tests/test_flaky_io.py",
                    "tests/test_utils.py",
                ]
            )
        ],
        [
            in_file(
                "tests/test_flaky_io.py", "flaky", "tests/test_flaky_io.py::test_service_answers"
            )
        ],
        [("tests/test_flaky_io.py", "", FLAKY)],
    ),
    RealCase(
        "flaky_toolz_xdist_rerun_gha",
        "a flaky test under xdist (-n 2) with --reruns 1, in a job log",
        "toolz",
        [Run([*PYTEST, "-n", "2", "--reruns", "1", "toolz/tests"])],
        [
            in_file(
                "toolz/tests/test_flaky_io.py",
                "flaky",
                "toolz/tests/test_flaky_io.py::test_service_answers",
            )
        ],
        [("toolz/tests/test_flaky_io.py", "", FLAKY)],
        place="runner",
        gha=True,
        venv_inside=True,
    ),
    RealCase(
        "runtime_click_fixture_setup_error",
        "a fixture raises KeyError: ERROR at setup of, -rA lists the passes too",
        "click",
        [Run([*CLICK_PYTEST, "-rA", "tests/test_fixture_env.py", "tests/test_parser.py"])],
        [
            at(
                "tests/test_fixture_env.py",
                "# fixture fails",
                "runtime_error",
                "tests/test_fixture_env.py::test_app_dir",
            )
        ],
        [("tests/test_fixture_env.py", "", FIXTURE)],
    ),
    RealCase(
        "assertion_tabulate_helper_two_tests",
        "two tabulate tests fail inside the suite's assert_equal helper; --tb=short",
        "tabulate",
        [Run([*PYTEST, "--tb=short", "test/test_regression.py"])],
        [
            at(
                TAB_COMMON,
                "assert expected == result",
                "assertion",
                TAB_REG + "test_simple_separated_format",
            ),
            at(
                TAB_COMMON,
                "assert expected == result",
                "assertion",
                TAB_REG + "test_ansi_color_for_decimal_numbers",
            ),
        ],
        [
            ("test/test_regression.py", 'expected = "spam!eggs"', 'expected = "spam!!eggs"'),
            (
                "test/test_regression.py",
                '"Magenta  \\x1b[95m1.1\\x1b[0m"',
                '"Magenta  \\x1b[95m1.10\\x1b[0m"',
            ),
        ],
    ),
    RealCase(
        "runtime_tabulate_source_x_color_gha",
        "simple_separated_format raises in tabulate; -x --color=yes, job log",
        "tabulate",
        [Run([*PYTEST, "-x", "--color=yes", "test/test_regression.py"], env={"FORCE_COLOR": "1"})],
        [
            at(
                "tabulate/__init__.py",
                "unsupported separator",
                "runtime_error",
                TAB_REG + "test_simple_separated_format",
            )
        ],
        [("tabulate/__init__.py", TSV_ANCHOR, TSV_ANCHOR + TSV_RAISE)],
        place="runner",
        gha=True,
        venv_inside=True,
    ),
    RealCase(
        "assertion_more_unittest",
        "a wrong expectation in a more-itertools TestCase; python -m unittest",
        "more",
        [Run(["python", "-m", "unittest", "tests.test_more"])],
        [at(MORE_TEST, "mi.first([3]), 4", "assertion", "tests.test_more.FirstTests.test_one")],
        [(MORE_TEST, "self.assertEqual(mi.first([3]), 3)", "self.assertEqual(mi.first([3]), 4)")],
    ),
    RealCase(
        "runtime_more_unittest_verbose",
        "more_itertools.tail raises NameError; python -m unittest -v",
        "more",
        [Run(["python", "-m", "unittest", "-v", "tests.test_recipes"])],
        [
            at(
                "more_itertools/recipes.py",
                "deque(iterabel",
                "runtime_error",
                f"tests.test_recipes.TailTests.test_iterator_{size}",
            )
            for size in ("greater", "equal", "less")
        ],
        [
            (
                "more_itertools/recipes.py",
                "iter(deque(iterable, maxlen=n))",
                "iter(deque(iterabel, maxlen=n))",
            )
        ],
    ),
    RealCase(
        "multi_more_xdist_ra",
        "an assertion and a TypeError in more-itertools under xdist -n 2, -ra",
        "more",
        [Run([*PYTEST, "-n", "2", "-ra", "tests"])],
        [
            at(
                MORE_TEST,
                "mi.first([3]), 4",
                "assertion",
                "tests/test_more.py::FirstTests::test_one",
            ),
            at(
                "more_itertools/more.py",
                "sum(compress(repeat(1), zip(iterable)))",
                "type_error",
                "tests/test_more.py::IlenTests::test_ilen",
            ),
        ],
        [
            (MORE_TEST, "self.assertEqual(mi.first([3]), 3)", "self.assertEqual(mi.first([3]), 4)"),
            (
                MORE_TEST,
                "mi.ilen(filter(lambda x: x % 10 == 0, range(101)))",
                "mi.ilen(5) + mi.ilen(filter(lambda x: x % 10 == 0, range(101)))",
            ),
        ],
    ),
    RealCase(
        "runtime_idna_unittest_discover",
        "an IDNAError escapes idna.check_hyphen_ok; python -m unittest -v",
        "idna",
        [Run(["python", "-m", "unittest", "-v", "tests.test_idna"])],
        [
            at(
                IDNA_CORE,
                "must not start or end with a hyphen",
                "runtime_error",
                "tests.test_idna.IDNATests.test_check_hyphen_ok",
            )
        ],
        [("tests/test_idna.py", 'idna.check_hyphen_ok("abc")', 'idna.check_hyphen_ok("abc-")')],
        place="srv",
    ),
    RealCase(
        "assertion_tabulate_tox",
        "tabulate's own tox.ini (pytest -v --doctest-modules) with a wrong expectation",
        "tabulate",
        [Run(["tox", "-e", "py", "--", "test/test_regression.py"])],
        [
            at(
                TAB_COMMON,
                "assert expected == result",
                "assertion",
                TAB_REG + "test_simple_separated_format",
            )
        ],
        [("test/test_regression.py", 'expected = "spam!eggs"', 'expected = "spam!!eggs"')],
        extra=WRAPPERS,
    ),
    RealCase(
        "runtime_toolz_nox",
        "a nox session runs pytest -q; a typo'd name in toolz",
        "toolz",
        [Run(["nox", "-s", "tests"])],
        [at(TZ_SRC, "islice(sequence", "runtime_error", TZ + "test_nth")],
        [(TZ_SRC, *NTH_TYPO), ("noxfile.py", "", NOXFILE)],
        extra=WRAPPERS,
    ),
    as_job(
        OOM_KILLED,
        "infrastructure_oom_killed_gha",
        "the test process is SIGKILLed (as by the OOM killer): bash prints Killed, exit 137",
    ),
    OOM_KILLED,
]
