"""The Action as its README shows it: every input and output documented, a release workflow
that GitHub's parser accepts and that moves the major tag ``@v1`` resolves to."""

from __future__ import annotations

import re

import yaml

from tests.metadata.test_metadata import ROOT, validate

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_names(heading: str) -> list[str]:
    """The first-column names of the README table whose header starts with ``heading``."""
    start = README.index(f"| {heading} |")
    rows = README[start:].split("\n\n", 1)[0].splitlines()[2:]
    return [row.split("|")[1].strip().strip("`") for row in rows]


def test_the_readme_documents_every_input_and_output() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert _table_names("input") == list(action["inputs"])
    assert _table_names("output") == list(action["outputs"])
    assert "<owner>" not in README
    assert "uses: ci-autopilot/ci-autopilot@v1" in README
    for name, spec in action["inputs"].items():
        row = next(line for line in README.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"`{spec['default']}`" in row, f"{name}: the README shows another default"


def test_the_action_says_what_it_does() -> None:
    description = yaml.safe_load((ROOT / "action.yml").read_text())["description"]
    assert "autopilot/triage check run" in description and "sticky" in description
    # the fix journey runs in the Action too, and merges only what was validated
    assert "fix pull request" in description and "validated SHA" in description


def test_release_workflow_parses_and_moves_the_major_tag() -> None:
    path = ROOT / ".github" / "workflows" / "release.yml"
    report = validate("workflow", path)
    assert report["errors"] == []
    assert report["summary"]["jobs"] == ["release"]
    workflow = yaml.safe_load(path.read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    assert "version" in triggers["workflow_dispatch"]["inputs"]
    assert workflow["permissions"] == {"contents": "write"}
    runs = [s["run"] for s in workflow["jobs"]["release"]["steps"] if "run" in s]
    assert all("${{" not in run for run in runs), "expressions in run: lines invite injection"
    script = runs[-1]
    assert re.search(r'major="v\$\{version%%\.\*\}"', script)
    assert 'git tag --force --annotate "$major"' in script
    assert 'git push --force origin "refs/tags/$major"' in script
