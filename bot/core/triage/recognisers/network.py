"""Fetching over the network failed: git, docker pulls, curl, and what the runner prints then."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: git: ``fatal: unable to access 'https://...': The requested URL returned error: 500``.
_GIT = (
    "fatal: unable to access '",
    "fatal: the remote end hung up unexpectedly",
    "error: RPC failed",
    "fatal: early EOF",
    "fatal: expected flush after ref listing",
    "kex_exchange_identification:",
    "ssh: connect to host",
)
#: actions/checkout and other wrappers after git failed; weak: git's own line says why.
_GIT_EXIT = re.compile(r"The process '\S*git(?:\.exe)?' failed with exit code (?P<code>\d+)")
#: docker and container registries.
_REGISTRY_DOWN = (
    "toomanyrequests",
    "TLS handshake timeout",
    "i/o timeout",
    "connection reset by peer",
    "net/http: request canceled",
    "503 Service Unavailable",
    "502 Bad Gateway",
    "Client.Timeout exceeded",
    # BuildKit's ``ResourceExhausted: write /var/lib/docker/…: no space left on device``.
    "no space left on device",
)
_IMAGE_MISSING = (
    "manifest unknown",
    "pull access denied",
    ": not found",
    "repository does not exist",
)
_DOCKER = (
    "Error response from daemon:",
    "failed to solve:",
    "error pulling image",
    "ERROR: failed to",
)
#: A registry's rate limit (Docker Hub's ``toomanyrequests``, BuildKit's ``unexpected status
#: code …: 429 Too Many Requests``), on a line that says something failed.
_RATE_LIMITED = ("toomanyrequests", "429 Too Many Requests")
_FAILED_WORDS = ("ERROR", "error", "failed", "Failed", "unexpected status")
#: A TLS connection that failed (Python's ``ssl`` module, as pip, setuptools and requests
#: print it): ``[SSL: CERTIFICATE_VERIFY_FAILED]``, ``EOF occurred in violation of protocol``.
_TLS = ("(_ssl.c:", "CERTIFICATE_VERIFY_FAILED")
#: curl's codes for a network failure: 5, 6 (resolve), 7 (connect), 28 (timeout), 35 (TLS),
#: 52, 56 (nothing or a broken reply).
_CURL = re.compile(r"^curl: \((?P<code>5|6|7|28|35|52|56)\) (?P<msg>.*)$")


class NetworkRecogniser(Recogniser):
    """Each distinct network failure once: the runner's view of a server that did not answer."""

    name: ClassVar[str] = "network"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"fatal: ",
        b"error: rpc failed",
        b"failed with exit code",
        b"error response from daemon",
        b"failed to solve",
        b"error pulling image",
        b"curl: (",
        b"ssh: connect to host",
        b"kex_exchange_identification",
        b"toomanyrequests",
        b"429 too many requests",
        b"(_ssl.c:",
        b"certificate_verify_failed",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._seen: set[str] = set()

    def _once(self, key: str, finding: Finding) -> Sequence[Finding]:
        if key in self._seen:
            return NONE
        self._seen.add(key)
        return (finding,)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip().removeprefix("##[error]").removeprefix("Error: ").strip()
        if text.startswith(_GIT):
            message = text[:300]
            return self._once(
                "git",
                Finding(
                    category=Category.INFRASTRUCTURE, message=message, tool="git", lineno=lineno
                ),
            )
        if "failed with exit code" in text:
            git = _GIT_EXIT.search(text)
            if git and git["code"] == "128":
                finding = Finding(
                    category=Category.INFRASTRUCTURE,
                    message=text[:300],
                    tool="git",
                    lineno=lineno,
                    weak=True,
                )
                return self._once("git-exit", finding)
            return NONE
        if text.startswith("curl: ("):
            curl = _CURL.match(text)
            if curl:
                finding = Finding(
                    category=Category.INFRASTRUCTURE, message=text[:300], tool="curl", lineno=lineno
                )
                return self._once("curl", finding)
            return NONE
        if (
            any(marker in text for marker in _TLS)
            and not self.state.in_pytest
            and "rror" in text
            # pip's and setuptools' own words for it are read with the install (legacy_install)
            and not text.startswith(("Could not fetch URL", "Download error on"))
        ):
            return self._once(
                "tls",
                Finding(
                    category=Category.INFRASTRUCTURE,
                    message=text[:300],
                    tool="network",
                    lineno=lineno,
                ),
            )
        if any(marker in text for marker in _RATE_LIMITED) and any(
            word in text for word in _FAILED_WORDS
        ):
            return self._once(
                "docker",
                Finding(
                    category=Category.INFRASTRUCTURE,
                    message=text[:300],
                    tool="docker",
                    lineno=lineno,
                ),
            )
        if any(marker in text for marker in _DOCKER):
            if any(marker in text for marker in _REGISTRY_DOWN):
                category = Category.INFRASTRUCTURE
            elif (
                any(marker in text for marker in _IMAGE_MISSING) and "did not complete" not in text
            ):
                category = Category.DEPENDENCY
            else:
                return NONE
            return self._once(
                "docker",
                Finding(category=category, message=text[:300], tool="docker", lineno=lineno),
            )
        return NONE
