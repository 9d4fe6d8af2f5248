"""Every kind of configuration problem, with its exact key path, line, column and message."""

from __future__ import annotations

import pytest

from bot.config.repo_yaml import MAX_CONFIG_BYTES
from tests.config.conftest import Problem, problems_of

KNOWN = "known: autofix, fixes, mode, patches, schedule, scoring, validation, version"

# One problem per file: (text, (key path, line, column, message)).
# fmt: off
SCHEMA_CASES: list[tuple[str, Problem]] = [
    ("scoring:\n  pr_threshold: high\n",
     ("scoring.pr_threshold", 2, 17, 'expected a number, got a string ("high")')),
    ("scoring:\n  auto_merge_threshold: 1.5\n",
     ("scoring.auto_merge_threshold", 2, 25, "must be at most 1, got 1.5")),
    ("scoring:\n  pr_threshold: -0.1\n",
     ("scoring.pr_threshold", 2, 17, "must be at least 0, got -0.1")),
    ("scoring:\n  auto_merge_treshold: 0.9\n",
     ("scoring.auto_merge_treshold", 2, 3,
      "unknown key 'auto_merge_treshold' (did you mean 'auto_merge_threshold'?)")),
    ("version: 1\nzzz: 1\n", ("zzz", 2, 1, f"unknown key 'zzz' ({KNOWN})")),
    # kept as the text written, not read as the boolean true
    ("yes: 1\n", ("yes", 1, 1, f"unknown key 'yes' ({KNOWN})")),
    ("fixes:\n  unsafe: [none-comparison, none-comparison]\n",
     ("fixes.unsafe", 2, 11, "lists the same item more than once")),
    ("- tests\n- lint\n", ("", 1, 1, "expected a mapping, got a list")),
    ("hello\n", ("", 1, 1, 'expected a mapping, got a string ("hello")')),
    ("scoring: 5\n", ("scoring", 1, 10, "expected a mapping, got an integer (5)")),
    ("validation:\n  tests: [pytest]\n",
     ("validation.tests", 2, 10, "expected a string or null, got a list")),
    ("patches:\n  max_files: true\n",
     ("patches.max_files", 2, 14, "expected a whole number, got a boolean (true)")),
    ("patches:\n  max_bytes: 0\n", ("patches.max_bytes", 2, 14, "must be at least 1, got 0")),
    ("validation:\n  timeout_seconds: 0\n",
     ("validation.timeout_seconds", 2, 20, "must be more than 0, got 0")),
    ('validation:\n  lint: ""\n',
     ("validation.lint", 2, 9, "must not be empty (use null to leave it unset)")),
    ("version: 2\n", ("version", 1, 10, "must be 1, got 2")),
    ("mode: dryrun\n",
     ("mode", 1, 7, "must be one of auto, dry-run, got \"dryrun\" (did you mean 'dry-run'?)")),
]

MEANING_CASES: list[tuple[str, Problem]] = [
    ("scoring:\n  auto_merge_threshold: 0.8\n  pr_threshold: 0.9\n",
     ("scoring.pr_threshold", 3, 17, "the pull-request threshold (0.90) must not exceed the "
                                     "auto-merge threshold (0.80)")),
    ("scoring:\n  auto_merge_threshold: 0.7\n",
     ("scoring.auto_merge_threshold", 2, 25, "the pull-request threshold (0.80) must not exceed "
                                             "the auto-merge threshold (0.70)")),
    ("fixes:\n  select: [import-sorting, import-sort]\n",
     ("fixes.select[1]", 2, 28, "unknown fix id 'import-sort' (did you mean 'import-sorting'?)")),
    ("fixes:\n  select: [nonsense]\n", ("fixes.select[0]", 2, 12, "unknown fix id 'nonsense'")),
    ("fixes:\n  select:\n    - none-comparison\n",
     ("fixes.select[0]", 3, 7,
      "'none-comparison' is an unsafe fix: list it under fixes.unsafe to opt in")),
    ("fixes:\n  unsafe:\n    - formatting\n",
     ("fixes.unsafe[0]", 3, 7, "'formatting' is a safe fix: it belongs under fixes.select")),
]

DOCUMENT_CASES: list[tuple[str | bytes, Problem]] = [
    ("scoring:\n  pr_threshold: 0.5\nmode: auto\nscoring:\n  pr_threshold: 0.6\n",
     ("scoring", 4, 1, "duplicate key 'scoring' (first at line 1)")),
    ("scoring:\n  pr_threshold: .nan\n",
     ("scoring.pr_threshold", 2, 17, "must be a finite number, got .nan")),
    ("? [a, b]\n: 1\n", ("", 1, 3, "a key must be a plain name")),
    ("scoring:\n  pr_threshold: 0.5\n   extra: 1\n",
     ("", 3, 9, "invalid YAML: mapping values are not allowed here")),
    ("fixes:\n  select: [a, b\nmode: auto\n",
     ("", 3, 5, "invalid YAML: expected ',' or ']', but got ':' "
                "(while parsing a flow sequence at line 2, column 11)")),
    ("mode: auto\n---\nmode: dry-run\n",
     ("", 2, 1, "invalid YAML: expected a single document in the stream, "
                "but found another document")),
    ("base: &base 1\nother: *base\n",
     ("", 2, 8, "invalid YAML: aliases (*name) are not allowed in the configuration")),
    ("mode: \x07\n", ("", 1, 7, "invalid YAML: the special character U+0007 is not allowed")),
    (b"mode: auto\nlint: \xff\n", ("", 2, 7, "the file is not UTF-8 text")),
    ("x: " + "[" * 2000, ("", 1, 1, "the YAML is nested too deeply")),
    ("#" * (MAX_CONFIG_BYTES + 1), ("", 1, 1, "the file is larger than 256 KiB")),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), SCHEMA_CASES)
def test_schema_problems(text: str, expected: Problem) -> None:
    assert problems_of(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), MEANING_CASES)
def test_threshold_order_and_fix_ids(text: str, expected: Problem) -> None:
    assert problems_of(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), DOCUMENT_CASES)
def test_document_problems_at_the_parsers_position(text: str | bytes, expected: Problem) -> None:
    assert problems_of(text) == [expected]


def test_the_file_just_under_the_cap_is_read() -> None:
    assert problems_of("#" * (MAX_CONFIG_BYTES - 20) + "\nmode: x\n")[0][:3] == ("mode", 2, 7)
