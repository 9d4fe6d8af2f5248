"""How boldly the bot acts: ``auto`` writes to GitHub, ``dry-run`` decides and only reports."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    AUTO = "auto"
    DRY_RUN = "dry-run"


def cautious(*modes: str) -> Mode:
    """The most cautious of several modes (the operator's, the input's, the repository's)."""
    return Mode.DRY_RUN if Mode.DRY_RUN in modes else Mode.AUTO
