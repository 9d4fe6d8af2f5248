"""Choose the files a fix run may touch: inside PATH, not ignored, not symlinks, not binary."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.fixes.catalog import FixEntry
from bot.fixer.report import Skipped
from bot.validation.execute import quiet_env

if TYPE_CHECKING:
    import pathspec

#: Never descend into these (tool caches, environments, build output, VCS data).
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "build", "dist",
     "site-packages", "__pypackages__", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache",
     "__pycache__", "_build", "buck-out"}
)  # fmt: skip
#: Test inputs that must stay byte for byte as they are (a test may compare them).
DATA_DIRS = frozenset({"testdata", "test_data", "fixtures", "snapshots", "__snapshots__"})
#: Non-Python text under these may be a test's expected output: text fixers leave it alone.
TEXT_DATA_DIRS = DATA_DIRS | {"tests", "test", "testing", "data"}


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under root, or None outside a git tree."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root, capture_output=True, timeout=60, env=quiet_env(), check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _walk_files(root: Path) -> list[str]:
    """Files under root honouring every .gitignore on the way (no git repository)."""
    found: list[str] = []
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    base = str(root)

    def ignored(rel: str, is_dir: bool) -> bool:
        tail = "/" if is_dir else ""
        return any(
            rel.startswith(start) and spec.match_file(rel[len(start) :] + tail)
            for start, spec in specs
        )

    for folder, dirs, files in os.walk(base, followlinks=False):
        here = folder[len(base) :].strip(os.sep).replace(os.sep, "/")
        prefix = here + "/" if here else ""
        ignore_file = os.path.join(folder, ".gitignore")
        if ".gitignore" in files and not os.path.islink(ignore_file):
            import pathspec  # only trees with .gitignore files outside git pay for it

            with open(ignore_file, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
            specs.append((prefix, pathspec.GitIgnoreSpec.from_lines(lines)))
        kept = (d for d in dirs if d not in SKIP_DIRS)
        dirs[:] = sorted(d for d in kept if not specs or not ignored(prefix + d, True))
        names = (
            sorted(files)
            if not specs
            else sorted(f for f in files if not ignored(prefix + f, False))
        )
        found.extend(prefix + name for name in names)
    return found


def _inside(root: str, rel: str) -> bool:
    """A regular file, not a symlink (git and the walk never enter symlinked folders)."""
    try:
        return stat.S_ISREG(os.lstat(os.path.join(root, rel)).st_mode)
    except OSError:
        return False


def _wanted(rel: str, suffixes: frozenset[str]) -> bool:
    folders = rel.split("/")[:-1]
    suffix = os.path.splitext(rel)[1]
    if suffix not in suffixes or any(part in SKIP_DIRS or part in DATA_DIRS for part in folders):
        return False
    return suffix in {".py", ".pyi"} or not any(part in TEXT_DATA_DIRS for part in folders)


def list_tree(root: Path) -> list[str]:
    """Every file under ``root`` (relative, POSIX) that git, or the .gitignore files, keep."""
    listed = _git_files(root)
    return listed if listed is not None else _walk_files(root)


def candidate_files(root: Path, entries: Iterable[FixEntry], names: Iterable[str]) -> list[str]:
    """Files of ``names`` under ``root`` that the chosen entries may change."""
    suffixes = frozenset().union(*(entry.suffixes for entry in entries))
    if ".py" in suffixes:
        suffixes |= {".pyi"}
    base = str(root)
    return [rel for rel in names if _wanted(rel, suffixes) and _inside(base, rel)]


def read_texts(root: Path, names: Iterable[str]) -> dict[str, str]:
    """Text of each file, skipping binaries (a NUL byte) and files that are not UTF-8."""
    texts: dict[str, str] = {}
    for rel in names:
        data = (root / rel).read_bytes()
        if b"\0" in data:
            continue
        try:
            texts[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def load_texts(root: Path, names: Iterable[str]) -> tuple[dict[str, str], list[Skipped]]:
    """Text of each file the fixer may rewrite, and the files it leaves alone with why."""
    texts = read_texts(root, names)
    skipped: list[Skipped] = []
    for rel in names:
        if rel not in texts:
            skipped.append(Skipped(rel, "binary or not UTF-8 text"))
        elif not os.stat(root / rel).st_mode & 0o222:
            skipped.append(Skipped(rel, "read-only file"))
            del texts[rel]
    return texts, skipped


def write_texts(root: Path, texts: Iterator[tuple[str, str]] | dict[str, str]) -> None:
    """Write each text back byte for byte (no newline translation)."""
    items = texts.items() if isinstance(texts, dict) else texts
    for rel, text in items:
        (root / rel).write_bytes(text.encode("utf-8"))
