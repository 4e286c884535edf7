"""`lantern links list|show`, `api-key list`, `--version` and `config example`, as a user runs them."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import LANTERN, free_port, lantern
from tracking.settings_example import env_example

ROOT = Path(__file__).resolve().parents[2]
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    import os

    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    clean.update(
        LANTERN_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}",
        LANTERN_PORT=str(port),
        LANTERN_BASE_URL=f"http://127.0.0.1:{port}",
        LANTERN_SPOOL_DIR=str(tmp_path / "spool"),
    )
    return clean


def ok(env: dict[str, str], *args: str) -> str:
    done = lantern(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("lantern serve did not listen within 30 s")


def visit(url: str, user_agent: str) -> None:
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-A", user_agent, url], check=True, timeout=30)


def test_links_list_and_show_with_counts(env: dict[str, str], tmp_path: Path) -> None:
    spring = ok(
        env, "shorten", "https://example.com/a", "-c", "wa", "--campaign", "Spring", "--sharer", "Alice"
    )
    email = ok(env, "shorten", "https://example.com/b", "-c", "email", "--max-clicks", "5").strip()
    spring = spring.strip()
    server = subprocess.Popen([LANTERN, "serve"], env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(int(env["LANTERN_PORT"]))
        for _ in range(2):
            visit(spring, CHROME)
        visit(spring, "WhatsApp/2.23.20.0 A")
        visit(email, "curl/8.5")
    finally:
        server.send_signal(signal.SIGTERM)  # drains the visit batch before it exits
        assert server.wait(timeout=20) == 0

    rows = json.loads(ok(env, "links", "list", "--sort", "clicks", "--json"))
    assert [(r["short_url"], r["clicks"], r["previews"], r["bots"]) for r in rows] == [
        (spring, 2, 1, 0),
        (email, 0, 0, 1),
    ]
    assert rows[0]["campaign"] == "spring" and rows[0]["sharer"] == "alice" and rows[0]["state"] == "active"
    only = json.loads(ok(env, "links", "list", "--channel", "whatsapp", "--json"))
    assert [r["short_url"] for r in only] == [spring]
    assert json.loads(ok(env, "links", "list", "--campaign", "nope", "--json")) == []
    assert [r["short_url"] for r in json.loads(ok(env, "links", "list", "--sharer", "@alice", "--json"))] == [
        spring
    ]
    table = ok(env, "links", "list").splitlines()
    assert table[0].split()[:4] == ["SLUG", "CLICKS", "PREVIEWS", "BOTS"]
    assert len(table) == 3 and table[1].split()[0] == email.rsplit("/", 1)[1]  # newest first

    slug = email.rsplit("/", 1)[1]
    ok(env, "links", "disable", slug)
    shown = ok(env, "links", "show", slug)
    assert "state          disabled" in shown and "max clicks     5" in shown and "bots           1" in shown
    detail = json.loads(ok(env, "links", "show", slug, "--json"))
    assert detail["target"] == "https://example.com/b?utm_source=email&utm_medium=email"
    assert (detail["state"], detail["max_clicks"], detail["bots"]) == ("disabled", 5, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["links", "show", "nosuch1"], "lantern: no link has the slug 'nosuch1'"),
        (["links", "list", "--channel", "pigeon"], "lantern: unknown channel 'pigeon'"),
        (["links", "list", "--campaign", "a/b"], "lantern: a campaign name is"),
    ],
)
def test_browsing_errors(env: dict[str, str], args: list[str], message: str) -> None:
    done = lantern(env, *args)
    assert done.returncode == 1
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_api_key_list_never_shows_a_key(env: dict[str, str]) -> None:
    assert lantern(env, "api-key", "list").stderr.startswith("no API keys yet")
    key = ok(env, "api-key", "create", "ci").strip()
    ok(env, "api-key", "create", "zapier")
    ok(env, "api-key", "revoke", "ci")
    table = ok(env, "api-key", "list")
    assert key not in table and key[8:16] not in table
    assert [line.split()[0] for line in table.splitlines()] == ["NAME", "ci", "zapier"]
    rows = json.loads(ok(env, "api-key", "list", "--json"))
    assert [(r["name"], r["state"], r["starts_with"]) for r in rows] == [
        ("ci", "revoked", key[:8] + "…"),
        ("zapier", "live", rows[1]["starts_with"]),
    ]


def test_version(env: dict[str, str]) -> None:
    from importlib.metadata import version

    assert ok(env, "--version") == f"lantern {version('lantern')}\n"


def test_env_example_is_generated_from_the_settings(env: dict[str, str]) -> None:
    shipped = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert shipped == env_example(), "regenerate it: lantern config example > .env.example"
    assert ok(env, "config", "example") == shipped


def test_env_example_covers_every_setting_and_parses_back(tmp_path: Path) -> None:
    from tracking.settings import Settings

    text = env_example()
    for name, field in Settings.model_fields.items():
        assert f"# LANTERN_{name.upper()}=" in text
        assert field.description, f"{name} needs a description: it is the line of why in .env.example"
    uncommented = "\n".join(line.removeprefix("# ") for line in text.splitlines() if "=" in line)
    values = dict(line.split("=", 1) for line in uncommented.splitlines())
    defaults = Settings.model_validate(
        {k.removeprefix("LANTERN_").lower(): v for k, v in values.items() if v}
    )
    assert defaults == Settings.model_validate({})
