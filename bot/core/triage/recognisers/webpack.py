"""Bundlers: webpack's and create-react-app's unresolvable imports.

webpack prints ``ERROR in ./src/index.js 3:0-22`` and then ``Module not found: Error: Can't
resolve './foo' in '/app/src'`` (webpack 4 and 5); create-react-app's ``Failed to compile.``
names the file on a line of its own, then ``Module not found: Can't resolve …`` or, for
TypeScript, ``Cannot find module: 'x'. Make sure this package is installed.``. Each is
``import_error`` at the importing file (and line, when webpack gives it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: The importing file: ``ERROR in ./src/index.js 3:0-22`` or create-react-app's ``./src/a.tsx``.
_FILE = re.compile(
    r"^(?:ERROR in )?(?P<path>\.{0,2}/[^\s:]+\.(?:[cm]?[jt]sx?|vue|svelte|s?css|less))"
    r"(?: (?P<line>\d+):\d+(?:-\d+)?)?$"
)
_MISSING = re.compile(
    r"^(?:Module not found: (?:Error: )?Can't resolve '(?P<resolve>[^']+)'"
    r"(?: in '(?P<dir>[^']+)')?|Cannot find module: '(?P<module>[^']+)'\.)"
)
#: Lines from the file's line to the message.
_GAP = 3


class WebpackRecogniser(Recogniser):
    """An unresolvable import, at the file that imports it."""

    name: ClassVar[str] = "webpack"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"module not found: ",
        b"cannot find module: '",
        b"error in ./",
    )
    reads_before: ClassVar[bool] = True

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._file: tuple[int, str, int | None] | None = None

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if "/" in line[:12]:
            found = _FILE.match(line)
            if found is not None:
                number = int(found["line"]) if found["line"] else None
                self._file = (lineno, found["path"], number)
                return NONE
        if not line.startswith(("Module not found: ", "Cannot find module: ")):
            return NONE
        missing = _MISSING.match(line)
        if missing is None:
            return NONE
        path: str | None = None
        at: int | None = None
        if self._file is not None and lineno - self._file[0] <= _GAP:
            _, path, at = self._file
            folder = missing["dir"]
            if folder and folder.startswith("/") and path.startswith("./"):
                # webpack names the importing file's folder: the file's place in the checkout.
                path = f"{folder.rstrip('/')}/{path.rsplit('/', 1)[-1]}"
        self._file = None
        return (
            Finding(
                category=Category.IMPORT_ERROR,
                message=line.strip()[:300],
                tool="webpack",
                lineno=lineno,
                path=path,
                line=at,
            ),
        )
