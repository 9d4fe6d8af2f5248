"""The corpus script's labels come from injected faults, and its job-log wrapper is faithful."""

from __future__ import annotations

import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import make_triage_corpus  # noqa: E402
import make_triage_versions as versions  # noqa: E402
import triage_corpus_project as project  # noqa: E402


def test_labels_point_at_the_injected_marker(tmp_path: Path) -> None:
    ws = project.Workspace(tmp_path)
    ws.files = {"calc/core.py": "a\nb  # marker\nc\n"}
    label = project.at("calc/core.py", "# marker", "lint")(ws)
    assert label == {"category": "lint", "file": "calc/core.py", "line": 2, "test": None}


def test_job_log_wrapper_stamps_groups_and_exit_code() -> None:
    text = make_triage_corpus._gha([("ruff check .", "x.py:1:1: F401 unused\n", 1)])
    lines = text.splitlines()
    assert all(line[:4] == "2025" and line[27:29] == "Z " for line in lines)
    assert any(line.endswith("##[group]Run ruff check .") for line in lines)
    assert lines[-2].endswith("##[error]Process completed with exit code 1.")


def test_versions_corpus_pins_every_tool_it_installs() -> None:
    pins = [pin for toolset in versions.TOOLSETS.values() for pin in toolset.pins]
    assert pins and all("==" in pin for pin in pins)
    assert all("@" in pin and pin[-1].isdigit() for pin in versions.NPM_PINS)
    assert {case.tools for case in versions.CASES} <= set(versions.TOOLSETS)
