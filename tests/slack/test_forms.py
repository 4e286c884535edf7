"""Slack's forms: `/link` alone opens a modal; its submission makes links or shows what is wrong."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack import forms
from tests.slack.conftest import SlackLantern


def values(
    url: str = "https://example.com/form",
    channels: tuple[str, ...] = ("whatsapp", "email"),
    campaign: str = "",
    expiry: str | None = None,
    clicks: str = "",
    post_here: bool = False,
) -> dict[str, dict[str, Any]]:
    return {
        "url": {"value": {"type": "url_text_input", "value": url}},
        "channels": {"value": {"selected_options": [{"value": name} for name in channels]}},
        "campaign": {"value": {"value": campaign or None}},
        "expiry": {"value": {"selected_date": expiry}},
        "clicks": {"value": {"value": clicks or None}},
        "post": {"value": {"selected_options": [{"value": "yes"}] if post_here else []}},
    }


async def test_link_alone_opens_the_form_with_every_field(slack: SlackLantern) -> None:
    sent = await slack.command("/link", "")
    assert sent.status == 200
    view = await slack.opened_view()
    assert view["callback_id"] == forms.LINK_FORM
    ids = [block.get("block_id") for block in view["blocks"]]
    assert ids == ["url", "channels", "campaign", "expiry", "clicks", "post"]
    channels = view["blocks"][1]["element"]
    assert channels["type"] == "multi_static_select"
    assert [o["value"] for o in channels["initial_options"]] == ["slack"]
    assert {"whatsapp", "email", "sms", "telegram"} <= {o["value"] for o in channels["options"]}
    assert "direct" not in {o["value"] for o in channels["options"]}
    assert await slack.link_count() == 0


async def test_a_submitted_form_makes_the_links_and_answers_in_the_conversation(slack: SlackLantern) -> None:
    sent = await slack.command("/link", "")
    view = await slack.opened_view()
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    done = await slack.submit(view, values(campaign="Spring", expiry=tomorrow, clicks="50", post_here=True))
    assert done.status == 200 and done.body == ""  # the modal closes
    reply = await slack.peer.wait_for_response(sent.key)
    assert reply["response_type"] == "in_channel"
    links = await slack.links()
    assert sorted(link.channel or "" for link in links) == ["email", "whatsapp"]
    assert {link.campaign for link in links} == {"spring"}
    assert {link.max_clicks for link in links} == {50}
    for link in links:
        assert link.expires_at is not None and link.expires_at.date() >= date.today() + timedelta(days=2)
        assert f"`https://go.lantern.test/{link.slug}`" in json.dumps(reply)


async def test_mistakes_are_shown_under_their_field_and_nothing_is_made(slack: SlackLantern) -> None:
    await slack.command("/link", "")
    view = await slack.opened_view()
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    past = await slack.submit(view, values(expiry=yesterday, clicks="0"))
    assert past.json()["response_action"] == "errors"
    assert set(past.json()["errors"]) == {"expiry", "clicks"}
    bad_url = await slack.submit(view, values(url="ftp://example.com/f"))
    assert list(bad_url.json()["errors"]) == ["url"]
    assert "http" in bad_url.json()["errors"]["url"]
    bad_campaign = await slack.submit(view, values(campaign="bad!name"))
    assert list(bad_campaign.json()["errors"]) == ["campaign"]
    assert await slack.link_count() == 0


def test_the_origin_fits_slacks_metadata_limit() -> None:
    origin = forms.Origin(
        "https://hooks.slack.test/x", tuple(f"https://example.com/{n:04d}" + "x" * 200 for n in range(40))
    )
    text = origin.as_metadata()
    assert len(text) <= forms.METADATA_LIMIT
    back = forms.Origin.from_metadata(text)
    assert back.response_url == "https://hooks.slack.test/x" and 0 < len(back.urls) < 40
    assert forms.Origin.from_metadata("not json") == forms.Origin("")


def test_an_expiry_day_lasts_until_its_end_in_lantern_time_zone() -> None:
    tz = ZoneInfo("Europe/Paris")
    view = {"state": {"values": values(expiry="2026-12-24")}}
    read = forms.read_form(view, today=date(2026, 12, 1), tz=tz)
    assert read.problems == ()
    assert read.expires_at == datetime(2026, 12, 25, tzinfo=tz)
    assert read.expires_at.astimezone(UTC) == datetime(2026, 12, 24, 23, tzinfo=UTC)
