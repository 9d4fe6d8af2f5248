"""The fixer's file layer: listing a tree without git, and telling which files a tool rewrote."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from bot.core.fixes.catalog import select
from bot.core.fixes.guards import _IMPORT, _IMPORT_STATEMENT, _line_matches
from bot.fixer import snapshot
from bot.fixer.files import Listing, _walk_files, candidate_files, load_texts


def _os_walk_listing(root: Path) -> list[str]:
    """What ``os.walk`` lists (sorted, skipping nothing): the order the walk must keep."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        found += [name if prefix == "." else f"{prefix}/{name}" for name in sorted(files)]
    return found


def test_walk_lists_like_os_walk_and_honours_gitignore(tmp_path: Path) -> None:
    for rel in ("b.py", "a/z.py", "a/b/c.py", "a.py", "c/x.md", "outside/o.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    (tmp_path / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    (tmp_path / "link.py").symlink_to(tmp_path / "a.py")
    assert _walk_files(tmp_path).names == _os_walk_listing(tmp_path)
    assert "linked/o.py" not in _walk_files(tmp_path).names
    (tmp_path / "a" / ".gitignore").write_text("b/\n")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "m.py").write_text("x = 1\n")
    listed = _walk_files(tmp_path)
    assert "a/b/c.py" not in listed.names and "node_modules/m.py" not in listed.names
    names = listed.names
    assert names.index("b.py") < names.index("a/.gitignore") < names.index("c/x.md")
    assert listed.irregular == frozenset({"link.py"})  # from the scan's file types
    wanted = candidate_files(tmp_path, select(), listed)
    assert "link.py" in names and "link.py" not in wanted and "a.py" in wanted
    # A listing from git has no file types: each candidate's own status decides.
    assert candidate_files(tmp_path, select(), Listing(names)) == wanted


def test_load_skips_binaries_and_read_only_files(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("x = 1\n")
    (tmp_path / "bin.py").write_bytes(b"x = 1\0\n")
    (tmp_path / "latin.py").write_bytes("x = 'é'\n".encode("latin-1"))
    (tmp_path / "ro.py").write_text("x = 1\n")
    (tmp_path / "ro.py").chmod(0o444)
    texts, skipped, stamps = load_texts(tmp_path, ["ok.py", "bin.py", "latin.py", "ro.py"])
    assert texts == {"ok.py": "x = 1\n"}
    assert stamps == snapshot.take(tmp_path, ["ok.py"]).stamps
    assert [(s.path, s.reason) for s in skipped] == [
        ("bin.py", "binary or not UTF-8 text"),
        ("latin.py", "binary or not UTF-8 text"),
        ("ro.py", "read-only file"),
    ]


def test_same_size_rewrite_within_one_mtime_tick_is_caught(tmp_path: Path) -> None:
    quoted, old = tmp_path / "quoted.py", tmp_path / "old.py"
    quoted.write_text("x = 'a'\n")
    old.write_text("y = 1\n")
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(old, ns=(hour_ago, hour_ago))
    texts = {"quoted.py": "x = 'a'\n", "old.py": "y = 1\n"}
    before = snapshot.take(tmp_path, sorted(texts))
    mtime = quoted.stat().st_mtime_ns
    quoted.write_text('x = "a"\n')  # what a formatter does: same size
    os.utime(quoted, ns=(mtime, mtime))  # ...and, on a coarse clock, the same mtime
    after = snapshot.take(tmp_path, sorted(texts))
    assert after.stamps == before.stamps
    assert snapshot.moved(before, after) == (set(), {"quoted.py"})
    assert snapshot.changed_files(tmp_path, before, after, texts) == {"quoted.py"}
    old.write_text("y = 2\n")
    later = snapshot.take(tmp_path, sorted(texts))
    assert snapshot.moved(after, later)[0] == {"old.py"}


def test_a_snapshot_reuses_known_stamps_except_for_written_files(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / "b.py").write_text("b = 1\n")
    known = snapshot.Snapshot({"a.py": (1, 2, 3), "b.py": (4, 5, 6)}, 7)
    taken = snapshot.take(tmp_path, ["a.py", "b.py"], known, written={"b.py"})
    assert taken.taken_ns == 7 and taken.stamps["a.py"] == (1, 2, 3)
    assert taken.stamps["b.py"] == snapshot.take(tmp_path, ["b.py"]).stamps["b.py"]


def test_import_lines_are_found_as_finditer_finds_them() -> None:
    text = (
        "import a \\\nimport b\nx = 'import c'\n  from . import (d,\n e)  # import\n"
        "s = '''\nimport f\n'''\rimport g\nfrom h import *\nimportx = 1\nimport"
    )
    for pattern in (_IMPORT, _IMPORT_STATEMENT):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in _line_matches(pattern, text)] == expected
        assert len(expected) >= 4
    assert list(_line_matches(re.compile(r"^import", re.MULTILINE), "no imports here")) == []
