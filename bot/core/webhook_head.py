"""What the store keeps of a webhook body, read without building the rest of the payload.

A delivery is stored raw; the store needs four fields of it (action, installation id,
repository, sender), and the worker decodes the whole payload later. msgspec reads those
four into small structs while it checks that the rest is well-formed JSON, skipping it
unbuilt: about a fifth of decoding the whole payload on the examples' 10 KB bodies.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from bot.core.events import Event, decode_payload


class _Installation(msgspec.Struct):
    id: object = None


class _Repository(msgspec.Struct):
    full_name: object = None


class _Sender(msgspec.Struct):
    login: object = None


class _Head(msgspec.Struct):
    action: object = None
    installation: _Installation | None = None
    repository: _Repository | None = None
    sender: _Sender | None = None


_DECODER = msgspec.json.Decoder(_Head)


@dataclass(frozen=True, slots=True)
class Head:
    """A webhook body as the store keeps it: its text, and four fields (``None`` where
    missing or odd-typed, as ``Event`` reads them)."""

    text: str
    action: str | None
    installation_id: int | None
    repository: str | None
    sender: str | None


def read_head(body: bytes) -> Head:
    """The store's view of ``body``, or ``InputError`` when it is not a UTF-8 JSON object."""
    try:
        text = body.decode("utf-8")
        head = _DECODER.decode(body)
    except (UnicodeDecodeError, msgspec.ValidationError, msgspec.DecodeError):
        # Not UTF-8, bad JSON, or an odd shape (``installation`` not an object...): the
        # full decoder says what is wrong, or reads the odd shape as ``Event`` does.
        event = Event.from_payload("", "", decode_payload(body))
        return Head(
            body.decode(), event.action, event.installation_id, event.repository, event.sender
        )
    inst = head.installation.id if head.installation is not None else None
    repo = head.repository.full_name if head.repository is not None else None
    login = head.sender.login if head.sender is not None else None
    return Head(
        text=text,
        action=head.action if isinstance(head.action, str) else None,
        installation_id=inst if isinstance(inst, int) else None,
        repository=repo if isinstance(repo, str) else None,
        sender=login if isinstance(login, str) else None,
    )
