"""Stress ``autopilot fix`` on real sdists: idempotence, leftovers, and the projects' own tests.

Usage: python benchmarks/fix_realworld.py [--only NAME ...] [--validate NAME ...] [--keep]

For each project: download the sdist once (``pip download --no-deps --no-binary :all:`` into
``.cache/realworld/``), unpack it into a fresh git repository under a temporary folder, run
its tests (pytest, junit XML) in a throwaway venv, print ``autopilot fix --diff`` on the
fresh tree, run the installed ``autopilot fix .`` from inside the project, run it again from
outside (nothing may change) and with ``--diff`` (empty), check that the first diff applied
to a fresh copy gives the same tree as the run in place and that ``fix`` then changes
nothing there, ask ruff what the families that ran could still fix, re-run the tests and
compare outcomes test by test. ``--validate NAME`` also runs ``autopilot fix --validate`` on
a fresh copy of NAME. ``--fix-args "--all"`` passes arguments to every fix run (default: the
repository's own conventions decide).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.fixes.catalog import FixEntry, entry_for_rule, select  # noqa: E402
from bot.core.fixes.ruff import report_args  # noqa: E402
from bot.fixer.config import read_repo_style  # noqa: E402
from bot.fixer.files import candidate_files, list_tree  # noqa: E402
from bot.process import ruff_binary  # noqa: E402

AUTOPILOT = str(ROOT / ".venv" / "bin" / "autopilot")
CACHE = ROOT / ".cache" / "realworld"
TEST_DEPS = ("pytest", "hypothesis", "freezegun", "pretend", "six")


@dataclass(frozen=True)
class Project:
    """One sdist: where its tests live, what goes on PYTHONPATH, extra pytest arguments."""

    name: str
    version: str
    tests: str
    path: str = "."
    args: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()


PROJECTS = (
    Project("attrs", "23.2.0", "tests", "src"),
    Project("six", "1.16.0", "test_six.py"),
    Project("idna", "3.7", "tests"),
    Project("more-itertools", "10.2.0", "tests"),
    Project("toolz", "0.12.1", "toolz/tests"),
    Project("python-dateutil", "2.9.0", "tests", "src", ("-o", "filterwarnings=")),
    Project("pyparsing", "3.1.2", "tests", args=("--ignore", "tests/test_diagram.py")),
    Project("click", "8.1.7", "tests", "src", ("-o", "filterwarnings=")),
    Project("itsdangerous", "2.2.0", "tests", "src"),
    Project("packaging", "24.0", "tests", "src"),
    Project("pluggy", "1.5.0", "testing", "src"),
    Project("tabulate", "0.9.0", "test"),
    Project("wcwidth", "0.2.13", "tests", args=("-o", "addopts=")),
    Project("jinja2", "3.1.4", "tests", "src", ("-o", "filterwarnings="), ("markupsafe==2.1.5",)),
    Project(
        "markdown", "3.6", "tests", args=("--continue-on-collection-errors",), deps=("pyyaml",)
    ),
    Project("mako", "1.3.5", "test", deps=("markupsafe==2.1.5",)),
    Project("parso", "0.8.4", "test", args=("-o", "addopts=")),
    Project("pycparser", "2.22", "tests"),
    Project("simplejson", "3.19.2", "simplejson/tests"),
    Project("cachetools", "5.3.3", "tests", "src"),
    Project("decorator", "5.1.1", "src/tests/test.py", "src"),
    Project("jmespath", "1.0.1", "tests"),
    Project("pyflakes", "3.2.0", "pyflakes/test"),
    Project("typing_extensions", "4.12.2", "src/test_typing_extensions.py", "src"),
    Project("docutils", "0.21.2", "test"),
    Project("markupsafe", "2.1.5", "tests", "src"),
    Project("chardet", "5.2.0", "test.py"),
    Project(
        "pygments", "2.18.0", "tests", args=("-o", "filterwarnings=", "--ignore", "tests/contrast")
    ),
    Project("sqlparse", "0.6.1", "tests"),
    Project(
        "PyYAML", "6.0.4", "tests", "lib", ("--ignore", "tests/test_libyaml_recursion_control.py")
    ),
    Project("humanize", "4.17.0", "tests", "src", ("-o", "addopts=", "-p", "no:codspeed")),
)


def sh(argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}
    return subprocess.run(
        argv, cwd=cwd, env=full, capture_output=True, text=True, timeout=1800, check=False
    )


def fetch(project: Project) -> Path:
    """The sdist archive of ``project`` (downloaded with pip on first use)."""
    sdists = CACHE / "sdists"
    sdists.mkdir(parents=True, exist_ok=True)
    stem = f"{project.name}-{project.version}".lower().replace("_", "-")
    for archive in sdists.glob("*.tar.gz"):
        if archive.name.lower().replace("_", "-") == f"{stem}.tar.gz":
            return archive
    spec = f"{project.name}=={project.version}"
    pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
    subprocess.run([*pip, "-d", str(sdists), spec], check=True, timeout=600)
    return fetch(project)


def unpack(project: Project, into: Path) -> Path:
    """A fresh git repository holding the sdist's files, all committed."""
    with tarfile.open(fetch(project)) as tar:
        tar.extractall(into, filter="data")
    tree = next(p for p in into.iterdir() if p.is_dir())
    for path in (tree, *tree.rglob("*")):  # tar keeps the packer's uid; git refuses those
        os.lchown(path, os.getuid(), os.getgid())
    for argv in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "sdist"]):
        sh(argv, tree, GIT_AUTHOR_NAME="h", GIT_AUTHOR_EMAIL="h@h", GIT_COMMITTER_NAME="h",
           GIT_COMMITTER_EMAIL="h@h").check_returncode()  # fmt: skip
    return tree


