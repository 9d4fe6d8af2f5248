"""The plan and schedule docs: their example plan validates, their workflow parses."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config.plan import parse_plan
from tests.metadata.test_metadata import validate

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_example_plan_in_the_docs_is_valid() -> None:
    text = (DOCS / "plans.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(# \.github/autopilot/plan\.yml\n.*?)```", text, re.S)
    plan = parse_plan(example)
    assert len(plan.phases) >= 5
    assert any(p.depends_on for p in plan.phases)


def test_the_schedule_workflow_parses() -> None:
    path = DOCS / "workflows" / "autopilot-schedule.yml"
    assert validate("workflow", path)["errors"] == []
    on = yaml.safe_load(path.read_text())[True]  # YAML 1.1 reads the key `on` as true
    assert on["schedule"] == [{"cron": "*/30 * * * *"}]
    assert set(on) == {"schedule", "issues", "issue_comment", "workflow_run"}
