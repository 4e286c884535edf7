"""No secret in any log line: a whole Slack session at DEBUG, every captured line searched."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET, SlackLantern, settle
from tracking.storage.api_keys import SqlApiKeys


def every_line(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as a handler writes it, tracebacks included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_slack_session_logs_no_token_secret_or_api_key(
    slack: SlackLantern, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = await SqlApiKeys(slack.parts.engine, clock=lambda: datetime.now(UTC)).create("logs")
    await slack.peer.wait_for_response(
        (await slack.command("/link", "https://example.com/a for whatsapp")).key
    )
    await slack.peer.wait_for_response((await slack.command("/linkstats", "clicks by day this week")).key)
    await slack.post(b"token=forged", "application/x-www-form-urlencoded", signed=False)
    await slack.post(b"x", "application/x-www-form-urlencoded", headers={"X-Slack-Request-Timestamp": "now"})
    for authorization in (f"Bearer {key}", f"Bearer {key}x", f"Basic {key}"):
        async with slack.client.get(
            slack.server.make_url("/api/v1/stats"),
            params={"q": "clicks this week"},
            headers={"Authorization": authorization},
        ) as response:
            assert response.status in {200, 401}
    await settle()

    text = every_line(caplog)
    assert len(caplog.records) > 20  # DEBUG really was on
    for secret in (BOT_TOKEN, SIGNING_SECRET, key):
        assert secret not in text