def venv_python(venv: Path) -> str:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TEST_DEPS], check=True)
    return str(python)


def test_outcomes(project: Project, tree: Path, python: str) -> dict[str, str]:
    """Test id -> passed/failed/skipped, from a pytest run's junit XML."""
    if project.deps:
        sh([python, "-m", "pip", "install", "-q", *project.deps], tree).check_returncode()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp, "junit.xml")
        argv = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *project.args]
        sh([*argv, f"--junitxml={report}", project.tests], tree, PYTHONPATH=project.path)
        if not report.exists():
            return {}
        outcomes: dict[str, str] = {}
        for case in ET.parse(report).iter("testcase"):
            tags = {child.tag for child in case}
            state = (
                "failed"
                if tags & {"failure", "error"}
                else "skipped"
                if "skipped" in tags
                else "passed"
            )
            outcomes[f"{case.get('classname')}::{case.get('name')}"] = state
        return outcomes


def hashes(tree: Path) -> dict[str, str]:
    return {
        p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in tree.rglob("*")
        if p.is_file() and not {".git", ".hypothesis"} & set(p.relative_to(tree).parts)
    }


def leftovers(tree: Path, ran: tuple[FixEntry, ...]) -> tuple[list[str], list[str]]:
    """(safe-fixable ruff findings, files ``ruff format --check`` would change) in files
    that ``autopilot fix`` considers (test data folders and the like are skipped by design),
    for the fix families that ran."""
    considered = set(candidate_files(tree, ran, list_tree(tree)))
    style = read_repo_style(tree)
    args = report_args(ran, style)
    found = sh([ruff_binary(), *args, "."], tree) if args else None
    if found is None or not any(entry.id == "formatting" for entry in ran):
        considered_format: set[str] = set()
    else:
        considered_format = considered
    lint = [
        f"{Path(item['filename']).relative_to(tree).as_posix()}:{item['code']}"
        for item in json.loads((found.stdout if found else "") or "[]")
        if (item.get("fix") or {}).get("applicability") == "safe"
        and Path(item["filename"]).relative_to(tree).as_posix() in considered
    ]
    fmt = sh([ruff_binary(), "format", "--check", "--no-cache", "--force-exclude",
              "--output-format", "concise", "."], tree)  # fmt: skip
    suffix = re.compile(r":\d+:\d+: unformatted\b.*$")
    unformatted = sorted(
        {
            suffix.sub("", line)
            for line in fmt.stdout.splitlines()
            if suffix.search(line)
            and suffix.sub("", line) in considered_format
            and suffix.sub("", line).endswith((".py", ".pyi"))  # the formatting entry's files
        }
    )
    return lint, unformatted


FIX_ARGS: list[str] = []


