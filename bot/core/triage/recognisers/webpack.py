"""Bundlers: webpack's, create-react-app's and vite's (rollup's) unresolvable imports.

webpack prints ``ERROR in ./src/index.js 3:0-22`` and then ``Module not found: Error: Can't
resolve './foo' in '/app/src'`` (webpack 4 and 5); create-react-app's ``Failed to compile.``
names the file on a line of its own, then ``Module not found: Can't resolve …`` or, for
TypeScript, ``Cannot find module: 'x'. Make sure this package is installed.``. Each is
``import_error`` at the importing file (and line, when webpack gives it). vite and rollup
print ``Could not resolve "./format.js" from "src/main.js"`` (``[vite]: Rollup failed to
resolve import "dayjs" from "/app/src/main.js".`` for a package), and a file that does not
parse as ``[vite:build-import-analysis] … src/main.js (1:0): Failed to parse source …``
(``syntax_error`` at that line).
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
_ROLLUP_RESOLVE = re.compile(
    r'(?:Rollup failed to resolve import|Could not resolve) "[^"]+" from "(?P<path>[^"]+)"'
)
#: ``[vite:build-import-analysis] [plugin …] src/main.js (1:0): Failed to parse source …``.
_ROLLUP_PARSE = re.compile(
    r"^(?:\[[\w:-]+(?: [\w:-]+)?\] )+(?P<path>[^\s()]+\.\w+) \((?P<line>\d+):\d+\): "
    r"(?P<msg>.*(?:[Ff]ailed to parse|[Uu]nexpected token|[Ss]yntax).*)$"
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
        b'failed to resolve import "',
        b'could not resolve "',
        b"): failed to parse source",
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
        if '" from "' in line:
            rollup = _ROLLUP_RESOLVE.search(line)
            if rollup is not None:
                return self._found(Category.IMPORT_ERROR, lineno, line, rollup["path"], None)
        if line.startswith("[") and "): " in line:
            parse = _ROLLUP_PARSE.match(line)
            if parse is not None:
                place, number = parse["path"], int(parse["line"])
                return self._found(Category.SYNTAX_ERROR, lineno, parse["msg"], place, number)
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
        return self._found(Category.IMPORT_ERROR, lineno, line, path, at)

    @staticmethod
    def _found(
        category: Category, lineno: int, message: str, path: str | None, line: int | None
    ) -> Sequence[Finding]:
        return (
            Finding(
                category=category,
                message=message.strip()[:300],
                tool="webpack",
                lineno=lineno,
                path=path,
                line=line,
            ),
        )
