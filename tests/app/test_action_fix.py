"""Journey 2 through ``autopilot action``: the checkout is the code, GitHub is the state."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import pytest

import bot.cli.main as cli
from bot.core.fix_plan import trailers
from bot.core.render import fix_report
from bot.fakegh import FakeGitHub
from bot.fakegh.state import PullRequest, Repo, WorkflowRun
from bot.fakegh.webhooks import workflow_run_completed
from tests.concerns.fix_world import CART_PR, FILES, lint_log, ruff_fixed, write_tree

pytestmark = pytest.mark.asyncio(loop_scope="session")
TOKEN = "ghs_actionfixtoken0123456789"
#: The validation the job runs itself when its token's pushes start no workflow.
CONFIG = (
    'validation:\n  tests: python -c "import shop.cart"\n  security: false\n  coverage: false\n'
)


def _git(tree: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "alice", "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "alice", "GIT_COMMITTER_EMAIL": "a@example.com",
    }  # fmt: skip
    done = subprocess.run(
        ["git", *args], cwd=tree, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


class ActionWorld:
    """A repository, a PR whose lint failed, and the Action's checkout of its head."""

    def __init__(
        self, fake: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str
    ) -> None:
        self.fake, self.tmp = fake, tmp_path
        fake.add_token(TOKEN)
        files = {**FILES, ".github/autopilot.yml": config}
        self.repo: Repo = fake.seed_repo("octo-org", "shop", files=files,
                                         collaborators={"alice": "write"})  # fmt: skip
        head = {**files, "shop/cart.py": CART_PR}
        self.workspace = write_tree(tmp_path / "workspace", head)
        _git(self.workspace, "init", "-q", "-b", "tidy-cart")
        _git(self.workspace, "add", "-A")
        _git(self.workspace, "commit", "-q", "-m", "Tidy the cart")
        sha = _git(self.workspace, "rev-parse", "HEAD")
        fake.add_commit(self.repo, sha, head, branch="tidy-cart", author="alice")
        self.pull: PullRequest = fake.open_pull_request(
            self.repo, head="tidy-cart", title="Tidy the cart", author="alice"
        )
        log = lint_log(write_tree(tmp_path / "ran", head))
        self.run: WorkflowRun = fake.add_workflow_run(
            self.repo, head_sha=sha, head_branch="tidy-cart", jobs=[("lint", "failure", log)]
        )
        self.files = {n: tmp_path / n for n in ("event.json", "summary.md", "output.txt")}
        env = {
            "GITHUB_EVENT_NAME": "workflow_run",
            "GITHUB_EVENT_PATH": str(self.files["event.json"]),
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_API_URL": fake.url,
            "GITHUB_RUN_ID": "99",
            "GITHUB_STEP_SUMMARY": str(self.files["summary.md"]),
            "GITHUB_OUTPUT": str(self.files["output.txt"]),
            "GITHUB_WORKSPACE": str(self.workspace),
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(cli, "SUBCOMMANDS", ("action",))

    async def act(self, run: WorkflowRun | None = None) -> dict[str, str]:
        """Run the Action on ``run``'s completion; its step outputs."""
        run = run or self.run
        pulls = [p for p in self.fake.state.pulls.values() if p.head_sha == run.head_sha]
        payload = workflow_run_completed(self.repo, run, pulls, self.fake.url, installation_id=1)
        del payload["installation"]  # the Action's event carries no installation
        commit = self.repo.commits[run.head_sha]
        payload["workflow_run"]["head_commit"]["message"] = commit.message
        self.files["event.json"].write_text(json.dumps(payload))
        self.files["output.txt"].write_text("")
        code = await asyncio.to_thread(cli.main, ["action"])
        assert code == 0, self.files["summary.md"].read_text()
        lines = self.files["output.txt"].read_text().splitlines()
        return dict(line.split("=", 1) for line in lines)

    def bot_pulls(self) -> list[PullRequest]:
        return [p for p in self.fake.state.pulls.values() if p.head_ref.startswith("autopilot/")]

    def fix_comment(self) -> str:
        [body] = [
            c.body
            for c in self.fake.state.comments.values()
            if c.issue_number == self.pull.number and c.body.startswith(fix_report.MARKER)
        ]
        return body


@pytest.fixture
def make_world(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> type[ActionWorld]:
    def make(config: str = CONFIG) -> ActionWorld:
        return ActionWorld(fake_github, tmp_path, monkeypatch, config)

    return make  # type: ignore[return-value]


async def test_with_github_token_the_job_validates_and_merges_the_exact_sha(
    make_world: type[ActionWorld], tmp_path: Path
) -> None:
    w = make_world()
    outputs = await w.act()
    [fix] = w.bot_pulls()
    assert outputs["fix-pull-request"] == str(fix.number)
    assert outputs["route"] == "auto_merge" and outputs["score"] == "1.0"
    [merge] = w.fake.calls_to("pulls/merge")
    assert merge.json["sha"] == fix.head_sha and fix.merged_at is not None
    assert w.repo.commits[fix.head_sha].parents == [w.run.head_sha]
    expected = ruff_fixed(write_tree(tmp_path / "expected", {**FILES, "shop/cart.py": CART_PR}))
    assert w.repo.commit_files(fix.head_sha)["shop/cart.py"].decode() == expected
    assert "merged" in w.fix_comment().split("\n")[1]


async def test_with_an_app_token_ci_on_the_fix_routes_it_in_the_next_run(
    make_world: type[ActionWorld],
) -> None:
    w = make_world()
    os.environ["AUTOPILOT_VALIDATE_IN_JOB"] = "false"
    try:
        first = await w.act()
        [fix] = w.bot_pulls()
        assert first == {**first, "fix-pull-request": str(fix.number)} and "route" not in first
        assert not w.fake.calls_to("pulls/merge")
        assert trailers(w.repo.commits[fix.head_sha].message)["Autopilot-Lint"] == "1.0"
        ci = w.fake.add_workflow_run(
            w.repo, head_sha=fix.head_sha, head_branch=fix.head_ref, conclusion="success",
            jobs=[("test", "success", "ok\n")],
        )  # fmt: skip
        second = await w.act(ci)  # no store between runs: GitHub is the state
    finally:
        del os.environ["AUTOPILOT_VALIDATE_IN_JOB"]
    assert second["route"] == "auto_merge" and second["fix-pull-request"] == str(fix.number)
    [merge] = w.fake.calls_to("pulls/merge")
    assert merge.json["sha"] == fix.head_sha


async def test_a_checkout_of_another_commit_is_refused_with_the_reason(
    make_world: type[ActionWorld],
) -> None:
    w = make_world()
    (w.workspace / "README.md").write_text("moved\n")
    _git(w.workspace, "add", "-A")
    _git(w.workspace, "commit", "-q", "-m", "other")
    outputs = await w.act()
    assert not w.bot_pulls() and "fix-pull-request" not in outputs
    assert "check out `github.event.workflow_run.head_sha`" in w.fix_comment()


async def test_an_unfixable_failure_makes_no_branch_in_the_action(
    make_world: type[ActionWorld],
) -> None:
    w = make_world()
    job = next(j for j in w.fake.state.jobs.values() if j.run_id == w.run.id)
    job.log = "FAILED tests/test_cart.py::test_total - assert 5 == 6\n"
    await w.act()
    assert not w.bot_pulls() and not w.fake.calls_to("git/create-ref")
    assert "### CI Autopilot: no automatic fix" in w.fix_comment()


async def test_push_mode_in_the_action_commits_onto_the_pr_branch(
    make_world: type[ActionWorld],
) -> None:
    w = make_world(CONFIG + "autofix:\n  ship: push\n")  # type: ignore[call-arg]
    outputs = await w.act()
    tip = w.repo.refs["refs/heads/tidy-cart"]
    assert w.repo.commits[tip].parents == [w.run.head_sha] and not w.bot_pulls()
    [update] = w.fake.calls_to("git/update-ref")
    assert update.json == {"sha": tip, "force": False}
    assert outputs["route"] == "auto_merge" and not w.fake.calls_to("pulls/merge")
    assert "merged" in w.fix_comment().split("\n")[1]


async def test_ci_failing_on_the_fix_in_the_action_is_not_fixed_again_and_waits_for_a_person(
    make_world: type[ActionWorld],
) -> None:
    w = make_world()
    os.environ["AUTOPILOT_VALIDATE_IN_JOB"] = "false"
    try:
        await w.act()
        [fix] = w.bot_pulls()
        ci = w.fake.add_workflow_run(
            w.repo, head_sha=fix.head_sha, head_branch=fix.head_ref, conclusion="failure",
            jobs=[("lint", "failure", "shop/cart.py:1:1: F401 [*] `os` imported but unused\n")],
        )  # fmt: skip
        outputs = await w.act(ci)
    finally:
        del os.environ["AUTOPILOT_VALIDATE_IN_JOB"]
    assert outputs["route"] == "manual_review"
    assert len(w.fake.calls_to("git/create-commit")) == 1 and len(w.bot_pulls()) == 1
    assert not w.fake.calls_to("pulls/merge")
    issue = w.fake.state.issues[(w.repo.full_name, fix.number)]
    assert fix_report.REVIEW_LABEL in issue.labels
    assert "CI failed on fix" in w.fix_comment() and "keeps no review queue" in w.fix_comment()
