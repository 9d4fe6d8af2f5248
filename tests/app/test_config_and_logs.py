"""Settings from the environment and JSON log lines: validation, secrets kept out of sight."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.app.logging_json import JsonFormatter
from bot.config.settings import load_settings
from bot.core.events import Event
from bot.errors import UsageError

KEY = "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----"


def test_settings_read_the_documented_variables() -> None:
    settings = load_settings(
        {
            "AUTOPILOT_WEBHOOK_SECRET": "s3cret",
            "AUTOPILOT_APP_ID": "12",
            "AUTOPILOT_PRIVATE_KEY": KEY,
            "AUTOPILOT_STORE": "postgresql://u:pw@db/autopilot",
            "AUTOPILOT_QUEUE": "redis://r:6379/0",
            "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
        }
    )
    assert settings.api_url == "https://ghe.example.com/api/v3"
    assert settings.private_key == "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"
    assert settings.has_app_credentials and settings.uses_redis
    assert "s3cret" not in repr(settings) and "PRIVATE" not in repr(settings)
    defaults = load_settings({})
    assert (defaults.api_url, defaults.queue_url) == ("https://api.github.com", "local")
    assert defaults.store_url == "sqlite:///autopilot.db" and not defaults.has_app_credentials


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUTOPILOT_APP_ID": "abc", "AUTOPILOT_PRIVATE_KEY": KEY}, "numeric id"),
        ({"AUTOPILOT_PRIVATE_KEY": KEY, "AUTOPILOT_PRIVATE_KEY_PATH": "/k"}, "not both"),
        ({"AUTOPILOT_APP_ID": "1", "AUTOPILOT_PRIVATE_KEY": "nope"}, "not a PEM key"),
        ({"AUTOPILOT_PRIVATE_KEY_PATH": "/nonexistent/key.pem"}, "cannot read"),
        ({"AUTOPILOT_VISIBILITY_TIMEOUT": "soon"}, "must be a number"),
        ({"AUTOPILOT_MODE": "yolo"}, "mode must be one of"),
    ],
)
def test_bad_settings_are_usage_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_settings(env)


def test_log_lines_are_json_objects_with_secrets_masked() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(secrets=["ghs_topsecret"]))
    logger = logging.getLogger("tests.json")
    logger.addHandler(handler)
    try:
        logger.warning(
            "token ghs_topsecret refused",
            extra={"delivery": "d-1", "event": "push", "installation": 7},
        )
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["msg"] == "token *** refused"
    assert (line["level"], line["delivery"], line["event"], line["installation"]) == (
        "warning",
        "d-1",
        "push",
        7,
    )
    assert line["ts"].endswith("+00:00")


def test_events_are_normalized_once_at_the_edge() -> None:
    payload = {
        "action": "completed",
        "installation": {"id": 5},
        "repository": {"full_name": "o/r"},
        "sender": {"login": "octocat"},
    }
    event = Event.from_payload("check_run", "d-9", payload)
    assert (event.action, event.installation_id, event.repository, event.sender) == (
        "completed",
        5,
        "o/r",
        "octocat",
    )
    assert event.label == "check_run.completed"
    odd = Event.from_payload("push", "d-10", {"installation": "5", "repository": None})
    assert (odd.action, odd.installation_id, odd.repository, odd.sender) == (None, None, None, None)
