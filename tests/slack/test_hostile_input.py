"""Requests that cannot be Slack's get a clear 401; questions are limited per Slack user."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack.conftest import SlackLantern, sign


@pytest.fixture
def slack_settings() -> dict[str, Any]:
    return {"question_rate_per_minute": 1, "question_burst": 1}


@pytest.mark.parametrize("timestamp", ["now", "1e9", "-1", "١٢٣٤", "9" * 40])
async def test_a_timestamp_that_is_not_a_unix_time_is_401(slack: SlackLantern, timestamp: str) -> None:
    body = b"command=%2Flinkstats&text=clicks"
    headers = sign(body) | {"X-Slack-Request-Timestamp": timestamp}
    sent = await slack.post(body, "application/x-www-form-urlencoded", headers=headers, signed=False)
    assert sent.status == 401
    assert "X-Slack-Request-Timestamp" in sent.body


async def test_questions_are_limited_per_slack_user(slack: SlackLantern) -> None:
    first = await slack.peer.wait_for_response((await slack.command("/linkstats", "clicks this week")).key)
    second = await slack.peer.wait_for_response((await slack.command("/linkstats", "clicks today")).key)
    assert "1 question a minute" not in first["text"]
    assert second["response_type"] == "ephemeral"
    assert "1 question a minute" in second["text"]
