"""Repository metadata checked by real validators: GitHub's Actions parser and API descriptions."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tests" / "tools" / "validate_actions.mjs"
NPM = Path(os.environ.get("AUTOPILOT_NPM_DIR", ROOT / ".cache" / "npm" / "node_modules"))
#: Events GitHub delivers to every App; a manifest cannot (and need not) subscribe to them.
ALWAYS_SENT = {"installation", "installation_repositories", "installation_target", "ping", "meta"}
#: The permission an App needs to receive each event it subscribes to (GitHub's App docs).
EVENT_PERMISSION = {
    "check_run": "checks",
    "check_suite": "checks",
    "workflow_run": "actions",
    "workflow_job": "actions",
    "pull_request": "pull_requests",
    "issue_comment": "issues",
    "issues": "issues",
    "push": "contents",
}


def _npm_json(relative: str) -> Any:
    path = NPM / relative
    if not path.exists():
        pytest.skip(f"{path} is missing: run scripts/bootstrap.sh")
    return json.loads(path.read_text(encoding="utf-8"))


def validate(kind: str, path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not (NPM / "@actions/workflow-parser").exists():
        pytest.skip("node or @actions/workflow-parser missing: run scripts/bootstrap.sh")
    result = subprocess.run(
        [node, str(TOOL), kind, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "AUTOPILOT_NPM_DIR": str(NPM)},
    )
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_ci_workflow_parses_and_runs_the_readme_command() -> None:
    path = ROOT / ".github" / "workflows" / "ci.yml"
    report = validate("workflow", path)
    assert report["errors"] == []
    assert report["summary"]["jobs"] == ["test"]
    job = yaml.safe_load(path.read_text())["jobs"]["test"]
    assert set(job["services"]) == {"postgres", "redis"}
    assert [s.get("run") for s in job["steps"]][-1] == "bash scripts/test.sh"
    versions = {s["uses"].split("@")[0]: s.get("with", {}) for s in job["steps"] if "uses" in s}
    assert versions["actions/setup-python"]["python-version"] == "3.11"
    assert versions["actions/setup-node"]["node-version"] == "20"


def test_the_parser_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pushh\njobs:\n  test:\n    runs-onn: ubuntu-latest\n"
        "    steps:\n      - run: echo hi\n        uses: actions/checkout@v4\n"
    )
    errors = validate("workflow", broken)["errors"]
    assert any("Unexpected value 'pushh'" in e for e in errors)
    assert any("Required property is missing: runs-on" in e for e in errors)


def test_action_metadata_is_a_valid_composite_action() -> None:
    path = ROOT / "action.yml"
    report = validate("action", path)
    assert report["errors"] == []
    assert report["summary"]["using"] == "composite"
    assert {"github-token", "mode", "config"} <= set(report["summary"]["inputs"])
    action = yaml.safe_load(path.read_text())
    text = path.read_text()
    for name in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
        assert name in action["inputs"], f"inputs.{name} is not declared"
    step_ids = {s.get("id") for s in action["runs"]["steps"]}
    for output in action["outputs"].values():
        step = re.search(r"steps\.([A-Za-z0-9_-]+)\.outputs", output["value"])
        assert step and step.group(1) in step_ids
    runs = [s for s in action["runs"]["steps"] if "run" in s]
    assert runs and all(s.get("shell") == "bash" for s in runs)
    assert all("${{" not in s["run"] for s in runs), "expressions in run: lines invite injection"
    assert "python -m bot action" in runs[-1]["run"]


def test_the_parser_rejects_a_broken_action(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text(
        "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: ls\n"
    )
    assert any("shell" in e for e in validate("action", broken)["errors"])


def _manifest() -> tuple[dict[str, Any], str]:
    text = (ROOT / "app-manifest.yml").read_text()
    return yaml.safe_load(text), text


def test_app_manifest_permissions_exist_and_are_least_privilege() -> None:
    spec = _npm_json("@octokit/openapi/generated/api.github.com.json")
    known = spec["components"]["schemas"]["app-permissions"]["properties"]
    manifest, text = _manifest()
    for field in ("name", "url", "hook_attributes", "redirect_url", "public"):
        assert field in manifest
    assert manifest["hook_attributes"]["url"].endswith("/webhook")
    permissions = manifest["default_permissions"]
    for name, level in permissions.items():
        assert name in known, f"{name} is not a GitHub App permission"
        assert level in known[name]["enum"], f"{name}: {level} not in {known[name]['enum']}"
        line = next(li for li in text.splitlines() if li.strip().startswith(f"{name}:"))
        assert "#" in line, f"permission {name} has no justification comment"
    assert permissions == {
        "actions": "write",
        "checks": "write",
        "contents": "write",
        "issues": "write",
        "metadata": "read",
        "pull_requests": "write",
    }


def test_app_manifest_events_exist_for_apps_and_are_covered_by_permissions() -> None:
    webhooks = _npm_json("@octokit/openapi-webhooks/generated/api.github.com.json")["webhooks"]
    for_apps = {
        hook["post"]["x-github"]["subcategory"]
        for hook in webhooks.values()
        if "app" in hook["post"]["x-github"].get("supported-webhook-types", [])
    }
    manifest, _ = _manifest()
    events = manifest["default_events"]
    assert len(events) == len(set(events))
    for event in events:
        assert event in for_apps, f"{event} is not a webhook event GitHub sends to Apps"
        assert event not in ALWAYS_SENT, f"{event} is always sent; do not list it"
        assert manifest["default_permissions"].get(EVENT_PERMISSION[event]), event
    assert {"workflow_run", "issue_comment", "check_run"} <= set(events)
