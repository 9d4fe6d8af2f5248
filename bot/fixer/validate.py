"""Fix under a validation command: back out, by bisection, the fixes that make it fail."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from bot.core.fixes.bisect import isolate_culprits
from bot.core.fixes.catalog import FixEntry
from bot.core.fixes.ruff import RepoStyle
from bot.fixer.engine import run_pipeline
from bot.fixer.files import write_texts
from bot.fixer.report import BackedOut, FixReport, Skipped, Validation
from bot.fixer.stage import full_copy, mirror
from bot.process import CommandResult, run_command

Unit = tuple[str, str]  # (fix id, file)


def _summary(result: CommandResult) -> str:
    if result.timed_out:
        return "timed out"
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return f"exit {result.returncode}" + (f": {lines[-1].strip()[:200]}" if lines else "")


@contextmanager
def _workspace(root: Path, write: bool) -> Iterator[Path]:
    with nullcontext(root) if write else full_copy(root) as place:
        yield place


class _Trials:
    """Text of each file under any subset of its fixes, computed on demand and cached."""

    def __init__(
        self,
        root: Path,
        texts: Mapping[str, str],
        full: Mapping[str, str],
        applied: Mapping[str, tuple[str, ...]],
        entries: Sequence[FixEntry],
        style: RepoStyle,
        names: Sequence[str],
    ) -> None:
        self.root, self.texts, self.entries, self.style = root, texts, entries, style
        self.names = names
        self.cache: dict[tuple[str, frozenset[str]], str] = {}
        for rel, ids in applied.items():
            self.cache[(rel, frozenset(ids))] = full[rel]
            self.cache[(rel, frozenset())] = texts[rel]

    def contents(self, kept: Sequence[Unit], files: Sequence[str]) -> dict[str, str]:
        wanted = {rel: frozenset(fix for fix, where in kept if where == rel) for rel in files}
        missing: dict[frozenset[str], list[str]] = {}
        for rel, ids in wanted.items():
            if (rel, ids) not in self.cache:
                missing.setdefault(ids, []).append(rel)
        for ids, group in missing.items():
            chosen = [entry for entry in self.entries if entry.id in ids]
            subset = {rel: self.texts[rel] for rel in group}
            with mirror(self.root, subset, self.names) as stage:
                result = run_pipeline(stage, subset, chosen, self.style)
            for rel in group:
                self.cache[(rel, ids)] = result.texts.get(rel, self.texts[rel])
        return {rel: self.cache[(rel, ids)] for rel, ids in wanted.items()}


def fix_validated(
    root: Path,
    texts: Mapping[str, str],
    entries: Sequence[FixEntry],
    style: RepoStyle,
    names: Sequence[str],
    command: str,
    *,
    write: bool,
    timeout: float,
    log: Path | None = None,
    skipped: Sequence[Skipped] = (),
    progress: Callable[[str], None] | None = None,
) -> FixReport:
    """Fix, run ``command`` before and after, and back out what turned a pass into a fail."""
    runs = 0

    def check(place: Path, label: str) -> CommandResult:
        nonlocal runs
        runs += 1
        if progress is not None:
            progress(f"running `{command}` ({label})")
        return run_command(f"validate ({label})", command, cwd=place, timeout=timeout, log=log)

    with _workspace(root, write) as place:
        baseline = check(place, "before fixing")
        full = run_pipeline(place, texts, entries, style, log=log)
        files = sorted(full.texts)
        notes = (*skipped, *full.skipped)

        def unbisected(validation: Validation) -> FixReport:
            before = {rel: texts[rel] for rel in files}
            return FixReport(
                root=str(root), before=before, after=full.texts, applied=full.applied,
                validation=validation, written=write, skipped=notes,
            )  # fmt: skip

        if not baseline.ok:
            note = f"`{command}` failed before fixing ({_summary(baseline)}): nothing to compare"
            return unbisected(
                Validation(command=command, baseline_ok=False, final_ok=None, runs=runs, note=note)
            )
        after = check(place, "after fixing") if files else baseline
        if after.ok:
            return unbisected(
                Validation(command=command, baseline_ok=True, final_ok=True, runs=runs)
            )

        trials = _Trials(root, texts, full.texts, full.applied, entries, style, names)
        units = [(e.id, rel) for e in entries for rel in files if e.id in full.applied[rel]]

        def passes(kept: Sequence[Unit]) -> bool:
            write_texts(place, trials.contents(kept, files))
            return check(place, f"{len(kept)} of {len(units)} fixes").ok

        kept, backed = isolate_culprits(units, passes)
        final = trials.contents(kept, files)
        write_texts(place, final)
    reason = (
        f"`{command}` passed before fixing and failed with this fix ({_summary(after)}); "
        "bisection over files and fix families found it, and the command passes without it"
    )
    changed = {rel: text for rel, text in final.items() if text != texts[rel]}
    applied = {rel: tuple(fix for fix, where in kept if where == rel) for rel in changed}
    return FixReport(
        root=str(root),
        before={rel: texts[rel] for rel in changed},
        after=changed,
        applied=applied,
        backed_out=tuple(BackedOut(fix, rel, reason) for fix, rel in backed),
        skipped=notes,
        validation=Validation(
            command=command,
            baseline_ok=True,
            final_ok=True,
            runs=runs,
            note=f"backed out {len(backed)} fix(es)",
        ),
        written=write,
    )
