"""Pure fixers: text whitespace with meaning guards, the parentheses codemod, bisection."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.fixes.bisect import isolate_culprits
from bot.core.fixes.diff import unified_diff
from bot.core.fixes.parens import remove_redundant_parens
from bot.core.fixes.ruff import parse_show_fixes
from bot.core.fixes.text import (
    ensure_final_newline,
    fix_markdown,
    fix_mixed_line_endings,
    fix_toml,
    fix_yaml,
)


def test_line_endings_follow_the_first_one() -> None:
    assert fix_mixed_line_endings("a\r\nb\nc\rd") == "a\r\nb\r\nc\r\nd"
    assert ensure_final_newline("a\r\nb\r\n\r\n") == "a\r\nb\r\n"
    assert ensure_final_newline("") == ""


def test_yaml_and_toml_keep_their_data() -> None:
    assert fix_yaml("a: 1   \nb: [1, 2]\n\n\n") == "a: 1\nb: [1, 2]\n"
    block = "s: |\n  text   \n"
    assert fix_yaml(block) == block  # trailing spaces in a block scalar are data
    assert fix_yaml("a: [\n") == "a: [\n"  # unparseable: untouched
    assert fix_toml('a = 1   \n[t]\nb = "x"') == 'a = 1\n[t]\nb = "x"\n'
    multi = 'a = """\nx   \n"""\n'
    assert fix_toml(multi) == multi


def test_markdown_keeps_hard_breaks() -> None:
    assert fix_markdown("one    \ntwo \n\nend  \n") == "one  \ntwo\n\nend\n"


def test_redundant_parens_only_where_safe() -> None:
    source = "if (x):\n    return (a + b)\nwhile(y): del (z)\nreturn (yield)\nassert (a, b)\n"
    fixed = remove_redundant_parens(source)
    assert fixed == "if x:\n    return a + b\nwhile y: del z\nreturn (yield)\nassert (a, b)\n"
    multi = "if (a and\n        b):\n    pass\n"
    assert remove_redundant_parens(multi) == multi
    assert remove_redundant_parens(fixed) == fixed


def test_isolate_culprits_backs_out_only_the_bad_units() -> None:
    calls: list[Sequence[int]] = []

    def passes(kept: Sequence[int]) -> bool:
        calls.append(kept)
        return 3 not in kept and 11 not in kept

    kept, backed = isolate_culprits(list(range(16)), passes)
    assert backed == [3, 11]
    assert kept == [n for n in range(16) if n not in (3, 11)]
    assert len(calls) <= 12


def test_show_fixes_and_diff_rendering() -> None:
    output = (
        "\nFixed 3 errors:\n- a/b.py:\n    2 \u00d7 F401 (unused-import)\n    1 \u00d7 I001 (x)\n"
    )
    assert parse_show_fixes(output) == {"a/b.py": {"F401": 2, "I001": 1}}
    assert unified_diff("f.py", "a\n", "a").endswith("\\ No newline at end of file\n")
    assert unified_diff("f.py", "a\n", "a\n") == ""
