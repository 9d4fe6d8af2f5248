"""The labelled corpora of real tool output: recall, precision and silence on green logs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.triage import triage_text
from tests.triage.scoring import (
    CI,
    CORPUS,
    LAYOUTS,
    MORE,
    REALWORLD,
    THIRDPARTY,
    TOOLS,
    VERSIONS,
    WILD,
    cases,
    labels,
    report,
    score,
)

CORPORA = {
    "toy": CORPUS,
    "realworld": REALWORLD,
    "thirdparty": THIRDPARTY,
    "versions": VERSIONS,
    "ci": CI,
    "layouts": LAYOUTS,
    "tools": TOOLS,
    "more": MORE,
    "wild": WILD,
}
ALL = [(name, case) for name, corpus in CORPORA.items() for case in cases(corpus)]
#: Least cases, labelled failures and categories per corpus (the third one aims at fault
#: kinds the first two lack, not at every category).
MINIMUMS = {
    "toy": (50, 60, 12),
    "realworld": (50, 60, 11),
    "thirdparty": (30, 45, 8),
    "versions": (45, 60, 11),
    "ci": (20, 24, 6),
    "layouts": (12, 14, 5),
    "tools": (15, 15, 4),
    "more": (12, 10, 4),
    "wild": (306, 354, 12),
}
#: Categories a corpus may label once: "unknown" anywhere; the fifth corpus aims at CI tools,
#: and its Django and mypy cases are one import error and one type error; the sixth aims at
#: where the repository is, not at categories; the seventh at tools beyond Python's checkers;
#: the eighth (small) at other languages' and packagers' tools, with one Go panic.
SINGLE = {name: {"unknown"} for name in CORPORA} | {
    "ci": {"unknown", "import_error", "type_error"},
    "layouts": {"unknown"},
    "tools": {"unknown"},
    "more": {"unknown", "runtime_error"},
}
#: The wild corpus is held to the bar it was built for: precision too at 0.95.
PRECISION = {name: 0.90 for name in CORPORA} | {"wild": 0.95}


def _report(corpus: Path, case: str) -> list[dict[str, object]]:
    return [f.to_dict() for f in triage_text((corpus / f"{case}.log").read_text())]


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_covers_every_category_several_times(name: str) -> None:
    corpus = CORPORA[name]
    counts: dict[object, int] = {}
    for case in cases(corpus):
        for label in labels(case, corpus):
            counts[label["category"]] = counts.get(label["category"], 0) + 1
    least_cases, least_labels, least_categories = MINIMUMS[name]
    assert len(cases(corpus)) >= least_cases
    assert sum(counts.values()) >= least_labels
    assert {c: n for c, n in counts.items() if n < 2 and c not in SINGLE.get(name, set())} == {}
    assert len(counts) >= least_categories
    assert sum(p.stat().st_size for p in corpus.glob("*.*")) < 2_000_000


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_scores_meet_the_bar(name: str) -> None:
    total, misses = report(CORPORA[name])
    detail = "\n".join(misses)
    assert total.expected >= MINIMUMS[name][1], detail
    assert total.category_recall >= 0.95, detail
    assert total.location_recall >= 0.90, detail
    assert total.precision >= PRECISION[name], detail


@pytest.mark.parametrize(("name", "case"), [c for c in ALL if c[1].startswith("green_")])
def test_green_logs_have_no_findings(name: str, case: str) -> None:
    assert _report(CORPORA[name], case) == []


#: Logs of the wild corpus the engine still gets wrong, each with why; the corpus bar above
#: still counts them. Their per-log test is expected to fail, and says so when it passes.
KNOWN_MISSES: dict[str, str] = {
    "timeout_azure_mocha_no_output_20000ms": (
        "the timeout is only in the test's own message (not enough output data received after"
        " 20000 ms); Azure's logissue line names the file but not the kind of failure"
    ),
}


def _per_case(name: str, case: str) -> object:
    if name == "wild" and case in KNOWN_MISSES:
        return pytest.param(
            name, case, marks=pytest.mark.xfail(reason=KNOWN_MISSES[case], strict=True)
        )
    return (name, case)


@pytest.mark.parametrize(("name", "case"), [_per_case(*c) for c in ALL])
def test_each_labelled_failure_is_found_with_its_category(name: str, case: str) -> None:
    corpus = CORPORA[name]
    result = score(labels(case, corpus), _report(corpus, case))
    assert result.category_hits == result.expected, case
