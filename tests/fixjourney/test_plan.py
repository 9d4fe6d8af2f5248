"""The pure fix planner, the attempt state machine, suggestions and signals."""

from __future__ import annotations

import pytest

from bot.core.fix_attempt import AttemptState, InvalidTransition, Step, advance, done
from bot.core.fix_plan import (
    AutofixPolicy,
    ChangeFacts,
    Delivery,
    MergeChecks,
    NoFix,
    ShipMode,
    bot_branch,
    bot_streak,
    commit_message,
    plan_fix,
    target_of,
    trailers,
)
from bot.core.fix_signals import CheckResult, pending, signals_from
from bot.core.fix_suggestions import Suggestion, suggestions
from bot.core.fixes.diff import render_patch
from bot.core.triage import Category, Failure

SHA = "a" * 40


def failure(category: str, file: str | None, rule: str | None = None) -> Failure:
    return Failure(
        category=Category(category), file=file, line=1, message="m", test=None,
        fingerprint=f"{category}{file}{rule}", auto_fixable=True, rule=rule, tool="ruff",
    )  # fmt: skip


def facts(**changes: object) -> ChangeFacts:
    base = dict(
        repo="o/r", run_id=7, failed_sha=SHA, branch="feature", default_branch="main",
        current_sha=SHA, pull_number=3, pull_author="alice",
    )  # fmt: skip
    return ChangeFacts(**{**base, **changes})  # type: ignore[arg-type]


LINT = [failure("lint", "a.py", "F401"), failure("format", "b.py"), failure("assertion", "t.py")]


def test_a_fixable_failure_is_scoped_to_its_fixes_and_files() -> None:
    plan = plan_fix(LINT, AutofixPolicy(), facts())
    assert plan.ok and plan.delivery is Delivery.PULL_REQUEST
    assert plan.target is not None
    assert plan.target.fix_ids == ("unused-imports", "formatting")
    assert plan.target.files == ("a.py", "b.py") and plan.target.rules == ("F401",)
    assert plan.bot_branch == "autopilot/fix/feature"


def test_a_finding_without_a_file_is_not_fixed_repository_wide() -> None:
    assert target_of([failure("format", None)]) is None


def test_select_and_unsafe_limit_the_entries() -> None:
    assert target_of(LINT, select=["formatting"]) is not None
    assert target_of([failure("lint", "a.py", "F401")], select=["formatting"]) is None
    unsafe = target_of([failure("lint", "a.py", "E711")], unsafe=["none-comparison"])
    assert unsafe is not None and unsafe.unsafe and unsafe.fix_ids == ("none-comparison",)
    assert target_of([failure("lint", "a.py", "E711")]) is None


@pytest.mark.parametrize(
    ("policy", "change", "reason"),
    [
        (AutofixPolicy(), {"branch": "autopilot/fix/feature"}, NoFix.FIX_OF_A_FIX),
        (AutofixPolicy(enabled=False), {}, NoFix.DISABLED),
        (AutofixPolicy(max_bot_commits=2), {"bot_streak": 2}, NoFix.LOOP_GUARD),
        (AutofixPolicy(), {"current_sha": "b" * 40}, NoFix.HEAD_MOVED),
    ],
)
def test_every_no_has_a_reason(
    policy: AutofixPolicy, change: dict[str, object], reason: NoFix
) -> None:
    plan = plan_fix(LINT, policy, facts(**change))
    assert not plan.ok and plan.reason is reason and plan.detail


def test_nothing_fixable() -> None:
    plan = plan_fix([failure("assertion", "t.py")], AutofixPolicy(), facts())
    assert plan.reason is NoFix.NOTHING_FIXABLE


def test_asking_overrides_disabled_but_not_the_loop_guard() -> None:
    assert plan_fix(LINT, AutofixPolicy(enabled=False), facts(requested=True)).ok
    guarded = plan_fix(LINT, AutofixPolicy(), facts(requested=True, bot_streak=5))
    assert guarded.reason is NoFix.LOOP_GUARD


