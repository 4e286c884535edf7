"""The real app against telegram-test-api, in polling and in webhook mode, on SQLite and PostgreSQL:
a user's `/link`, a pasted URL and a button press, and `/stats`, read back as the user sees them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from aiohttp import ClientSession

from tests.telegram.conftest import Emulated
from tests.web.conftest import BROWSER

SHORT_LINK = re.compile(r"https?://\S+/([A-Za-z0-9_-]{7})\b")


def slugs_in(text: str) -> list[str]:
    return SHORT_LINK.findall(text)


async def test_link_for_whatsapp_is_tagged_and_credited_to_the_telegram_user(emulated: Emulated) -> None:
    await emulated.user.command("/link https://example.com/post for whatsapp")
    (reply,) = await emulated.user.replies()
    assert "<b>Your links</b> for https://example.com/post" in reply.text
    [slug] = slugs_in(reply.text)
    assert f"WhatsApp: <code>{emulated.parts.shortener.short_url(slug)}</code>" in reply.text

    [link] = await emulated.storage.links()
    [sharer] = await emulated.storage.sharers()
    assert (link.slug, link.channel, link.sharer_id) == (slug, "whatsapp", sharer.id)
    assert (sharer.platform, sharer.external_id, sharer.display_name) == ("telegram", "4711", "Ada Lovelace")
    assert link.tagged_target.startswith("https://example.com/post?utm_source=whatsapp&utm_medium=messaging")
    assert parse_qs(urlsplit(link.tagged_target).query)["utm_content"] == [sharer.handle]
    if emulated.proxy is not None:
        assert emulated.proxy.forwarded == 1  # the update came through the webhook, with the secret


async def test_a_pasted_url_gets_its_telegram_link_and_share_buttons(emulated: Emulated) -> None:
    await emulated.user.write("have a look https://example.com/a?ref=1")
    (reply,) = await emulated.user.replies()
    assert "Your link for <b>Telegram</b>:" in reply.text
    assert "It opens https://example.com/a?ref=1" in reply.text
    [telegram_slug] = slugs_in(reply.text)
    assert f"<code>{emulated.parts.shortener.short_url(telegram_slug)}</code>" in reply.text
    buttons = reply.buttons()
    assert list(buttons) == ["WhatsApp", "Email", "SMS"]

    links = {link.channel: link for link in await emulated.storage.links()}
    assert links["telegram"].slug == telegram_slug
    assert buttons["WhatsApp"].endswith("%2F" + links["whatsapp"].slug)
    assert buttons["Email"] == "mailto:?body=" + quote(
        emulated.parts.shortener.short_url(links["email"].slug), safe=""
    )
    assert buttons["SMS"].startswith("sms:?body=")
    assert {link.target for link in links.values()} == {"https://example.com/a?ref=1"}
    assert len({link.sharer_id for link in links.values()}) == 1


async def test_stats_answers_in_html(emulated: Emulated) -> None:
    await emulated.user.command("/stats clicks this week")
    (empty,) = await emulated.user.replies()
    assert empty.text.startswith("No clicks this week yet")

    await emulated.user.command("/link https://example.com/stats")
    (made,) = await emulated.user.replies()
    [slug] = slugs_in(made.text)
    async with (
        ClientSession(headers={"User-Agent": BROWSER}) as browser,
        browser.get(emulated.tracker_url(slug), allow_redirects=False) as response,
    ):
        assert response.status == 302

    await emulated.user.command("/stats clicks this week")
    (answer,) = await emulated.user.replies()
    assert answer.text.startswith("<b>1 click · this week")

    await emulated.user.command("/stats how are <b>you</b>")
    (puzzled,) = await emulated.user.replies()
    assert "&lt;b&gt;you&lt;/b&gt;" in puzzled.text
    assert "Try one of these:" in puzzled.text and "<code>/stats " in puzzled.text
    assert "Traceback" not in puzzled.text


async def test_the_webhook_route_exists_only_in_webhook_mode(emulated: Emulated) -> None:
    async with (
        ClientSession() as client,
        client.post(f"{emulated.origin}/telegram/webhook", json={}) as response,
    ):
        assert response.status == (401 if emulated.mode == "webhook" else 404)
