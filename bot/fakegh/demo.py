"""A seeded demo world: a repository with an open PR whose CI run failed, for sandbox mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.fakegh.state import Job, PullRequest, Repo, WorkflowRun

if TYPE_CHECKING:
    from bot.fakegh.fake import FakeGitHub

DEMO_FILES = {
    "README.md": "# demo\n\nA small project that CI Autopilot keeps green.\n",
    "pyproject.toml": '[project]\nname = "demo"\nversion = "0.1.0"\n',
    "src/demo/__init__.py": '"""Demo package."""\n',
    "src/demo/maths.py": '"""Arithmetic helpers."""\n\n\ndef add(a: int, b: int) -> int:\n'
    "    return a + b\n",
    "tests/test_maths.py": "from demo.maths import add\n\n\ndef test_add():\n"
    "    assert add(2, 2) == 4\n",
    ".github/workflows/ci.yml": "name: CI\non: [push, pull_request]\njobs:\n  test:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    "      - run: pip install -e . pytest ruff\n      - run: ruff check .\n      - run: pytest\n",
}
PR_FILES = {
    "src/demo/maths.py": '"""Arithmetic helpers."""\nimport os\n\n\n'
    "def add(a: int, b: int) -> int:\n    return a + b + 1\n",
}


def _actions_log(lines: list[str]) -> str:
    """Lines prefixed with timestamps, as GitHub Actions stores a job's log."""
    return "".join(f"2024-05-01T10:00:{i:02d}.0000000Z {line}\n" for i, line in enumerate(lines))


# What the failed job printed (ruff, then pytest), as the job log the API serves.
DEMO_LOG = _actions_log(
    [
        "##[group]Run ruff check .",
        "\x1b[36;1mruff check .\x1b[0m",
        "##[endgroup]",
        "src/demo/maths.py:2:8: F401 [*] `os` imported but unused",
        "Found 1 error.",
        "[*] 1 fixable with the `--fix` option.",
        "##[error]Process completed with exit code 1.",
        "##[group]Run pytest",
        "##[endgroup]",
        " test session starts ".center(80, "="),
        "collected 1 item",
        "",
        "tests/test_maths.py F" + "[100%]".rjust(59),
        "",
        " FAILURES ".center(80, "="),
        " test_add ".center(80, "_"),
        "",
        "    def test_add():",
        ">       assert add(2, 2) == 4",
        "E       assert 5 == 4",
        "E        +  where 5 = add(2, 2)",
        "",
        "tests/test_maths.py:5: AssertionError",
        " short test summary info ".center(80, "="),
        "FAILED tests/test_maths.py::test_add - assert 5 == 4",
        " 1 failed in 0.02s ".center(80, "="),
        "##[error]Process completed with exit code 1.",
    ]
)


@dataclass(frozen=True)
class Demo:
    """What ``seed_demo`` made, for callers that want to point at it."""

    repo: Repo
    pull: PullRequest
    run: WorkflowRun
    job: Job


def seed_demo(
    fake: FakeGitHub,
    *,
    owner: str = "octo-org",
    name: str = "demo",
    contributor: str = "octocat",
    log: str = DEMO_LOG,
) -> Demo:
    """A repository with an open PR by ``contributor`` (write access) and its failed CI run."""
    repo = fake.seed_repo(owner, name, files=DEMO_FILES, collaborators={contributor: "write"})
    pull = fake.open_pull_request(
        repo,
        head="fix-add",
        title="Make add() faster",
        body="Tweaks `add`.",
        files=PR_FILES,
        author=contributor,
    )
    run = fake.add_workflow_run(
        repo,
        head_sha=pull.head_sha,
        head_branch=pull.head_ref,
        conclusion="failure",
        jobs=[("test", "failure", log), ("build", "success", "build ok\n")],
    )
    job = next(j for j in fake.state.jobs.values() if j.run_id == run.id and j.name == "test")
    return Demo(repo, pull, run, job)
