"""Trigger rules: glob patterns over internal event names with conditions on their fields."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from bot.core.plan.engine import PlanEvent
from bot.core.plan.model import Trigger


def matches(trigger: Trigger, event: PlanEvent) -> bool:
    """``on`` matches the event's name and every ``when`` field matches (both globs)."""
    if not fnmatchcase(event.name, trigger.on):
        return False
    fields = dict(event.fields)
    return all(key in fields and _same(fields[key], want) for key, want in trigger.when)


def _same(value: str, want: str) -> bool:
    """A glob match; numbers match as numbers (``hour: 6`` matches ``06``)."""
    if value.isdigit() and want.isdigit():
        return int(value) == int(want)
    return fnmatchcase(value, want)


def fired(
    triggers: Sequence[Trigger], events: Sequence[PlanEvent]
) -> list[tuple[Trigger, PlanEvent]]:
    """Every (rule, event) pair that fires, in rule order then event order."""
    return [(t, e) for t in triggers for e in events if matches(t, e)]
