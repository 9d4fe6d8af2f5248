"""``autopilot queue`` end to end on both stores, approving into a real git repository."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.review import QueueState
from bot.store.db import Database
from bot.store.review_queue import ReviewQueue
from tests.queue.conftest import git, scored
from tests.scoring.conftest import Cli

LOW = '{"tests": 1, "lint": 1, "types": 0, "security": 0, "coverage": 0}'
HIGH = '{"tests": 1, "lint": 1, "types": 1, "security": 1, "coverage": 1}'
WORKFLOW_PATCH = """\
diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml
new file mode 100644
--- /dev/null
+++ b/.github/workflows/ci.yml
@@ -0,0 +1 @@
+on: push
"""
ESCAPING_PATCH = """\
diff --git a/../outside.txt b/../outside.txt
new file mode 100644
--- /dev/null
+++ b/../outside.txt
@@ -0,0 +1 @@
+escaped
"""


def enqueue(store_url: str, diff: str, *, hours_ago: float = 0) -> str:
    """Queue ``diff`` straight through the store, created ``hours_ago``; returns its label."""
    db = Database(store_url)
    now = datetime.now(UTC) - timedelta(hours=hours_ago)
    label = ReviewQueue(db).enqueue(scored(), diff=diff, now=now, repo="octo/app").label
    db.close()
    return label


def state_of(store_url: str, label: str) -> QueueState:
    db = Database(store_url)
    state = ReviewQueue(db).get(int(label.removeprefix("rq-"))).state
    db.close()
    return state


def test_add_queues_a_manual_review_patch(
    cli: Cli, store_url: str, tmp_path: Path, patch: str
) -> None:
    (tmp_path / "fix.patch").write_text(patch)
    args = ["queue", "add", "--store", store_url, "--diff", str(tmp_path / "fix.patch")]
    added = cli(*args, "--signals", "-", "--repository", "octo/app", "--pr", "3", stdin=LOW)
    assert (added.code, added.out) == (0, "queued rq-1 (score 0.60, manual_review)\n")
    skipped = cli(*args, "--signals", "-", stdin=HIGH)
    assert skipped.out == "not queued: score 1.00 routes to auto_merge\n"
    forced = cli(
        *args, "--signals", "-", "--force", "--fix", "F401", "--format", "json", stdin=HIGH
    )
    data = json.loads(forced.out)
    assert (data["enqueued"], data["item"]["id"], data["item"]["fix_ids"]) == (
        True,
        "rq-2",
        ["F401"],
    )
    assert data["score"]["route"] == "auto_merge"
    shown = json.loads(cli("queue", "show", "rq-1", "--store", store_url, "--format", "json").out)
    assert (shown["repo"], shown["pr_number"], shown["diff"]) == ("octo/app", 3, patch)


def test_add_refuses_bad_input(cli: Cli, store_url: str, tmp_path: Path) -> None:
    (tmp_path / "empty.patch").write_text("")
    args = ["queue", "add", "--store", store_url, "--signals", "-"]
    empty = cli(*args, "--diff", str(tmp_path / "empty.patch"), stdin=LOW)
    assert (empty.code, "the diff is empty" in empty.err) == (2, True)
    bad = cli(*args, "--diff", str(tmp_path / "empty.patch"), stdin='{"tests": 7}')
    assert (bad.code, "outside [0, 1]" in bad.err) == (2, True)
    both = cli(*args, "--diff", "-", stdin=LOW)
    assert (both.code, "cannot both read standard input" in both.err) == (2, True)


def test_list_and_show(cli: Cli, store_url: str, patch: str) -> None:
    old = enqueue(store_url, patch, hours_ago=30)
    new = enqueue(store_url, patch, hours_ago=1)
    table = cli("queue", "list", "--store", store_url)
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split() == ["ID", "AGE", "SCORE", "STATE", "WHERE", "FIXES"]
    assert lines[1].split()[:4] == [old, "1d", "06h", "0.60"]
    assert lines[2].split()[:3] == [new, "1h", "00m"]
    assert lines[-1] == "2 item(s)"
    aged = json.loads(
        cli("queue", "list", "--store", store_url, "--older-than", "24h", "--format", "json").out
    )
    assert [i["id"] for i in aged["items"]] == [old]
    assert "diff" not in aged["items"][0]
    shown = cli("queue", "show", new, "--store", store_url).out
    assert shown.startswith(f"{new}  pending  score 0.60 (manual_review)\nwhere:   octo/app")
    assert "reasons:\n  - score 0.60 is below the pull-request threshold 0.80" in shown
    assert "  types     0.00" in shown
    assert shown.endswith(patch)
    none = cli("queue", "list", "--store", store_url, "--older-than", "7d")
    assert none.out == "no matching items\n"


def test_approve_applies_to_the_working_tree(
    cli: Cli, store_url: str, repo: Path, patch: str
) -> None:
    label = enqueue(store_url, patch)
    result = cli(
        "queue", "approve", label, "--store", store_url, "--repo", str(repo), "--actor", "ana"
    )
    assert result.code == 0, result.err
    assert result.out == f"{label} approved by ana and applied to {repo} (not committed)\n"
    assert "import os" not in (repo / "app.py").read_text()
    assert state_of(store_url, label) is QueueState.APPLIED
    again = cli("queue", "approve", label, "--store", store_url, "--repo", str(repo))
    assert (again.code, again.err) == (
        1,
        f"autopilot queue: {label} is already applied; nothing to approve\n",
    )


def test_approve_commit(cli: Cli, store_url: str, repo: Path, patch: str) -> None:
    label = enqueue(store_url, patch)
    args = ["queue", "approve", label, "--store", store_url, "--repo", str(repo), "--actor", "ana"]
    result = cli(*args, "--commit")
    assert result.code == 0, result.err
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith(f"autopilot: apply reviewed fix {label}\n\nApproved by ana")
    assert git(repo, "status", "--porcelain") == ""
    shown = json.loads(cli("queue", "show", label, "--store", store_url, "--format", "json").out)
    assert shown["commit_sha"] == git(repo, "rev-parse", "HEAD").strip()
    assert (shown["state"], shown["actor"]) == ("applied", "ana")


def test_commit_refuses_other_staged_changes(
    cli: Cli, store_url: str, repo: Path, patch: str
) -> None:
    (repo / "other.txt").write_text("staged\n")
    git(repo, "add", "other.txt")
    label = enqueue(store_url, patch)
    result = cli("queue", "approve", label, "--store", store_url, "--repo", str(repo), "--commit")
    assert result.code == 1
    assert "the index has staged changes" in result.err
    assert state_of(store_url, label) is QueueState.PENDING


def test_reject_records_the_reason(cli: Cli, store_url: str, repo: Path, patch: str) -> None:
    label = enqueue(store_url, patch)
    result = cli(
        "queue", "reject", label, "--store", store_url, "--reason", "API change", "--actor", "bo"
    )
    assert (result.code, result.out) == (0, f"{label} rejected by bo: API change\n")
    shown = cli("queue", "show", label, "--store", store_url).out
    assert "decided: rejected by bo, 0s ago\nnote:    API change" in shown
    again = cli("queue", "reject", label, "--store", store_url, "--reason", "x", "--actor", "ana")
    assert (again.code, "rq-1 is rejected by bo, not pending" in again.err) == (1, True)
    approve = cli("queue", "approve", label, "--store", store_url, "--repo", str(repo))
    assert approve.code == 1
    assert "import os" in (repo / "app.py").read_text()
    blank = cli("queue", "reject", label, "--store", store_url, "--reason", " ")
    assert blank.code == 2


@pytest.mark.parametrize(
    ("diff", "created"),
    [(WORKFLOW_PATCH, ".github/workflows/ci.yml"), (ESCAPING_PATCH, "../outside.txt")],
)
def test_unsafe_patches_are_never_applied(
    cli: Cli, store_url: str, repo: Path, diff: str, created: str
) -> None:
    label = enqueue(store_url, diff)
    result = cli("queue", "approve", label, "--store", store_url, "--repo", str(repo))
    assert result.code == 1
    assert f"{label} is refused as unsafe:\n  - {created}: " in result.err
    assert not (repo / created).exists()
    assert state_of(store_url, label) is QueueState.PENDING


def test_approve_takes_patch_limits_from_the_config(
    cli: Cli, store_url: str, repo: Path, tmp_path: Path
) -> None:
    label = enqueue(store_url, WORKFLOW_PATCH)
    config = tmp_path / "autopilot.yml"
    config.write_text("patches:\n  allow_workflow: true\n")
    args = ["queue", "approve", label, "--store", store_url, "--repo", str(repo)]
    broken = cli(*args, "--config", str(config))
    assert broken.code == 2 and "did you mean 'allow_workflows'?" in broken.err
    config.write_text("patches:\n  allow_workflows: true\n  max_bytes: 10\n")
    small = cli(*args, "--config", str(config))
    assert small.code == 1
    assert "too-large" in small.err and "(workflow)" not in small.err
    config.write_text("patches:\n  allow_workflows: true\n")
    assert cli(*args, "--config", str(config)).code == 0
    assert (repo / ".github/workflows/ci.yml").read_text() == "on: push\n"


def test_a_patch_that_does_not_apply_stays_pending(
    cli: Cli, store_url: str, repo: Path, patch: str
) -> None:
    label = enqueue(store_url, patch)
    (repo / "app.py").write_text("something else\n")
    result = cli("queue", "approve", label, "--store", store_url, "--repo", str(repo))
    assert result.code == 1
    assert f"{label} does not apply to {repo}" in result.err
    assert (repo / "app.py").read_text() == "something else\n"
    assert state_of(store_url, label) is QueueState.PENDING


def test_stats(cli: Cli, store_url: str, patch: str) -> None:
    enqueue(store_url, patch, hours_ago=30)
    label = enqueue(store_url, patch, hours_ago=100)
    cli("queue", "reject", "2", "--store", store_url, "--reason", "stale", "--actor", "bo")
    data = json.loads(cli("queue", "stats", "--store", store_url, "--format", "json").out)
    assert data["by_state"] == {"pending": 1, "approved": 0, "applied": 0, "rejected": 1}
    assert data["pending_older_than"] == {"24h": 1, "72h": 0}
    assert 30 * 3600 <= data["oldest_pending_seconds"] < 31 * 3600
    text = cli("queue", "stats", "--store", store_url).out
    assert text.startswith("items: 2   oldest pending: 1d 06h\n")
    assert "pending older than: 24h 1, 72h 0" in text
    metrics = cli("queue", "stats", "--store", store_url, "--format", "prometheus").out
    assert 'autopilot_review_queue_items{state="rejected"} 1.0' in metrics
    alert = cli("queue", "stats", "--store", store_url, "--alert-after", "2d", "--fail-on-alert")
    assert (alert.code, "pending older than: 2d 0" in alert.out) == (0, True)
    assert cli("queue", "stats", "--store", store_url, "--fail-on-alert").code == 1
    assert label == "rq-2"


def test_usage_errors(cli: Cli, store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = cli("queue", "show", "rq-9", "--store", store_url)
    assert (missing.code, missing.err) == (2, "autopilot queue: error: no review queue item rq-9\n")
    assert cli("queue", "show", "nine", "--store", store_url).code == 2
    assert cli("queue", "list", "--store", store_url, "--older-than", "soon").code == 2
    assert cli("queue", "list", "--store", "mysql://x").code == 2
    monkeypatch.setenv("AUTOPILOT_STORE", store_url)
    assert cli("queue", "list").out == "no matching items\n"
    assert cli("queue").code == 2


def test_a_failed_commit_is_rolled_back(cli: Cli, store_url: str, repo: Path, patch: str) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    label = enqueue(store_url, patch)
    result = cli("queue", "approve", label, "--store", store_url, "--repo", str(repo), "--commit")
    assert result.code == 1
    assert f"{label} was rolled back; it is pending again" in result.err
    assert "hook says no" in result.err
    assert "import os" in (repo / "app.py").read_text()
    assert git(repo, "status", "--porcelain") == ""
    shown = json.loads(cli("queue", "show", label, "--store", store_url, "--format", "json").out)
    assert (shown["state"], shown["actor"]) == ("pending", None)
    assert shown["reason"].startswith("committing failed: git commit failed")


@pytest.mark.parametrize(
    ("diff", "code"), [(WORKFLOW_PATCH, "workflow"), (ESCAPING_PATCH, "escapes-repo")]
)
def test_add_refuses_what_approve_would_refuse(
    cli: Cli, store_url: str, tmp_path: Path, diff: str, code: str
) -> None:
    (tmp_path / "p.patch").write_text(diff)
    args = ["queue", "add", "--store", store_url, "--diff", str(tmp_path / "p.patch")]
    refused = cli(*args, "--signals", "-", stdin=LOW)
    assert refused.code == 1
    assert f"({code})" in refused.err and "not queued" in refused.err
    assert cli("queue", "list", "--store", store_url).out == "no matching items\n"
    if code == "workflow":
        assert "--allow-workflows" in refused.err
        allowed = cli(*args, "--signals", "-", "--allow-workflows", stdin=LOW)
        assert (allowed.code, allowed.out) == (0, "queued rq-1 (score 0.60, manual_review)\n")


def test_the_default_store_is_per_user_not_in_the_working_directory(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patch: str
) -> None:
    monkeypatch.delenv("AUTOPILOT_STORE", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "fix.patch").write_text(patch)
    added = cli("queue", "add", "--diff", "fix.patch", "--signals", "-", stdin=LOW)
    assert added.code == 0, added.err
    assert (tmp_path / "state" / "autopilot" / "autopilot.db").is_file()
    assert sorted(path.name for path in work.iterdir()) == ["fix.patch"]
    assert "rq-1" in cli("queue", "list").out
