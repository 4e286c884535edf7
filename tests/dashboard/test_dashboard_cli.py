"""`lantern share` and `lantern user` as a user runs them, against a real `lantern serve`."""

from __future__ import annotations

import re
import subprocess
from html import unescape

import aiohttp

from tests.cli.test_cli import env, lantern, server  # noqa: F401  (the CLI tests' fixtures)

CHROME = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def page_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def test_share_create_list_revoke_against_a_running_server(
    env: dict[str, str],  # noqa: F811
    server: subprocess.Popen[str],  # noqa: F811
) -> None:
    slugs = {}
    for channel in ("whatsapp", "sms", "slack"):
        made = lantern(env, "shorten", f"https://example.com/{channel}", "--channel", channel)
        assert made.returncode == 0, made.stderr
        slugs[channel] = made.stdout.strip()
    async with aiohttp.ClientSession() as client:
        for channel, clicks in (("whatsapp", 2), ("sms", 1), ("slack", 1)):
            for _ in range(clicks):
                async with client.get(slugs[channel], headers={"User-Agent": CHROME}, allow_redirects=False):
                    pass
        preview = {"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}
        async with client.get(slugs["slack"], headers=preview, allow_redirects=False):
            pass

    created = lantern(env, "share", "create", "Monday review")
    assert created.returncode == 0, created.stderr
    url = created.stdout.strip()
    assert url.startswith(env["LANTERN_BASE_URL"] + "/dashboard/s/")

    async with aiohttp.ClientSession() as client:
        async with client.get(url) as answer:
            assert answer.status == 200
            text = page_text(await answer.text())
        assert re.search(r"Clicks 4\b", text) and re.search(r"WhatsApp 2\b", text)
        assert re.search(r"SMS 1\b", text) and re.search(r"Slack 1\b", text)
        async with client.get(url, params={"q": "clicks from messaging this week"}) as answer:
            assert re.search(r"Clicks 3\b", page_text(await answer.text()))
        async with client.get(url, headers={"Accept-Language": "fr"}) as answer:
            assert "Clics par canal" in page_text(await answer.text())

    listed = lantern(env, "share", "list")
    assert "Monday review\tlive\t" + url in listed.stdout
    assert lantern(env, "share", "revoke", "Monday review").returncode == 0
    again = lantern(env, "share", "revoke", "Monday review")
    assert again.returncode == 1 and again.stderr.startswith("lantern: no live share")
    async with aiohttp.ClientSession() as client, client.get(url) as answer:
        assert answer.status == 404


def test_user_add_prints_a_sign_in_link(env: dict[str, str]) -> None:  # noqa: F811
    added = lantern(env, "user", "add", "Ana@Example.com")
    assert added.returncode == 0, added.stderr
    assert re.fullmatch(re.escape(env["LANTERN_BASE_URL"]) + r"/dashboard/auth/[\w-]{20,}\n", added.stdout)
    refused = lantern(env, "user", "add", "not-an-address")
    assert refused.returncode == 1 and "is not an e-mail address" in refused.stderr
    taken = lantern(env, "share", "create", "a/b")
    assert taken.returncode == 1 and "share name" in taken.stderr
