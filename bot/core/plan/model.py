"""The plan file's model: phases, tasks, success criteria and trigger rules (frozen, typed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

#: Where a repository keeps its plan.
PLAN_PATH = ".github/autopilot/plan.yml"


class PlanMode(StrEnum):
    """How a run proceeds: on its own, phase by phase on approval, or only on paper."""

    AUTO = "auto"
    MANUAL = "manual"
    DRY_RUN = "dry-run"


class Approval(StrEnum):
    """Whether a phase starts by itself once its dependencies succeeded, or on approval."""

    AUTO = "auto"
    MANUAL = "manual"


class TaskKind(StrEnum):
    WORKFLOW = "workflow"
    COMMAND = "command"


class CriterionKind(StrEnum):
    FILES_EXIST = "files_exist"
    JSON_VALID = "json_valid"
    METRIC = "metric"
    CHECKS_GREEN = "checks_green"
    COMMAND = "command"


class TriggerAction(StrEnum):
    START = "start"
    ALERT = "alert"


@dataclass(frozen=True, kw_only=True)
class Task:
    """One step of a phase: dispatch a workflow with inputs, or run a command (Action, CLI)."""

    kind: TaskKind
    target: str
    ref: str | None = None
    inputs: tuple[tuple[str, str], ...] = ()
    timeout: float = 3600.0
    retries: int = 0
    backoff: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1``: exponential from ``backoff``."""
        return float(self.backoff * 2 ** max(0, attempt - 1))

    def describe(self) -> str:
        if self.kind is TaskKind.WORKFLOW:
            return f"workflow `{self.target}`" + (f" on `{self.ref}`" if self.ref else "")
        return f"command `{self.target}`"


@dataclass(frozen=True, kw_only=True)
class Criterion:
    """A success criterion checked once a phase's tasks are done."""

    kind: CriterionKind
    paths: tuple[str, ...] = ()
    file: str | None = None
    key: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    checks: tuple[str, ...] = ()
    command: str | None = None

    def describe(self) -> str:
        if self.kind is CriterionKind.FILES_EXIST:
            return "files exist: " + ", ".join(f"`{p}`" for p in self.paths)
        if self.kind is CriterionKind.JSON_VALID:
            return f"`{self.file}` is valid JSON"
        if self.kind is CriterionKind.METRIC:
            bounds = []
            if self.minimum is not None:
                bounds.append(f">= {self.minimum:g}")
            if self.maximum is not None:
                bounds.append(f"<= {self.maximum:g}")
            return f"`{self.key}` in `{self.file}` {' and '.join(bounds)}"
        if self.kind is CriterionKind.CHECKS_GREEN:
            return "checks green: " + ", ".join(f"`{c}`" for c in self.checks)
        return f"`{self.command}` exits 0"


@dataclass(frozen=True, kw_only=True)
class Phase:
    id: str
    name: str
    depends_on: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    success: tuple[Criterion, ...] = ()
    approval: Approval = Approval.AUTO


@dataclass(frozen=True, kw_only=True)
class Trigger:
    """``on`` a glob over event names (``phase.*.failed``, ``ci.failed``), ``when`` every
    condition matches the event's fields (glob values), ``do`` the action."""

    on: str
    when: tuple[tuple[str, str], ...] = ()
    do: TriggerAction = TriggerAction.ALERT
    severity: str = "warning"


@dataclass(frozen=True, kw_only=True)
class Plan:
    name: str
    phases: tuple[Phase, ...]
    mode: PlanMode = PlanMode.AUTO
    ref: str | None = None
    triggers: tuple[Trigger, ...] = field(default=())

    def phase(self, phase_id: str) -> Phase:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.phases)
