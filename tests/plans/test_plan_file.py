"""The plan file: its schema, and problems named with their line and column."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from bot.config.plan import parse_plan, plan_schema
from bot.core.config_check import ConfigError
from bot.core.plan.model import Approval, CriterionKind, PlanMode, TaskKind
from tests.plans.conftest import PLAN


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_plan(text)
    return [f"{p.line}:{p.column}: {p.describe()}" for p in caught.value.problems]


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(plan_schema())


def test_the_example_plan_parses() -> None:
    plan = parse_plan(PLAN)
    assert plan.ids == ("build", "test", "docs", "deploy")
    assert plan.mode is PlanMode.AUTO
    build = plan.phase("build")
    [task] = build.tasks
    assert (task.kind, task.target, task.inputs) == (
        TaskKind.WORKFLOW,
        "build.yml",
        (("target", "wheels"),),
    )
    assert (task.timeout, task.retries, task.backoff) == (1800.0, 1, 60.0)
    assert [task.delay(n) for n in (1, 2, 3)] == [60.0, 120.0, 240.0]
    assert plan.phase("deploy").approval is Approval.MANUAL
    assert plan.phase("test").success[0].kind is CriterionKind.METRIC


def test_an_unknown_dependency_is_named_where_it_is() -> None:
    assert problems("name: x\nphases:\n  - id: a\n  - id: b\n    depends_on: [a, c]\n") == [
        "5:21: phases[1].depends_on[1]: phase 'b' depends on 'c', which is not a phase of this plan"
    ]


def test_a_cycle_lists_its_members() -> None:
    text = (
        "name: x\nphases:\n  - id: a\n    depends_on: [c]\n  - id: b\n    depends_on: [a]\n"
        "  - id: c\n    depends_on: [b]\n  - id: d\n    depends_on: [d]\n"
    )
    assert problems(text) == [
        "4:17: phases[0].depends_on: dependency cycle: a -> c -> b -> a",
    ]
    assert problems("name: x\nphases:\n  - id: d\n    depends_on: [d]\n") == [
        "4:17: phases[0].depends_on: dependency cycle: d -> d"
    ]


def test_bad_thresholds() -> None:
    base = "name: x\nphases:\n  - id: a\n    success:\n      - metric: {file: m.json, key: k"
    assert problems(base + ", min: 5, max: 1}\n") == [
        "5:17: phases[0].success[0].metric: bad threshold: min 5 is above max 1, nothing can pass"
    ]
    assert problems(base + "}\n") == [
        "5:17: phases[0].success[0].metric: a metric needs a threshold: min, max or both"
    ]
    assert problems(base + ", min: lots}\n") == [
        '5:45: phases[0].success[0].metric.min: expected a number, got a string ("lots")'
    ]


def test_shape_problems() -> None:
    text = (
        "name: x\nmode: automatic\nphases:\n  - id: a\n    tasks:\n      - {}\n"
        "    success:\n      - {files_exist: [a], json_valid: b}\n    aproval: manual\n"
        "  - id: a\n"
    )
    assert problems(text) == [
        "2:7: mode: must be one of auto, manual, dry-run, got \"automatic\" (did you mean 'auto'?)",
        "6:9: phases[0].tasks[0]: needs exactly one of workflow, run",
        "8:9: phases[0].success[0]: needs exactly one of files_exist, json_valid, metric, "
        "checks_green, command",
        "9:5: phases[0].aproval: unknown key 'aproval' (did you mean 'approval'?)",
    ]
    assert problems("name: x\nphases:\n  - id: a\n  - id: a\n") == [
        "4:9: phases[1].id: duplicate phase id 'a' (first is phases[0])"
    ]
    assert problems("") == ["1:1: the plan file is empty"]
