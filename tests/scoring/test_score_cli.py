"""``autopilot score``: JSON contract, stdin, flags and every bad input mapped to exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.scoring.conftest import Cli

PERFECT = '{"tests": true, "lint": 1, "types": 1.0, "security": 1, "coverage": 1}'


def test_prints_the_documented_json(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "signals.json"
    path.write_text('{"tests": 1, "lint": true, "types": 0.5, "security": null}')
    result = cli("score", "--signals", str(path))
    assert (result.code, result.err) == (0, "")
    data = json.loads(result.out)
    assert list(data) == ["score", "route", "signals", "reasons"]
    assert list(data["signals"]) == ["tests", "lint", "types", "security", "coverage"]
    assert data["score"] == 0.9  # (40 + 20 + 7.5) / 75: security and coverage left out
    assert data["route"] == "pull_request"
    assert data["signals"]["security"] == {
        "value": None,
        "measured": False,
        "passed": None,
        "weight": 0.15,
        "effective_weight": 0.0,
    }
    assert data["signals"]["types"]["passed"] is False
    assert "not measured: security, coverage" in data["reasons"][1]


def test_reads_stdin(cli: Cli) -> None:
    result = cli("score", "--signals", "-", stdin=PERFECT)
    assert result.code == 0
    assert json.loads(result.out)["route"] == "auto_merge"


def test_flags_change_the_thresholds(cli: Cli) -> None:
    signals = '{"tests": 1, "lint": 1, "types": 1, "security": 1, "coverage": 0.5}'
    default = cli("score", "--signals", "-", stdin=signals)
    strict = cli("score", "--signals", "-", "--auto-merge-threshold", "0.96", stdin=signals)
    assert json.loads(default.out)["route"] == "auto_merge"
    assert json.loads(strict.out)["route"] == "pull_request"
    lenient = cli(
        "score", "--signals", "-", "--pr-threshold", "0.5", stdin='{"tests": 1, "types": 0}'
    )
    assert json.loads(lenient.out)["route"] == "pull_request"  # 40 / 55 = 0.7273


def test_unsafe_fix_flag_holds_for_review(cli: Cli) -> None:
    result = cli("score", "--signals", "-", "--unsafe-fix", "rename", stdin=PERFECT)
    data = json.loads(result.out)
    assert (data["score"], data["route"]) == (1.0, "manual_review")
    assert "unsafe fixes were applied (rename)" in data["reasons"][-1]


def test_text_format_reads_well(cli: Cli) -> None:
    result = cli("score", "--signals", "-", "--format", "text", stdin='{"tests": 1, "lint": 0}')
    assert result.out.splitlines()[:3] == [
        "score 0.6667 -> manual_review",
        "",
        "  tests     1.00          weight 0.6667",
    ]
    assert "  types     not measured  weight 0.0000" in result.out
    assert "  - score 0.6667 is below the pull-request threshold 0.80" in result.out


def test_nothing_measured(cli: Cli) -> None:
    data = json.loads(cli("score", "--signals", "-", stdin="{}").out)
    assert (data["score"], data["route"]) == (0.0, "manual_review")
    assert data["reasons"] == ["no signal was measured, so there is nothing to be confident about"]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"tests": 1.5}', "signal 'tests' is 1.5, outside [0, 1]"),
        ('{"tests": -1}', "signal 'tests' is -1, outside [0, 1]"),
        ('{"lint": "true"}', "write JSON true, false or null unquoted"),
        ('{"lint": "1"}', "is the string '1'"),
        ('{"tests": NaN}', "NaN is not valid JSON"),
        ('{"tests": Infinity}', "Infinity is not valid JSON"),
        ('{"tests": [true]}', "signal 'tests' is an array"),
        ('{"test": 1}', "unknown signal 'test' (expected one of tests, lint"),
        ("[1, 1]", "signals must be a JSON object"),
        ("0.9", "got a float"),
        ("null", "got null"),
        ('{"tests": 1', "malformed JSON"),
        ("", "malformed JSON"),
    ],
)
def test_bad_input_exits_2(cli: Cli, stdin: str, message: str) -> None:
    result = cli("score", "--signals", "-", stdin=stdin)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("autopilot score: error: ")
    assert message in result.err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--auto-merge-threshold", "1.5"], "auto-merge threshold must be a number in [0, 1]"),
        (["--pr-threshold", "-0.2"], "pull-request threshold must be a number in [0, 1]"),
        (["--pr-threshold", "nan"], "pull-request threshold must be a number in [0, 1]"),
        (["--pr-threshold", "0.97"], "must not exceed the auto-merge threshold (0.95)"),
        (["--auto-merge-threshold", "0.7"], "(0.80) must not exceed the auto-merge threshold"),
    ],
)
def test_bad_thresholds_exit_2(cli: Cli, flags: list[str], message: str) -> None:
    result = cli("score", "--signals", "-", *flags, stdin=PERFECT)
    assert (result.code, result.out) == (2, "")
    assert message in result.err


def test_unreadable_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("score", "--signals", str(tmp_path / "missing.json"))
    assert result.code == 2
    assert "cannot read" in result.err and "missing.json" in result.err


def test_non_number_flag_is_a_usage_error(cli: Cli) -> None:
    result = cli("score", "--signals", "-", "--pr-threshold", "high", stdin=PERFECT)
    assert result.code == 2
    assert "invalid float value: 'high'" in result.err


def test_help_has_examples(cli: Cli) -> None:
    result = cli("score", "--help")
    assert result.code == 0
    assert "autopilot score --signals signals.json" in result.out
