"""Fix-journey scenarios: a repository whose PR fails lint and format checks, and its CI.

The failed job's log is real ruff output, made by running ruff on the PR's files; the
expected fix is what ruff itself does to the named file.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.events import Event
from bot.fakegh.state import PullRequest, Repo, WorkflowRun
from bot.fakegh.webhooks import repository_payload, workflow_run_completed
from tests.concerns.conftest import INSTALLATION, World

PYPROJECT = '[tool.ruff.lint]\nselect = ["E", "F", "I", "W"]\n'
CART = '''"""A shopping cart."""


def total(prices: list[float]) -> float:
    """The sum of the prices."""
    return sum(prices)
'''
#: Untidy on main already (an unused import, odd spacing): no failed run names it.
LEGACY = "import json\n\n\ndef old( x ):\n    return x\n"
#: The PR adds an unused import and breaks the formatting of the cart.
CART_PR = CART.replace('"""A shopping cart."""\n', '"""A shopping cart."""\n\nimport os\n').replace(
    "return sum(prices)", "return sum( prices )"
)
FILES = {"pyproject.toml": PYPROJECT, "shop/__init__.py": "", "shop/cart.py": CART,
         "shop/legacy.py": LEGACY}  # fmt: skip
#: What the failing workflow ran: only the files the PR changed.
CHECKED = "shop/cart.py"


def ruff(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=tree, capture_output=True, text=True, check=False
    )


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def lint_log(tree: Path) -> str:
    """The job log of ``ruff check`` and ``ruff format --check`` on the changed file."""
    check = ruff(tree, "check", "--no-cache", "--output-format=concise", CHECKED)
    fmt = ruff(tree, "format", "--check", "--no-cache", CHECKED)
    return (
        f"$ ruff check --output-format=concise {CHECKED}\n{check.stdout}{check.stderr}"
        f"$ ruff format --check {CHECKED}\n{fmt.stdout}{fmt.stderr}"
    )


def ruff_fixed(tree: Path) -> str:
    """What ruff makes of the changed file: the unused import removed, then formatted."""
    ruff(tree, "check", "--no-cache", "--fix", "--select", "F401", CHECKED)
    ruff(tree, "format", "--no-cache", CHECKED)
    return (tree / CHECKED).read_text()


@dataclass
class Scenario:
    """A repository with a same-repository (or fork) PR whose lint/format run failed."""

    world: World
    repo: Repo
    pull: PullRequest
    run: WorkflowRun
    head_repo: Repo

    def event(self, run: WorkflowRun | None = None, **changes: Any) -> Event:
        """``workflow_run.completed`` for ``run`` (the failed run by default)."""
        run = run or self.run
        fake = self.world.fake
        pulls = [p for p in fake.state.pulls.values() if p.repo == self.repo.full_name]
        on_pull = [p for p in pulls if p.head_sha == run.head_sha and p.head_repo == p.repo]
        payload = workflow_run_completed(
            self.repo, run, on_pull, fake.url, installation_id=INSTALLATION
        )
        commit = self.head_repo.commits.get(run.head_sha) or self.repo.commits.get(run.head_sha)
        payload["workflow_run"]["head_commit"]["message"] = commit.message if commit else ""
        if run.head_sha == self.pull.head_sha:
            payload["workflow_run"]["head_repository"] = repository_payload(self.head_repo)
        payload["workflow_run"].update(changes)
        return Event.from_payload("workflow_run", f"d-{run.id}-{run.run_attempt}", payload)

    def ci(self, sha: str, branch: str, conclusion: str = "success") -> WorkflowRun:
        """CI on ``sha`` (a fix commit) completed with ``conclusion``."""
        repo = self.repo if sha in self.repo.commits else self.head_repo
        log = "all checks passed\n" if conclusion == "success" else "FAILED tests/t.py::t\n"
        return self.world.fake.add_workflow_run(
            repo,
            head_sha=sha,
            head_branch=branch,
            conclusion=conclusion,
            jobs=[("test", conclusion, log)],
        )

    def bot_pulls(self) -> list[PullRequest]:
        fake = self.world.fake
        return [p for p in fake.state.pulls.values() if p.head_ref.startswith("autopilot/fix/")]

    def comments(self, number: int) -> list[str]:
        state = self.world.fake.state
        return [
            c.body
            for c in state.comments.values()
            if (c.repo, c.issue_number) == (self.repo.full_name, number) and c.user.type == "Bot"
        ]


def seed(
    world: World,
    tmp_path: Path,
    *,
    config: str | None = None,
    fork: bool = False,
    maintainer_can_modify: bool = False,
    author: str = "alice",
) -> Scenario:
    """The ``octo-org/shop`` repository and a PR by ``author`` whose lint/format run failed."""
    fake = world.fake
    files = dict(FILES)
    if config is not None:
        files[".github/autopilot.yml"] = config
    repo = fake.seed_repo("octo-org", "shop", files=files, collaborators={author: "write"})
    fake.state.installations[INSTALLATION].repos.append(repo.full_name)
    head_repo, head = repo, "tidy-cart"
    if fork:
        head_repo = fake.seed_repo(author, "shop", files=files)
        head = f"{author}:tidy-cart"
        fake.push(head_repo, "tidy-cart", {"shop/cart.py": CART_PR}, author=author)
        pull = fake.open_pull_request(repo, head=head, title="Tidy the cart", author=author)
    else:
        pull = fake.open_pull_request(
            repo, head=head, title="Tidy the cart", files={"shop/cart.py": CART_PR}, author=author
        )
    pull.maintainer_can_modify = maintainer_can_modify
    tree = write_tree(tmp_path / "failed", {**files, "shop/cart.py": CART_PR})
    run = fake.add_workflow_run(
        repo,
        head_sha=pull.head_sha,
        head_branch="tidy-cart",
        jobs=[("lint", "failure", lint_log(tree))],
    )
    if fork:
        run.pull_requests = []  # GitHub lists no fork PRs in a workflow_run
    return Scenario(world, repo, pull, run, head_repo)
