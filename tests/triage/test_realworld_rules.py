"""The rules the real-world corpus taught the engine, each on real output from that corpus."""

from __future__ import annotations

from bot.core.triage import Category, triage_text
from bot.core.triage.logs import clean_line
from bot.core.triage.paths import module_root
from tests.triage.scoring import REALWORLD, labels


def _places(case: str) -> list[tuple[str, str | None, int | None]]:
    text = (REALWORLD / f"{case}.log").read_text()
    return [(str(f.category), f.file, f.line) for f in triage_text(text)]


def test_native_frames_under_an_unknown_root_resolve_through_the_node_id() -> None:
    # pytest -q --tb=native: no rootdir line, absolute frames, a relative node id.
    assert _places("runtime_toolz_nameerror_native_q_tmp") == [
        ("runtime_error", "toolz/itertoolz.py", 398)
    ]


def test_unittest_module_name_gives_the_checkout_root() -> None:
    assert module_root("/srv/b/idna/tests/test_idna.py", "tests.test_idna.T.test_x") == (
        "/srv/b/idna/"
    )
    assert module_root("/srv/b/idna/core.py", "tests.test_idna.T.test_x") is None
    assert _places("runtime_idna_unittest_discover") == [("runtime_error", "idna/core.py", 150)]


def test_distinct_tests_failing_in_one_helper_stay_distinct() -> None:
    failures = triage_text((REALWORLD / "assertion_tabulate_helper_two_tests.log").read_text())
    assert len({f.test for f in failures}) == len(failures) == 2
    assert {f.file for f in failures} == {"test/common.py"}


def test_ruff_grouped_and_pylint_formats_are_lint() -> None:
    expected = [("lint", "idna/core.py", 2), ("lint", "idna/core.py", 56)]
    assert sorted(_places("lint_idna_ruff_grouped")) == expected
    assert sorted(_places("lint_idna_ruff_pylint_format")) == expected


def test_wrapped_mypy_message_keeps_its_error_code() -> None:
    failures = triage_text((REALWORLD / "import_click_mypy_missing.log").read_text())
    assert [(f.category, f.rule) for f in failures] == [(Category.IMPORT_ERROR, "import-not-found")]
    assert "yaml_extras" in failures[0].message


def test_ansi_charset_designation_is_stripped() -> None:
    assert clean_line("x.py:1: \x1b[1m\x1b[31merror:\x1b(B\x1b[m bad") == "x.py:1: error: bad"
    case = "type_click_mypy_columns_gha"
    expected = [(str(x["category"]), x["file"], x["line"]) for x in labels(case, REALWORLD)]
    assert sorted(_places(case)) == sorted(expected)


def test_ruff_format_diff_names_the_file_once_with_black_diff_too() -> None:
    assert _places("format_click_ruff_diff") == [("format", "src/click/formatting.py", None)]
    # black names each file once, though it prints a diff for each (two are unformatted in
    # the release itself).
    expected = [
        (str(x["category"]), x["file"], None) for x in labels("format_click_black_diff", REALWORLD)
    ]
    assert sorted(_places("format_click_black_diff")) == sorted(expected)
    assert len(expected) == 3


def test_a_diff_without_a_formatter_summary_is_not_a_finding() -> None:
    assert triage_text("--- a.py\n+++ a.py\n@@ -1 +1 @@\n-x=1\n+x = 1\n") == []


def test_shell_killed_child_is_infrastructure() -> None:
    assert _places("infrastructure_oom_killed_raw") == [("infrastructure", None, None)]
    assert triage_text("Killed 3 stale workers\n") == []


def test_rerun_mark_in_a_file_progress_line_locates_the_flaky_test() -> None:
    assert _places("flaky_click_rerun_ra") == [("flaky", "tests/test_flaky_io.py", None)]
