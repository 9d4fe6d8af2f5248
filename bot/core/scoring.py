"""Confidence scoring: weigh a fix's validation signals and route it (pure)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, TypeGuard

from bot.errors import InputError, UsageError


class Route(StrEnum):
    """Where a scored fix goes, from most to least autonomous."""

    AUTO_MERGE = "auto_merge"
    PULL_REQUEST = "pull_request"
    MANUAL_REVIEW = "manual_review"


#: Weights in hundredths, in the order signals are shown. Integers keep the sums exact.
WEIGHTS: Mapping[str, int] = {"tests": 40, "lint": 20, "types": 15, "security": 15, "coverage": 10}
#: Scores are rounded to this many decimals; the route is decided on the rounded score.
PRECISION = 4
_RANK = {Route.MANUAL_REVIEW: 0, Route.PULL_REQUEST: 1, Route.AUTO_MERGE: 2}
_BOOL_LIKE = frozenset({"true", "false", "yes", "no", "null", "none", "on", "off", "1", "0"})


@dataclass(frozen=True)
class Signals:
    """Validation results in [0, 1] (``None``: not measured). ``True``/``False`` become 1/0."""

    tests: float | None = None
    lint: float | None = None
    types: float | None = None
    security: float | None = None
    coverage: float | None = None

    def items(self) -> Iterator[tuple[str, float | None]]:
        """``(name, value)`` pairs in weight order."""
        for f in fields(self):
            yield f.name, getattr(self, f.name)


@dataclass(frozen=True)
class Thresholds:
    """Route boundaries: ``score >= auto_merge`` → auto-merge, ``>= pull_request`` → a PR."""

    auto_merge: float = 0.95
    pull_request: float = 0.80

    def __post_init__(self) -> None:
        for name, value in (("auto-merge", self.auto_merge), ("pull-request", self.pull_request)):
            if not _is_number(value) or not 0.0 <= value <= 1.0:
                raise UsageError(f"the {name} threshold must be a number in [0, 1], not {value!r}")
        if self.pull_request > self.auto_merge:
            raise UsageError(
                f"the pull-request threshold ({format_score(self.pull_request)}) must not exceed "
                f"the auto-merge threshold ({format_score(self.auto_merge)})"
            )


@dataclass(frozen=True)
class SignalScore:
    """One signal as scored: its value, nominal weight and renormalised weight."""

    name: str
    value: float | None
    weight: float
    effective_weight: float

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def passed(self) -> bool | None:
        """``True`` only at 1.0 (a pass rate below 1 means something failed)."""
        return None if self.value is None else self.value == 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "measured": self.measured,
            "passed": self.passed,
            "weight": self.weight,
            "effective_weight": self.effective_weight,
        }


@dataclass(frozen=True)
class ScoreResult:
    """The score (rounded to ``PRECISION``), its route and the reasons a person can read."""

    score: float
    route: Route
    signals: tuple[SignalScore, ...]
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``autopilot score`` JSON: keys ``score, route, signals, reasons`` in that order."""
        return {
            "score": self.score,
            "route": self.route.value,
            "signals": {s.name: s.to_dict() for s in self.signals},
            "reasons": list(self.reasons),
        }


#: The key ``autopilot validate`` adds beside the signals: how each was measured. It carries
#: no weight; the scorer accepts and ignores it.
EVIDENCE_KEY = "evidence"


def parse_signals(obj: object) -> Signals:
    """Validate a decoded JSON object of signals; every problem is named in one ``UsageError``."""
    if not isinstance(obj, dict):
        raise UsageError(
            f"signals must be a JSON object mapping {', '.join(WEIGHTS)} to a number in [0, 1], "
            f"true, false or null; got {_json_type(obj)}"
        )
    problems = [
        f"unknown signal {key!r} (expected one of {', '.join(WEIGHTS)})"
        for key in sorted(map(str, obj))
        if key not in WEIGHTS and key != EVIDENCE_KEY
    ]
    if not isinstance(obj.get(EVIDENCE_KEY, {}), dict):
        problems.append(f"{EVIDENCE_KEY!r} must be an object (how each signal was measured)")
    values: dict[str, float | None] = {}
    for name in WEIGHTS:
        try:
            values[name] = _signal_value(name, obj.get(name))
        except UsageError as exc:
            problems.append(str(exc))
    if problems:
        raise UsageError("invalid signals: " + "; ".join(problems))
    return Signals(**values)


def load_signals(text: str, *, source: str = "signals") -> Signals:
    """Parse signals from JSON text (``NaN``/``Infinity`` are refused, as JSON has none)."""

    def refuse_constant(name: str) -> float:
        raise InputError(f"{source}: {name} is not valid JSON; use a number in [0, 1] or null")

    try:
        obj = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: malformed JSON: {exc}") from exc
    return parse_signals(obj)


