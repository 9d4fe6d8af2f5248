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
        ("/opt/hostedtoolcache/Python/3.12/x64/lib/python3.12/site-packages/pkg/m.py", None),
        ("/srv/ci/checkout/tests/test_a.py", "tests/test_a.py"),
        ("/usr/share/thing.txt", None),
        ("/home/runner/work/app/app/.venv/lib/python3.11/site-packages/app/m.py", None),
        ("/home/runner/work/app/app/venv/lib/python3.11/site-packages/app/m.py", None),
        ("/home/runner/work/app/app/.tox/py311/lib/python3.11/site-packages/app/m.py", None),
        ("/home/runner/work/app/app/.nox/tests/lib/python3.11/site-packages/app/m.py", None),
        (".venv/lib/python3.11/site-packages/app/m.py", None),
        ("<frozen runpy>", None),
        ("/home/ncopa/aports/testing/py3-foo/src/foo-0.5/foo.py", "foo.py"),
        ("/root/project/src/app/x.py", "src/app/x.py"),
        ("/root/go/pkg/mod/example.com/m@v1.0.0/x.go", None),
        ("/root/.cache/pre-commit/repo/x.py", None),
        ("/app/mypkg/views.py", "mypkg/views.py"),
        ("/usr/src/app/lib/a.py", "lib/a.py"),
        ("/app/.venv/lib/python3.12/site-packages/django/x.py", None),
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


MONO = "/home/runner/work/mono/mono"


def test_relative_paths_of_a_tool_run_in_a_subfolder_join_it() -> None:
    resolver = PathResolver(None, [f"{MONO}/packages/foo"])
    assert resolver.resolve("tests/test_x.py") == "packages/foo/tests/test_x.py"
    assert resolver.resolve(f"{MONO}/packages/foo/src/m.py") == "packages/foo/src/m.py"
    # ruff run from the root prints paths already relative to it.
    assert resolver.resolve("packages/bar/m.py") == "packages/bar/m.py"


def test_an_absolute_path_ending_with_a_relative_one_names_the_subfolder() -> None:
    resolver = PathResolver()
    resolver.remember("src/foo/mod.py")
    resolver.learn(f"{MONO}/services/api/src/foo/mod.py")
    assert resolver.resolve("src/foo/mod.py") == "services/api/src/foo/mod.py"
    assert resolver.resolve("tests/test_a.py") == "services/api/tests/test_a.py"


def test_a_subfolder_of_a_checkout_in_roots_home() -> None:
    # ``cd python && tox`` inside a container that cloned the project into /root/ngraph.
    resolver = PathResolver(None, ["/root/ngraph/python"])
    assert resolver.resolve("test/test_ops.py") == "python/test/test_ops.py"


def test_the_subfolder_is_relative_to_an_explicit_root() -> None:
    resolver = PathResolver("/work/repo", ["/work/repo/services/api"])
    assert resolver.resolve("api/handlers.py") == "services/api/api/handlers.py"
    assert resolver.resolve("/work/repo/services/api/api/x.py") == "services/api/api/x.py"


@pytest.mark.parametrize(
    "learned",
    [[], [MONO], [f"{MONO}/packages/foo", f"{MONO}/services/api"], [f"{MONO}/packages/foo", MONO]],
)
def test_without_one_subfolder_relative_paths_stay_as_printed(learned: list[str]) -> None:
    assert PathResolver(None, learned).resolve("api/handlers.py") == "api/handlers.py"


def test_a_root_outside_the_checkout_stays_a_root() -> None:
    resolver = PathResolver(None, ["/tmp/x/pluggy"])
    assert resolver.resolve("/tmp/x/pluggy/src/pluggy/_hooks.py") == "src/pluggy/_hooks.py"
    assert resolver.resolve("testing/test_x.py") == "testing/test_x.py"
