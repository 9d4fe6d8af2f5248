"""pre-commit and coverage-gate recognisers on snippets of real output from the fifth corpus."""

from __future__ import annotations

from bot.core.triage import Category, triage_text
from bot.core.triage.model import Failure
from tests.triage.scoring import CI


def _places(text: str) -> list[tuple[Category, str | None, int | None, str | None]]:
    return [(f.category, f.file, f.line, f.rule) for f in triage_text(text)]


def _one(text: str) -> Failure:
    found = triage_text(text)
    assert len(found) == 1, found
    return found[0]


FIXERS = """\
trailing-whitespace......................................................Failed
- hook id: trailing-whitespace
- exit code: 1
- files were modified by this hook

Fixing calc/core.py

end-of-file-fixer........................................................Failed
- hook id: end-of-file-fixer
- exit code: 1
- files were modified by this hook

Fixing calc/cli.py

check-yaml...............................................................Passed
"""

REFORMATTED = """\
ruff-format..............................................................Failed
- hook id: ruff-format
- files were modified by this hook

1 file reformatted, 3 files left unchanged
2 files left unchanged

black....................................................................Passed
"""

DIFF = """\
pre-commit hook(s) made changes.
All changes made by hooks:
diff --git a/calc/core.py b/calc/core.py
index cd09f53..d8b5c68 100644
--- a/calc/core.py
+++ b/calc/core.py
@@ -1,7 +1,7 @@
-def add( a: int,b: int )->int:  # fmt
+def add(a: int, b: int) -> int:  # fmt
     \"\"\"Return the sum.\"\"\"
"""

YAML_TOML = """\
check-yaml...............................................................Failed
- hook id: check-yaml
- exit code: 1

while parsing a flow sequence
  in "config/app.yaml", line 3, column 8
expected ',' or ']', but got '<stream end>'
  in "config/app.yaml", line 5, column 1

check-toml...............................................................Failed
- hook id: check-toml
- exit code: 1

config/app.toml: Invalid value (at line 3, column 8)

check-merge-conflict.....................................................Passed
"""

DEBUG = """\
debug-statements.........................................................Failed
- hook id: debug-statements
- exit code: 1

calc/core.py:3:0: pdb imported

check-ast................................................................Passed
"""

CONFLICT = """\
check-merge-conflict.....................................................Failed
- hook id: check-merge-conflict
- exit code: 1

calc/core.py:6: Merge conflict string '<<<<<<<' found
calc/core.py:8: Merge conflict string '=======' found
calc/core.py:10: Merge conflict string '>>>>>>>' found

"""

RUFF_CASCADE = """\
ruff.....................................................................Failed
- hook id: ruff
- exit code: 1

invalid-syntax: Expected a statement
 --> calc/core.py:6:1
  |
6 | <<<<<<< HEAD
  | ^^
7 |     return a + b
  |

invalid-syntax: Unexpected indentation
 --> calc/core.py:7:1
  |
6 | <<<<<<< HEAD
7 |     return a + b
  | ^^^^
8 | =======
  |

Found 2 errors.
"""

COVERAGE_TABLE = """\
Name               Stmts   Miss  Cover   Missing
------------------------------------------------
calc/__init__.py       0      0   100%
calc/cli.py            8      8     0%   3-16
calc/core.py          21      8    62%   23, 28-34
------------------------------------------------
TOTAL                 29     16    45%
"""


def test_fixer_hooks_report_each_modified_file_as_format_with_the_catalog_rule() -> None:
    assert _places(FIXERS) == [
        (Category.FORMAT, "calc/core.py", None, "W291"),
        (Category.FORMAT, "calc/cli.py", None, "W292"),
    ]
    assert all(f.auto_fixable for f in triage_text(FIXERS))


def test_modified_files_without_a_diff_are_one_failure_without_a_file() -> None:
    failure = _one(REFORMATTED)
    assert (failure.category, failure.file, failure.line, failure.rule) == (
        Category.FORMAT,
        None,
        None,
        None,
    )
    assert failure.message == "pre-commit hook ruff-format modified files"


def test_the_show_diff_names_the_files_a_hook_modified() -> None:
    failure = _one(REFORMATTED + DIFF)
    assert (failure.category, failure.file) == (Category.FORMAT, "calc/core.py")
    assert failure.message == "pre-commit hooks modified calc/core.py"


def test_check_yaml_and_check_toml_are_syntax_errors_at_the_first_place() -> None:
    assert _places(YAML_TOML) == [
        (Category.SYNTAX_ERROR, "config/app.yaml", 3, None),
        (Category.SYNTAX_ERROR, "config/app.toml", 3, None),
    ]
    assert triage_text(YAML_TOML)[1].message == "Invalid value"


def test_debug_statements_is_lint() -> None:
    failure = _one(DEBUG)
    assert (failure.category, failure.file, failure.line) == (Category.LINT, "calc/core.py", 3)
    assert (failure.message, failure.tool) == ("pdb imported", "debug-statements")


def test_merge_conflict_markers_are_one_syntax_error_per_file() -> None:
    failure = _one(CONFLICT)
    assert (failure.category, failure.file, failure.line) == (
        Category.SYNTAX_ERROR,
        "calc/core.py",
        6,
    )
    assert failure.tool == "check-merge-conflict"


def test_a_linters_syntax_error_cascade_is_its_first_error() -> None:
    failure = _one(RUFF_CASCADE)
    assert (failure.category, failure.file, failure.line) == (
        Category.SYNTAX_ERROR,
        "calc/core.py",
        6,
    )


def test_the_cascade_after_a_reported_conflict_marker_adds_nothing() -> None:
    failure = _one(CONFLICT + RUFF_CASCADE)
    assert (failure.file, failure.line, failure.tool) == ("calc/core.py", 6, "check-merge-conflict")


def test_the_whole_merge_conflict_log_is_one_failure() -> None:
    text = (CI / "syntax_precommit_merge_conflict_ast.log").read_text()
    assert _places(text) == [(Category.SYNTAX_ERROR, "calc/core.py", 6, None)]


def test_pytest_cov_gate_is_one_unknown_failure_without_a_file() -> None:
    gate = "ERROR: Coverage failure: total of 45 is less than fail-under=95\n"
    fail = "FAIL Required test coverage of 95% not reached. Total coverage: 44.83%\n"
    failure = _one(gate + COVERAGE_TABLE + fail)
    assert (failure.category, failure.file, failure.line, failure.test) == (
        Category.UNKNOWN,
        None,
        None,
        None,
    )
    assert (failure.message, failure.tool) == ("total coverage below fail-under=95%", "coverage")


def test_coverage_report_gate_without_pytest() -> None:
    failure = _one(COVERAGE_TABLE + "Coverage failure: total of 79 is less than fail-under=95\n")
    assert (failure.category, failure.file) == (Category.UNKNOWN, None)
    assert failure.message == "total coverage below fail-under=95%"


def test_the_coverage_table_alone_is_no_failure() -> None:
    assert triage_text(COVERAGE_TABLE) == []
    assert triage_text((CI / "green_coverage_above_threshold.log").read_text()) == []
