"""Property: whatever bytes, headers, JSON shapes and numbers reach a public route (redirects,
the API, health, metrics, Slack, Telegram, the page-tag beacons), the answer is
never a 5xx and the log holds no traceback (issue 11).

The real app (API, Slack over HTTP, Telegram webhook) runs on a port in a thread of its own, so
hypothesis can drive it with plain sockets; the Bot API is a recorder and Slack's Web API is
nowhere (a forged request never gets that far). Each route gets a few seconds of examples.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.composition import PARTS, build_app
from tests.slack.conftest import SIGNING_SECRET, sign
from tests.telegram.conftest import SECRET
from tests.telegram.recorder import BotApiRecorder
from tracking.core.shortening import ShortenRequest
from tracking.settings import Settings
from tracking.storage.api_keys import SqlApiKeys

#: Examples per route: enough to find the cases of issue 11 again, a few seconds each.
EXAMPLES = 60
ROUTE_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Recording(logging.Handler):
    """Every record at WARNING or above, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class Live:
    """The app on a port, a live slug and API key, and its log."""

    port: int
    slug: str
    key: str
    log: Recording

    def send(self, raw: bytes) -> int:
        """Send raw bytes; the status code (0 when the server closed without an answer)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=20) as sock:
            sock.sendall(raw)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head = answer.split(b"\r\n", 1)[0].split()
        return int(head[1]) if len(head) > 1 and head[1].isdigit() else 0

    def request(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes = b""
    ) -> int:
        lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
        lines += [name + b": " + value for name, value in headers]
        if body or method == "POST":
            lines.append(b"Content-Length: " + str(len(body)).encode())
        return self.send(b"\r\n".join(lines) + b"\r\n\r\n" + body)


async def slack_api(request: web.Request) -> web.Response:
    """Slack's Web API, as far as a request that passed the signature check needs it."""
    return web.json_response({"ok": True, "team_id": "T0FUZZ", "user_id": "U0BOT", "bot_id": "B0BOT"})


def _serve(settings_: Settings, peers: web.Application, ready: threading.Event, box: dict[str, Any]) -> None:
    loop = asyncio.new_event_loop()

    async def start() -> None:
        api_runner = web.AppRunner(peers)
        await api_runner.setup()
        api_site = web.TCPSite(api_runner, "127.0.0.1", 0)
        await api_site.start()
        api_port = api_runner.addresses[0][1]
        peer = f"http://127.0.0.1:{api_port}"
        app = build_app(
            settings_.model_copy(update={"telegram_api_url": peer, "slack_api_url": f"{peer}/api/"})
        )
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        from bot.telegram import TELEGRAM_BOT

        await asyncio.wait_for(app[TELEGRAM_BOT].started.wait(), timeout=20)
        container = app[PARTS]
        box["slug"] = (await container.shortener.shorten(ShortenRequest("https://example.com/"))).link.slug
        box["key"] = await SqlApiKeys(container.engine, clock=lambda: datetime.now(UTC)).create("fuzz")
        box["port"] = runner.addresses[0][1]
        box["stop"], box["loop"] = asyncio.Event(), asyncio.get_running_loop()
        ready.set()
        await box["stop"].wait()
        await runner.cleanup()
        await api_runner.cleanup()

    try:
        loop.run_until_complete(start())
    finally:
        loop.close()
        ready.set()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    settings_ = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{folder / 'fuzz.db'}",
        spool_dir=str(folder / "spool"),
        base_url="https://go.example.com",
        slack_bot_token="xoxb-fuzz",
        slack_signing_secret=SIGNING_SECRET,
        telegram_token="123456:fuzz-token-0123456789abcdefghijklmnop",
        telegram_webhook_secret=SECRET,
        telegram_allowed_users="4711",
        link_rate_per_minute=0,
        question_rate_per_minute=0,
        not_found_rate_per_minute=0,
    )
    recording = Recording()
    logging.getLogger().addHandler(recording)
    ready, box = threading.Event(), dict[str, Any]()
    peers = BotApiRecorder().app()
    peers.router.add_route("*", "/api/{method}", slack_api)
    thread = threading.Thread(target=_serve, args=(settings_, peers, ready, box), daemon=True)
    thread.start()
    assert ready.wait(60) and "port" in box, "the app did not start"
    try:
        yield Live(box["port"], box["slug"], box["key"], recording)
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(30)
        logging.getLogger().removeHandler(recording)


def assert_healthy(live: Live, status: int) -> None:
    assert 0 < status < 500, status
    problems = [line for line in live.log.lines if "Traceback" in line or " ERROR " in line]
    assert not problems, problems[0]


# Strategies ---------------------------------------------------------------------------------------

_TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
header_names = st.sampled_from(
    [
        "User-Agent", "Referer", "X-Forwarded-For", "DNT", "Sec-GPC", "Accept", "Authorization",
        "Content-Type", "Cookie", "X-Slack-Request-Timestamp", "X-Slack-Signature",
        "X-Telegram-Bot-Api-Secret-Token", "CF-IPCountry", "Accept-Language",
    ]
) | st.text(_TOKEN_CHARS, min_size=1, max_size=20)  # fmt: skip
header_values = st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"").strip())
headers = st.lists(st.tuples(header_names.map(str.encode), header_values), max_size=6)
numbers = st.integers() | st.floats(allow_nan=False) | st.sampled_from([2**63, -(2**63), 10**400, 0, -1])
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
link_fields = st.fixed_dictionaries(
    {},
    optional={
        "url": st.sampled_from(["https://example.com/a", "https://раураӏ.com/", "javascript:1"])
        | json_values,
        "channel": st.sampled_from(["whatsapp", "email", "nope"]) | json_values,
        "channels": st.lists(st.sampled_from(["whatsapp", "email", "sms", "x"]), max_size=40) | json_values,
        "campaign": json_values,
        "slug": json_values,
        "sharer": json_values,
        "expires_at": st.sampled_from(["9999-12-31T23:59:59-05:00", "0001-01-01", "2030-01-01"])
        | json_values,
        "max_clicks": numbers | json_values,
    },
)
bodies = st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()) | link_fields.map(
    lambda v: json.dumps(v).encode()
) | st.integers(1, 3000).map(lambda n: b"[" * n)  # fmt: skip
path_text = st.text(max_size=40).map(lambda t: "".join(f"%{b:02X}" for b in t.encode()))


@ROUTE_SETTINGS
@given(method=st.sampled_from(["GET", "HEAD"]), slug=st.none() | path_text, sent=headers)
def test_redirect(live: Live, method: str, slug: str | None, sent: list[tuple[bytes, bytes]]) -> None:
    target = f"/{live.slug if slug is None else slug}".encode()
    assert_healthy(live, live.request(method, target, sent))


@ROUTE_SETTINGS
@given(body=bodies, sent=headers, keyed=st.booleans())
def test_api_links(live: Live, body: bytes, sent: list[tuple[bytes, bytes]], keyed: bool) -> None:
    extra = [(b"Authorization", f"Bearer {live.key}".encode()), (b"Content-Type", b"application/json")]
    assert_healthy(live, live.request("POST", b"/api/v1/links", (extra if keyed else []) + sent, body))


@ROUTE_SETTINGS
@given(q=st.text(max_size=80), as_of=st.none() | st.text(max_size=30), png=st.booleans(), sent=headers)
def test_api_stats(live: Live, q: str, as_of: str | None, png: bool, sent: list[tuple[bytes, bytes]]) -> None:
    query = "q=" + "".join(f"%{b:02X}" for b in q.encode())
    if as_of is not None:
        query += "&as_of=" + "".join(f"%{b:02X}" for b in as_of.encode())
    extra = [(b"Authorization", f"Bearer {live.key}".encode())]
    if png:
        extra.append((b"Accept", b"image/png"))
    assert_healthy(live, live.request("GET", f"/api/v1/stats?{query}".encode(), extra + sent))


@ROUTE_SETTINGS
@given(path=st.sampled_from([b"/healthz", b"/metrics"]), query=path_text, sent=headers)
def test_health_and_metrics(live: Live, path: bytes, query: str, sent: list[tuple[bytes, bytes]]) -> None:
    assert_healthy(live, live.request("GET", path + b"?" + query.encode(), sent))


slack_forms = st.dictionaries(
    st.sampled_from(
        ["command", "text", "team_id", "user_id", "channel_id", "response_url", "payload", "type"]
    ),
    st.text(max_size=40) | json_values.map(json.dumps),
    max_size=6,
)


@ROUTE_SETTINGS
@given(body=bodies | slack_forms.map(lambda f: "&".join(f"{k}={v}" for k, v in f.items()).encode()),
       signed=st.booleans(), form=st.booleans(), sent=headers)  # fmt: skip
def test_slack_events(
    live: Live, body: bytes, signed: bool, form: bool, sent: list[tuple[bytes, bytes]]
) -> None:
    content_type = b"application/x-www-form-urlencoded" if form else b"application/json"
    extra = [(b"Content-Type", content_type)]
    if signed:
        extra += [(k.encode(), v.encode()) for k, v in sign(body).items()]
    assert_healthy(live, live.request("POST", b"/slack/events", extra + sent, body))


updates = st.fixed_dictionaries(
    {"update_id": st.integers(0, 2**31)},
    optional={"message": json_values, "callback_query": json_values, "inline_query": json_values},
).map(lambda v: json.dumps(v).encode())


@ROUTE_SETTINGS
@given(body=bodies | updates, with_secret=st.booleans(), sent=headers)
def test_telegram_webhook(
    live: Live, body: bytes, with_secret: bool, sent: list[tuple[bytes, bytes]]
) -> None:
    extra = [(b"Content-Type", b"application/json")]
    if with_secret:
        extra.append((b"X-Telegram-Bot-Api-Secret-Token", SECRET.encode()))
    assert_healthy(live, live.request("POST", b"/telegram/webhook", extra + sent, body))
    time.sleep(0.001)


@ROUTE_SETTINGS
@given(
    method=st.sampled_from(["POST", "OPTIONS"]),
    path=st.sampled_from([b"/collect", b"/collect/share"]),
    body=bodies,
    sent=headers,
)
def test_page_tag_beacons(
    live: Live, method: str, path: bytes, body: bytes, sent: list[tuple[bytes, bytes]]
) -> None:
    assert_healthy(live, live.request(method, path, [(b"Content-Type", b"application/json"), *sent], body))
