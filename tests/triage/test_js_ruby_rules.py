"""JavaScript, TypeScript and Ruby logs from the wild: node, npm/yarn, jest, mocha, rspec."""

from __future__ import annotations

from bot.core.triage import triage_text
from bot.core.triage.logs import clean_line
from tests.triage.scoring import WILD


def _places(case: str) -> list[tuple[str, str | None, int | None]]:
    found = triage_text((WILD / f"{case}.log").read_text())
    return [(str(f.category), f.file, f.line) for f in found]


def test_a_tab_after_the_timestamp_is_taken_off() -> None:
    # Cloudflare Pages: ``2026-07-01T02:01:28.119836Z<TAB>npm error code ETARGET``.
    assert clean_line("2026-07-01T02:01:28.119836Z\tnpm error code ETARGET") == (
        "npm error code ETARGET"
    )
    assert _places("dependency_npm10_etarget_cloudflare_timestamps") == [
        ("dependency", None, None)
    ]


def test_npm_code_after_a_markdown_quote_is_read() -> None:
    # Only the paste's first line carries the ``> `` of a Markdown quote.
    assert _places("dependency_npm_ci_etarget_quoted") == [("dependency", None, None)]
    found = triage_text("@scope/web: npm ERR! code E404\n@scope/web: npm ERR! 404 Not Found\n")
    assert [str(f.category) for f in found] == ["dependency"]


def test_yarn_socket_timeout_is_the_network() -> None:
    assert _places("infrastructure_yarn_esockettimedout_macos") == [("infrastructure", None, None)]
