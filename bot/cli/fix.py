"""``autopilot fix``: apply the catalog's mechanical fixes to a tree, or print them as a diff."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.core.fixes.catalog import CATALOG
from bot.errors import UsageError
from bot.fixer.engine import FixerError
from bot.fixer.report import FixReport
from bot.fixer.run import FixOptions, fix_tree

EPILOG = """\
examples:
  autopilot fix .                          apply every safe fix in place
  autopilot fix src --diff                 print a unified diff; touch nothing
  autopilot fix . --select import-sorting,unused-imports --json
  autopilot fix . --validate "python -m pytest -q"
  autopilot fix . --select none-comparison --unsafe

Fixes that could change behaviour in a given file are held back there and reported as
"skipped PATH (fix): reason": import sorting where import order matters (a package
__init__ importing its own modules, star imports), removing imports that other files use
or that the file reads dynamically. Files with syntax errors, non-UTF-8 and read-only
files are skipped and reported too. Status lines go to stderr when it is a terminal.

By default only what the repository's own tooling asks for runs: the rules its ruff or
flake8 enables (ruff's defaults when it has no lint or format configuration at all), its
formatter (ruff format or black; none when it uses none, so no quote style is imposed),
its import sorter (ruff's I rules or isort) and its pre-commit hooks (trailing-whitespace,
end-of-file-fixer, mixed-line-ending, pyupgrade, autoflake). --explain (or --json)
says what was found and why each fix family ran or not; --select names fixes instead,
--all runs every safe fix, --rules only what a failed run reported. The repository's
settings shape each fix (line length, quote style, excludes, ignored rules, black's line
length, python_requires from setup.cfg or setup.py). Files ignored by git, symlinks,
binaries and files outside PATH are never touched. A second run changes nothing, and
--diff prints exactly what a run in place writes.

With --validate CMD the command runs before and after fixing (in PATH, no prompts, with a
timeout); if it passed before and fails after, the fixes responsible are found by
bisection over files and fix families, backed out and reported. What stays passes CMD.

exit codes:
  0  fixed (or nothing to fix); with --diff: the diff was printed (empty: nothing to fix)
  1  a fixer failed; with --diff --exit-code: there are changes (as `git diff --exit-code`)
  2  usage error (bad PATH, unknown or unsafe fix id without --unsafe)
"""


def _catalog_help() -> str:
    lines = [f"  {e.id:<22} {e.safety.value:<6} {e.title}" for e in CATALOG]
    return "fixes (id, safety, what):\n" + "\n".join(lines) + "\n\n"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fix",
        help="apply safe mechanical fixes in the repository's own style (imports, whitespace...)",
        description=(
            "Apply the catalog's safe mechanical fixes to the files under PATH, in the "
            "repository's own style: by default what its own tooling asks for."
        ),
        epilog=_catalog_help() + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="directory or file to fix")
    parser.add_argument(
        "--diff", action="store_true", help="print a unified diff instead of writing files"
    )
    parser.add_argument(
        "--exit-code",
        action="store_true",
        help="with --diff: exit 1 when there are changes (for CI checks)",
    )
    parser.add_argument(
        "--select",
        metavar="IDS",
        help="comma-separated fix ids (default: what the repository's tooling asks for)",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="every safe fix, whatever the repository's tooling asks for",
    )
    parser.add_argument(
        "--rules",
        metavar="CODES",
        help="only what a failed run reported: rule codes (F401,I001) or format",
    )
    parser.add_argument(
        "--unsafe", action="store_true", help="allow unsafe fix ids named in --select"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="say which conventions were found and why each fix family ran or not",
    )
    parser.add_argument("--json", action="store_true", help="print the fixes per file as JSON")
    parser.add_argument(
        "--validate", metavar="CMD", help="command that must keep passing (e.g. the tests)"
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, metavar="S", help="per CMD run (default 900)"
    )
    parser.add_argument("--log", type=Path, metavar="FILE", help="append a JSONL execution log")
    parser.set_defaults(func=handler)


def _text(report: FixReport) -> str:
    lines = [f"{path}: {', '.join(report.applied.get(path, ()))}" for path in sorted(report.after)]
    verb = "fixed" if report.written else "would fix"
    ran = [d.fix for d in report.decisions if d.runs]
    lines.append(f"{verb} {len(report.after)} file(s); fix families run: {len(ran)}")
    if report.conventions:
        found = "; ".join(item.split(":", 1)[0] for item in report.conventions)
        lines.append(f"conventions: {found} (--explain says why each family ran or not)")
    lines += [f"backed out {b.fix} in {b.path}: {b.reason}" for b in report.backed_out]
    lines += _skipped(report)
    if report.validation is not None and report.validation.note:
        lines.append(f"validation: {report.validation.note}")
    return "\n".join(lines) + "\n"


def _progress(status: str) -> None:
    print(f"autopilot fix: {status}", file=sys.stderr, flush=True)


def _skipped(report: FixReport) -> list[str]:
    return [
        f"skipped {item.path}" + (f" ({item.fix})" if item.fix else "") + f": {item.reason}"
        for item in report.skipped
    ]


def _ids(value: str | None, flag: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    ids = tuple(part.strip() for part in value.split(",") if part.strip())
    if not ids:
        raise UsageError(f"{flag} needs at least one value")
    return ids


def _explained(report: FixReport) -> list[str]:
    """The conventions found and, per fix family, whether it ran and why."""
    lines = [f"convention: {item}" for item in report.conventions]
    lines += [f"{'ran' if d.runs else 'not run'}: {d.fix}: {d.reason}" for d in report.decisions]
    return lines


def handler(args: argparse.Namespace) -> int:
    select = _ids(args.select, "--select")
    rules = _ids(args.rules, "--rules")
    if args.all and (select is not None or rules is not None):
        raise UsageError("--all runs every safe fix: leave out --select and --rules")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    options = FixOptions(
        select=select,
        everything=args.all,
        rules=rules,
        unsafe=args.unsafe,
        diff=args.diff,
        validate=args.validate,
        timeout=args.timeout,
        log=args.log,
        progress=_progress if sys.stderr.isatty() else None,
    )
    try:
        report = fix_tree(args.path, options)
    except FixerError as exc:
        print(f"autopilot fix: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        import json

        payload = report.to_json()
        if args.diff:
            payload["diff"] = report.patch()
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    elif args.diff:
        sys.stdout.write(report.patch())
        notes = _skipped(report) + (_explained(report) if args.explain else [])
        sys.stderr.write("".join(f"{line}\n" for line in notes))
    else:
        sys.stdout.write(_text(report))
        if args.explain:
            sys.stdout.write("".join(f"{line}\n" for line in _explained(report)))
    return 1 if args.diff and args.exit_code and report.changed else 0
