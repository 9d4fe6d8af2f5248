"""Scores triage output against labelled failures: category recall, file:line recall, precision."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "testdata" / "triage"
#: Real tool output on real PyPI projects (testdata/corpora/realworld.py).
REALWORLD = CORPUS / "realworld"
#: Other projects, fault kinds and tools (testdata/corpora/thirdparty.py).
THIRDPARTY = CORPUS / "thirdparty"
#: Older and newer tool releases, Python 3.12/3.13, jest, tsc, cargo (testdata/corpora/versions.py).
VERSIONS = CORPUS / "versions"
#: pre-commit, coverage gates, Django, tox, pytest plugins, whole job logs (corpora/ci.py).
CI = CORPUS / "ci"
#: A monorepo at the runner's path, tools run in subfolders (corpora/layouts.py).
LAYOUTS = CORPUS / "layouts"
#: make, sphinx, codespell, yamllint, markdownlint, bandit, pip check, twine (corpora/tools.py).
TOOLS = CORPUS / "tools"
#: Eighth: go test, pyright from npm, poetry, a C extension build and nose2.
MORE = CORPUS / "more"
#: Ninth: logs from the wild (real pastes from public issues, real tools in other CI systems'
#: shapes), labelled by reading the log; sources in wild/SOURCES (testdata/corpora/wild.py).
WILD = CORPUS / "wild"


@dataclass
class Score:
    expected: int = 0
    reported: int = 0
    category_hits: int = 0
    located: int = 0
    location_hits: int = 0
    matched_reported: int = 0

    def add(self, other: Score) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def category_recall(self) -> float:
        return self.category_hits / self.expected if self.expected else 1.0

    @property
    def location_recall(self) -> float:
        return self.location_hits / self.located if self.located else 1.0

    @property
    def precision(self) -> float:
        return self.matched_reported / self.reported if self.reported else 1.0


def _affinity(expected: dict[str, object], reported: dict[str, object]) -> int:
    same_category = expected["category"] == reported["category"]
    same_file = expected["file"] is not None and expected["file"] == reported["file"]
    same_line = same_file and expected["line"] in (None, reported["line"])
    return 4 * same_category + 2 * same_file + same_line


def score(expected: list[dict[str, object]], reported: list[dict[str, object]]) -> Score:
    """Pair each label with its best unused report, then count what agrees."""
    result = Score(expected=len(expected), reported=len(reported))
    free = list(range(len(reported)))
    for label in expected:
        if label["file"] is not None:
            result.located += 1
        best = max(free, key=lambda i: _affinity(label, reported[i]), default=None)
        if best is None or _affinity(label, reported[best]) < 2:
            continue
        found = reported[best]
        free.remove(best)
        if found["category"] == label["category"]:
            result.category_hits += 1
            result.matched_reported += 1
        if label["file"] is not None and _affinity(label, found) % 4 == 3:
            result.location_hits += 1
    return result


def cases(corpus: Path = CORPUS) -> list[str]:
    return sorted(p.name.removesuffix(".log") for p in corpus.glob("*.log"))


def labels(case: str, corpus: Path = CORPUS) -> list[dict[str, object]]:
    data = json.loads((corpus / f"{case}.expected.json").read_text())
    failures: list[dict[str, object]] = data["failures"]
    return failures


def report(corpus: Path) -> tuple[Score, list[str]]:
    """The engine's score on one corpus folder, and a line for each log it did not get right."""
    from bot.core.triage import triage_text

    total = Score()
    misses: list[str] = []
    for case in cases(corpus):
        found = [f.to_dict() for f in triage_text((corpus / f"{case}.log").read_text())]
        result = score(labels(case, corpus), found)
        total.add(result)
        if (result.category_hits, result.location_hits, result.matched_reported) != (
            result.expected,
            result.located,
            result.reported,
        ):
            places = [(f["category"], f["file"], f["line"]) for f in found]
            misses.append(f"{case}: {result} reported {places}")
    return total, misses


if __name__ == "__main__":  # python -m tests.triage.scoring FOLDER [FOLDER ...]
    import sys

    for folder in sys.argv[1:] or [str(WILD)]:
        total, misses = report(Path(folder))
        if misses:
            print(*misses, sep="\n")
        print(
            f"{folder}: {len(cases(Path(folder)))} logs, {total.expected} labels: recall "
            f"{total.category_recall:.2f}, file:line {total.location_recall:.2f}, "
            f"precision {total.precision:.2f}"
        )
