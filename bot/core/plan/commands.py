"""The arguments of ``/autopilot plan run | status | approve PHASE | retry PHASE``, parsed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.plan.model import PlanMode
from bot.errors import UsageError

USAGE = "usage: /autopilot plan run [auto|manual|dry-run] | status | approve PHASE | retry PHASE"


class PlanVerb(StrEnum):
    RUN = "run"
    STATUS = "status"
    APPROVE = "approve"
    RETRY = "retry"

    @property
    def mutating(self) -> bool:
        return self is not PlanVerb.STATUS


@dataclass(frozen=True)
class PlanCommand:
    verb: PlanVerb
    phase: str | None = None
    mode: PlanMode | None = None


def parse_plan_args(args: str) -> PlanCommand:
    """``run manual`` → ``PlanCommand(RUN, mode=MANUAL)``; anything else a ``UsageError``."""
    words = args.split()
    if not words:
        raise UsageError(USAGE)
    try:
        verb = PlanVerb(words[0].lower())
    except ValueError:
        raise UsageError(f"unknown plan command {words[0]!r}; {USAGE}") from None
    rest = words[1:]
    if verb is PlanVerb.RUN:
        if len(rest) > 1 or (rest and rest[0] not in set(PlanMode)):
            raise UsageError(f"`run` takes an optional mode (auto, manual, dry-run); {USAGE}")
        return PlanCommand(verb, mode=PlanMode(rest[0]) if rest else None)
    if verb is PlanVerb.STATUS:
        if rest:
            raise UsageError(f"`status` takes no argument; {USAGE}")
        return PlanCommand(verb)
    if len(rest) != 1:
        raise UsageError(f"`{verb}` takes one phase id; {USAGE}")
    return PlanCommand(verb, phase=rest[0])
