"""Renders triage results as JSON (the contract), text for people, or workflow commands."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.core.triage.model import Category, Failure

FORMATS = ("json", "text", "github")


def render_json(failures: Sequence[Failure]) -> str:
    """``{"failures": [...]}``, most important first."""
    return json.dumps({"failures": [f.to_dict() for f in failures]}, indent=2) + "\n"


def _where(failure: Failure) -> str:
    if failure.file is None:
        return "(no file)"
    return f"{failure.file}:{failure.line}" if failure.line else failure.file


def render_text(failures: Sequence[Failure]) -> str:
    """A numbered list for people reading a terminal."""
    if not failures:
        return "No failures found.\n"
    noun = "failure" if len(failures) == 1 else "failures"
    lines = [f"{len(failures)} {noun}, most important first:", ""]
    for number, failure in enumerate(failures, 1):
        fixable = "  [auto-fixable]" if failure.auto_fixable else ""
        lines.append(f"{number:>3}. {failure.category:<14} {_where(failure)}{fixable}")
        if failure.test:
            lines.append(f"     test: {failure.test}")
        lines.append(f"     {failure.message}")
    return "\n".join(lines) + "\n"


def escape_data(value: str) -> str:
    """Escape a workflow-command message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow-command property value (also ``:`` and ``,``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(failures: Sequence[Failure]) -> str:
    """One ``::error`` (``::warning`` for flaky tests) workflow command per failure."""
    lines = []
    for failure in failures:
        command = "warning" if failure.category is Category.FLAKY else "error"
        props = []
        if failure.file:
            props.append(f"file={escape_property(failure.file)}")
            if failure.line:
                props.append(f"line={failure.line}")
        title = f"{failure.category}: {failure.test}" if failure.test else str(failure.category)
        props.append(f"title={escape_property(title)}")
        lines.append(f"::{command} {','.join(props)}::{escape_data(failure.message)}")
    return "".join(line + "\n" for line in lines)


def render(failures: Sequence[Failure], fmt: str) -> str:
    """Render in one of ``FORMATS``."""
    renderers = {"json": render_json, "text": render_text, "github": render_github}
    return renderers[fmt](failures)
