"""The scoring table: weights, renormalisation, thresholds and every auto-merge gate."""

from __future__ import annotations

import math
import re

import pytest

from bot.core.scoring import Route, Signals, Thresholds, parse_signals, score
from bot.errors import UsageError

ALL_PASS = {"tests": 1, "lint": 1, "types": 1, "security": 1, "coverage": 1}
AUTO, PR, MANUAL = Route.AUTO_MERGE, Route.PULL_REQUEST, Route.MANUAL_REVIEW


def with_(**changes: object) -> dict[str, object]:
    """All signals passing, with ``changes`` applied (``None`` drops the key)."""
    merged = {**ALL_PASS, **changes}
    return {k: v for k, v in merged.items() if v is not None}


TABLE = [
    # (case, signals, score, route)
    ("all measured and passing", ALL_PASS, 1.0, AUTO),
    ("booleans mean 1 and 0", dict.fromkeys(ALL_PASS, True), 1.0, AUTO),
    ("tests fail", with_(tests=False), 0.6, MANUAL),
    ("lint fails: exactly the PR threshold", with_(lint=False), 0.8, PR),
    ("types fail", with_(types=False), 0.85, PR),
    ("security fails", with_(security=False), 0.85, PR),
    ("coverage fails", with_(coverage=False), 0.9, PR),
    ("exactly the auto-merge threshold", with_(coverage=0.5), 0.95, AUTO),
    ("just below the auto-merge threshold", with_(coverage=0.49), 0.949, PR),
    ("just below the PR threshold", with_(lint=0.0, coverage=0.99), 0.799, MANUAL),
    ("tests a pass rate below 1, the rest perfect", with_(tests=0.99), 0.996, MANUAL),
    ("tests unmeasured, the rest perfect", with_(tests=None), 1.0, PR),
    ("tests null, the rest perfect", with_(tests=None) | {"tests": None}, 1.0, PR),
    ("lint unmeasured, the rest perfect", with_(lint=None), 1.0, PR),
    ("lint a rate below 1, the rest perfect", with_(lint=0.9), 0.98, PR),
    # renormalisation: coverage's 10 left out, so security's half counts 7.5 of 90
    ("renormalised over 90", with_(coverage=None, security=0.5), 0.9167, PR),
    ("renormalised over 60", {"lint": 1, "types": 1, "security": 1, "coverage": 0}, 0.8333, PR),
    ("only types measured", {"types": 1}, 1.0, PR),
    ("everything fails", dict.fromkeys(ALL_PASS, False), 0.0, MANUAL),
    ("nothing measured", {}, 0.0, MANUAL),
    ("everything null", dict.fromkeys(ALL_PASS), 0.0, MANUAL),
]


@pytest.mark.parametrize(
    ("signals", "expected", "route"), [c[1:] for c in TABLE], ids=[c[0] for c in TABLE]
)
def test_scoring_table(signals: dict[str, object], expected: float, route: Route) -> None:
    result = score(parse_signals(signals))
    assert result.score == expected
    assert result.route is route


def test_renormalised_weights_are_shown() -> None:
    result = score(parse_signals({"types": 1, "security": 0, "coverage": 1}))
    weights = {s.name: s.effective_weight for s in result.signals}
    assert weights == {
        "tests": 0.0,
        "lint": 0.0,
        "types": 0.375,
        "security": 0.375,
        "coverage": 0.25,
    }
    assert result.score == 0.625
    assert [s.measured for s in result.signals] == [False, False, True, True, True]
    assert (
        "not measured: tests, lint (left out; the other weights are renormalised)" in result.reasons
    )


def test_failing_tests_never_auto_merge_even_at_low_thresholds() -> None:
    result = score(parse_signals(with_(tests=0.5)), thresholds=Thresholds(0.0, 0.0))
    assert result.route is MANUAL
    assert any("failing tests never merge" in reason for reason in result.reasons)


