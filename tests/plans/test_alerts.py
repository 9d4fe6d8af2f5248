"""Alerts against a local Slack-like HTTP receiver and a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiosmtpd.controller import Controller

from bot.alerts import Alerter
from bot.config.alerts import AlertSettings, load_alert_settings, parse_smtp
from bot.core.alerts import Alert, Channel, Severity, parse_routes
from bot.errors import UsageError
from bot.store import alerts as alert_schema
from bot.store.alerts import AlertLog
from bot.store.db import Database
from tests.plans.conftest import Clock

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Receiver:
    """An incoming-webhook endpoint that records what it was sent (or fails on purpose)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail = False

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail:
            return web.Response(status=500, text="no")
        self.received.append(await request.json())
        return web.Response(text="ok")


class Mailbox:
    """aiosmtpd handler keeping each message."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
async def slack() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = TestServer(app)
    await server.start_server()
    yield receiver, str(server.make_url("/hook"))
    await server.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its server by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def alerter(settings: AlertSettings, tmp_path: Path, clock: Clock) -> Alerter:
    db = Database(f"sqlite:///{tmp_path / 'alerts.db'}")
    db.ensure_schema(alert_schema.SCHEMA)
    return Alerter(settings, AlertLog(db), clock=clock)


def settings_for(slack_url: str, smtp_port: int, log_path: Path, **extra: Any) -> AlertSettings:
    return load_alert_settings(
        {
            "AUTOPILOT_ALERT_SLACK_URL": slack_url,
            "AUTOPILOT_ALERT_SMTP": f"smtp://127.0.0.1:{smtp_port}?from=bot@example.com&to=ops@example.com",
            "AUTOPILOT_ALERT_LOG": str(log_path),
            "AUTOPILOT_ALERT_ROUTES": "critical=slack,email,log;warning=slack,log;info=log",
            "AUTOPILOT_ALERT_THROTTLE": "3600",
            **extra,
        }
    )


BACKLOG = Alert(key="backlog:o/r", severity=Severity.WARNING, title="Backlog", text="12 fixes wait")
DOWN = Alert(key="plan:o/r:1", severity=Severity.CRITICAL, title="Deploy failed", text="run 7")


async def test_routing_by_severity(slack: Any, smtp: Any, tmp_path: Path) -> None:
    (receiver, url), (mailbox, port) = slack, smtp
    log_path = tmp_path / "alerts.jsonl"
    a = alerter(settings_for(url, port, log_path), tmp_path, Clock())
    assert await a.send(DOWN)
    assert await a.send(BACKLOG)
    assert await a.send(Alert(key="i", severity=Severity.INFO, title="Note", text="fyi"))
    assert receiver.received == [
        {"text": "*[critical] Deploy failed*\nrun 7"},
        {"text": "*[warning] Backlog*\n12 fixes wait"},
    ]
    [(to, message)] = mailbox.messages  # only the critical one is mailed
    assert to == ["ops@example.com"]
    assert message["Subject"] == "[autopilot critical] Deploy failed"
    assert message.get_payload().strip() == "run 7"
    logged = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert [(x["key"], x["severity"]) for x in logged] == [
        ("plan:o/r:1", "critical"), ("backlog:o/r", "warning"), ("i", "info")
    ]  # fmt: skip


async def test_one_alert_per_key_per_window(slack: Any, smtp: Any, tmp_path: Path) -> None:
    (receiver, url), (_, port) = slack, smtp
    clock = Clock()
    a = alerter(settings_for(url, port, tmp_path / "a.jsonl"), tmp_path, clock)
    assert await a.send(BACKLOG)
    clock.advance(1800)
    assert not await a.send(BACKLOG)  # held back
    assert await a.send(DOWN)  # another key is not
    clock.advance(1801)
    assert await a.send(BACKLOG)  # the window has passed
    assert [r["text"].split("*")[1] for r in receiver.received] == [
        "[warning] Backlog", "[critical] Deploy failed", "[warning] Backlog"
    ]  # fmt: skip
    summary = await a.daily_summary()
    assert summary.startswith(
        "CI Autopilot daily summary 2027-01-15: 4 alerts (3 warning, 1 critical)"
    )
    assert "- [warning] Backlog (backlog:o/r): 3x, 1 held back by throttling" in summary
    assert receiver.received[-1]["text"].startswith("*[info] Daily summary*")


async def test_a_failed_delivery_is_logged_never_raised(
    slack: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    receiver, url = slack
    receiver.fail = True
    # Nothing listens on this port: the mail cannot go either.
    settings = settings_for(url, 9, tmp_path / "a.jsonl")
    a = alerter(settings, tmp_path, Clock())
    assert await a.send(DOWN)  # processed: logged to the JSONL file, failures recorded
    assert "slack delivery failed" in caplog.text and "email delivery failed" in caplog.text
    [logged] = await a.log_store.since(0)
    assert logged.failed_channels == ("slack", "email")
    broken = Alerter(settings, AlertLog(Database("sqlite:///:memory:")), clock=Clock())
    assert not await broken.send(DOWN)  # no table at all: still no exception


async def test_settings_are_checked() -> None:
    assert parse_routes("critical=log")[Severity.CRITICAL] == (Channel.LOG,)
    with pytest.raises(UsageError, match="alert route"):
        parse_routes("fatal=slack")
    with pytest.raises(UsageError, match="from="):
        parse_smtp("smtp://mail.example.com")
    target = parse_smtp("smtp://u:p%40ss@mail.example.com:587?from=a@x&to=b@x,c@x&starttls=1")
    assert (target.port, target.password, target.recipients, target.starttls) == (
        587, "p@ss", ("b@x", "c@x"), True
    )  # fmt: skip
    settings = load_alert_settings({"AUTOPILOT_ALERT_SLACK_URL": "https://hooks.example/T/1"})
    assert settings.secrets() == ("https://hooks.example/T/1",)
    assert "hooks.example" not in repr(settings)