def score(
    signals: Signals,
    *,
    thresholds: Thresholds | None = None,
    fixes_safe: bool = True,
    unsafe_fixes: Sequence[str] = (),
) -> ScoreResult:
    """Weigh measured signals, route by thresholds (default 0.95/0.80), then apply the gates.

    Gates cap the route: auto-merge needs tests and lint measured and passing. Failing
    tests and unsafe fixes (``fixes_safe=False`` or any id in ``unsafe_fixes``) cap it at
    manual review, since the pull-request route enables auto-merge on the fix PR.
    """
    measured = [(name, v) for name, v in signals.items() if v is not None]
    total = sum(WEIGHTS[name] for name, _ in measured)
    rows = tuple(
        SignalScore(
            name=name,
            value=value,
            weight=WEIGHTS[name] / 100,
            effective_weight=round(WEIGHTS[name] / total, PRECISION) if value is not None else 0.0,
        )
        for name, value in signals.items()
    )
    if not measured:
        reason = "no signal was measured, so there is nothing to be confident about"
        return ScoreResult(0.0, Route.MANUAL_REVIEW, rows, (reason,))
    value = round(sum(WEIGHTS[name] * v for name, v in measured) / total, PRECISION)
    route, reasons = _route_by_score(value, thresholds or Thresholds())
    unmeasured = [s.name for s in rows if not s.measured]
    if unmeasured:
        reasons.append(
            f"not measured: {', '.join(unmeasured)} (left out; the other weights are renormalised)"
        )
    reasons.extend(
        f"{s.name} failed" if s.value == 0 else f"{s.name} scored {format_score(s.value)}"
        for s in rows
        if s.value is not None and s.value < 1.0
    )
    by_score = route
    for cap, why in _gates(signals, fixes_safe=fixes_safe, unsafe_fixes=unsafe_fixes):
        if _RANK[cap] < _RANK[by_score]:
            reasons.append(why)
            route = min(route, cap, key=_RANK.__getitem__)
    return ScoreResult(value, route, rows, tuple(reasons))


def _route_by_score(value: float, t: Thresholds) -> tuple[Route, list[str]]:
    shown, auto, pr = format_score(value), format_score(t.auto_merge), format_score(t.pull_request)
    if value >= t.auto_merge:
        return Route.AUTO_MERGE, [f"score {shown} is at or above the auto-merge threshold {auto}"]
    if value >= t.pull_request:
        why = (
            f"score {shown} is below the auto-merge threshold {auto} and at or above "
            f"the pull-request threshold {pr}"
        )
        return Route.PULL_REQUEST, [why]
    return Route.MANUAL_REVIEW, [f"score {shown} is below the pull-request threshold {pr}"]


def _gates(
    signals: Signals, *, fixes_safe: bool, unsafe_fixes: Sequence[str]
) -> Iterator[tuple[Route, str]]:
    """``(highest route allowed, reason)`` for every gate that holds a fix back."""
    if signals.tests is not None and signals.tests < 1.0:
        yield (
            Route.MANUAL_REVIEW,
            (
                f"held for manual review: tests did not all pass ({format_score(signals.tests)}); "
                "failing tests never merge without a person"
            ),
        )
    if unsafe_fixes or not fixes_safe:
        named = f" ({', '.join(unsafe_fixes)})" if unsafe_fixes else ""
        yield (
            Route.MANUAL_REVIEW,
            (
                f"held for manual review: unsafe fixes were applied{named}; "
                "unsafe fixes never merge without a person"
            ),
        )
    if signals.tests is None:
        yield Route.PULL_REQUEST, "no auto-merge: tests were not measured"
    if signals.lint is None:
        yield Route.PULL_REQUEST, "no auto-merge: lint was not measured"
    elif signals.lint < 1.0:
        yield Route.PULL_REQUEST, f"no auto-merge: lint did not pass ({format_score(signals.lint)})"


def _signal_value(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, str):
        if value.strip().lower() in _BOOL_LIKE:
            return _bad(name, f"is the string {value!r}; write JSON true, false or null unquoted")
        return _bad(name, f"is a string ({value!r}); expected a number in [0, 1], true or false")
    if not _is_number(value):
        return _bad(name, f"is {_json_type(value)}; expected a number in [0, 1], true or false")
    number = float(value)
    if math.isnan(number):
        return _bad(name, "is NaN; expected a number in [0, 1]")
    if not 0.0 <= number <= 1.0:
        return _bad(name, f"is {value!r}, outside [0, 1]")
    return number


def _bad(name: str, problem: str) -> float:
    raise UsageError(f"signal {name!r} {problem}")


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_type(value: object) -> str:
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return "null" if value is None else kinds.get(type(value), f"a {type(value).__name__}")


def format_score(value: float) -> str:
    """A score as people see it: two to ``PRECISION`` decimals (0.95, 0.9549, 1.00)."""
    text = f"{value:.{PRECISION}f}".rstrip("0")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"
