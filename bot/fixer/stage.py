"""Scratch copies of a tree, so fixes can be computed without touching the real files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bot.fixer.config import find_ruff_config
from bot.fixer.files import write_texts

#: Files that carry ruff's settings; a mirror keeps them where ruff looks for them.
CONFIG_NAMES = frozenset({"pyproject.toml", "ruff.toml", ".ruff.toml"})


def config_files(names: Iterable[str]) -> list[str]:
    """The settings files among a tree's files."""
    return [rel for rel in names if rel.rsplit("/", 1)[-1] in CONFIG_NAMES]


def _placeholders(source: Path, target: Path, names: Iterable[str]) -> None:
    """Empty files and folders at ``target`` where ``source`` has these entries."""
    for rel in names:
        place = target / rel
        if place.exists():
            continue
        place.parent.mkdir(parents=True, exist_ok=True)
        if (source / rel).is_dir():
            place.mkdir(exist_ok=True)
        else:
            place.touch()


def _entries(folder: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(folder) if entry.name != ".git")
    except OSError:
        return []


@contextmanager
def mirror(root: Path, texts: Mapping[str, str], names: Iterable[str]) -> Iterator[Path]:
    """A temporary directory laid out like ``root``, holding ``texts`` at their places.

    ``names`` are the tree's files (all of them, not only those fixed). The settings that
    apply to ``root`` (from an ancestor folder, or inside the tree) are copied along, so
    excludes, line length and quote style resolve as in the real tree; every other file and
    folder of the tree (and of the settings' folder) is there as an empty placeholder,
    because ruff tells first-party modules from third-party ones by what exists on disk.
    A run in the mirror therefore writes exactly what a run in place would.
    """
    found, _ = find_ruff_config(root)
    anchor = found.parent if found is not None and root.is_relative_to(found.parent) else root
    names = list(names)
    with tempfile.TemporaryDirectory(prefix="autopilot-fix-") as tmp:
        outer = Path(tmp, "tree")
        inner = outer / root.relative_to(anchor)
        inner.mkdir(parents=True)
        for folder in (root, *root.parents):
            if not folder.is_relative_to(anchor):
                break
            for name in CONFIG_NAMES:
                source = folder / name
                if source.is_file() and not source.is_symlink():
                    target = outer / folder.relative_to(anchor) / name
                    shutil.copyfile(source, target)
        for rel in config_files(names):
            (inner / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, inner / rel)
        for rel in texts:
            (inner / rel).parent.mkdir(parents=True, exist_ok=True)
        write_texts(inner, dict(texts))
        _placeholders(root, inner, [rel for rel in names if rel not in texts])
        _placeholders(root, inner, _entries(root))
        _placeholders(anchor, outer, _entries(anchor))
        yield inner


@contextmanager
def full_copy(root: Path) -> Iterator[Path]:
    """A temporary copy of the whole tree (symlinks kept as links, VCS data left out)."""
    with tempfile.TemporaryDirectory(prefix="autopilot-validate-") as tmp:
        target = Path(tmp, root.name or "tree")
        shutil.copytree(root, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        yield target
