"""Regenerates the triage corpora: ``python -m testdata.corpora --list`` or ``... NAME``."""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

from testdata.corpora.corpus import Corpus
from testdata.corpora.runner import ROOT

#: The corpora in the order they were made; each module defines ``CORPUS``.
NAMES = ("toy", "realworld", "thirdparty", "versions", "ci", "layouts", "tools", "more")

DESCRIPTION = """\
Regenerate a triage corpus: run the real tools on projects with injected faults and write
<case>.log and <case>.expected.json into the corpus's folder of testdata/triage. Labels come
from the injected faults, never from the triage engine. Run it with the project's venv
(.venv/bin/python), which has the pinned tools and uv; some corpora download pinned sdists
(pip), npm packages or Debian packages once into $TMPDIR.
"""


def corpora() -> dict[str, Corpus]:
    """Every corpus, by name."""
    found = {}
    for name in NAMES:
        corpus = importlib.import_module(f"testdata.corpora.{name}").CORPUS
        found[corpus.name] = corpus
    return found


def parser(names: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m testdata.corpora",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples: python -m testdata.corpora --list; "
        "python -m testdata.corpora layouts -k subdir",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"corpora: {', '.join(names)}")
    parser.add_argument("--list", action="store_true", help="list the corpora and exit")
    parser.add_argument("-k", dest="only", metavar="TEXT", help="only cases whose name has TEXT")
    parser.add_argument(
        "--out", type=Path, help="write here instead of the corpus's folder (one NAME only)"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "sdists",
        help="where pinned sdists are downloaded once (default: $TMPDIR/sdists)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    known = corpora()
    args = parser(list(known)).parse_args(argv)
    if args.list:
        for corpus in known.values():
            folder = f"{corpus.out.relative_to(ROOT)}/"
            print(f"{corpus.name:<11}{len(corpus.cases):>3} cases  {folder:<29}{corpus.summary}")
        return 0
    unknown = [name for name in args.names if name not in known]
    if not args.names or unknown:
        what = f"unknown corpus: {', '.join(unknown)}" if unknown else "name a corpus"
        print(f"{what} (--list shows them)", file=sys.stderr)
        return 2
    if args.out and len(args.names) > 1:
        print("--out goes with one corpus", file=sys.stderr)
        return 2
    for name in args.names:
        corpus = known[name]
        count = corpus.generate(args.out or corpus.out, args.cache, args.only)
        print(f"{name}: {count} case(s) written to {args.out or corpus.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