@pytest.mark.parametrize(
    ("policy", "change", "delivery"),
    [
        (AutofixPolicy(ship=ShipMode.PUSH), {}, Delivery.PUSH),
        (
            AutofixPolicy(ship=ShipMode.PUSH),
            {"pull_number": None, "branch": "main"},
            Delivery.PULL_REQUEST,
        ),
        (AutofixPolicy(ship=ShipMode.PUSH), {"branch": "main"}, Delivery.PULL_REQUEST),
        (AutofixPolicy(), {"fork": True}, Delivery.SUGGESTIONS),
        (AutofixPolicy(), {"fork": True, "maintainer_can_modify": True}, Delivery.SUGGESTIONS),
        (AutofixPolicy(push_to_forks=True), {"fork": True}, Delivery.SUGGESTIONS),
        (
            AutofixPolicy(push_to_forks=True),
            {"fork": True, "maintainer_can_modify": True},
            Delivery.PUSH,
        ),
    ],
)
def test_how_a_fix_ships(
    policy: AutofixPolicy, change: dict[str, object], delivery: Delivery
) -> None:
    assert plan_fix(LINT, policy, facts(**change)).delivery is delivery


def test_bot_branches_are_deterministic_and_safe() -> None:
    assert bot_branch("feature/x") == bot_branch("feature/x") == "autopilot/fix/feature/x"
    assert bot_branch("a b..c~^:") == "autopilot/fix/a-b.c-"


def test_commit_trailers_tell_the_bots_commits() -> None:
    message = commit_message(
        fix_ids=["formatting"], files=["a.py"], run_id=7, workflow="CI", failed_sha=SHA, lint=1.0
    )
    assert message.startswith("autopilot: fix formatting\n\nAnswers the failed CI run 7 on ")
    assert trailers(message) == {
        "Autopilot-Fixes": "formatting", "Autopilot-Run": "7",
        "Autopilot-Failed-Head": SHA, "Autopilot-Lint": "1.0",
    }  # fmt: skip
    assert bot_streak([message, message, "a person's commit", message]) == 2


def test_the_attempt_machine() -> None:
    state = AttemptState.PLANNED
    for step, expected in [
        (Step.COMMIT, AttemptState.COMMITTED),
        (Step.SHIP, AttemptState.VALIDATING),
        (Step.SCORE, AttemptState.SCORED),
        (Step.QUEUE, AttemptState.QUEUED),
        (Step.MERGE, AttemptState.MERGED),
    ]:
        state = advance(state, step).target
        assert state is expected
    with pytest.raises(InvalidTransition):
        advance(AttemptState.MERGED, Step.ABANDON)
    with pytest.raises(InvalidTransition):
        advance(AttemptState.PLANNED, Step.SHIP)
    assert advance(AttemptState.COMMITTED, Step.ABANDON).target is AttemptState.ABANDONED
    assert advance(AttemptState.PLANNED, Step.SUGGEST).target is AttemptState.OPEN
    assert done(AttemptState.VALIDATING, Step.COMMIT) and done(AttemptState.VALIDATING, Step.SHIP)
    assert not done(AttemptState.COMMITTED, Step.SHIP) and not done(
        AttemptState.PLANNED, Step.COMMIT
    )


def test_suggestions_replace_the_lines_each_block_removes() -> None:
    before = "import os\n\n\ndef f( x ):\n    return x\n"
    after = "\n\ndef f(x):\n    return x\n"
    patch = render_patch({"a.py": before}, {"a.py": after})
    assert suggestions(patch) == [
        Suggestion("a.py", 1, 1, ()),
        Suggestion("a.py", 4, 4, ("def f(x):",)),
    ]
    inserted = render_patch({"b.py": "a\nb\n"}, {"b.py": "a\nx\nb\n"})
    assert suggestions(inserted) == [Suggestion("b.py", 1, 1, ("a", "x"))]


def test_signals_from_the_runs_on_the_fix() -> None:
    runs = [
        CheckResult("CI", "completed", "success"),
        CheckResult("Docs", "completed", "failure"),
        CheckResult("mypy", "completed", "success", workflow=False),
        CheckResult("autopilot/fix", "completed", "neutral", workflow=False),
    ]
    signals = signals_from(runs, MergeChecks(), lint=1.0)
    assert (signals.tests, signals.lint, signals.types, signals.coverage) == (0.5, 1.0, None, None)
    named = signals_from(runs, MergeChecks(tests=("CI",), types=("mypy",)), lint=None)
    assert (named.tests, named.lint, named.types) == (1.0, None, 1.0)
    assert signals_from([], MergeChecks(), lint=1.0).tests is None  # nothing ran: not measured
    assert pending([CheckResult("CI", "in_progress", None), *runs]) == ["CI"]
