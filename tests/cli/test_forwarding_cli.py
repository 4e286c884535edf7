"""`lantern webhook …` and `lantern ga4 check` as a user runs them, against a real server and receivers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.cli.test_cli import LANTERN, free_port, lantern
from tests.web.receiver import Recorder
from tracking.core.forwarding.webhooks import SIGNATURE_HEADER, verify

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A scratch SQLite file and port, and no LANTERN_ setting from the outside."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    clean.update(
        LANTERN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        LANTERN_PORT=str(port),
        LANTERN_BASE_URL=f"http://127.0.0.1:{port}",
    )
    return clean


@pytest.fixture
async def receiver() -> AsyncIterator[Recorder]:
    recorder = Recorder()
    await recorder.start()
    yield recorder
    await recorder.stop()


async def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(lantern, env, *args)


async def _serve(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    process = await asyncio.to_thread(
        subprocess.Popen,
        [LANTERN, "serve"],
        env=env,
        cwd=cwd,
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(env["LANTERN_BASE_URL"] + "/healthz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    process.kill()
    raise AssertionError("lantern serve did not start")


async def _click(env: dict[str, str], slug: str) -> None:
    async with (
        aiohttp.ClientSession(headers={"User-Agent": BROWSER}) as session,
        session.get(f"{env['LANTERN_BASE_URL']}/{slug}", allow_redirects=False) as response,
    ):
        assert response.status == 302


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)


async def test_loopback_receivers_are_refused_unless_allowed(env: dict[str, str], receiver: Recorder) -> None:
    refused = await _run(env, "webhook", "add", f"{receiver.url}/hook", "--events", "link.clicked")
    assert refused.returncode == 1
    assert refused.stderr.startswith("lantern: 127.0.0.1 resolves to 127.0.0.1")
    assert "LANTERN_WEBHOOK_ALLOW_PRIVATE" in refused.stderr
    bad_event = await _run(env, "webhook", "add", "https://hooks.example/x", "--events", "link.opened")
    assert bad_event.returncode == 1 and "unknown event 'link.opened'" in bad_event.stderr


async def test_a_click_reaches_the_receiver_signed_with_the_printed_secret(
    env: dict[str, str], receiver: Recorder, tmp_path: Path
) -> None:
    env["LANTERN_WEBHOOK_ALLOW_PRIVATE"] = "true"
    url = f"{receiver.url}/hook"
    added = await _run(env, "webhook", "add", url, "--events", "link.created,link.clicked,share.detected")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip()
    assert secret.startswith("whsec_")
    listed = await _run(env, "webhook", "list")
    assert url in listed.stdout and "on" in listed.stdout
    server = await _serve(env, tmp_path)
    try:
        slug = (
            (await _run(env, "shorten", "https://example.com/a", "--channel", "sms"))
            .stdout.strip()
            .rsplit("/", 1)[1]
        )
        await _click(env, slug)
        received = await receiver.wait_for(2)
        events = sorted(r.json()["event"] for r in received)
        assert events == ["link.clicked", "link.created"]
        for request in received:
            assert verify(secret, request.headers[SIGNATURE_HEADER], request.body, now=int(time.time()))
        await asyncio.sleep(0.5)
        deliveries = await _run(env, "webhook", "deliveries", url)
        assert deliveries.stdout.count("delivered") == 2, deliveries.stdout
        tested = await _run(env, "webhook", "test", url)
        assert tested.returncode == 0 and "delivered" in tested.stdout
        assert receiver.received[-1].json()["event"] == "webhook.test"
    finally:
        _stop(server)
    removed = await _run(env, "webhook", "remove", url)
    assert removed.returncode == 0
    missing = await _run(env, "webhook", "deliveries", url)
    assert missing.returncode == 1 and missing.stderr.startswith("lantern: no webhook")


async def test_kill_9_during_a_delivery_loses_nothing(
    env: dict[str, str], receiver: Recorder, tmp_path: Path
) -> None:
    env["LANTERN_WEBHOOK_ALLOW_PRIVATE"] = "true"
    env["LANTERN_FORWARD_LEASE_SECONDS"] = "2"
    receiver.hang_seconds = 30  # the first delivery is still in flight when the server dies
    url = f"{receiver.url}/hook"
    assert (await _run(env, "webhook", "add", url, "--events", "link.clicked")).returncode == 0
    slug = (await _run(env, "shorten", "https://example.com/b")).stdout.strip().rsplit("/", 1)[1]
    server = await _serve(env, tmp_path)
    try:
        await _click(env, slug)
        await asyncio.wait_for(receiver.attempted.wait(), 10)
        assert receiver.attempts == 1
        server.kill()
        server.wait(timeout=10)
    finally:
        _stop(server)
    receiver.hang_seconds = 0
    server = await _serve(env, tmp_path)
    try:
        (delivery,) = await receiver.wait_for(1, within=15)
        assert delivery.json()["event"] == "link.clicked"
    finally:
        _stop(server)


async def test_ga4_check_prints_what_the_validation_endpoint_says(
    env: dict[str, str], receiver: Recorder
) -> None:
    off = await _run(env, "ga4", "check")
    assert off.returncode == 1 and "GA4 is off" in off.stderr
    env.update(LANTERN_GA4_MEASUREMENT_ID="G-X1", LANTERN_GA4_API_SECRET="sec", LANTERN_GA4_URL=receiver.url)
    fine = await _run(env, "ga4", "check")
    assert fine.returncode == 0, fine.stderr
    assert receiver.received[-1].path == "/debug/mp/collect"
    assert receiver.received[-1].json()["events"][-1]["name"] == "lantern_click"
    receiver.validation_messages = [
        {"fieldPath": "events", "description": "Event name is reserved", "validationCode": "NAME_RESERVED"}
    ]
    bad = await _run(env, "ga4", "check")
    assert bad.returncode == 1
    assert "Event name is reserved" in bad.stdout and bad.stderr.startswith("lantern: GA4 found 1 problem")
