"""The labelled corpus of real tool output: recall, precision and silence on green logs."""

from __future__ import annotations

import pytest

from bot.core.triage import triage_text
from tests.triage.scoring import CORPUS, Score, cases, labels, score

CASES = cases()


def _report(case: str) -> list[dict[str, object]]:
    return [f.to_dict() for f in triage_text((CORPUS / f"{case}.log").read_text())]


def test_corpus_covers_every_category_several_times() -> None:
    counts: dict[object, int] = {}
    for case in CASES:
        for label in labels(case):
            counts[label["category"]] = counts.get(label["category"], 0) + 1
    assert len(CASES) >= 50
    assert {c: n for c, n in counts.items() if n < 2} == {}
    assert len(counts) == 12
    assert sum((CORPUS / f"{c}.log").stat().st_size for c in CASES) < 2_000_000


def test_corpus_scores_meet_the_bar() -> None:
    total = Score()
    for case in CASES:
        total.add(score(labels(case), _report(case)))
    assert total.expected >= 60
    assert total.category_recall >= 0.95
    assert total.location_recall >= 0.90
    assert total.precision >= 0.90


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("green_")])
def test_green_logs_have_no_findings(case: str) -> None:
    assert _report(case) == []


@pytest.mark.parametrize("case", CASES)
def test_each_labelled_failure_is_found_with_its_category(case: str) -> None:
    result = score(labels(case), _report(case))
    assert result.category_hits == result.expected, case
