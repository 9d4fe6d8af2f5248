"""A seeded demo world: a repository with an open PR whose CI run failed, for sandbox mode."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from bot.fakegh.state import Job, PullRequest, Repo, WorkflowRun

if TYPE_CHECKING:
    from bot.fakegh.fake import FakeGitHub

#: The tiny ``calc`` project: the demo's code, and the project the triage corpus script
#: (testdata/corpora/project.py) injects faults into.
CALC_CORE = '''"""Small arithmetic helpers."""


def add(a: int, b: int) -> int:
    """Return the sum."""
    return a + b


def mean(values: list[float]) -> float:
    """Return the arithmetic mean."""
    return sum(values) / len(values)


def parse_int(text: str) -> int:
    """Parse a decimal integer."""
    return int(text.strip())


def label(n: int) -> str:
    """Describe a number."""
    if n < 0:
        return "negative"
    return "positive"


def lookup(key: str) -> int:
    """Look a unit up."""
    units = {"one": 1, "two": 2}
    return units.get(key, 0)
'''
CALC_TESTS = '''"""Tests for calc.core."""

from calc.core import add, label, lookup, mean, parse_int


def test_add() -> None:
    assert add(2, 3) == 5


def test_mean() -> None:
    assert mean([1.0, 2.0, 3.0]) == 2.0


def test_parse_int() -> None:
    assert parse_int(" 42 ") == 42


def test_label() -> None:
    assert label(-1) == "negative"


def test_lookup() -> None:
    assert lookup("two") == 2


def test_error_handling() -> None:
    assert lookup("missing") == 0
'''

# The triage corpus's tiny project (testdata/corpora/project.py), the demo's main branch,
DEMO_FILES = {
    "README.md": "# calc\n\nA small project that CI Autopilot keeps green.\n",
    "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["."]\n\n'
    '[tool.ruff.lint]\nselect = ["E", "F", "W", "I"]\n',
    "calc/__init__.py": "",
    "calc/core.py": CALC_CORE,
    "tests/__init__.py": "",
    "tests/test_core.py": CALC_TESTS,
    ".github/workflows/ci.yml": "name: CI\non: [push, pull_request]\njobs:\n  test:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    "      - run: pip install pytest ruff mypy\n"
    "      - run: ruff check --no-cache --output-format=concise .\n"
    "      - run: mypy --no-incremental --cache-dir=/dev/null --strict calc\n"
    "      - run: pytest -p no:cacheprovider tests/test_core.py\n",
}
# ... and the pull request that injects the corpus case ``multi_lint_types_tests_gha``'s
# three faults: an unused import, a wrong return type, a wrong expectation.
PR_FILES = {
    "calc/core.py": CALC_CORE.replace('helpers."""\n', 'helpers."""\n\nimport os\n', 1).replace(
        '    return "positive"', "    return n  # not a str"
    ),
    "tests/test_core.py": CALC_TESTS.replace("assert add(2, 3) == 5", "assert add(2, 3) == 6"),
}
# What the failed job printed when the corpus script ran ruff, mypy and pytest on those
# faults (testdata/triage/multi_lint_types_tests_gha.log), as the job log the API serves.
DEMO_LOG = resources.files("bot.fakegh").joinpath("data/demo_job.log").read_text(encoding="utf-8")


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
        head="tidy-core",
        title="Tidy calc.core",
        body="Small clean-ups in `calc.core`.",
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


@dataclass(frozen=True)
class LintDemo:
    """A second demo PR whose run failed on lint only: journey 2's example."""

    pull: PullRequest
    run: WorkflowRun


#: The lint-only PR: an unused import in the core module, nothing else wrong.
LINT_PR_FILES = {
    "calc/core.py": CALC_CORE.replace('helpers."""\n', 'helpers."""\n\nimport sys\n', 1)
}
LINT_COMMAND = ("check", "--no-cache", "--output-format=concise", "calc/core.py")


def seed_lint_demo(fake: FakeGitHub, demo: Demo, *, contributor: str = "octocat") -> LintDemo:
    """A PR on the demo repository whose CI failed on lint only; the job's log is what ruff
    prints on the PR's files (run here, on a scratch copy)."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    pull = fake.open_pull_request(
        demo.repo,
        head="import-sys",
        title="Import sys in calc.core",
        body="Prepares `calc.core` for a command-line entry point.",
        files=LINT_PR_FILES,
        author=contributor,
    )
    with tempfile.TemporaryDirectory(prefix="autopilot-demo-") as tmp:
        for rel, data in {**DEMO_FILES, **LINT_PR_FILES}.items():
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / rel).write_text(data, encoding="utf-8")
        ran = subprocess.run(
            [sys.executable, "-m", "ruff", *LINT_COMMAND],
            cwd=tmp, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    log = f"$ ruff {' '.join(LINT_COMMAND)}\n{ran.stdout}{ran.stderr}"
    run = fake.add_workflow_run(
        demo.repo,
        head_sha=pull.head_sha,
        head_branch=pull.head_ref,
        conclusion="failure",
        jobs=[("lint", "failure", log)],
    )
    return LintDemo(pull, run)
