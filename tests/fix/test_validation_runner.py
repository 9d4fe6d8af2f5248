"""The validation runner on a real generated project: five signals and a JSONL log."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from bot.core.checks import Checks, coverage_signal
from bot.process import run_command
from bot.validation.runner import validate_tree
from tests.fix.conftest import run_fix


def test_signals_on_a_fixed_project(project: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(project, base, symlinks=True)
    (project / "sample" / "app.py").write_text(  # keep the side-effect import: the tests need it
        (project / "sample" / "app.py").read_text().replace("plugins ", "plugins  # noqa: F401 ")
    )
    run_fix(str(project), "--select", "pyupgrade-typing,import-sorting,unused-imports")
    log = tmp_path / "log.jsonl"
    checks = Checks(tests=f"{sys.executable} -m pytest -q -p no:cacheprovider", types=None)
    signals = validate_tree(project, ["sample/core.py"], checks, base=base, log=log)
    values = signals.as_dict()
    assert values["tests"] == 1.0
    # ruff with the repo's defaults still flags core.py (E711), as before the fixes: the
    # fixes removed findings and added none
    assert values["lint"] is True
    before, after = signals.lint.evidence.before, signals.lint.evidence.after
    assert before is not None and after is not None
    assert 0 < after["findings"] < before["findings"]
    assert values["security"] is True
    assert values["types"] is None
    assert isinstance(values["coverage"], float) and 0.0 <= values["coverage"] <= 1.0
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert records[-1] == {"event": "signals", **signals.to_json()}
    assert {"tests", "coverage (base)", "coverage (patched)", "bandit", "lint"} <= {
        record.get("name") for record in records
    }


def test_failing_tests_and_timeouts(project: Path, tmp_path: Path) -> None:
    (project / "tests" / "test_core.py").write_text("def test_no():\n    assert False\n")
    checks = Checks(tests=f"{sys.executable} -m pytest -q -p no:cacheprovider", security=False)
    values = validate_tree(project, [], checks).as_dict()
    assert values["tests"] is not None and values["tests"] < 1.0
    assert (values["lint"], values["security"], values["coverage"]) == (None, None, None)
    log = tmp_path / "t.jsonl"
    slow = run_command("slow", "sleep 5", cwd=project, timeout=0.5, log=log)
    assert slow.timed_out and not slow.ok
    assert json.loads(log.read_text())["timed_out"] is True


def test_coverage_signal_mapping() -> None:
    assert coverage_signal(80.0, 85.0) == 1.0
    assert coverage_signal(80.0, 78.0) == 0.8
    assert coverage_signal(80.0, 60.0) == 0.0
    assert coverage_signal(None, 50.0) is None
