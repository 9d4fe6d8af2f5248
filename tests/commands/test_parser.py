"""The pure slash-command parser: what counts as a command, arguments, limits."""

from __future__ import annotations

import time

import pytest

from bot.core.command_rules import Permission, RateLimit, is_bot, may_run
from bot.core.commands import COMMANDS, MAX_COMMANDS, Command, parse_comment


def names(body: str) -> list[str]:
    return [c.text for c in parse_comment(body).commands]


def test_several_commands_in_one_comment_in_order() -> None:
    body = "Thanks!\n/autopilot triage\n\n/autopilot retry\n  /autopilot merge\n"
    assert names(body) == ["/autopilot triage", "/autopilot retry", "/autopilot merge"]


def test_the_same_command_twice_runs_once() -> None:
    assert names("/autopilot retry\n/autopilot   RETRY\n") == ["/autopilot retry"]


@pytest.mark.parametrize(
    "body",
    [
        "```\n/autopilot merge\n```",
        "~~~~\n/autopilot merge\n~~~~",
        "```sh\n/autopilot merge\n````\n",
        "text\n\n    /autopilot merge\n",
        "\t/autopilot merge",
        "> /autopilot merge",
        "  > > /autopilot merge",
        "<details><summary>old</summary>\n\n/autopilot merge\n\n</details>",
        "<DETAILS>\n<details>\n</details>\n/autopilot merge\n</details>",
        "<!-- hidden\n/autopilot merge\n-->",
        "`/autopilot merge`",
        "please run /autopilot merge",
        "/autopilotmerge",
    ],
)
def test_commands_in_code_quotes_details_or_prose_are_ignored(body: str) -> None:
    assert parse_comment(body).empty


def test_text_after_a_closed_block_is_read_again() -> None:
    body = "```\n/autopilot merge\n```\n> /autopilot fix\n<details>x</details>\n/autopilot retry"
    assert names(body) == ["/autopilot retry"]


def test_an_unclosed_fence_hides_the_rest() -> None:
    assert parse_comment("```\n/autopilot merge").empty


def test_bare_prefix_and_unknown_commands_ask_for_help() -> None:
    assert names("/autopilot") == ["/autopilot help"]
    parsed = parse_comment("/autopilot deploy now")
    assert parsed.commands == () and parsed.wants_help
    assert parsed.problems[0].message == "unknown command 'deploy'"


def test_arguments_are_validated() -> None:
    parsed = parse_comment(
        "/autopilot approve\n/autopilot approve 12 13\n/autopilot approve x\n"
        "/autopilot retry now\n/autopilot merge zzz\n/autopilot reject\n"
    )
    assert parsed.commands == ()
    assert [p.message for p in parsed.problems] == [
        "approve needs exactly one review queue id, e.g. rq-12",
        "approve needs exactly one review queue id, e.g. rq-12",
        "approve expects a review queue id such as rq-12, not 'x'",
        "retry takes no arguments",
        "merge takes at most one argument: the head commit SHA (7 to 40 hex digits)",
        "reject needs a review queue id, e.g. rq-12, and optionally a reason",
    ]
    assert not parsed.wants_help


def test_ids_reasons_and_shas_are_normalised() -> None:
    parsed = parse_comment(
        "/autopilot approve RQ-007\n/autopilot reject 4 breaks  the API\n/autopilot merge ABCDEF1\n"
    )
    assert parsed.commands == (
        Command("approve", {"id": "rq-7"}, "/autopilot approve RQ-007"),
        Command("reject", {"id": "rq-4", "reason": "breaks the API"}, parsed.commands[1].line),
        Command("merge", {"sha": "abcdef1"}, "/autopilot merge ABCDEF1"),
    )
    assert parsed.commands[1].text == "/autopilot reject rq-4 breaks the API"


def test_a_flood_of_commands_stops_at_the_limit() -> None:
    body = "\n".join(f"/autopilot approve {n}" for n in range(1, 50))
    parsed = parse_comment(body)
    assert len(parsed.commands) == MAX_COMMANDS
    assert parsed.problems[-1].message == f"only the first {MAX_COMMANDS} commands are read"


def test_a_megabyte_of_hostile_text_parses_quickly_and_safely() -> None:
    body = ("<details>" * 1000) + ("@everyone <script>x</script> " * 40_000) + "\n/autopilot fix"
    body += "\n" + "/autopilot reject 3 " + "x" * 2_000_000
    started = time.perf_counter()
    parsed = parse_comment(body)
    assert time.perf_counter() - started < 5  # linear, not catastrophic (a generous bound)
    assert parsed.commands == ()  # inside the unclosed <details>


def test_a_long_reason_is_refused() -> None:
    parsed = parse_comment("/autopilot reject 3 " + "x" * 600)
    assert parsed.problems[0].message == "reject the reason is longer than 500 characters"


def test_digests_identify_commands() -> None:
    a, b = parse_comment("/autopilot retry\n/autopilot merge").commands
    assert a.digest != b.digest and len(a.digest) == 16
    assert a.digest == parse_comment("/autopilot  retry").commands[0].digest


def test_permissions() -> None:
    merge, status = COMMANDS["merge"], COMMANDS["status"]
    assert may_run(merge, Permission.WRITE) and may_run(merge, Permission.ADMIN)
    assert may_run(merge, Permission.MAINTAIN)
    assert not may_run(merge, Permission.TRIAGE) and not may_run(merge, Permission.READ)
    assert not may_run(merge, Permission.NONE)
    assert may_run(status, Permission.NONE)
    assert Permission.from_api("write", "triage") is Permission.TRIAGE
    assert Permission.from_api("write", "custom-role") is Permission.WRITE
    assert Permission.from_api(None, None) is Permission.NONE
    assert Permission.from_api("WRITE") is Permission.WRITE


def test_bots() -> None:
    assert is_bot("ci-autopilot[bot]", "Bot")
    assert is_bot("dependabot[bot]", "User")
    assert is_bot("helper", "Bot")
    assert is_bot(None, "User")
    assert is_bot("autopilot", "User", own_logins=("Autopilot",))
    assert not is_bot("octocat", "User")


def test_rate_limit() -> None:
    limit = RateLimit(limit=3, window=60)
    assert limit.allows([100, 110], 120)
    assert not limit.allows([100, 110, 115], 120)
    assert limit.allows([10, 20, 115], 120)  # the old ones left the window
