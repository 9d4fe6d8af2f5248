"""Sending alerts: routed by severity, throttled per key, logged; a failure never raises."""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage

import aiohttp

from bot.config.alerts import AlertSettings, SmtpTarget
from bot.core.alerts import Alert, Channel, Severity, render_summary, throttled
from bot.store.alerts import AlertLog

log = logging.getLogger(__name__)
DAY = 86400.0


class Alerter:
    """Routes each alert to its severity's channels, at most once per key per window."""

    def __init__(
        self,
        settings: AlertSettings,
        log_store: AlertLog,
        *,
        clock: Callable[[], float] = time.time,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.settings = settings
        self.log_store = log_store
        self.clock = clock
        self._session = session

    async def send(self, alert: Alert) -> bool:
        """Send ``alert`` unless throttled; True when it went out. Never raises."""
        try:
            return await self._send(alert)
        except Exception:  # an alert must never break the handler that raised it
            log.exception("alert %s could not be processed", alert.key)
            return False

    async def _send(self, alert: Alert) -> bool:
        now = self.clock()
        last = await self.log_store.last_sent(alert.key)
        if throttled(last, now=now, window=self.settings.throttle):
            await self.log_store.record(alert, now=now, throttled=True)
            return False
        failed = []
        for channel in self.settings.routes.get(alert.severity, ()):
            try:
                await self._deliver(channel, alert, now)
            except Exception as exc:
                log.warning("alert %s: %s delivery failed: %s", alert.key, channel, exc)
                failed.append(str(channel))
        await self.log_store.record(alert, now=now, throttled=False, failed=failed)
        return True

    async def daily_summary(self) -> str:
        """The last 24 hours' alerts, sent to the email and Slack channels that are set."""
        now = self.clock()
        text = render_summary(await self.log_store.since(now - DAY), since=now - DAY, now=now)
        for channel in (Channel.SLACK, Channel.EMAIL, Channel.LOG):
            try:
                summary = Alert(
                    key="daily-summary", severity=Severity.INFO, title="Daily summary", text=text
                )
                await self._deliver(channel, summary, now)
            except Exception as exc:
                log.warning("daily summary: %s delivery failed: %s", channel, exc)
        return text

    async def _deliver(self, channel: Channel, alert: Alert, now: float) -> None:
        if channel is Channel.SLACK and self.settings.slack_url:
            await self._slack(self.settings.slack_url, alert)
        elif channel is Channel.EMAIL and self.settings.smtp is not None:
            await asyncio.to_thread(send_email, self.settings.smtp, alert)
        elif channel is Channel.LOG and self.settings.log_path:
            await asyncio.to_thread(append_jsonl, self.settings.log_path, alert, now)

    async def _slack(self, url: str, alert: Alert) -> None:
        payload = {"text": f"*[{alert.severity}] {alert.title}*\n{alert.text}"}
        timeout = aiohttp.ClientTimeout(total=10)
        if self._session is not None:
            async with self._session.post(url, json=payload, timeout=timeout) as response:
                response.raise_for_status()
            return
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, json=payload) as response,
        ):
            response.raise_for_status()


def send_email(target: SmtpTarget, alert: Alert) -> None:
    message = EmailMessage()
    message["Subject"] = f"[autopilot {alert.severity}] {alert.title}"
    message["From"] = target.sender
    message["To"] = ", ".join(target.recipients)
    message.set_content(alert.text)
    with smtplib.SMTP(target.host, target.port, timeout=10) as smtp:
        if target.starttls:
            smtp.starttls()
        if target.user and target.password:
            smtp.login(target.user, target.password)
        smtp.send_message(message)


def append_jsonl(path: str, alert: Alert, now: float) -> None:
    record = {
        "at": now,
        "key": alert.key,
        "severity": str(alert.severity),
        "title": alert.title,
        "text": alert.text,
        "repository": alert.repository,
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
