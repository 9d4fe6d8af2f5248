"""The plan file (``.github/autopilot/plan.yml``): parsed, validated with line and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from bot.config.repo import packaged_schema, schema_problems
from bot.config.repo_yaml import (
    MAX_CONFIG_BYTES,
    FatalProblem,
    compose,
    decode,
    node_at,
    problem_at,
    to_data,
)
from bot.core.config_check import ConfigError, ConfigProblem
from bot.core.plan.graph import find_cycle, unknown_dependencies
from bot.core.plan.model import (
    PLAN_PATH,
    Approval,
    Criterion,
    CriterionKind,
    Phase,
    Plan,
    PlanMode,
    Task,
    TaskKind,
    Trigger,
    TriggerAction,
)
from bot.errors import InputError

SCHEMA_FILE = "plan.schema.json"


def plan_schema() -> dict[str, Any]:
    """The plan's JSON Schema (Draft 2020-12), shipped with the package, also for editors."""
    return packaged_schema(SCHEMA_FILE)


def parse_plan(source: str | bytes, *, file: str = PLAN_PATH) -> Plan:
    """The plan in ``source``, or ``ConfigError`` listing every problem with line and column."""
    try:
        root = compose(decode(source))
    except FatalProblem as exc:
        raise ConfigError([exc.problem], file=file) from None
    if root is None:
        raise ConfigError([ConfigProblem("", 1, 1, "the plan file is empty")], file=file)
    problems: list[ConfigProblem] = []
    data = to_data(root, problems)
    problems += schema_problems(data, root, plan_schema())
    if not problems:
        problems += _meaning_problems(data, root)
    if problems:
        ordered = sorted(set(problems), key=lambda p: (p.line, p.column, p.path, p.message))
        raise ConfigError(ordered, file=file)
    return _build(data)


def load_plan(path: Path, *, file: str | None = None) -> Plan:
    """Read and parse the plan at ``path``; unreadable is an ``InputError``."""
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_plan(content, file=str(path) if file is None else file)


def _meaning_problems(data: dict[str, Any], root: Node) -> list[ConfigProblem]:
    """What the schema cannot say: duplicate ids, unknown dependencies, cycles, thresholds."""
    problems: list[ConfigProblem] = []
    phases: list[dict[str, Any]] = data["phases"]
    first: dict[str, int] = {}
    for index, phase in enumerate(phases):
        if phase["id"] in first:
            path: tuple[str | int, ...] = ("phases", index, "id")
            message = f"duplicate phase id {phase['id']!r} (first is phases[{first[phase['id']]}])"
            problems.append(problem_at(node_at(root, path)[0], path, message))
        else:
            first[phase["id"]] = index
    deps = {p["id"]: list(p.get("depends_on") or ()) for p in phases}
    for phase_id, index, dep in unknown_dependencies(deps):
        path = ("phases", first[phase_id], "depends_on", index)
        message = f"phase {phase_id!r} depends on {dep!r}, which is not a phase of this plan"
        problems.append(problem_at(node_at(root, path)[0], path, message))
    cycle = find_cycle(deps)
    if cycle is not None:
        path = ("phases", first[cycle[0]], "depends_on")
        message = "dependency cycle: " + " -> ".join(cycle)
        problems.append(problem_at(node_at(root, path)[0], path, message))
    for p_index, phase in enumerate(phases):
        for c_index, criterion in enumerate(phase.get("success") or ()):
            metric = criterion.get("metric")
            if metric is None:
                continue
            path = ("phases", p_index, "success", c_index, "metric")
            low, high = metric.get("min"), metric.get("max")
            if low is None and high is None:
                message = "a metric needs a threshold: min, max or both"
            elif low is not None and high is not None and low > high:
                message = f"bad threshold: min {low:g} is above max {high:g}, nothing can pass"
            else:
                continue
            problems.append(problem_at(node_at(root, path)[0], path, message))
    return problems


def _build(data: dict[str, Any]) -> Plan:
    defaults = data.get("defaults") or {}
    return Plan(
        name=data["name"],
        mode=PlanMode(data.get("mode", "auto")),
        ref=data.get("ref"),
        phases=tuple(_phase(p, defaults) for p in data["phases"]),
        triggers=tuple(
            Trigger(
                on=t["on"],
                when=tuple((k, _text(v)) for k, v in (t.get("when") or {}).items()),
                do=TriggerAction(t["do"]),
                severity=t.get("severity", "warning"),
            )
            for t in data.get("triggers") or ()
        ),
    )


def _text(value: object) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _phase(data: dict[str, Any], defaults: dict[str, Any]) -> Phase:
    return Phase(
        id=data["id"],
        name=data.get("name", data["id"]),
        depends_on=tuple(data.get("depends_on") or ()),
        approval=Approval(data.get("approval", "auto")),
        tasks=tuple(_task(t, defaults) for t in data.get("tasks") or ()),
        success=tuple(_criterion(c) for c in data.get("success") or ()),
    )


def _task(data: dict[str, Any], defaults: dict[str, Any]) -> Task:
    def setting(key: str, default: float) -> float:
        return float(data.get(key, defaults.get(key, default)))

    workflow = data.get("workflow")
    return Task(
        kind=TaskKind.WORKFLOW if workflow else TaskKind.COMMAND,
        target=workflow or data["run"],
        ref=data.get("ref"),
        inputs=tuple((k, _text(v)) for k, v in (data.get("inputs") or {}).items()),
        timeout=setting("timeout_minutes", 60) * 60,
        retries=int(setting("retries", 0)),
        backoff=setting("backoff_seconds", 60),
    )


def _criterion(data: dict[str, Any]) -> Criterion:
    [(key, value)] = data.items()
    kind = CriterionKind(key)
    if kind is CriterionKind.FILES_EXIST:
        return Criterion(kind=kind, paths=tuple(value))
    if kind is CriterionKind.JSON_VALID:
        return Criterion(kind=kind, file=value)
    if kind is CriterionKind.METRIC:
        low, high = value.get("min"), value.get("max")
        return Criterion(
            kind=kind,
            file=value["file"],
            key=value["key"],
            minimum=None if low is None else float(low),
            maximum=None if high is None else float(high),
        )
    if kind is CriterionKind.CHECKS_GREEN:
        return Criterion(kind=kind, checks=tuple(value))
    return Criterion(kind=kind, command=value)
