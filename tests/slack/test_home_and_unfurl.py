"""App Home (`app_home_opened` → views.publish) and unfurls (`link_shared` → chat.unfurl + a stored share)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.slack.people import sharer_ref
from tests.slack.conftest import BASE_URL, TEAM, USER, SlackLantern, settle
from tests.web.conftest import BROWSER
from tracking.core.shortening import ShortenRequest


async def shorten(slack: SlackLantern, url: str, *, mine: bool = True) -> str:
    sharer = sharer_ref(TEAM, USER, "admin") if mine else sharer_ref(TEAM, "U0SOMEONE", "Someone Else")
    result = await slack.parts.shortener.shorten(ShortenRequest(url, channel="whatsapp", sharer=sharer))
    return result.link.slug


async def click(slack: SlackLantern, slug: str, times: int = 1) -> None:
    """Real clicks through the tracker, stored before the test goes on."""
    before = len(await slack.visits("click"))
    for _ in range(times):
        url = slack.server.make_url(f"/{slug}")
        async with slack.client.get(url, headers={"User-Agent": BROWSER}, allow_redirects=False) as response:
            assert response.status == 302
    await slack.wait_for_visits("click", before + times)


def home_event(tab: str = "home") -> dict[str, object]:
    return {"type": "app_home_opened", "user": USER, "channel": "D0LANTERN", "tab": tab, "event_ts": "1.2"}


async def test_app_home_shows_my_links_with_numbers_and_the_team_top(slack: SlackLantern) -> None:
    mine = await shorten(slack, "https://example.com/mine")
    quiet = await shorten(slack, "https://example.com/quiet")
    theirs = await shorten(slack, "https://example.org/theirs", mine=False)
    await click(slack, mine, 2)
    await click(slack, theirs, 3)

    sent = await slack.event(home_event())
    assert sent.status == 200
    (published,) = await slack.peer.wait_for_call("views.publish")
    assert published.answer["ok"] is True  # the emulator accepted the view
    assert published.args["user_id"] == USER
    view = published.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert f"`{BASE_URL}/{mine}` → example.com/mine" in text
    assert "*2* clicks · *0* shares this week" in text
    assert f"`{BASE_URL}/{quiet}`" in text
    assert f"`{BASE_URL}/{theirs}`" not in text  # not mine…
    assert f"1. /{theirs} → example.org/theirs · *3* clicks" in text  # …but the team's top link
    assert f"2. /{mine} → example.com/mine · *2* clicks" in text


async def test_messages_tab_does_not_publish(slack: SlackLantern) -> None:
    await slack.event(home_event(tab="messages"))
    await settle()
    assert slack.peer.called("views.publish") == []


def link_shared(*urls: str) -> dict[str, object]:
    return {
        "type": "link_shared",
        "channel": "C000000001",
        "user": USER,
        "message_ts": "1700000000.000200",
        "source": "conversations_history",
        "unfurl_id": "C000000001.1700000000.000200.abc",
        "is_bot_user_member": True,
        "links": [{"domain": url.split("/")[2], "url": url} for url in urls],
        "event_ts": "1700000000.000300",
    }


async def test_unfurl_shows_host_and_clicks_and_stores_a_slack_share(slack: SlackLantern) -> None:
    slug = await shorten(slack, "https://www.example.com/post")
    await click(slack, slug)
    own = f"{BASE_URL}/{slug}"

    sent = await slack.event(link_shared(own, f"{BASE_URL}/nosuchlink", "https://example.com/other"))
    assert sent.status == 200
    (unfurl,) = await slack.peer.wait_for_call("chat.unfurl")
    assert unfurl.args["unfurl_id"] == "C000000001.1700000000.000200.abc"
    assert unfurl.args["source"] == "conversations_history"
    unfurls = unfurl.args["unfurls"]
    unfurls = json.loads(unfurls) if isinstance(unfurls, str) else unfurls
    assert list(unfurls) == [own]
    card = json.dumps(unfurls[own])
    assert "*example.com*" in card
    assert "*1* click this week" in card

    (share,) = await slack.wait_for_visits("preview", 1)
    assert (share.channel, share.rule, share.method) == ("slack", "slack-unfurl", "EVENT")


async def test_foreign_links_only_get_no_unfurl(slack: SlackLantern) -> None:
    await slack.event(link_shared("https://example.com/other"))
    await settle()
    assert slack.peer.called("chat.unfurl") == []
    assert await slack.visits() == []


async def press(slack: SlackLantern, action_id: str, value: str) -> int:
    """A button pressed on the App Home tab (`block_actions`)."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "lantern-test"},
        "user": {"id": USER, "username": "admin", "name": "admin", "team_id": TEAM},
        "api_app_id": "A0LANTERN",
        "trigger_id": slack.trigger_id(),
        "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"id": "V0HOME", "type": "home", "team_id": TEAM},
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1.2"}
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return (await slack.post(body, "application/x-www-form-urlencoded")).status


def published_text(slack: SlackLantern, index: int) -> str:
    view = slack.peer.called("views.publish")[index].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    return json.dumps(view["blocks"], ensure_ascii=False)


async def test_home_buttons_copy_disable_enable_and_open_the_dashboard(slack: SlackLantern) -> None:
    mine = await shorten(slack, "https://example.com/buttons")
    await slack.event(home_event())
    await slack.peer.wait_for_call("views.publish")
    text = published_text(slack, 0)
    assert '"action_id": "home_copy"' in text and '"action_id": "home_disable"' in text
    assert f'"url": "{BASE_URL}/dashboard/links/{mine}"' in text

    assert await press(slack, "home_copy", mine) == 200
    copy = await slack.opened_view()
    assert copy["blocks"][0]["element"]["initial_value"] == f"{BASE_URL}/{mine}"

    assert await press(slack, "home_disable", mine) == 200
    await slack.peer.wait_for_call("views.publish", 2)
    link = await slack.parts.links.get_by_slug(mine)
    assert link is not None and link.disabled
    assert '"action_id": "home_enable"' in published_text(slack, 1)
    async with slack.client.get(slack.server.make_url(f"/{mine}"), allow_redirects=False) as gone:
        assert gone.status == 410

    assert await press(slack, "home_enable", mine) == 200
    await slack.peer.wait_for_call("views.publish", 3)
    link = await slack.parts.links.get_by_slug(mine)
    assert link is not None and not link.disabled
    assert await press(slack, "home_dashboard", "") == 200


async def test_a_link_of_someone_else_cannot_be_disabled_from_home(slack: SlackLantern) -> None:
    theirs = await shorten(slack, "https://example.org/theirs", mine=False)
    assert await press(slack, "home_disable", theirs) == 200
    await settle()
    link = await slack.parts.links.get_by_slug(theirs)
    assert link is not None and not link.disabled
    assert slack.peer.called("views.publish") == []
