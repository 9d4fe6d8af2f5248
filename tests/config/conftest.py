"""Config test helpers: the problems a text raises as plain tuples, and the ``cli`` fixture."""

from __future__ import annotations

import pytest

from bot.config.repo import parse_repo_config
from bot.core.config_check import ConfigError
from tests.scoring.conftest import cli  # noqa: F401  (re-exported fixture)

Problem = tuple[str, int, int, str]


def problems_of(source: str | bytes) -> list[Problem]:
    """``(key path, line, column, message)`` for every problem ``source`` has."""
    with pytest.raises(ConfigError) as info:
        parse_repo_config(source)
    return [(p.path, p.line, p.column, p.message) for p in info.value.problems]
