"""``autopilot triage``: formats, inputs (files, stdin, zip) and exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.triage.scoring import CORPUS

LOG = CORPUS / "multi_lint_types_tests_gha.log"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, object]]:
    code = main(["triage", *argv])
    failures: list[dict[str, object]] = json.loads(capsys.readouterr().out)["failures"]
    assert code == (1 if failures else 0)  # exit 1: failures found
    return failures


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    failures = _json(capsys, str(LOG))
    assert [f["category"] for f in failures] == ["type_error", "assertion", "lint"]
    assert set(failures[0]) == {
        "category",
        "file",
        "line",
        "message",
        "test",
        "fingerprint",
        "auto_fixable",
    }


def test_green_log_prints_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert _json(capsys, str(CORPUS / "green_pytest_verbose.log")) == []


def test_text_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "--format", "text", str(LOG)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("3 failures, most important first:")
    assert "calc/core.py:3  [auto-fixable]" in out


def test_github_format_escapes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("::error file=a%2Cb.py,line=2::50% done%0Anext\n")
    assert main(["triage", "--format", "github", str(log)]) == 1
    assert capsys.readouterr().out == "::error file=a%2Cb.py,line=2,title=unknown::50%25 done\n"
    assert main(["triage", "--format", "github", str(LOG)]) == 1
    first = capsys.readouterr().out.splitlines()[1]
    assert first.startswith("::error file=tests/test_core.py,line=7,title=assertion%3A tests/")


def test_several_files_and_root(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "b.log"
    other.write_text("/srv/repo/pkg/m.py:3:1: F401 [*] `os` imported but unused\n")
    failures = _json(capsys, str(LOG), str(other), "--root", "/srv/repo")
    assert len(failures) == 4
    assert {"file": "pkg/m.py", "line": 3}.items() <= failures[-1].items()


def test_zip_of_a_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "logs_42.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(LOG, "0_lint.txt")
        zf.write(CORPUS / "assertion_unittest.log", "1_unit.txt")
        zf.write(LOG, "lint/3_Run ruff.txt")  # the per-step copy of the same text
    failures = _json(capsys, str(archive))
    assert len(failures) == 4


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = io.TextIOWrapper(io.BytesIO(LOG.read_bytes()))
    monkeypatch.setattr(sys, "stdin", fake)
    assert len(_json(capsys, "-")) == 3


def test_unreadable_inputs_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["triage", str(tmp_path / "missing.log")]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "run.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["triage", str(bad)]) == 2
    assert "zip" in capsys.readouterr().err
    assert main(["triage", str(tmp_path)]) == 2


def test_binary_input_is_not_read_as_a_green_log(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    binary = tmp_path / "core.dump"
    binary.write_bytes(bytes(range(256)) * 64)
    assert main(["triage", str(binary)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "not a text log (binary data)" in err


def test_help_lists_formats() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "triage", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "json|text|github" in done.stdout.replace("{json,text,github}", "json|text|github")
    assert "infrastructure" in done.stdout
