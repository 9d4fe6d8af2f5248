"""What the bot remembers of its own writes to GitHub: kinds, records and content digests."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CHECK_RUN = "check_run"
    COMMENT = "comment"
    #: A journey's writes for one event all done (a run attempt's triage published).
    REPORT = "report"


@dataclass(frozen=True)
class Record:
    """One published object: its GitHub id (``None`` while being created), how far a
    write in several requests got (annotations sent), and a digest of what was sent."""

    object_id: int | None
    progress: int = 0
    digest: str | None = None


def digest(content: Any) -> str:
    """A stable digest of JSON-like ``content`` (key order does not matter)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
