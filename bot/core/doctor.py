"""``autopilot doctor``'s verdicts: each check's outcome and how to fix it, compared purely."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

#: Permission levels, lowest first: a granted level at or above the wanted one satisfies it.
LEVELS = ("none", "read", "write", "admin")


@dataclass(frozen=True)
class Check:
    """One check: its name, whether it passed, what was seen, and how to fix a problem."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else 0


def missing_permissions(wanted: Mapping[str, str], granted: Mapping[str, str]) -> list[str]:
    """``name: level`` for each wanted permission granted lower or not at all."""
    return [
        f"{name}: {level} (has {granted.get(name, 'none')})"
        for name, level in sorted(wanted.items())
        if _rank(granted.get(name, "none")) < _rank(level)
    ]


def missing_events(wanted: Iterable[str], granted: Iterable[str]) -> list[str]:
    have = set(granted)
    return sorted(set(wanted) - have)


def exit_code(checks: Sequence[Check]) -> int:
    return 0 if all(check.ok for check in checks) else 1


def render_text(checks: Sequence[Check]) -> str:
    lines = []
    for check in checks:
        lines.append(f"{'ok ' if check.ok else 'BAD'}  {check.name}: {check.detail}")
        if check.fix and not check.ok:
            lines.append(f"     fix: {check.fix}")
    problems = sum(not c.ok for c in checks)
    lines.append("")
    lines.append("all good" if not problems else f"{problems} problem(s) found")
    return "\n".join(lines) + "\n"


def render_json(checks: Sequence[Check]) -> str:
    data = {"ok": exit_code(checks) == 0, "checks": [asdict(check) for check in checks]}
    return json.dumps(data, indent=2) + "\n"
