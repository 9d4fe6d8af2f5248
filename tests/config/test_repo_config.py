"""``parse_repo_config`` and ``load_repo_config``: defaults, valid files, the helpers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config.repo import (
    FixesConfig,
    FixSelection,
    PatchLimits,
    RepoConfig,
    checks_from_config,
    fix_selection,
    load_repo_config,
    parse_repo_config,
)
from bot.core.checks import Checks
from bot.core.config_check import ConfigError
from bot.core.fixes.catalog import CATALOG
from bot.core.scoring import Thresholds
from bot.errors import InputError, UsageError
from tests.config.conftest import problems_of

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


@pytest.mark.parametrize(
    "text", ["", "\n", "# only a comment\n", "---\n", "~\n", "scoring:\nfixes:\n  unsafe:\n"]
)
def test_empty_files_and_sections_give_the_defaults(text: str) -> None:
    assert parse_repo_config(text) == RepoConfig()


def test_the_defaults_are_the_components_own() -> None:
    config = RepoConfig()
    assert config.thresholds == Thresholds() == Thresholds(0.95, 0.80)
    assert checks_from_config(config) == Checks()
    assert config.patches == PatchLimits(allow_workflows=False, max_bytes=1_000_000, max_files=200)
    assert fix_selection(config) == FixSelection(select=None, unsafe=False)


def test_a_full_file() -> None:
    text = """\
version: 1
mode: dry-run
scoring:
  auto_merge_threshold: 1
  pr_threshold: 0.9
fixes:
  select: [import-sorting, formatting]
  unsafe: [none-comparison]
validation:
  tests: pytest -x
  lint: ruff check .
  types: null
  security: false
  coverage: false
  timeout_seconds: 300
patches:
  allow_workflows: true
  max_bytes: 5000
  max_files: 3
"""
    config = parse_repo_config(text.encode())
    assert config == RepoConfig(
        version=1,
        mode="dry-run",
        thresholds=Thresholds(1.0, 0.9),
        fixes=FixesConfig(select=("import-sorting", "formatting"), unsafe=("none-comparison",)),
        validation=Checks(
            tests="pytest -x",
            lint="ruff check .",
            types=None,
            security=False,
            coverage=False,
            timeout=300.0,
        ),
        patches=PatchLimits(allow_workflows=True, max_bytes=5000, max_files=3),
    )
    assert fix_selection(config) == FixSelection(
        ("import-sorting", "formatting", "none-comparison"), unsafe=True
    )
    assert (
        parse_repo_config(yaml.safe_dump(config.to_dict())) == config
    )  # `config show` round-trips


def test_tests_null_turns_tests_off_and_select_empty_turns_fixes_off() -> None:
    config = parse_repo_config("validation:\n  tests: null\nfixes:\n  select: []\n")
    assert config.validation.tests is None
    assert fix_selection(config) == FixSelection(select=(), unsafe=False)


def test_unsafe_alone_adds_to_every_safe_fix() -> None:
    selection = fix_selection(parse_repo_config("fixes:\n  unsafe: [bool-comparison]\n"))
    expected = [e.id for e in CATALOG if e.safe or e.id == "bool-comparison"]
    assert selection == FixSelection(tuple(expected), unsafe=True)


def test_the_documented_example_is_valid() -> None:
    example = re.search(r"```yaml\n(# yaml-language-server.*?)```", DOCS.read_text(), re.S)
    assert example is not None
    config = parse_repo_config(example.group(1))
    assert config.thresholds == Thresholds(0.97, 0.85)
    assert config.fixes.unsafe == ("none-comparison",)


def test_every_problem_is_reported_in_file_order() -> None:
    text = (
        "patches:\n  max_files: 0\nmode: fast\nscoring:\n  pr_threshold: 2\nfixes:\n  select: [x]\n"
    )
    assert [(line, path) for path, line, _, _ in problems_of(text)] == [
        (2, "patches.max_files"),
        (3, "mode"),
        (5, "scoring.pr_threshold"),
        (7, "fixes.select[0]"),  # meaning checks still run in sections without schema problems
    ]


def test_config_error_is_a_usage_error_listing_every_problem() -> None:
    with pytest.raises(UsageError) as info:
        parse_repo_config("mode: x\nversion: 3\n", file="ci/autopilot.yml")
    assert isinstance(info.value, ConfigError) and info.value.file == "ci/autopilot.yml"
    assert str(info.value) == (
        "invalid configuration:\n"
        '  ci/autopilot.yml:1:7: mode: must be one of auto, dry-run, got "x"\n'
        "  ci/autopilot.yml:2:10: version: must be 1, got 3"
    )


def test_load_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "autopilot.yml"
    assert load_repo_config(path) == RepoConfig()  # missing: the defaults
    with pytest.raises(InputError, match="no such file"):
        load_repo_config(path, missing_ok=False)
    with pytest.raises(InputError, match="cannot read"):
        load_repo_config(tmp_path)  # a directory
    path.write_text("mode: dry-run\n")
    assert load_repo_config(path).mode == "dry-run"
    path.write_text("mode: 1\n")
    with pytest.raises(ConfigError) as info:
        load_repo_config(path, file=".github/autopilot.yml")
    assert info.value.file == ".github/autopilot.yml"


def test_load_never_reads_more_than_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.yml"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: 64 MiB of NULs, costs no disk
    with pytest.raises(ConfigError) as info:
        load_repo_config(path)
    assert info.value.problems[0].message == "the file is larger than 256 KiB"
