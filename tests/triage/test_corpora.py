"""The corpora's labels come from injected faults, the job-log wrapper is faithful, the CLI
lists every corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from testdata.corpora import __main__ as cli
from testdata.corpora import project, versions_tests
from testdata.corpora.joblog import gha
from testdata.corpora.versions import CASES
from testdata.corpora.versions_other import NPM_PINS


def test_labels_point_at_the_injected_marker(tmp_path: Path) -> None:
    ws = project.Workspace(tmp_path)
    ws.files = {"calc/core.py": "a\nb  # marker\nc\n"}
    label = project.at("calc/core.py", "# marker", "lint")(ws)
    assert label == {"category": "lint", "file": "calc/core.py", "line": 2, "test": None}


def test_job_log_wrapper_stamps_groups_and_exit_code() -> None:
    text = gha([("ruff check .", "x.py:1:1: F401 unused\n", 1)])
    lines = text.splitlines()
    assert all(line[:4] == "2025" and line[27:29] == "Z " for line in lines)
    assert any(line.endswith("##[group]Run ruff check .") for line in lines)
    assert lines[-2].endswith("##[error]Process completed with exit code 1.")


def test_versions_corpus_pins_every_tool_it_installs() -> None:
    pins = [pin for toolset in versions_tests.TOOLSETS.values() for pin in toolset.pins]
    assert pins and all("==" in pin for pin in pins)
    assert all("@" in pin and pin[-1].isdigit() for pin in NPM_PINS)
    assert {case.tools for case in CASES} <= set(versions_tests.TOOLSETS)


def test_each_corpus_folder_holds_exactly_its_cases() -> None:
    for corpus in cli.corpora().values():
        names = [case.name for case in corpus.cases]
        assert len(set(names)) == len(names), corpus.name
        committed = {path.stem for path in corpus.out.glob("*.log")}
        assert committed == set(names), corpus.name


def test_list_names_every_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--list"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows] == list(cli.NAMES)


def test_unknown_corpus_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["nosuch"]) == 2
    assert "unknown corpus: nosuch" in capsys.readouterr().err


def test_one_command_regenerates_a_case_with_its_committed_labels(tmp_path: Path) -> None:
    toy = cli.corpora()["toy"]
    assert cli.main(["toy", "-k", "lint_ruff_full", "--out", str(tmp_path)]) == 0
    made = tmp_path / "lint_ruff_full.expected.json"
    assert made.read_text() == (toy.out / "lint_ruff_full.expected.json").read_text()
    assert "F401" in (tmp_path / "lint_ruff_full.log").read_text()
