"""Turns the paths tools print into paths relative to the repository root, or None."""

from __future__ import annotations

import re
from collections.abc import Iterable

_RUNNER = re.compile(
    r"^(?:/home/runner/work/[^/]+/[^/]+/|/Users/runner/work/[^/]+/[^/]+/"
    r"|[A-Za-z]:/a/[^/]+/[^/]+/|/__w/[^/]+/[^/]+/|/github/workspace/"
    # Jenkins, GitLab, Travis, CircleCI, Azure Pipelines, Buildkite, Drone, Buildbot, and the
    # build directories of rpmbuild (Koji, OBS, mock) and abuild.
    r"|(?:/[^/\s]+)*?/workspace/[^/]+/|/builds/[^/]+/[^/]+/|/home/travis/build/[^/]+/[^/]+/"
    r"|/home/circleci/(?:project|repo)/|/home/vsts/work/\d+/s/|[A-Za-z]:/a/\d+/s/"
    r"|/var/lib/buildkite-agent/builds/[^/]+/[^/]+/[^/]+/|/drone/src/"
    r"|/home/buildbot/(?:slave|worker)/[^/]+/build/"
    r"|(?:/builddir/build|/home/abuild/rpmbuild|(?:/[^/\s]+)*?/rpmbuild)/BUILD/[^/]+/"
    # Alpine's abuild unpacks the sources as ``aports/<repo>/<package>/src/<name>-<version>/``.
    r"|(?:/[^/\s]+)*?/aports/[^/]+/[^/]+/src/[^/]+/"
    # A container's checkout in root's home (``/root/project/``, CircleCI's as root), not a
    # hidden folder, Go's module cache or a conda install.
    r"|/root/(?!(?:go|(?:mini|ana)conda\d*|miniforge\d*|mambaforge)/)[^/.][^/]*/"
    # A container's usual working directories (``WORKDIR /app``, ``/usr/src/app``, ``/code``).
    r"|/(?:usr/src/)?app/|/code/)"
)
_TEMP = re.compile(
    r"^(?:/tmp|/var/tmp|/private/tmp|(?:/private)?/var/folders/[^/]+/[^/]+/T"
    r"|[A-Za-z]:/Users/[^/]+/AppData/Local/Temp)/[^/]+/"
)
#: Under a temporary directory, ``<name>/<name>/`` or ``<name>/src/<name>/`` is a checkout
#: named after its package (flat or src layout): the first ``<name>/`` is the root.
_NAMED_CHECKOUT = re.compile(r"^(?P<name>[^/]+)/(?=(?:src/)?(?P=name)/)")
_SITE = re.compile(r"/(?:site|dist)-packages/")
#: Markers of a file that belongs to Python, a virtualenv or the runner, not to the repository.
_OUTSIDE = (
    "site-packages/",
    "dist-packages/",
    "/lib/python",
    "/lib64/python",
    "/usr/lib/",
    "/usr/local/lib/",
    ".pyenv/",
    "hostedtoolcache/",
    "/.venv/",
    "/venv/",
    "/.tox/",
    "/.nox/",
)
#: Folders of a checkout that hold a virtualenv or an installed package, not the project's files.
_VIRTUALENVS = ("/.venv/", "/venv/", "/.tox/", "/.nox/", "/site-packages/", "/dist-packages/")
#: Top-level folders that usually sit right under a repository root (a CI script's too).
_ANCHORS = ("/tests/", "/test/", "/src/", "/testing/", "/ci/", "/scripts/", "/tools/")
#: A checkout in a developer's own folder: ``/home/me/git/project/``, ``/Users/me/src/app/``.
_USER_CHECKOUT = re.compile(
    r"^/(?:home|Users)/[^/]+/(?:[^/]+/)*?(?:git|src|repos?|projects?|code|work|dev|workspace"
    r"|sources?)/[^/]+/"
)
_MAX_SEEN = 4096


def normalise(raw: str) -> str:
    """Forward slashes, no quotes, no leading ``./``."""
    path = raw.strip().strip("'\"").replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def is_absolute(path: str) -> bool:
    return path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] == "/")


def in_repository(raw: str) -> bool:
    """Heuristic: does this frame's file belong to the project rather than Python or a venv?"""
    path = normalise(raw)
    if not path or path.startswith("<") or path == "???":
        return False
    return not any(marker in path for marker in _OUTSIDE)


