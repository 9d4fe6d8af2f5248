"""Matching request paths to OpenAPI path templates such as ``/repos/{owner}/{repo}``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_PARAM = re.compile(r"\{([^}]+)\}")
# Parameters that GitHub lets carry slashes (``heads/main``, ``src/app.py``).
_SLASHED = frozenset({"ref", "path", "basehead", "branch", "name"})


@dataclass(frozen=True)
class Match:
    """A template that matched a concrete path, with the path parameters it bound."""

    template: str
    params: dict[str, str]


@dataclass(frozen=True)
class _Compiled:
    template: str
    names: tuple[str, ...]
    strict: re.Pattern[str]
    loose: re.Pattern[str] | None
    literal_length: int


def _compile(template: str, *, loose: bool) -> re.Pattern[str] | None:
    parts: list[str] = []
    pos = 0
    slashed = False
    for m in _PARAM.finditer(template):
        parts.append(re.escape(template[pos : m.start()]))
        name = m.group(1)
        if loose and name in _SLASHED:
            parts.append("(.+?)")
            slashed = True
        else:
            parts.append("([^/]+)")
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    if loose and not slashed:
        return None
    return re.compile("^" + "".join(parts) + "$")


class TemplateMatcher:
    """Finds the most specific template for a path: literal segments beat parameters."""

    def __init__(self, templates: Iterable[str]) -> None:
        compiled = [
            _Compiled(
                template=t,
                names=tuple(_PARAM.findall(t)),
                strict=_compile(t, loose=False) or re.compile("^$"),
                loose=_compile(t, loose=True),
                literal_length=len(_PARAM.sub("", t)),
            )
            for t in set(templates)
        ]
        # Most literal characters first, so /pulls/{n}/merge wins over /{path} style catch-alls.
        self._compiled = sorted(compiled, key=lambda c: (-c.literal_length, c.template))

    def match(self, path: str) -> Match | None:
        """The best template for ``path`` (slash-free parameters tried before slashed ones)."""
        for c in self._compiled:
            m = c.strict.match(path)
            if m:
                return Match(c.template, dict(zip(c.names, m.groups(), strict=True)))
        for c in self._compiled:
            if c.loose is None:
                continue
            m = c.loose.match(path)
            if m:
                return Match(c.template, dict(zip(c.names, m.groups(), strict=True)))
        return None
