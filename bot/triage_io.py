"""Reads triage inputs: log files, gzip files, stdin and the zip of a whole run's logs."""

from __future__ import annotations

import gzip
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO

from bot.errors import InputError

CHUNK = 4 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def zip_members(archive: zipfile.ZipFile) -> list[str]:
    """The job logs of a run's archive, in order.

    GitHub's archive holds one ``N_job.txt`` per job at the top and the same text again split
    into ``job/N_step.txt``; the top-level files are read when present, else every step file.
    """
    names = [i.filename for i in archive.infolist() if not i.is_dir()]
    logs = [n for n in names if n.endswith(".txt") and not n.endswith("system.txt")]
    top = [n for n in logs if "/" not in n]
    return sorted(top or logs or names)


def _zip_inputs(source: str | BinaryIO, label: str) -> Iterator[tuple[str, Iterator[bytes]]]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{label}: not a readable zip archive ({exc})") from exc
    with archive:
        for name in zip_members(archive):
            try:
                with archive.open(name) as member:
                    yield f"{label}:{name}", _chunks(member)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise InputError(f"{label}: cannot read {name} ({exc})") from exc


def _stdin_inputs(stdin: BinaryIO) -> Iterator[tuple[str, Iterator[bytes]]]:
    head = stdin.read(4)
    if head.startswith(_ZIP_MAGIC):
        with tempfile.TemporaryFile() as spool:  # a zip needs seeking: spool it to disk
            spool.write(head)
            shutil.copyfileobj(stdin, spool, CHUNK)
            spool.seek(0)
            yield from _zip_inputs(spool, "<stdin>")
        return
    yield "<stdin>", _prepend(head, _chunks(stdin))


def _prepend(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from rest


def _file_inputs(path: Path) -> Iterator[tuple[str, Iterator[bytes]]]:
    label = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            if head.startswith(_ZIP_MAGIC) or path.suffix == ".zip":
                yield from _zip_inputs(handle, label)
            elif head.startswith(_GZIP_MAGIC):
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    yield label, _chunks(unzipped)  # type: ignore[arg-type]
            else:
                yield label, _chunks(handle)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{label}: cannot read ({exc})") from exc


def open_inputs(
    paths: Sequence[str], stdin: BinaryIO | None = None
) -> Iterator[tuple[str, Iterator[bytes]]]:
    """``(label, byte chunks)`` per log; every path is checked before the first is read."""
    for raw in paths:
        if raw != "-":
            path = Path(raw)
            if not path.is_file():
                reason = "is a directory" if path.is_dir() else "no such file"
                raise InputError(f"{raw}: {reason}")
    for raw in paths:
        if raw == "-":
            if stdin is None:
                raise InputError("-: no standard input")
            yield from _stdin_inputs(stdin)
        else:
            yield from _file_inputs(Path(raw))
