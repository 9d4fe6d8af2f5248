"""Triage: turn any CI log into ranked failures with category, place, fingerprint, fixability."""

from __future__ import annotations

from bot.core.triage.engine import TriageEngine, triage_chunks, triage_lines, triage_text
from bot.core.triage.fingerprint import fingerprint, normalise_message
from bot.core.triage.flaky import find_flaky, recurrences
from bot.core.triage.model import Category, Failure, Finding

__all__ = [
    "Category",
    "Failure",
    "Finding",
    "TriageEngine",
    "find_flaky",
    "fingerprint",
    "normalise_message",
    "recurrences",
    "triage_chunks",
    "triage_lines",
    "triage_text",
]
