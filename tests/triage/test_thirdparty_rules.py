"""The rules the third corpus taught the engine, each on real output from that corpus."""

from __future__ import annotations

from bot.core.triage import triage_text
from bot.core.triage.paths import PathResolver
from tests.triage.scoring import THIRDPARTY


def _places(case: str) -> list[tuple[str, str | None, int | None]]:
    text = (THIRDPARTY / f"{case}.log").read_text()
    return [(str(f.category), f.file, f.line) for f in triage_text(text)]


def test_a_checkout_in_a_temporary_directory_named_after_its_package() -> None:
    resolve = PathResolver().resolve
    assert resolve("/tmp/ci-x1/pluggy/src/pluggy/_hooks.py") == "src/pluggy/_hooks.py"
    assert resolve("/tmp/ci-x1/pyparsing/pyparsing/util.py") == "pyparsing/util.py"
    assert resolve("/tmp/ci-x1/app/tests/test_app.py") == "app/tests/test_app.py"
    assert _places("syntax_pyparsing_indentation_collection") == [
        ("syntax_error", "pyparsing/util.py", 2)
    ]


def test_one_message_about_several_files_is_one_failure_per_file() -> None:
    assert sorted(_places("format_pluggy_black_many_files")) == [
        ("format", f"src/pluggy/{name}.py", None) for name in ("_hooks", "_manager", "_result")
    ]


def test_isort_check_is_a_format_failure_that_the_import_sorter_fixes() -> None:
    (failure,) = triage_text((THIRDPARTY / "format_iniconfig_isort_check_diff.log").read_text())
    assert (str(failure.category), failure.file, failure.auto_fixable) == (
        "format",
        "src/iniconfig/__init__.py",
        True,
    )


def test_exception_group_is_placed_at_its_own_raise() -> None:
    places = _places("mixed_pyparsing_raised_styles")
    assert ("runtime_error", "tests/test_ci_grammar.py", 14) in places
    assert ("assertion", "tests/test_ci_grammar.py", None) not in places


def test_exception_type_named_by_pytest_even_when_not_an_error_suffix() -> None:
    # --showlocals puts locals after the E lines; the type is ``InvalidVersion``.
    places = _places("runtime_packaging_invalid_version_showlocals")
    assert {p[0] for p in places} == {"runtime_error"} and len(places) == 3


def test_doctest_failures_pair_with_their_summary_lines() -> None:
    assert sorted(_places("mixed_sortedcontainers_doctest_modules")) == [
        ("assertion", "sortedcontainers/sortedlist.py", 262),
        ("runtime_error", "sortedcontainers/sortedlist.py", 370),
    ]


def test_ruff_statistics_rows_are_lint_findings_without_a_place() -> None:
    failures = triage_text((THIRDPARTY / "lint_pyparsing_ruff_statistics.log").read_text())
    assert [(f.rule, f.file, str(f.category)) for f in failures] == [
        ("F401", None, "lint"),
        ("F821", None, "lint"),
    ]


def test_pip_hash_mismatch_points_at_the_requirements_line() -> None:
    assert _places("dependency_pip_require_hashes_mismatch") == [
        ("dependency", "requirements-ci.txt", 1)
    ]


def test_pip_build_step_failure_is_one_dependency_finding() -> None:
    assert _places("dependency_pip_subprocess_exited_gha") == [("dependency", None, None)]