def autopilot(tree: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    target = "." if cwd is None else str(tree)
    return sh([AUTOPILOT, "fix", target, *FIX_ARGS, *args], cwd or tree)


def diff_agreement(tree: Path, patch: str, fixed: dict[str, str]) -> dict[str, object]:
    """Apply ``--diff``'s patch (made on the fresh tree) to a copy of the sdist: the same tree
    as the run in place? And does ``fix`` change anything there?"""
    with tempfile.TemporaryDirectory(prefix="rw-diff-") as tmp:
        copy = Path(tmp, "tree")
        sh(["git", "worktree", "add", "-q", "--detach", str(copy), "HEAD"], tree)
        try:
            applied = subprocess.run(
                ["git", "apply", "-"], cwd=copy, input=patch, text=True, capture_output=True,
                check=False,
            ) if patch else None  # fmt: skip
            mark = hashes(copy)
            # the tree may hold files its tests wrote: compare the sdist's own files
            same = (applied is None or applied.returncode == 0) and all(
                fixed.get(rel) == digest for rel, digest in mark.items()
            )
            autopilot(copy)
            changed = sorted(rel for rel, digest in hashes(copy).items() if mark.get(rel) != digest)
        finally:
            sh(["git", "worktree", "remove", "--force", str(copy)], tree)
    return {"diff_equals_fix": same, "fix_after_diff_changed": changed}


def check_project(project: Project, python: str, work: Path) -> dict[str, object]:
    tree = unpack(project, work)
    before_tests = test_outcomes(project, tree, python)
    before = hashes(tree)
    patch = autopilot(tree, "--diff").stdout
    first = autopilot(tree, "--json")
    if first.returncode != 0:
        return {"project": project.name, "error": first.stderr[-2000:]}
    fixed = hashes(tree)
    second = autopilot(tree, cwd=work.parent)
    diff = autopilot(tree, "--diff", cwd=work.parent)
    idempotent = hashes(tree) == fixed and second.returncode == 0 and not diff.stdout
    report = json.loads(first.stdout)
    ran = select([f["fix"] for f in report["families"] if f["runs"]])
    agreement = diff_agreement(tree, patch, fixed)
    lint, unformatted = leftovers(tree, ran)
    held = {(item["path"], item["fix"]) for item in report["skipped"]}
    explained = [
        f
        for f in lint
        if {(f.split(":")[0], _fix_id(f.split(":")[1])), (f.split(":")[0], None)} & held
    ]
    after_tests = test_outcomes(project, tree, python)
    broken = sorted(
        t for t, s in before_tests.items() if s == "passed" and after_tests.get(t) != "passed"
    )
    return {
        "project": f"{project.name}=={project.version}",
        "files_changed": sum(1 for rel in fixed if fixed[rel] != before.get(rel)),
        "families": [f["fix"] for f in report["families"] if f["runs"]],
        "idempotent": idempotent,
        "diff_exit": diff.returncode,
        "diff_output": diff.stdout[:2000],
        **agreement,
        "leftover_lint": [f for f in lint if f not in explained],
        "held_back": sorted(set(explained)),
        "leftover_format": [f for f in unformatted if not {(f, "formatting"), (f, None)} & held],
        "tests_before": _counts(before_tests),
        "tests_after": _counts(after_tests),
        "broken_tests": broken,
        "stderr": (first.stderr + second.stderr)[-2000:],
    }


def check_validate(
    project: Project, python: str, work: Path, extra: list[str]
) -> dict[str, object]:
    tree = unpack(project, work)
    command = f"PYTHONPATH={project.path} {python} -m pytest -x -q -p no:cacheprovider "
    command += " ".join([*project.args, project.tests])
    run = autopilot(tree, "--json", "--validate", command, *extra)
    payload = json.loads(run.stdout) if run.stdout.strip().startswith("{") else {}
    return {
        "project": f"{project.name}=={project.version} --validate {' '.join(extra)}".strip(),
        "exit": run.returncode,
        "changed_files": payload.get("changed_files"),
        "backed_out": payload.get("backed_out"),
        "validation": payload.get("validation"),
        "tests_after": _counts(test_outcomes(project, tree, python)),
    }


def _fix_id(code: str) -> str | None:
    entry = entry_for_rule(code)
    return None if entry is None else entry.id


def _counts(outcomes: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in outcomes.values():
        counts[state] = counts.get(state, 0) + 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="project names (default: all)")
    parser.add_argument("--validate", nargs="*", default=[], help="also run --validate on these")
    parser.add_argument(
        "--validate-args", default="", help="extra fix arguments for --validate runs"
    )
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir(), "rw-venv"))
    parser.add_argument("--keep", action="store_true", help="keep the fixed trees")
    parser.add_argument("--fix-args", default="", help='arguments for every fix run ("--all")')
    args = parser.parse_args()
    FIX_ARGS[:] = args.fix_args.split()
    python = venv_python(args.venv)
    chosen = [p for p in PROJECTS if not args.only or p.name in args.only]
    results = []
    for project in chosen:
        work = Path(tempfile.mkdtemp(prefix=f"rw-{project.name}-"))
        results.append(check_project(project, python, work / "fix"))
        if project.name in args.validate:
            extra = args.validate_args.split()
            results.append(check_validate(project, python, work / "validate", extra))
        print(
            json.dumps(
                results[-1] if project.name not in args.validate else results[-2:], indent=1
            ),
            flush=True,
        )
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    bad = [
        r
        for r in results
        if r.get("error")
        or r.get("broken_tests")
        or r.get("idempotent") is False
        or r.get("diff_equals_fix") is False
        or r.get("fix_after_diff_changed")
    ]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
