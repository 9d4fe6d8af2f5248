"""``autopilot config check|show|schema``, and ``--config`` on ``score`` and ``queue approve``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.cli import main as cli_main
from bot.config.repo import RepoConfig, schema
from tests.scoring.conftest import Cli

BAD = "scoring:\n  pr_threshold: 1.5\nfixs: {}\n"
SIGNALS = '{"tests": 1, "lint": 1, "types": 1, "security": 1, "coverage": 0.5}'  # 0.95


@pytest.fixture
def repo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Path:
    monkeypatch.setattr(cli_main, "SUBCOMMANDS", ("score", "queue", "config"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".github").mkdir()
    return tmp_path


def _write(root: Path, text: str, name: str = ".github/autopilot.yml") -> Path:
    path = root / name
    path.write_text(text)
    return path


def test_check_valid_missing_and_unreadable(cli: Cli, repo_dir: Path) -> None:
    missing_default = cli("config", "check")
    assert (missing_default.code, missing_default.out) == (
        0,
        ".github/autopilot.yml: not found; the defaults apply\n",
    )
    _write(repo_dir, "mode: dry-run\n")
    assert cli("config", "check").out == ".github/autopilot.yml: valid\n"
    quiet = cli("config", "check", "--format", "github")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    missing = cli("config", "check", "other.yml")
    assert (missing.code, missing.out) == (2, "")
    assert missing.err == "autopilot config: error: cannot read other.yml: no such file\n"
    assert cli("config", "check", ".github").code == 2


def test_check_prints_each_problem_with_file_line_and_column(cli: Cli, repo_dir: Path) -> None:
    _write(repo_dir, BAD, "ci.yml")
    text = cli("config", "check", "ci.yml")
    assert (text.code, text.out, text.err) == (
        1,
        "ci.yml:2:17: scoring.pr_threshold: must be at most 1, got 1.5\n"
        "ci.yml:3:1: fixs: unknown key 'fixs' (did you mean 'fixes'?)\n",
        "",
    )
    github = cli("config", "check", "ci.yml", "--format", "github")
    assert github.code == 1
    assert github.out.splitlines() == [
        "::error file=ci.yml,line=2,col=17,title=autopilot config::"
        "scoring.pr_threshold: must be at most 1, got 1.5",
        "::error file=ci.yml,line=3,col=1,title=autopilot config::"
        "fixs: unknown key 'fixs' (did you mean 'fixes'?)",
    ]
    data = json.loads(cli("config", "check", "ci.yml", "--format", "json").out)
    assert data["valid"] is False
    assert [(p["line"], p["column"], p["path"]) for p in data["problems"]] == [
        (2, 17, "scoring.pr_threshold"),
        (3, 1, "fixs"),
    ]


def test_show_prints_the_effective_config(cli: Cli, repo_dir: Path) -> None:
    _write(repo_dir, "scoring:\n  pr_threshold: 0.5\n")
    shown = cli("config", "show")
    assert shown.code == 0
    data = yaml.safe_load(shown.out)
    assert data["scoring"] == {"auto_merge_threshold": 0.95, "pr_threshold": 0.5}
    assert data["validation"]["timeout_seconds"] == 900.0
    as_json = json.loads(cli("config", "show", "--format", "json").out)
    assert as_json == data
    _write(repo_dir, BAD)
    bad = cli("config", "show")
    assert (bad.code, bad.out) == (1, "")
    assert bad.err.startswith(".github/autopilot.yml:2:17: scoring.pr_threshold:")


def test_show_without_a_file_prints_the_defaults(cli: Cli, repo_dir: Path) -> None:
    assert json.loads(cli("config", "show", "--format", "json").out) == RepoConfig().to_dict()


def test_schema_prints_the_shipped_schema(cli: Cli, repo_dir: Path) -> None:
    result = cli("config", "schema")
    assert (result.code, json.loads(result.out)) == (0, schema())


def test_score_takes_thresholds_from_config_and_flags_override(cli: Cli, repo_dir: Path) -> None:
    def route(*flags: str) -> str:
        result = cli("score", "--signals", "-", *flags, stdin=SIGNALS)
        assert result.code == 0, result.err
        return str(json.loads(result.out)["route"])

    strict = _write(repo_dir, "scoring:\n  auto_merge_threshold: 0.96\n  pr_threshold: 0.9\n")
    assert route() == "auto_merge"  # no --config: the defaults
    assert route("--config", str(strict)) == "pull_request"
    assert route("--config", str(strict), "--auto-merge-threshold", "0.95") == "auto_merge"
    assert route("--config", str(strict), "--pr-threshold", "0.96") == "manual_review"


def test_score_with_a_bad_or_missing_config_is_exit_2(cli: Cli, repo_dir: Path) -> None:
    bad = _write(repo_dir, BAD)
    result = cli("score", "--signals", "-", "--config", str(bad), stdin=SIGNALS)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "autopilot score: error: invalid configuration:\n"
        f"  {bad}:2:17: scoring.pr_threshold: must be at most 1, got 1.5\n"
        f"  {bad}:3:1: fixs: unknown key 'fixs' (did you mean 'fixes'?)\n"
    )
    missing = cli("score", "--signals", "-", "--config", "nope.yml", stdin=SIGNALS)
    assert missing.code == 2 and "cannot read nope.yml" in missing.err
    clash = _write(repo_dir, "scoring:\n  auto_merge_threshold: 0.9\n", "clash.yml")
    flags = ("--config", str(clash), "--pr-threshold", "0.95")
    result = cli("score", "--signals", "-", *flags, stdin=SIGNALS)
    assert result.code == 2 and "must not exceed the auto-merge threshold (0.90)" in result.err
