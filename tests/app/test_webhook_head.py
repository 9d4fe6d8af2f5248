"""The webhook's partial read gives the store what a full decode would, on every example."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from bot.core.events import Event, decode_payload
from bot.core.webhook_head import Head, read_head
from bot.errors import InputError


def _full(body: bytes) -> Head:
    event = Event.from_payload("", "", decode_payload(body))
    return Head(body.decode(), event.action, event.installation_id, event.repository, event.sender)


def test_every_example_reads_as_the_full_decode(
    webhook_examples: list[tuple[str, str | None, dict[str, Any]]],
) -> None:
    with_installation = 0
    for _event, _action, payload in webhook_examples:
        body = orjson.dumps(payload)
        head = read_head(body)
        assert head == _full(body)
        with_installation += head.installation_id is not None
    assert with_installation  # the examples do exercise the nested fields


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"action": 7, "installation": {"id": "12"}, "repository": None, "sender": []},
        {"installation": "not an object", "repository": {"full_name": "o/r"}},
        {"installation": {"id": True}, "sender": {"login": "octocat", "id": 1}},
        {"repository": {"full_name": ["o", "r"]}, "action": "opened", "extra": [1, {"a": None}]},
    ],
)
def test_odd_shapes_read_as_the_full_decode(payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    assert read_head(body) == _full(body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"a": "\xff"}', "not UTF-8"),
        (b'{"a": 1} trailing', "malformed JSON"),
    ],
)
def test_bad_bodies_are_input_errors_that_say_why(body: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_head(body)