class PathResolver:
    """Resolves printed paths against the known root, learned roots and paths seen relative."""

    def __init__(self, root: str | None = None, learned: Iterable[str] = ()) -> None:
        self._root = normalise(root).rstrip("/") + "/" if root else None
        self._roots: list[str] = [self._root] if self._root else []
        #: Folders of the checkout a tool ran in (``rootdir:`` of ``cd packages/foo && pytest``);
        #: ``""`` is the checkout itself.
        self._folders: set[str] = set()
        self._seen: dict[str, set[str]] = {}
        for other in learned:
            if other:
                self._add_root(normalise(other).rstrip("/") + "/")

    def _add_root(self, root: str) -> None:
        """A directory a tool's relative paths start from: inside the checkout (the explicit
        root or the runner's) it is a folder of the repository, elsewhere a root of its own."""
        base = self._root or _runner_root(root)
        if base and root.startswith(base):
            self._folders.add(root[len(base) :])
        elif root not in self._roots:
            self._roots.append(root)
            self._roots.sort(key=len, reverse=True)

    def _from_folder(self, path: str) -> str | None:
        """A relative path printed by a tool that ran in the one folder the log names, made
        relative to the checkout; a path already under that folder's top level is left."""
        if _in_virtualenv(path):
            return None
        if len(self._folders) != 1:
            return path
        folder = next(iter(self._folders))
        if not folder or path.startswith(folder.split("/", 1)[0] + "/"):
            return path
        return folder + path

    def remember(self, raw: str) -> None:
        """Note a relative path a tool printed: absolute paths ending with it share its root."""
        path = normalise(raw)
        if path and not is_absolute(path) and not path.startswith("../"):
            names = self._seen.setdefault(path.rsplit("/", 1)[-1], set())
            if len(names) < _MAX_SEEN:
                names.add(path)

    def _relative_seen(self, path: str) -> str | None:
        for seen in self._seen.get(path.rsplit("/", 1)[-1], ()):
            if path.endswith("/" + seen):
                return seen
        return None

    def learn(self, raw: str) -> None:
        """An absolute path that ends with a relative one printed elsewhere (pytest's node id
        beside a ``--tb=native`` frame) gives the checkout root for every other path too."""
        path = normalise(raw)
        if not is_absolute(path) or not in_repository(path):
            return
        if any(path.startswith(root) for root in self._roots):
            return
        seen = self._relative_seen(path)
        if seen is not None:
            self._add_root(path[: -len(seen)])

    def resolve(self, raw: str | None) -> str | None:
        """The repository-relative form of ``raw``, or None when it lies outside."""
        if not raw:
            return None
        path = normalise(raw)
        if not path or path.startswith("<"):
            return None
        if not is_absolute(path):
            return None if path.startswith("../") else self._from_folder(path)
        for base in (self._root, _runner_root(path)):
            if base and path.startswith(base):
                rest = path[len(base) :]
                return None if _in_virtualenv(rest) else rest
        for root in self._roots:
            if path.startswith(root):
                return path[len(root) :]
        if _SITE.search(path):
            return None
        seen = self._relative_seen(path)
        if seen is not None:
            return self._from_folder(seen)
        temp = _TEMP.match(path)
        if temp:
            rest = path[temp.end() :]
            named = _NAMED_CHECKOUT.match(rest)
            return rest[named.end() :] if named else rest
        for anchor in _ANCHORS:
            at = path.find(anchor)
            if at != -1:
                return path[at + 1 :]
        checkout = _USER_CHECKOUT.match(path)
        return path[checkout.end() :] if checkout else None


def _runner_root(path: str) -> str | None:
    """The runner's checkout directory ``path`` lies in, if any."""
    runner = _RUNNER.match(path)
    return runner.group() if runner else None


def _in_virtualenv(relative: str) -> bool:
    """Is this checkout-relative path inside a virtualenv or an installed package?"""
    return any(folder in "/" + relative for folder in _VIRTUALENVS)


def module_root(path: str, dotted: str) -> str | None:
    """The directory a dotted module name (``tests.test_x.Case.test_y``) is relative to, when
    ``path`` is that module's file: unittest names tests by module, tracebacks print files."""
    path = normalise(path)
    parts = dotted.split(".")
    for end in range(len(parts) - 1, 0, -1):
        tail = "/" + "/".join(parts[:end]) + ".py"
        if path.endswith(tail):
            return path[: -len(tail) + 1]
    return None
