"""Paths come out relative to the repository root, or null."""

from __future__ import annotations

import pytest

from bot.core.triage.paths import PathResolver, in_repository


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/home/runner/work/app/app/src/app/x.py", "src/app/x.py"),
        ("D:\\a\\app\\app\\src\\x.py", "src/x.py"),
        ("/__w/app/app/tests/t.py", "tests/t.py"),
        ("./calc/core.py", "calc/core.py"),
        ("/tmp/tmpab12/calc/core.py", "calc/core.py"),
        ("/opt/hostedtoolcache/Python/3.12/x64/lib/python3.12/site-packages/pkg/m.py", "pkg/m.py"),
        ("/srv/ci/checkout/tests/test_a.py", "tests/test_a.py"),
        ("/usr/share/thing.txt", None),
        ("<frozen runpy>", None),
        (None, None),
    ],
)
def test_resolve(raw: str | None, expected: str | None) -> None:
    assert PathResolver().resolve(raw) == expected


def test_explicit_and_learned_roots_win() -> None:
    assert PathResolver("/work/repo").resolve("/work/repo/lib/a.py") == "lib/a.py"
    assert PathResolver(None, ["/data/x"]).resolve("/data/x/lib/a.py") == "lib/a.py"


def test_suffix_of_a_relative_path_seen_elsewhere() -> None:
    resolver = PathResolver()
    resolver.remember("pkg/mod.py")
    assert resolver.resolve("/home/dev/proj/pkg/mod.py") == "pkg/mod.py"


def test_in_repository() -> None:
    assert in_repository("/home/runner/work/a/a/src/m.py")
    assert not in_repository("/x/.venv/lib/python3.12/site-packages/m.py")
    assert not in_repository("<frozen importlib._bootstrap>")
