"""Reading the failed head without a clone: the tarball is extracted with every guard."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from bot.github.source import SourceLimits, SourceRefused, extract_tarball

TOP = "octo-org-shop-abc1234"


def archive(*members: tuple[str, str | bytes | None, str | None]) -> io.BytesIO:
    """A gzipped tarball of ``(name, content or None for a folder, link target)``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content, link in members:
            info = tarfile.TarInfo(name)
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link
                tar.addfile(info)
            elif content is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                data = content.encode() if isinstance(content, str) else content
                info.size, info.mode = len(data), 0o755 if name.endswith(".sh") else 0o644
                tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


def test_the_top_folder_is_dropped_and_modes_kept(tmp_path: Path) -> None:
    tree = extract_tarball(
        archive(
            (TOP, None, None),
            (f"{TOP}/src/a.py", "x = 1\n", None),
            (f"{TOP}/run.sh", "echo\n", None),
            (f"{TOP}/inside", None, "src/a.py"),
        ),
        tmp_path,
    )
    assert (tmp_path / "src/a.py").read_text() == "x = 1\n"
    assert (tree.files, tree.executable) == (2, frozenset({"run.sh"}))
    assert tree.skipped == (("inside", "a link: links are not fixed"),)
    assert not (tmp_path / "inside").exists()


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        (("/etc/passwd", "x", None), "absolute path: /etc/passwd"),
        ((f"{TOP}/../escape.py", "x", None), "a path leaving the tree"),
        ((f"{TOP}/link", None, "../../etc/passwd"), "a link leaving the tree: link -> ../../etc"),
        ((f"{TOP}/abs", None, "/etc/passwd"), "a link leaving the tree: abs -> /etc/passwd"),
    ],
)
def test_hostile_members_refuse_the_archive(
    tmp_path: Path, member: tuple[str, str | None, str | None], reason: str
) -> None:
    with pytest.raises(SourceRefused, match=reason.replace(".", r"\.")):
        extract_tarball(archive((f"{TOP}/ok.py", "x\n", None), member), tmp_path / "t")
    assert not (tmp_path.parent / "escape.py").exists()


def test_caps_on_files_and_size(tmp_path: Path) -> None:
    many = archive(*[(f"{TOP}/f{n}.py", "x\n", None) for n in range(5)])
    with pytest.raises(SourceRefused, match="more than 3 files"):
        extract_tarball(many, tmp_path / "a", SourceLimits(max_files=3))
    big = archive((f"{TOP}/big.py", "x" * 4096, None))
    with pytest.raises(SourceRefused, match="larger than"):
        extract_tarball(big, tmp_path / "b", SourceLimits(max_tree_bytes=1024))
    one = extract_tarball(
        archive((f"{TOP}/big.py", "x" * 4096, None), (f"{TOP}/s.py", "y\n", None)),
        tmp_path / "c",
        SourceLimits(max_file_bytes=1024),
    )
    assert ("big.py", "larger than 0 MB") in one.skipped and (tmp_path / "c/s.py").exists()


def test_a_file_twice_or_garbage_is_refused(tmp_path: Path) -> None:
    twice = archive((f"{TOP}/a.py", "1\n", None), (f"{TOP}/a.py", "2\n", None))
    with pytest.raises(SourceRefused, match="twice"):
        extract_tarball(twice, tmp_path / "a")
    with pytest.raises(SourceRefused, match="cannot be read"):
        extract_tarball(io.BytesIO(b"not a tarball"), tmp_path / "b")
