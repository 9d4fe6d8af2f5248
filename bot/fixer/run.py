"""``fix_tree``: apply the catalog's fixes to a tree in place, or compute them as a patch."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.fixes.catalog import CATALOG, FixEntry, select
from bot.core.fixes.families import unenforced
from bot.core.fixes.ruff import RepoStyle
from bot.core.fixes.scope import plan_fixes
from bot.core.fixes.style import Formatter
from bot.errors import UsageError
from bot.fixer.adoption import measure_adoption
from bot.fixer.config import black_line_length, read_conventions, read_repo_style
from bot.fixer.engine import PipelineResult, run_pipeline
from bot.fixer.files import candidate_files, list_tree, load_texts
from bot.fixer.report import FixReport, Skipped
from bot.fixer.snapshot import Snapshot


@dataclass(frozen=True, kw_only=True)
class FixOptions:
    """How to run: which fixes, whether to write, and the command that must keep passing.

    By default the families the repository's own tooling asks for run (see
    ``bot/core/fixes/style.py``); ``select`` names fix ids instead, and ``everything`` runs
    every safe fix. ``rules`` scopes a run to what a failed run complained about (rule codes
    such as ``F401``, or ``format``), and ``files`` to the files it named (relative to PATH).
    """

    select: tuple[str, ...] | None = None
    everything: bool = False
    rules: tuple[str, ...] | None = None
    files: tuple[str, ...] | None = None
    unsafe: bool = False
    diff: bool = False
    validate: str | None = None
    timeout: float = 900.0
    log: Path | None = None
    #: Called with a short status line at each stage of a run (None: silent).
    progress: Callable[[str], None] | None = None


DEFAULT_OPTIONS = FixOptions()


def fix_tree(path: Path, options: FixOptions = DEFAULT_OPTIONS) -> FixReport:
    """Fix the files under ``path`` (a directory or one file) as ``options`` say."""
    if not path.exists():
        raise UsageError(f"no such file or directory: {path}")
    if path.is_symlink():
        raise UsageError(f"refusing to fix through a symlink: {path}")
    path = path.resolve()
    root = path if path.is_dir() else path.parent
    conventions = read_conventions(root)
    plan = plan_fixes(
        conventions, CATALOG, select=options.select, unsafe=options.unsafe,
        everything=options.everything, rules=options.rules,
    )  # fmt: skip
    entries = select(plan.fixes, unsafe=options.unsafe)
    style = dataclasses.replace(read_repo_style(root), only_codes=plan.only_codes)
    if conventions.formatter is Formatter.BLACK and "--line-length" not in style.overrides:
        style = dataclasses.replace(style, format_overrides=black_line_length(root))
    elif conventions.formatter is None and style.quote_style is None:
        # formatting asked for by name in a repository without a formatter: no quote style
        quotes = ("--config", "format.quote-style = 'preserve'")
        style = dataclasses.replace(style, format_overrides=quotes)
    listing = list_tree(root)
    wanted = candidate_files(root, entries, listing)
    adoptable = unenforced(conventions, plan.decisions)
    if options.select is None and options.rules is None and not options.everything and adoptable:
        adoption = measure_adoption(root, wanted, style, adoptable)
        plan = plan_fixes(conventions, CATALOG, unsafe=options.unsafe, adoption=adoption)
        entries = select(plan.fixes, unsafe=options.unsafe)
        style = dataclasses.replace(style, only_codes=plan.only_codes)
        wanted = candidate_files(root, entries, listing)
    if path.is_file():
        wanted = [rel for rel in wanted if rel == path.name]
    if options.files is not None:
        named = {rel.strip("/") for rel in options.files}
        wanted = [rel for rel in wanted if rel in named]
    reach = {
        d.fix: frozenset(rel for rel in wanted if not d.admits(rel))
        for d in plan.decisions
        if d.runs and d.filters
    }
    style = dataclasses.replace(style, out_of_reach={k: v for k, v in reach.items() if v})
    read_ns = time.time_ns()
    texts, skipped, stamps = load_texts(root, wanted)
    if options.progress is not None:
        options.progress(f"{len(texts)} file(s) to check under {root}")
    if options.validate or options.diff:
        report = _on_copies(root, listing.names, texts, skipped, entries, style, options)
    else:
        read = Snapshot(stamps, read_ns)
        result = run_pipeline(root, texts, entries, style, log=options.log, read=read)
        report = _report(root, texts, result, skipped, written=True)
    return dataclasses.replace(
        report, conventions=plan.conventions, decisions=plan.decisions, prefix=_prefix(root)
    )


def _prefix(root: Path) -> str:
    """``root``'s path inside its git repository, with a trailing slash ("" at the top)."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            inside = root.relative_to(folder).as_posix()
            return "" if inside == "." else inside + "/"
    return ""


def fix_findings(
    root: Path,
    *,
    rules: Sequence[str],
    files: Sequence[str] | None = None,
    write: bool = False,
    log: Path | None = None,
) -> FixReport:
    """Fix only what a failed run reported: these rule codes (``format`` for a formatter
    check) in these files (relative to ``root``; None: every file). With ``write`` False
    nothing is touched and ``report.patch()`` is the fix as a diff."""
    options = FixOptions(rules=tuple(rules), files=None if files is None else tuple(files),
                         diff=not write, log=log)  # fmt: skip
    return fix_tree(root, options)


def _on_copies(
    root: Path,
    names: list[str],
    texts: dict[str, str],
    skipped: list[Skipped],
    entries: Sequence[FixEntry],
    style: RepoStyle,
    options: FixOptions,
) -> FixReport:
    """``--diff`` and ``--validate`` runs, which work on scratch copies of the tree."""
    from bot.fixer.stage import mirror  # shutil, tempfile: not for plain runs
    from bot.fixer.validate import fix_validated

    if options.validate:
        return fix_validated(
            root, texts, entries, style, names, options.validate,
            write=not options.diff, timeout=options.timeout, log=options.log, skipped=skipped,
            progress=options.progress,
        )  # fmt: skip
    with mirror(root, texts, names) as stage:
        result = run_pipeline(stage, texts, entries, style, log=options.log)
    return _report(root, texts, result, skipped, written=False)


def _report(
    root: Path,
    texts: Mapping[str, str],
    result: PipelineResult,
    skipped: list[Skipped],
    *,
    written: bool,
) -> FixReport:
    """The report of a pipeline run over ``texts`` (the files as they were before)."""
    return FixReport(
        root=str(root),
        before={rel: texts[rel] for rel in result.texts},
        after=dict(result.texts),
        applied=dict(result.applied),
        skipped=(*skipped, *result.skipped),
        written=written,
    )
