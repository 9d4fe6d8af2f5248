"""Python's tools as real logs from the wild print them: old pip and easy_install, poetry,
crashed interpreters, stalled tests, unittest pasted as Markdown, pytest under tox."""

from __future__ import annotations

import pytest

from bot.core.triage import triage_text
from tests.triage.scoring import WILD


def _found(case: str) -> list[tuple[str, str | None, int | None, str | None]]:
    found = triage_text((WILD / f"{case}.log").read_text())
    return [(str(f.category), f.file, f.line, f.test) for f in found]


@pytest.mark.parametrize(
    "case",
    [
        "dependency_pip6_package_removed_travis",  # pip 6: No distributions at all found
        "dependency_pip6_no_distributions_make_travis",
        "dependency_easy_install_wrong_match_py27",  # error: Could not find required distribution
        "dependency_poetry_solver_buildkit_prefix",  # SolverProblemError, cut before its end
    ],
)
def test_old_installers_and_poetrys_title_are_one_dependency_failure(case: str) -> None:
    assert [category for category, *_ in _found(case)] == ["dependency"]


def test_an_index_that_did_not_answer_makes_the_missing_package_infrastructure() -> None:
    # setuptools' ``Download error on …: CERTIFICATE_VERIFY_FAILED`` before ``No local
    # packages or working download links found for numpy``.
    assert _found("infrastructure_dockerhub_setup_py_ssl_verify") == [
        ("infrastructure", None, None, None)
    ]
    # pip's ``Could not fetch URL …: connection error`` with nothing else failing after it.
    assert _found("infrastructure_jenkins_windows_pip_ssl_eof") == [
        ("infrastructure", None, None, None)
    ]


def test_faulthandler_places_the_crash_in_the_threads_innermost_project_frame() -> None:
    node = "tests/interface/test_main.py::test_Window_setup"
    assert _found("runtime_pytest_faulthandler_gha_thread") == [
        ("runtime_error", "tests/interface/test_main.py", 1531, node)
    ]
    # Every frame in .nox's site-packages, the standard library or frozen importlib: no file.
    assert _found("runtime_nox_pypy_segfault_indented") == [("runtime_error", None, None, None)]


def test_a_shells_crash_report_on_a_pytest_progress_line() -> None:
    node = "ophyd/tests/test_flyers.py::test_ad_time_series[pyepics]"
    assert _found("runtime_pytest_segfault_travis_coverage_run") == [
        ("runtime_error", "ophyd/tests/test_flyers.py", None, node)
    ]
    assert _found("runtime_pytest_segfault_travis_collecting") == [
        ("runtime_error", None, None, None)
    ]


def test_a_silent_job_names_the_test_left_running() -> None:
    assert _found("timeout_travis_no_output_quoted_dots") == [
        ("timeout", "vofs/tests/test_cadc_cache.py", None, None)
    ]
    test = "examplestests.MobAnalysisScriptTest.testAnvilWorld"
    assert _found("timeout_unittest_verbose_travis_indented") == [("timeout", None, None, test)]
    # pytest-xdist's last test had passed: nothing was left running.
    assert _found("timeout_travis_no_output_xdist") == [("timeout", None, None, None)]


def test_unittest_pasted_as_markdown_or_with_elided_frames() -> None:
    assert _found("assertion_unittest_markdown_mangled_headers") == [
        ("assertion", "adzone/tests.py", 185, "adzone.tests.ClickTestCase.testClickOnAds")
    ]
    test = "tests.suite.loader.TestTestLoader.test_djangoapp_tags"
    assert _found("assertion_unittest_travis_elided_traceback") == [("assertion", None, None, test)]


def test_pytest_under_tox_and_in_packagers_builds() -> None:
    # tox's ``____ summary ____`` is no test; ngraph's checkout is /root/ngraph.
    assert _found("syntax_pytest_tox_travis_subfolder") == [
        ("syntax_error", "python/test/test_ops.py", 643, None)
    ]
    # ``ImportError while loading conftest``: the innermost project frame of the import chain.
    assert _found("import_tox_py312_conftest_distutils") == [
        ("import_error", "test_support/test_support/__init__.py", 1, None)
    ]
    # Alpine's abuild: the sources are unpacked in src/<name>-<version>/.
    assert _found("syntax_pytest_aports_module_under_test") == [
        ("syntax_error", "whatever.py", 34, None)
    ]
