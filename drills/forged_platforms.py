"""Drill 6: forged and replayed Slack and Telegram requests against a real `lantern serve`.

Slack: a bad signature, a six-minute-old timestamp, a body changed by one
byte, missing headers → 401 and nothing done (no link, no reply, not even a
Web API call); a valid `/link` replayed five times with `X-Slack-Retry-Num`
→ one link, one reply. Telegram: a wrong or missing secret header → 401;
one update posted five times → handled once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

import aiohttp

from bench.servers import free_port, lantern
from drills.harness import Scratch, count_rows, scratch
from drills.hostile_urls import OWN_HOST
from drills.platform_recorder import SLACK_TEAM, SLACK_USER, PlatformRecorder, recording
from drills.result import DrillResult

SIGNING_SECRET = "drill-signing-secret"  # noqa: S105 - a drill's own throw-away secret
WEBHOOK_SECRET = "drill-webhook-secret_0123456789"  # noqa: S105 - likewise
TELEGRAM_TOKEN = "424242:drill-token-0123456789abcdef"  # noqa: S105 - likewise
REPLAYS = 5
#: Time given to work that must NOT happen before it is checked that it did not.
SETTLE = 1.0

Forge = Callable[[bytes], tuple[bytes, dict[str, str]]]


def sign(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


FORGERIES: dict[str, Forge] = {
    "bad signature": lambda body: (body, sign(body, secret="not-" + SIGNING_SECRET)),
    "6-minute-old timestamp": lambda body: (body, sign(body, timestamp=int(time.time()) - 6 * 60)),
    "body changed by one byte": lambda body: (body.replace(b"whatsapp", b"whatsapq", 1), sign(body)),
    "missing headers": lambda body: (body, {}),
}


def command_body(recorder: PlatformRecorder, key: str, text: str) -> bytes:
    """A `/link` slash command as Slack posts it, replying to a response URL named `key`."""
    return urlencode(
        {
            "team_id": SLACK_TEAM,
            "team_domain": "drill",
            "channel_id": "C0DRILL01",
            "channel_name": "general",
            "user_id": SLACK_USER,
            "user_name": "ada",
            "command": "/link",
            "text": text,
            "api_app_id": "A0LANTERN",
            "response_url": recorder.response_url(key),
            "trigger_id": "1.2.3",
        }
    ).encode()


def telegram_update(update_id: int, text: str, *, message_id: int) -> dict[str, object]:
    """A private `/link …` message update, as Telegram posts it to the webhook."""
    user = {"id": 4711, "is_bot": False, "first_name": "Ada", "username": "ada"}
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": 4711, "type": "private", "first_name": "Ada"},
        "from": user,
        "text": text,
        "entities": [{"offset": 0, "length": 5, "type": "bot_command"}],
    }
    return {"update_id": update_id, "message": message}


async def _slack(target: Scratch, recorder: PlatformRecorder, result: DrillResult) -> None:
    url = f"{target.origin}/slack/events"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as session:
        for name, forge in FORGERIES.items():
            body, headers = forge(
                command_body(recorder, name, "https://example.com/slack-drill for whatsapp")
            )
            async with session.post(url, data=body, headers={**form, **headers}) as response:
                result.requests = (result.requests or 0) + 1
                result.refused = (result.refused or 0) + (response.status == 401)
                result.expect(response.status == 401, f"{name}: {response.status}, expected 401")
        await asyncio.sleep(SETTLE)
        result.expect(not recorder.responses, f"forged requests were answered: {list(recorder.responses)}")
        result.expect(not recorder.of("slack"), f"forged requests made Web API calls: {recorder.of('slack')}")
        result.expect(await count_rows(target.url, "links") == 0, "a forged request created a link")

        body = command_body(recorder, "valid", "https://example.com/slack-drill for whatsapp")
        headers = {**form, **sign(body)}
        statuses = []
        for retry in range(REPLAYS + 1):
            retry_headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            async with session.post(url, data=body, headers=headers | (retry_headers if retry else {})) as r:
                statuses.append(r.status)
            if retry == 0:
                await recorder.wait_for(lambda: "valid" in recorder.responses, "the reply to /link")
        result.requests = (result.requests or 0) + len(statuses)
        await asyncio.sleep(SETTLE)
    replies = len(recorder.responses.get("valid", []))
    links = await count_rows(target.url, "links")
    result.expect(statuses == [200] * (REPLAYS + 1), f"valid request and replays answered {statuses}")
    result.expect(replies == 1, f"{replies} replies to one /link and {REPLAYS} retries")
    result.expect(links == 1, f"{links} links after one /link and {REPLAYS} retries")
    result.figure = (
        f"{len(FORGERIES)} forgeries ({', '.join(FORGERIES)}) → {result.refused} × 401, 0 links, 0 replies, "
        f"0 Web API calls; a valid /link + {REPLAYS} retries → {statuses.count(200)} × 200, {replies} reply, "
        f"{links} link"
    )


async def _telegram(
    target: Scratch, recorder: PlatformRecorder, result: DrillResult, links_before: int
) -> None:
    url = f"{target.origin}/telegram/webhook"
    header = "X-Telegram-Bot-Api-Secret-Token"
    async with aiohttp.ClientSession() as session:
        forged = {"wrong secret": {header: "not-" + WEBHOOK_SECRET}, "missing secret": {}}
        for number, (name, headers) in enumerate(forged.items()):
            update = telegram_update(700_000 + number, "/link https://example.com/forged", message_id=number)
            async with session.post(url, json=update, headers=headers) as response:
                result.expect(response.status == 401, f"{name}: {response.status}, expected 401")
                result.refused = (result.refused or 0) + (response.status == 401)
        update = telegram_update(800_000, "/link https://example.com/telegram-drill", message_id=9)
        statuses = []
        for _ in range(REPLAYS):
            async with session.post(url, json=update, headers={header: WEBHOOK_SECRET}) as response:
                statuses.append(response.status)
    await recorder.wait_for(lambda: recorder.of("telegram", "sendMessage"), "the reply to /link")
    await asyncio.sleep(SETTLE)
    replies = recorder.of("telegram", "sendMessage")
    links = await count_rows(target.url, "links") - links_before
    result.requests = len(forged) + len(statuses)
    result.expect(statuses == [200] * REPLAYS, f"the same update {REPLAYS} times answered {statuses}")
    result.expect(len(replies) == 1, f"{len(replies)} replies to one update posted {REPLAYS} times")
    result.expect(links == 1, f"{links} links from one update posted {REPLAYS} times")
    result.expect(
        all("forged" not in json.dumps(call.args) for call in recorder.of("telegram")),
        "a forged update was handled",
    )
    result.figure = (
        f"wrong and missing secret → {result.refused} × 401, nothing handled; one update_id posted "
        f"{REPLAYS}× → {statuses.count(200)} × 200, {len(replies)} reply, {links} link"
    )


async def _drill(slack: DrillResult, telegram: DrillResult) -> None:
    port = free_port()
    async with recording(port) as recorder:
        settings = {
            "LANTERN_BASE_URL": f"https://{OWN_HOST}",
            "LANTERN_SLACK_BOT_TOKEN": "xoxb-drill",
            "LANTERN_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "LANTERN_SLACK_API_URL": recorder.slack_api,
            "LANTERN_SLACK_ALLOWED_TEAMS": SLACK_TEAM,
            "LANTERN_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "LANTERN_TELEGRAM_MODE": "webhook",
            "LANTERN_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "LANTERN_TELEGRAM_API_URL": recorder.telegram_api,
            "LANTERN_TELEGRAM_ALLOWED_USERS": "4711",
        }
        with contextlib.ExitStack() as stack:
            target = await asyncio.to_thread(stack.enter_context, scratch("sqlite", "platforms", **settings))
            server = lantern(target.env, 1, target.folder / "serve.log")
            await asyncio.to_thread(stack.enter_context, server)
            await recorder.wait_for(lambda: recorder.of("telegram", "setWebhook"), "Telegram's setWebhook")
            await _slack(target, recorder, slack)
            await _telegram(target, recorder, telegram, await count_rows(target.url, "links"))
            await asyncio.to_thread(stack.close)


def run() -> list[DrillResult]:
    """Slack and Telegram against one server."""
    slack = DrillResult("6. forged and replayed Slack requests")
    telegram = DrillResult("6. forged and replayed Telegram updates")
    asyncio.run(_drill(slack, telegram))
    return [slack, telegram]
