"""Which files a tool rewrote, from file status before and after, reading only when unsure."""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.fixer.files import Stamp, read_texts

#: A rewrite of the same size soon after a file's last write may keep its mtime (clocks
#: tick coarsely; some filesystems keep whole seconds): files written this recently before
#: a snapshot are compared by content instead.
UNSURE_NS = 3_000_000_000


@dataclass(frozen=True)
class Snapshot:
    """The status of some files, and the clock when it was taken."""

    stamps: Mapping[str, Stamp]
    taken_ns: int


def take(
    root: Path, names: Iterable[str], known: Snapshot | None = None, written: Collection[str] = ()
) -> Snapshot:
    """Status of each file under ``root`` (one stat each, no reading).

    With ``known`` (taken earlier, e.g. as the files were read), its stamps are kept for the
    files it holds that are not in ``written`` (untouched since), and the snapshot counts as
    taken at its time, which only makes more files ``recent``.
    """
    taken_ns = time.time_ns() if known is None else known.taken_ns
    base = os.path.join(root, "")
    stamps: dict[str, Stamp] = {}
    for rel in names:
        stamp = None if known is None or rel in written else known.stamps.get(rel)
        if stamp is None:
            status = os.stat(base + rel)
            stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        stamps[rel] = stamp
    return Snapshot(stamps, taken_ns)


def recent(snapshot: Snapshot) -> set[str]:
    """Files whose last write is too close to the snapshot for status alone to show a change."""
    limit = snapshot.taken_ns - UNSURE_NS
    return {rel for rel, stamp in snapshot.stamps.items() if stamp[0] >= limit}


def moved(before: Snapshot, after: Snapshot) -> tuple[set[str], set[str]]:
    """(files whose status changed, files whose unchanged status proves nothing)."""
    changed = {rel for rel, stamp in before.stamps.items() if after.stamps[rel] != stamp}
    return changed, recent(before) - changed


def changed_files(
    root: Path, before: Snapshot, after: Snapshot, texts: Mapping[str, str]
) -> set[str]:
    """Files rewritten between two snapshots; ``texts`` has the text at ``before`` of each
    recently written file (see ``recent``), which is read again and compared."""
    changed, unsure = moved(before, after)
    now = read_texts(root, sorted(unsure))
    return changed | {rel for rel in unsure if now.get(rel) != texts[rel]}
