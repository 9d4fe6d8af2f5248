"""Maps exception names and tool rule codes to failure categories, in one place."""

from __future__ import annotations

import re

from bot.core.triage.model import Category

#: A Python exception line: ``KeyError: 3``, ``pkg.errors.Boom: no``, ``Failed: Timeout``, and
#: the socket module's lowercase classes before 3.10 (``socket.timeout: timed out``).
EXCEPTION_LINE = re.compile(
    r"^(?P<name>socket\.(?:timeout|gaierror|herror|error)|(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Failure|Warning|Group)"
    r"|Exception|BaseException|Failed|StopIteration|StopAsyncIteration|GeneratorExit|KeyboardInterrupt|SystemExit"
    r"|TimeoutExpired|Timeout|DidNotRaise|CalledProcessError))(?::\s*(?P<message>.*))?$"
)

_BY_NAME: dict[str, Category] = {
    "AssertionError": Category.ASSERTION,
    "Failed": Category.ASSERTION,
    "DocTestFailure": Category.ASSERTION,
    "TypeError": Category.TYPE_ERROR,
    "AttributeError": Category.TYPE_ERROR,
    "ImportError": Category.IMPORT_ERROR,
    "ModuleNotFoundError": Category.IMPORT_ERROR,
    "SyntaxError": Category.SYNTAX_ERROR,
    "IndentationError": Category.SYNTAX_ERROR,
    "TabError": Category.SYNTAX_ERROR,
    "TimeoutError": Category.TIMEOUT,
    "TimeoutExpired": Category.TIMEOUT,
    "Timeout": Category.TIMEOUT,
}

_DISK_FULL = ("No space left on device", "[Errno 28]", "Disk quota exceeded")
#: urllib3's and requests' network failures: an unreachable or slow server, not the code.
_NETWORK_NAMES = frozenset(
    {
        "ReadTimeoutError",
        "ConnectTimeoutError",
        "NewConnectionError",
        "MaxRetryError",
        "ProxyError",
        "timeout",  # socket.timeout
        "gaierror",  # socket.gaierror: the host name did not resolve
    }
)
_NETWORK = (
    "HTTPSConnectionPool(",
    "HTTPConnectionPool(",
    "Read timed out",
    "Temporary failure in name resolution",
    "Name or service not known",
)
#: pytest-timeout's message starts ``Timeout (>1.0s) from pytest-timeout`` (``Timeout >1.0s``
#: before 2.0); quoted later in a message (a pytester pattern), it is not this test's timeout.
_TIMED_OUT = ("Timeout (>", "Timeout >", "Timeout from pytest-timeout")
#: Lint rule codes whose finding is really a syntax error (flake8, pylint, ruff).
SYNTAX_RULES = frozenset({"E999", "E0001", "invalid-syntax", "SyntaxError"})


def category_for_exception(name: str, message: str = "") -> Category:
    """Category of a Python exception raised in a test or a script."""
    short = name.rsplit(".", 1)[-1]
    if any(marker in message for marker in _DISK_FULL):
        return Category.INFRASTRUCTURE
    if short in _NETWORK_NAMES or any(marker in message for marker in _NETWORK):
        return Category.INFRASTRUCTURE
    if short == "Failed" and message.lstrip().startswith(_TIMED_OUT):
        return Category.TIMEOUT
    category = _BY_NAME.get(short)
    if category is not None:
        return category
    if short.endswith("AssertionError"):
        return Category.ASSERTION
    return Category.RUNTIME_ERROR


def category_for_lint(rule: str) -> Category:
    """A linter's finding is lint, unless the linter could not even parse the file."""
    return Category.SYNTAX_ERROR if rule in SYNTAX_RULES else Category.LINT
