"""``autopilot plan | health | report`` from the command line, against the fake GitHub."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.store.db import Database
from bot.store.deliveries import SCHEMA as DELIVERIES
from tests.plans.conftest import PLAN, PlanWorld, repo_files

pytestmark = pytest.mark.asyncio(loop_scope="session")

LOCAL_PLAN = """\
name: Local checks
phases:
  - id: measure
    tasks:
      - run: "printf '{\\"coverage\\": 88.5}' > cov.json"
    success:
      - json_valid: cov.json
      - metric: {file: cov.json, key: coverage, min: 85}
      - command: "test -f cov.json"
  - id: package
    depends_on: [measure]
    tasks:
      - run: "touch dist.tar"
    success:
      - files_exist: ["dist.*"]
"""


async def test_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "plan.yml", tmp_path / "bad.yml"
    good.write_text(PLAN)
    bad.write_text("name: x\nphases:\n  - id: a\n    depends_on: [a]\n")
    assert main(["plan", "validate", str(good)]) == 0
    assert capsys.readouterr().out == f"{good}: valid, 4 phases: build, test, docs, deploy\n"
    assert main(["plan", "validate", str(bad)]) == 1
    assert (
        capsys.readouterr().out == f"{bad}:4:17: phases[0].depends_on: dependency cycle: a -> a\n"
    )
    assert main(["plan", "validate", str(tmp_path / "none.yml")]) == 2
    assert main(["plan", "run", str(good), "--mode", "dry-run"]) == 0  # offline
    assert capsys.readouterr().out.startswith("## Dry run: Release 2.0\n")


async def test_run_commands_locally_to_the_end(
    plan_world: PlanWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = plan_world
    plan = tmp_path / "plan.yml"
    plan.write_text(LOCAL_PLAN)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_plans")
    monkeypatch.setenv("GITHUB_API_URL", w.fake.url)
    monkeypatch.setenv("AUTOPILOT_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    args = ["plan", "run", str(plan), "--repo", w.name, "--checkout", str(tmp_path), "--poll", "0"]
    assert await asyncio.to_thread(main, args) == 0
    assert json.loads((tmp_path / "cov.json").read_text()) == {"coverage": 88.5}
    [issue] = w.fake.state.issues.values()
    assert issue.state == "closed"
    assert "| `measure` | ✅ succeeded |" in (issue.body or "")
    assert "| `package` | ✅ succeeded |" in (issue.body or "")
    assert "| 3/3 |" in (issue.body or "")


async def test_run_resume_status(
    plan_world: PlanWorld,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    w = plan_world
    plan = tmp_path / "plan.yml"
    plan.write_text(PLAN)
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_plans")
    monkeypatch.setenv("GITHUB_API_URL", w.fake.url)
    monkeypatch.setenv("AUTOPILOT_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    for name, text in repo_files().items():  # the checkout criteria are read from
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    where = ["--checkout", str(tmp_path), "--no-wait"]
    run = ["plan", "run", str(plan), "--repo", w.name, *where]
    assert await asyncio.to_thread(main, run) == 0
    err = capsys.readouterr().err
    assert "plan run 1 started: Release 2.0 (auto)" in err
    assert "phase build: workflow `build.yml`, attempt 1" in err
    w.finish_runs()
    assert await asyncio.to_thread(main, ["plan", "resume", "1", *where]) == 0
    assert len(w.dispatches("test.yml")) == 1
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["plan", "status", "1", "--json"]) == 0
    [status] = json.loads(capsys.readouterr().out)
    assert [p["state"] for p in status["phases"]] == ["succeeded", "running", "running", "pending"]
    assert status["issue"] == 1
    monkeypatch.delenv("GITHUB_TOKEN")
    assert await asyncio.to_thread(main, ["plan", "resume", "1", *where]) == 2


async def test_health_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    monkeypatch.setenv("AUTOPILOT_STORE", url)
    assert main(["health"]) == 0
    assert capsys.readouterr().out == "healthy\n"
    db = Database(url)
    db.ensure_schema(DELIVERIES)
    db.execute(
        "INSERT INTO deliveries (delivery_id, event, payload, status, received_at) "
        "VALUES ('d1', 'push', '{}', 'failed', ?)",
        (__import__("time").time(),),
    )
    db.close()
    assert main(["health", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["findings"] == [
        "1 deliveries failed in the last 24 h"
    ]
    monkeypatch.setenv("AUTOPILOT_STORE", "mysql://nope")
    assert main(["health"]) == 2
    assert capsys.readouterr().out.startswith(
        "unknown\n- cannot check: unsupported AUTOPILOT_STORE"
    )


async def test_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTOPILOT_STORE", f"sqlite:///{tmp_path / 'r.db'}")
    assert main(["report", "--repo", "o/r"]) == 0
    out = capsys.readouterr().out
    assert (
        "0 triaged runs, 0 failed." in out
        and "- Auto-merge rate: not measured (no fix was routed)" in out
    )
