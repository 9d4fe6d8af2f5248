"""``autopilot validate``: measure a patch's five signals in an isolated worktree."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from bot.errors import InputError, UsageError

EPILOG = """\
examples:
  autopilot fix . --diff > fix.patch && autopilot validate . --patch fix.patch > signals.json
  autopilot score --signals signals.json
  autopilot queue add --diff fix.patch --signals signals.json

With --patch the patch is checked (paths escaping the repository, symlinks, binaries,
workflow files, size) and applied to REF in a fresh git worktree; the checks run there and
on a second worktree of REF, the base. Without --patch the checks run on REPO as it is,
over the files changed since REF, with REF as the base. The repository's own checks come
from .github/autopilot.yml (validation.*) when --config names it; flags override.

Each signal is a bool, a number in [0, 1], or null (not measured). lint, types and
security count only the findings the patch adds over the base; coverage is the delta
against the base, from its own runs (a missing coverage never fails the tests). A tool
that is not installed gives null, with the reason on stderr and in "evidence".

Output: {"tests", "lint", "types", "security", "coverage", "evidence"}, where evidence
holds, per signal, the command, its exit code, the counts before and after, and the
reason; `autopilot score --signals` reads it as it is.

exit codes:
  0  every measured signal passed (true, or 1.0)
  1  a measured signal failed or scored below 1
  2  usage error (REPO not a git repository, REF not a commit), or the patch was refused
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="run the repository's checks on a patch and print the five signals",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("repo", nargs="?", default=".", metavar="REPO", help="git repository")
    parser.add_argument("--patch", metavar="FILE", help="unified diff to validate (- for stdin)")
    parser.add_argument("--ref", default="HEAD", help="commit the patch applies to (HEAD)")
    parser.add_argument("--config", metavar="FILE", help="repository config with validation.*")
    parser.add_argument("--tests", metavar="CMD", help="test command (python -m pytest -q)")
    parser.add_argument("--lint", metavar="CMD", help="lint command (ruff on changed files)")
    parser.add_argument("--types", metavar="CMD", help="type-check command (not measured)")
    parser.add_argument("--no-security", action="store_true", help="skip bandit/pip-audit")
    parser.add_argument("--no-coverage", action="store_true", help="skip the coverage delta")
    parser.add_argument("--timeout", type=float, metavar="S", help="per command (900)")
    parser.add_argument("--allow-workflows", action="store_true", help="allow workflow files")
    parser.add_argument("--log", metavar="FILE", help="append a JSONL execution log")
    parser.set_defaults(func=handler)


def _checks(args: argparse.Namespace) -> Any:
    from bot.core.checks import Checks

    checks = Checks()
    if args.config:
        from bot.config.repo import checks_from_config, load_repo_config

        checks = checks_from_config(load_repo_config(Path(args.config), missing_ok=False))
    overrides: dict[str, Any] = {
        key: getattr(args, key)
        for key in ("tests", "lint", "types", "timeout")
        if getattr(args, key) is not None
    }
    if args.no_security:
        overrides["security"] = False
    if args.no_coverage:
        overrides["coverage"] = False
    if overrides.get("timeout", 1) <= 0:
        raise UsageError("--timeout must be positive")
    return dataclasses.replace(checks, **overrides)


def _changed_since(repo: Path, ref: str) -> list[str]:
    from bot.fixer.worktree import git

    names: set[str] = set()
    for args in (
        ("diff", "--name-only", ref, "--"),
        ("ls-files", "--others", "--exclude-standard"),
    ):
        done = git(repo, *args)
        if not done.ok:
            raise UsageError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
        names.update(done.stdout.splitlines())
    return sorted(names)


def _read_patch(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the patch {name}: {exc}") from exc


def _git_root(repo: Path) -> Path:
    """The top of the git working tree at ``repo`` (absolute), or a one-line UsageError."""
    from bot.fixer.worktree import git

    if not repo.is_dir():
        raise UsageError(f"{repo}: not a directory")
    top = git(repo, "rev-parse", "--show-toplevel")
    if not top.ok:
        raise UsageError(f"{repo}: not a git repository (validate compares against a commit)")
    return Path(top.stdout.strip())


def _commit(repo: Path, ref: str) -> str:
    from bot.fixer.worktree import git

    found = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if not found.ok:
        raise UsageError(f"{ref}: not a commit in {repo}")
    return found.stdout.strip()


def _report(signals: Any) -> int:
    from bot.validation.runner import not_measured

    for name, reason in not_measured(signals).items():
        print(f"autopilot validate: {name} not measured: {reason}", file=sys.stderr)
    print(json.dumps(signals.to_json(), indent=2))
    values = signals.as_dict()
    failed = [name for name, value in values.items() if value is not None and value < 1]
    return 1 if failed else 0


def handler(args: argparse.Namespace) -> int:
    import tempfile

    from bot.fixer.worktree import (
        PatchRefused,
        apply_patch_in_worktree,
        checkout_worktree,
        remove_worktree,
    )
    from bot.validation.runner import validate_tree

    repo = _git_root(Path(args.repo).resolve())
    checks = _checks(args)
    log = Path(args.log).resolve() if args.log else None
    ref = _commit(repo, args.ref)
    if args.patch is None:
        changed = _changed_since(repo, ref)
        with tempfile.TemporaryDirectory(prefix="autopilot-base-") as scratch:
            head = checkout_worktree(repo, ref, Path(scratch) / "base")
            try:
                signals = validate_tree(repo, changed, checks, base=head, log=log)
            finally:
                remove_worktree(repo, head)
        return _report(signals)
    diff = _read_patch(args.patch)
    try:
        patched = apply_patch_in_worktree(repo, diff, ref=ref, allow_workflows=args.allow_workflows)
    except PatchRefused as exc:
        for refusal in exc.report.refusals:
            print(f"refused: {refusal.message} [{refusal.code}]", file=sys.stderr)
        return 2
    if not patched.report.files:
        print("autopilot validate: the patch is empty: REF is measured as it is", file=sys.stderr)
    base: Path | None = None
    try:  # the unpatched tree: the baseline of lint, types, security and coverage
        base = checkout_worktree(repo, patched.base, patched.path.parent / "base")
        changed = sorted(patched.report.paths)
        signals = validate_tree(patched.path, changed, checks, base=base, log=log)
    finally:  # the base sits beside the patched tree, whose removal clears the folder
        if base is not None:
            remove_worktree(repo, base)
        remove_worktree(repo, patched.path)
    return _report(signals)