@pytest.mark.parametrize("missing", ["tests", "lint"])
def test_tests_and_lint_must_be_measured_for_auto_merge(missing: str) -> None:
    result = score(parse_signals(with_(**{missing: None})))
    verb = "were" if missing == "tests" else "was"
    assert result.route is PR
    assert f"no auto-merge: {missing} {verb} not measured" in result.reasons


def test_unsafe_fix_never_auto_merges_even_at_a_perfect_score() -> None:
    result = score(parse_signals(ALL_PASS), unsafe_fixes=["rename-symbol"])
    assert (result.score, result.route) == (1.0, MANUAL)
    assert any("unsafe fixes were applied (rename-symbol)" in r for r in result.reasons)
    assert score(parse_signals(ALL_PASS), fixes_safe=False).route is MANUAL


def test_no_signal_measured_explains_itself() -> None:
    result = score(Signals())
    assert result.reasons == ("no signal was measured, so there is nothing to be confident about",)


def test_reasons_read_as_sentences() -> None:
    result = score(parse_signals(with_(lint=0.9)))
    assert result.reasons == (
        "score 0.98 is at or above the auto-merge threshold 0.95",
        "lint scored 0.90",
        "no auto-merge: lint did not pass (0.90)",
    )


@pytest.mark.parametrize(
    ("thresholds", "signals", "route"),
    [
        (Thresholds(0.99, 0.5), with_(coverage=0.5), PR),  # 0.95 no longer auto-merges
        (Thresholds(0.99, 0.5), with_(tests=0.0, lint=0.0, types=0.0), MANUAL),  # 0.25
        (Thresholds(0.8, 0.6), with_(types=False), AUTO),  # 0.85 auto-merges now
        (Thresholds(0.8, 0.6), with_(lint=False), PR),  # 0.8 but lint failed
        (Thresholds(0.9, 0.9), with_(coverage=False), AUTO),  # equal thresholds are allowed
        (Thresholds(0.9, 0.9), with_(types=False), MANUAL),
        (Thresholds(1.0, 1.0), ALL_PASS, AUTO),
    ],
)
def test_custom_thresholds(
    thresholds: Thresholds, signals: dict[str, object], route: Route
) -> None:
    assert score(parse_signals(signals), thresholds=thresholds).route is route


@pytest.mark.parametrize(
    ("auto", "pr", "message"),
    [
        (1.5, 0.8, "auto-merge threshold must be a number in [0, 1]"),
        (0.95, -0.1, "pull-request threshold must be a number in [0, 1]"),
        (math.nan, 0.8, "auto-merge threshold"),
        (0.95, math.inf, "pull-request threshold"),
        (True, 0.8, "auto-merge threshold"),
        (0.8, 0.9, "must not exceed the auto-merge threshold (0.80)"),
    ],
)
def test_bad_thresholds(auto: float, pr: float, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        Thresholds(auto, pr)


@pytest.mark.parametrize(
    ("signals", "message"),
    [
        ({"tests": 1.5}, "signal 'tests' is 1.5, outside [0, 1]"),
        ({"lint": -0.01}, "signal 'lint' is -0.01, outside [0, 1]"),
        ({"types": math.nan}, "signal 'types' is NaN"),
        ({"types": math.inf}, "signal 'types' is inf, outside [0, 1]"),
        ({"tests": "true"}, "is the string 'true'; write JSON true, false or null unquoted"),
        ({"tests": "null"}, "is the string 'null'"),
        ({"tests": "0.9"}, "is a string ('0.9'); expected a number"),
        ({"coverage": [1]}, "signal 'coverage' is an array"),
        ({"coverage": {"a": 1}}, "signal 'coverage' is an object"),
        ({"tests": 1, "flake": 1}, "unknown signal 'flake'"),
        ([1], "signals must be a JSON object"),
        ("tests", "got a string"),
        (None, "got null"),
    ],
)
def test_bad_signals(signals: object, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_signals(signals)
    assert message in str(info.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(UsageError) as info:
        parse_signals({"tests": 2, "lint": "yes", "extra": 0})
    text = str(info.value)
    assert "unknown signal 'extra'" in text and "'tests' is 2" in text and "'lint'" in text
