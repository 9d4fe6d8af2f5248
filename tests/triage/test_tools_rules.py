"""Recognisers for the seventh corpus's tools: make, sphinx, twine, text linters, bandit, pip."""

from __future__ import annotations

from bot.core.triage import triage_text


def _places(log: str) -> list[tuple[str, str | None, int | None, bool]]:
    return [(f.category.value, f.file, f.line, f.auto_fixable) for f in triage_text(log)]


def test_make_error_alone_is_unknown_without_a_place() -> None:
    assert _places("test -f VERSION\nmake: *** [Makefile:5: check] Error 1\n") == [
        ("unknown", None, None, False)
    ]


def test_make_error_adds_nothing_to_the_command_that_failed() -> None:
    log = "calc/x.py:3:1: F401 [*] `os` imported but unused\nmake: *** [Makefile:2: lint] Error 1\n"
    assert [p[0] for p in _places(log)] == ["lint"]


def test_sphinx_warning_is_lint_at_its_line() -> None:
    log = "/home/runner/work/calc/calc/docs/usage.rst:4: WARNING: undefined label: 'x' [ref.ref]\n"
    assert _places(log) == [("lint", "docs/usage.rst", 4, False)]


def test_twine_markup_error_is_lint_without_a_file() -> None:
    log = (
        "Checking dist/calc-0.1.tar.gz: FAILED\n"
        "ERROR    `long_description` has syntax errors in markup and would not be\n"
    )
    assert _places(log) == [("lint", None, None, False)]


def test_codespell_and_markdownlint() -> None:
    log = (
        "calc/core.py:5: teh ==> the\n"
        "README.md:3:20 MD009/no-trailing-spaces Trailing spaces [Expected: 0 or 2; Actual: 3]\n"
    )
    assert _places(log) == [("lint", "calc/core.py", 5, False), ("lint", "README.md", 3, True)]


def test_yamllint_errors_only_with_the_catalog_rule() -> None:
    log = (
        "ci.yml\n"
        '  1:1       warning  missing document start "---"  (document-start)\n'
        "  1:9       error    trailing spaces  (trailing-spaces)\n"
        "\n"
        "ci.yml:3:9: [error] no new line character at the end of file (new-line-at-end-of-file)\n"
    )
    found = triage_text(log)
    assert [(f.file, f.line, f.rule, f.auto_fixable) for f in found] == [
        ("ci.yml", 1, "TRAILING-SPACES", True),
        ("ci.yml", 3, "NEW-LINE-AT-END-OF-FILE", True),
    ]


def test_bandit_issue_is_placed_at_its_location() -> None:
    log = (
        ">> Issue: [B602:subprocess_popen_with_shell_equals_true] subprocess call with shell=True\n"
        "   Severity: High   Confidence: High\n"
        "   Location: ./src/calc/shell.py:5:11\n"
    )
    found = triage_text(log)
    assert [(f.category.value, f.file, f.line, f.rule) for f in found] == [
        ("lint", "src/calc/shell.py", 5, "B602")
    ]


def test_pip_check_is_dependency() -> None:
    log = (
        "calc-plugin 1.0 has requirement calc-base==2.0, but you have calc-base 1.0.\n"
        "calc-cli 1.0 requires click, which is not installed.\n"
    )
    assert _places(log) == [("dependency", None, None, False)] * 2
