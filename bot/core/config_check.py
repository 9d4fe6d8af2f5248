"""Problems found in a repository's configuration, and how they are shown to people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.core.render import markdown
from bot.core.triage.render import escape_data, escape_property
from bot.errors import UsageError

#: Where the configuration lives in a repository.
CONFIG_PATH = ".github/autopilot.yml"
#: The check run that reports a broken configuration on a commit.
CHECK_NAME = "autopilot/config"
#: GitHub accepts at most 50 annotations per check-run request.
MAX_ANNOTATIONS = 50


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong: the key path (``scoring.pr_threshold``, "" for the whole file), the
    1-based line and column in the file, and what is wrong."""

    path: str
    line: int
    column: int
    message: str

    def describe(self) -> str:
        """``key.path: message``, or the message alone for the whole file."""
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(UsageError):
    """The configuration is invalid; ``problems`` lists everything wrong, in file order."""

    def __init__(self, problems: Sequence[ConfigProblem], *, file: str = CONFIG_PATH) -> None:
        self.problems = tuple(problems)
        self.file = file
        listed = render_text(self.problems, file=file).rstrip("\n").replace("\n", "\n  ")
        super().__init__(f"invalid configuration:\n  {listed}")


def render_text(problems: Sequence[ConfigProblem], *, file: str = CONFIG_PATH) -> str:
    """``FILE:LINE:COL: key.path: message``, one line per problem."""
    return "".join(f"{file}:{p.line}:{p.column}: {p.describe()}\n" for p in problems)


def render_github(problems: Sequence[ConfigProblem], *, file: str = CONFIG_PATH) -> str:
    """One ``::error`` workflow command per problem, so Actions annotates the file."""
    where = f"file={escape_property(file)}"
    title = f"title={escape_property('autopilot config')}"
    return "".join(
        f"::error {where},line={p.line},col={p.column},{title}::{escape_data(p.describe())}\n"
        for p in problems
    )


def render_json(problems: Sequence[ConfigProblem], *, file: str = CONFIG_PATH) -> str:
    """``{"file", "valid", "problems": [{"path", "line", "column", "message"}]}``."""
    data = {"file": file, "valid": not problems, "problems": [asdict(p) for p in problems]}
    return json.dumps(data, indent=2) + "\n"


def _code(text: str) -> str:
    return markdown.code(text) or "(whole file)"


def _row(p: ConfigProblem) -> str:
    return f"| {p.line} | {p.column} | {_code(p.path)} | {markdown.text(p.message)} |"


def render_markdown(problems: Sequence[ConfigProblem], *, file: str = CONFIG_PATH) -> str:
    """The Markdown report: what is wrong, where, and how to check it locally."""
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    lines = [
        f"{_code(file)} is not valid, so CI Autopilot did not act on this commit. {count} {noun}:",
        "",
        "| line | column | key | problem |",
        "|---:|---:|---|---|",
        *(
            f"| {p.line} | {p.column} | {_code(p.path)} | {markdown.text(p.message)} |"
            for p in problems
        ),
        "",
        f"Check it locally with {markdown.code(f'autopilot config check {file}')}; "
        "every key is described in docs/configuration.md.",
    ]
    return "\n".join(lines) + "\n"


def render_config_check(
    problems: Sequence[ConfigProblem], *, file: str = CONFIG_PATH
) -> dict[str, Any]:
    """The ``output`` of a failing ``autopilot/config`` check run (title, summary,
    annotations): one ``failure`` annotation per problem, at most 50."""
    count = len(problems)
    summary = render_markdown(problems, file=file)
    if count > MAX_ANNOTATIONS:
        summary += f"\nOnly the first {MAX_ANNOTATIONS} problems are annotated in the file.\n"
    return {
        "title": f"{file}: {count} {'problem' if count == 1 else 'problems'}",
        "summary": summary,
        "annotations": [
            {
                "path": file,
                "start_line": p.line,
                "end_line": p.line,
                "start_column": p.column,
                "end_column": p.column,
                "annotation_level": "failure",
                "title": p.path or "configuration",
                "message": p.message,
            }
            for p in problems[:MAX_ANNOTATIONS]
        ],
    }
