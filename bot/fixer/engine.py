"""Run the chosen catalog entries over files in a directory: codemods, ruff once, text fixers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.fixes import guards
from bot.core.fixes import text as textfix
from bot.core.fixes.catalog import Engine, FixEntry
from bot.core.fixes.parens import remove_redundant_parens
from bot.core.fixes.ruff import RepoStyle, codes_to_entries, format_args, parse_syntax_errors
from bot.errors import AutopilotError
from bot.fixer import snapshot
from bot.fixer.files import read_texts, write_texts
from bot.fixer.lint import lint_fix
from bot.fixer.report import Skipped
from bot.process import ruff_binary, run_command

#: Files per ruff invocation (a tree is one call unless it is larger than this).
BATCH = 4000
RUFF_TIMEOUT = 600.0
PY_SUFFIXES = (".py", ".pyi")

#: Pure fixers by entry id; each applies to the entry's suffixes.
TEXT_FIXERS: Mapping[str, Callable[[str], str]] = {
    "redundant-parens": remove_redundant_parens,
    "mixed-line-endings": textfix.fix_mixed_line_endings,
    "yaml-whitespace": textfix.fix_yaml,
    "markdown-whitespace": textfix.fix_markdown,
    "toml-whitespace": textfix.fix_toml,
}


class FixerError(AutopilotError):
    """A fixer tool failed outright (crashed or timed out)."""


@dataclass(frozen=True)
class PipelineResult:
    """Final text of every file that changed, and which entries changed it."""

    texts: Mapping[str, str]
    applied: Mapping[str, tuple[str, ...]]
    skipped: tuple[Skipped, ...] = ()


def _ruff(root: Path, args: list[str], names: Sequence[str], log: Path | None) -> str:
    output = []
    for start in range(0, len(names), BATCH):
        batch = list(names[start : start + BATCH])
        result = run_command(
            f"ruff {args[0]}", [ruff_binary(), *args, "--", *batch],
            cwd=root, timeout=RUFF_TIMEOUT, log=log, tail=None,
        )  # fmt: skip
        # exit 2 also reports files ruff cannot parse (read from its output); a usage error
        # (a bad setting) is a failure of the run itself
        usage = result.returncode == 2 and "Usage:" in result.stderr
        if result.timed_out or (result.returncode or 0) > 2 or usage:
            raise FixerError(f"ruff {args[0]} failed: {result.stderr.strip()[-500:]}")
        output += [result.stdout, result.stderr]
    return "".join(output)


def _apply_pure(
    texts: dict[str, str],
    entries: Sequence[FixEntry],
    applied: dict[str, list[str]],
    style: RepoStyle,
) -> None:
    for entry in entries:
        fixer = TEXT_FIXERS.get(entry.id)
        if fixer is None:
            continue
        away = style.out_of_reach.get(entry.id, frozenset())
        for rel, before in texts.items():
            if rel not in away and rel.endswith(
                entry.suffixes + ((".pyi",) if ".py" in entry.suffixes else ())
            ):
                after = fixer(before)
                if after != before:
                    texts[rel] = after
                    applied.setdefault(rel, []).append(entry.id)


def _respect_excludes(
    root: Path,
    py: dict[str, str],
    texts: Mapping[str, str],
    applied: dict[str, list[str]],
    log: Path | None,
) -> None:
    """Undo codemod changes in files the repository's ruff configuration excludes."""
    if not applied:
        return
    args = ["check", "--show-files", "--no-cache", "--force-exclude"]
    listed = _ruff(root, args, sorted(applied), log)
    included = {Path(line).resolve() for line in listed.splitlines() if line.strip()}
    for rel in list(applied):
        if (root / rel).resolve() not in included:
            py[rel] = texts[rel]
            del applied[rel]


def run_pipeline(
    root: Path,
    texts: Mapping[str, str],
    entries: Sequence[FixEntry],
    style: RepoStyle,
    *,
    log: Path | None = None,
    read: snapshot.Snapshot | None = None,
) -> PipelineResult:
    """Fix the files of ``texts`` (which ``root`` holds) in place under ``root``.

    ``read``: the files' status as ``texts`` was read from ``root``, if that is where.

    Order: pure Python codemods and line endings, one ``ruff check --fix``, one ``ruff
    format``, then the text fixers for YAML/Markdown/TOML (pure, in memory).
    """
    applied: dict[str, list[str]] = {}
    py = {rel: body for rel, body in texts.items() if rel.endswith(PY_SUFFIXES)}
    other = {rel: body for rel, body in texts.items() if rel not in py}
    # The formatter already drops redundant parentheses: the codemod is for runs without it.
    formatting = any(entry.engine is Engine.RUFF_FORMAT for entry in entries)
    codemods = [
        e
        for e in entries
        if (e.engine is Engine.LIBCST and not formatting) or e.id == "mixed-line-endings"
    ]
    _apply_pure(py, codemods, applied, style)
    _respect_excludes(root, py, texts, applied, log)
    write_texts(root, {rel: py[rel] for rel in applied})
    names = sorted(py)
    before = snapshot.take(root, names, read, written=applied)
    lint = lint_fix(functools.partial(_ruff, log=log), root, py, entries, style)
    for rel, codes in lint.fixed.items():
        applied.setdefault(rel, []).extend(codes_to_entries(codes, entries))
    linted = snapshot.take(root, names)
    ruff_changed = snapshot.changed_files(root, before, linted, py)
    py.update(read_texts(root, sorted(ruff_changed)))
    broken = lint.syntax_errors
    shaped = [rel for rel in names if rel not in style.out_of_reach.get("formatting", ())]
    if shaped and formatting:
        broken = {**parse_syntax_errors(_ruff(root, format_args(style), shaped, log)), **broken}
        formatted = snapshot.changed_files(root, linted, snapshot.take(root, names), py)
        after = read_texts(root, sorted(formatted))
        kept = {rel for rel, text in after.items() if guards.doctests_changed(py[rel], text)}
        write_texts(root, {rel: py[rel] for rel in kept})  # the linter's fixes stay
        for rel in sorted(kept):
            lint.hold(rel, "formatting", guards.DOCTEST_TEXT)
        formatted -= kept
        for rel in sorted(formatted):
            applied.setdefault(rel, []).append("formatting")
        py.update({rel: text for rel, text in after.items() if rel not in kept})
        ruff_changed |= formatted
    _apply_pure(other, [e for e in entries if e.engine is Engine.TEXT], applied, style)
    write_texts(root, {rel: other[rel] for rel in applied if rel in other})
    final = {**py, **other}
    touched = set(applied) | ruff_changed
    changed = {rel: final[rel] for rel in touched if final[rel] != texts[rel]}
    order = {entry.id: index for index, entry in enumerate(entries)}
    skipped = [Skipped(rel, reason) for rel, reason in sorted(broken.items()) if rel in py]
    skipped += [
        Skipped(rel, reason, fix)
        for rel, held in sorted(lint.held_back.items())
        for fix, reason in held
    ]
    return PipelineResult(
        texts=changed,
        applied={
            rel: tuple(sorted(set(applied.get(rel, ())), key=order.__getitem__)) for rel in changed
        },
        skipped=tuple(skipped),
    )
