"""The buttons the ``autopilot/triage`` check run offers, and the commands they stand for."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.render.triage_report import TriageReport

#: GitHub's limits on a check run's ``actions``.
MAX_ACTIONS = 3
LABEL_LIMIT = 20
IDENTIFIER_LIMIT = 20
DESCRIPTION_LIMIT = 40


@dataclass(frozen=True)
class CheckAction:
    """A button: its label, the identifier GitHub sends back (the command), a description."""

    label: str
    identifier: str
    description: str

    def __post_init__(self) -> None:
        if (
            len(self.label) > LABEL_LIMIT
            or len(self.identifier) > IDENTIFIER_LIMIT
            or len(self.description) > DESCRIPTION_LIMIT
        ):
            raise ValueError(f"check run action {self.identifier!r} exceeds GitHub's limits")

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "identifier": self.identifier, "description": self.description}


FIX = CheckAction("Fix it", "fix", "Apply the safe mechanical fixes")
RETRY = CheckAction("Re-run failed jobs", "retry", "Re-run the failed jobs of this run")
#: Identifier → the slash-command a button press runs.
COMMAND_OF = {FIX.identifier: "fix", RETRY.identifier: "retry"}


def actions_for(report: TriageReport) -> list[dict[str, str]]:
    """``Fix it`` when a failure is auto-fixable, ``Re-run failed jobs`` when a job failed."""
    chosen = []
    if any(item.failure.auto_fixable for item in report.items):
        chosen.append(FIX)
    if report.failed_jobs:
        chosen.append(RETRY)
    return [action.to_dict() for action in chosen[:MAX_ACTIONS]]
