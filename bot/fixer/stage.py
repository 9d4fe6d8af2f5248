"""Scratch copies of a tree, so fixes can be computed without touching the real files."""

from __future__ import annotations

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


@contextmanager
def mirror(root: Path, texts: Mapping[str, str], configs: Iterable[str]) -> Iterator[Path]:
    """A temporary directory holding ``texts`` at the same places relative to ruff's settings.

    The settings that apply to ``root`` (from an ancestor folder, or inside the tree) are
    copied along, so excludes, line length and quote style resolve as in the real tree.
    """
    found, _ = find_ruff_config(root)
    anchor = found.parent if found is not None and root.is_relative_to(found.parent) else root
    with tempfile.TemporaryDirectory(prefix="autopilot-fix-") as tmp:
        inner = Path(tmp, "tree", root.relative_to(anchor))
        inner.mkdir(parents=True)
        for folder in (root, *root.parents):
            if not folder.is_relative_to(anchor):
                break
            for name in CONFIG_NAMES:
                source = folder / name
                if source.is_file() and not source.is_symlink():
                    target = Path(tmp, "tree", folder.relative_to(anchor), name)
                    shutil.copyfile(source, target)
        for rel in configs:
            (inner / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, inner / rel)
        for rel in texts:
            (inner / rel).parent.mkdir(parents=True, exist_ok=True)
        write_texts(inner, dict(texts))
        yield inner


@contextmanager
def full_copy(root: Path) -> Iterator[Path]:
    """A temporary copy of the whole tree (symlinks kept as links, VCS data left out)."""
    with tempfile.TemporaryDirectory(prefix="autopilot-validate-") as tmp:
        target = Path(tmp, root.name or "tree")
        shutil.copytree(root, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        yield target
