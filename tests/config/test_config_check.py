"""How config problems are shown: text, workflow commands, JSON, Markdown and the check run."""

from __future__ import annotations

import json

from bot.core.config_check import (
    ConfigProblem,
    render_config_check,
    render_github,
    render_json,
    render_markdown,
    render_text,
)

PROBLEMS = (
    ConfigProblem("scoring.pr_threshold", 3, 17, "must be at most 1, got 1.5"),
    ConfigProblem("fixs", 5, 1, "unknown key 'fixs' (did you mean 'fixes'?)"),
)


def test_text_and_json() -> None:
    assert render_text(PROBLEMS, file="a.yml") == (
        "a.yml:3:17: scoring.pr_threshold: must be at most 1, got 1.5\n"
        "a.yml:5:1: fixs: unknown key 'fixs' (did you mean 'fixes'?)\n"
    )
    assert json.loads(render_json(PROBLEMS[:1], file="a.yml")) == {
        "file": "a.yml",
        "valid": False,
        "problems": [
            {
                "path": "scoring.pr_threshold",
                "line": 3,
                "column": 17,
                "message": "must be at most 1, got 1.5",
            }
        ],
    }
    assert json.loads(render_json((), file="a.yml"))["valid"] is True


def test_workflow_commands_are_escaped() -> None:
    hostile = ConfigProblem("a", 1, 2, "bad\n::set-output name=x::1 100%")
    assert render_github((hostile,), file="dir,x/a:b.yml") == (
        "::error file=dir%2Cx/a%3Ab.yml,line=1,col=2,title=autopilot config::"
        "a: bad%0A::set-output name=x::1 100%25\n"
    )


def test_the_check_run_output_snapshot() -> None:
    output = render_config_check(PROBLEMS)
    assert output["title"] == ".github/autopilot.yml: 2 problems"
    assert output["summary"] == (
        "`.github/autopilot.yml` is not valid, so CI Autopilot did not act on this commit. "
        "2 problems:\n"
        "\n"
        "| line | column | key | problem |\n"
        "|---:|---:|---|---|\n"
        "| 3 | 17 | `scoring.pr_threshold` | must be at most 1, got 1.5 |\n"
        "| 5 | 1 | `fixs` | unknown key 'fixs' (did you mean 'fixes'?) |\n"
        "\n"
        "Check it locally with `autopilot config check .github/autopilot.yml`; every key is "
        "described in docs/configuration.md.\n"
    )
    assert output["annotations"][0] == {
        "path": ".github/autopilot.yml",
        "start_line": 3,
        "end_line": 3,
        "start_column": 17,
        "end_column": 17,
        "annotation_level": "failure",
        "title": "scoring.pr_threshold",
        "message": "must be at most 1, got 1.5",
    }


def test_markdown_cells_cannot_break_the_table_or_inject_html() -> None:
    problem = ConfigProblem("", 1, 1, "unknown key '<img src=x>|a`b'\nnext")
    summary = render_markdown((problem,), file=".github/autopilot.yml")
    assert "| 1 | 1 | (whole file) | unknown key '&lt;img src=x&gt;\\|a\\`b' next |" in summary
    assert "1 problem:" in summary


def test_at_most_50_annotations() -> None:
    many = [ConfigProblem(f"k{n}", n, 1, "wrong") for n in range(1, 61)]
    output = render_config_check(many, file="x.yml")
    assert len(output["annotations"]) == 50
    assert output["annotations"][-1]["start_line"] == 50
    assert output["summary"].count("| wrong |") == 60
    assert output["summary"].endswith("\nOnly the first 50 problems are annotated in the file.\n")
