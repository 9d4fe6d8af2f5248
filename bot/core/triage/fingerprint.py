"""Stable fingerprints: the same failure recurring on another run gets the same fingerprint."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<time>"),
    (
        re.compile(
            r"(?:/tmp|/var/tmp|/private/var/folders|/var/folders|[A-Za-z]:\\\S*\\Temp)"
            r"[/\\][^\s'\"]*"
        ),
        "<tmp>",
    ),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<hex>"),
    (re.compile(r"\b[0-9a-f]{7,64}\b"), "<hex>"),
    (re.compile(r"\d+(?:\.\d+)?"), "<n>"),
    (re.compile(r"\s+"), " "),
)


# Failures of one log repeat their messages (one per test, one for the merge and one for the
# fingerprint): the masking is done once per distinct message.
@lru_cache(maxsize=1 << 14)
def normalise_message(message: str) -> str:
    """The message with what varies between runs (numbers, addresses, temp paths) masked."""
    text = message
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text.strip()


def fingerprint(
    category: str, file: str | None, test: str | None, rule: str | None, message: str
) -> str:
    """A 16-hex-digit digest of what identifies a failure; line numbers are left out on purpose
    so that an unrelated edit above the failing line does not make it look new."""
    parts = (category, file or "", test or "", rule or "", normalise_message(message))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
