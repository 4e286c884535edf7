"""The `lantern` command as a user runs it: real processes, a real server, a real SQLite file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

LANTERN = str(Path(sys.executable).with_name("lantern"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    clean.update(
        LANTERN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        LANTERN_PORT=str(port),
        LANTERN_BASE_URL=f"http://127.0.0.1:{port}",
    )
    return clean


def lantern(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LANTERN, *args], env=env, capture_output=True, text=True, timeout=60, cwd=cwd, check=False
    )


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [LANTERN, "serve"], env=env, cwd=tmp_path, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = env["LANTERN_BASE_URL"] + "/healthz"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", int(env["LANTERN_PORT"])), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(f"lantern serve did not listen: {process.communicate()[0]}")
    assert url
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)


def stored_visits(env: dict[str, str]) -> list[tuple[str, str, str]]:
    path = env["LANTERN_DATABASE_URL"].split("///", 1)[1]
    with sqlite3.connect(path) as db:
        return db.execute("SELECT kind, method, channel FROM visits ORDER BY id").fetchall()


def test_shorten_json_then_the_short_url_redirects(
    env: dict[str, str], server: subprocess.Popen[str]
) -> None:
    done = lantern(
        env,
        "shorten",
        "https://example.com/a?x=1#top",
        "--channel",
        "whatsapp",
        "--campaign",
        "spring",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["target"] == (
        "https://example.com/a?x=1&utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring#top"
    )
    assert out["short_url"] == f"{env['LANTERN_BASE_URL']}/{out['slug']}"
    curl = subprocess.run(
        ["curl", "-si", out["short_url"]], capture_output=True, text=True, timeout=30, check=True
    )
    assert curl.stdout.startswith("HTTP/1.1 302")
    assert f"Location: {out['target']}" in curl.stdout
    assert stored_visits(env) == [("bot", "GET", "whatsapp")]  # curl is a script, stored as bot


def test_shorten_prints_the_short_url_and_reuses_it(env: dict[str, str]) -> None:
    first = lantern(env, "shorten", "https://example.com/x", "--sharer", "Alice")
    second = lantern(env, "shorten", "https://example.com/x", "--sharer", "Alice")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.startswith(env["LANTERN_BASE_URL"] + "/")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["shorten", "javascript:alert(1)"], "only http and https"),
        (["shorten", "https://example.com/", "--slug", "api"], "reserved"),
        (["shorten", "https://example.com/", "--channel", "pigeon"], "unknown channel"),
        (["shorten", "https://example.com/", "--expires", "soon"], "ISO-8601"),
        (["links", "disable", "nosuch1"], "no link has the slug"),
    ],
)
def test_errors_are_one_line_on_stderr_with_non_zero_exit(
    env: dict[str, str], args: list[str], message: str
) -> None:
    done = lantern(env, *args)
    assert done.returncode != 0
    assert done.stdout == ""
    assert message in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_taken_custom_slug(env: dict[str, str]) -> None:
    assert lantern(env, "shorten", "https://a.example.com/", "--slug", "launch").returncode == 0
    done = lantern(env, "shorten", "https://b.example.com/", "--slug", "launch")
    assert done.returncode == 1
    assert "already taken" in done.stderr


def test_bad_setting_is_explained(env: dict[str, str]) -> None:
    done = lantern({**env, "LANTERN_REDIRECT_STATUS": "301"}, "shorten", "https://example.com/")
    assert done.returncode == 2
    assert "LANTERN_REDIRECT_STATUS" in done.stderr and "browsers cache" in done.stderr


def test_db_upgrade_reports_the_revision(env: dict[str, str]) -> None:
    done = lantern(env, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert "database at revision" in done.stdout


def status_of(url: str) -> str:
    """The HTTP status curl sees for a URL, without following redirects."""
    done = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_disable_takes_effect_in_the_running_server(
    env: dict[str, str], server: subprocess.Popen[str]
) -> None:
    slug = json.loads(lantern(env, "shorten", "https://example.com/", "--json").stdout)["slug"]
    short = f"{env['LANTERN_BASE_URL']}/{slug}"
    assert status_of(short) == "302"
    assert lantern(env, "links", "disable", slug).returncode == 0
    time.sleep(5.5)  # the cache's time-to-live (LANTERN_LINK_CACHE_TTL, 5 s by default)
    assert status_of(short) == "410"


def test_sigterm_drains_in_flight_visits(env: dict[str, str], server: subprocess.Popen[str]) -> None:
    slug = json.loads(lantern(env, "shorten", "https://example.com/", "--json").stdout)["slug"]
    short = f"{env['LANTERN_BASE_URL']}/{slug}"

    async def load() -> int:
        redirects = 0
        warmed = asyncio.Event()
        async with aiohttp.ClientSession() as session:

            async def worker(w: int) -> None:
                nonlocal redirects
                for i in range(10_000):
                    try:
                        async with session.get(f"{short}?w={w}&i={i}", allow_redirects=False) as response:
                            if response.status != 302:
                                return
                    except aiohttp.ClientError:
                        return
                    redirects += 1
                    if redirects >= 100:
                        warmed.set()

            workers = [asyncio.create_task(worker(w)) for w in range(32)]
            await asyncio.wait_for(warmed.wait(), timeout=30)
            server.send_signal(signal.SIGTERM)  # while 32 clients keep requesting
            await asyncio.gather(*workers)
        return redirects

    redirects = asyncio.run(load())
    assert server.wait(timeout=20) == 0
    assert redirects >= 100
    assert len(stored_visits(env)) >= redirects  # every 302 a client received has its visit


def test_two_workers_share_the_port_and_lose_nothing(env: dict[str, str], tmp_path: Path) -> None:
    slug = json.loads(lantern(env, "shorten", "https://example.com/", "--json").stdout)["slug"]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [LANTERN, "serve", "--workers", "2"],
            env=env,
            cwd=tmp_path,
            text=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "worker 1 started" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        short = f"{env['LANTERN_BASE_URL']}/{slug}"

        async def hammer() -> int:
            async with aiohttp.ClientSession() as session:

                async def one(i: int) -> int:
                    for _ in range(50):  # the workers may still be starting
                        try:
                            async with session.get(f"{short}?i={i}", allow_redirects=False) as response:
                                return 1 if response.status == 302 else 0
                        except aiohttp.ClientConnectionError:
                            await asyncio.sleep(0.1)
                    return 0

                return sum(await asyncio.gather(*(one(i) for i in range(400))))

        assert asyncio.run(hammer()) == 400
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    text = log.read_text()
    served = [int(n) for n in re.findall(r"served (\d+) redirects", text)]
    assert len(served) == 2 and sum(served) == 400
    assert len(stored_visits(env)) == 400


def test_prune_and_reclassify_commands(env: dict[str, str], server: subprocess.Popen[str]) -> None:
    slug = json.loads(lantern(env, "shorten", "https://example.com/", "--json").stdout)["slug"]
    short = f"{env['LANTERN_BASE_URL']}/{slug}"
    subprocess.run(["curl", "-s", "-A", "WhatsApp/2.23.20.0 A", short], check=True, capture_output=True)
    subprocess.run(
        ["curl", "-s", "-A", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", short],
        check=True,
        capture_output=True,
    )
    done = lantern(env, "reclassify", "--since", "2020-01-01")
    assert done.returncode == 0, done.stderr
    assert "examined 2 visits: 0 changed, 0 skipped" in done.stdout
    assert lantern(env, "prune", "--older-than", "0").returncode != 0  # DAYS must be at least 1
    done = lantern(env, "prune", "--older-than", "30")
    assert done.returncode == 0, done.stderr
    assert "deleted 0 raw visits" in done.stdout
    assert len(stored_visits(env)) == 2
