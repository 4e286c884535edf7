"""What Lantern shows in Slack, built from core results (pure): layout and escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.slack import blocks
from bot.slack.app import describe_request, team_allowed
from bot.slack.unfurl import own_slug, unfurl_address
from tracking.core.errors import InvalidInput
from tracking.core.links import Link
from tracking.core.questions.model import QuestionNotUnderstood, Row
from tracking.core.shortening import ShortenResult

HOSTILE = ("<!channel>", "<https://evil.example|click>", "<@U123>", "a & b")
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def link(slug: str = "abc1234", *, channel: str | None = "whatsapp", campaign: str | None = None) -> Link:
    target = "https://www.example.com/post"
    return Link(
        id=1,
        slug=slug,
        target=target,
        tagged_target=f"{target}?utm_source={channel}&utm_medium=messaging",
        channel=channel,
        campaign=campaign,
        sharer_id=None,
        created_at=NOW,
    )


def rendered(value: object) -> str:
    """Everything Slack would read, as one string."""
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_escape_leaves_no_markup(hostile: str) -> None:
    escaped = blocks.escape(hostile)
    assert "<" not in escaped and ">" not in escaped
    assert blocks.escape("a & b") == "a &amp; b"
    assert "`" not in blocks.code("x`y")[1:-1]


def test_link_reply_has_one_section_per_link_with_the_short_url_alone_in_a_code_span() -> None:
    results = [
        ShortenResult(link("wa12345"), "https://go.example/wa12345", created=True),
        ShortenResult(link("em12345", channel="email"), "https://go.example/em12345", created=False),
    ]
    reply = blocks.link_reply(results)
    sections = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert sections[1] == "*WhatsApp*\n`https://go.example/wa12345`"
    assert sections[2].startswith("*Email* · _same link as before_\n")
    assert sections[2].endswith("\n`https://go.example/em12345`")
    assert "utm_source=whatsapp&amp;utm_medium=messaging" in rendered(reply.blocks)
    assert reply.as_response()["response_type"] == "ephemeral"
    assert reply.as_response(in_channel=True)["response_type"] == "in_channel"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_strings_come_back_escaped(hostile: str) -> None:
    results = [ShortenResult(link(campaign=hostile), "https://go.example/abc1234", created=True)]
    replies = [
        blocks.link_reply(results, failures=[(f"https://example.com/{hostile}", f"bad {hostile}")]),
        blocks.problem(InvalidInput(f"got {hostile!r}")),
        blocks.link_usage(f"I could not read {hostile}"),
        blocks.not_understood(
            QuestionNotUnderstood(
                f"Sorry, I could not read “{hostile}”",
                understood=(f"campaign: {hostile}",),
                unknown=(hostile,),
                suggestions=(f"clicks for campaign {hostile} this week",),
            )
        ),
    ]
    for reply in replies:
        shown = rendered(reply.as_response())
        assert hostile not in shown
        assert blocks.escape(hostile) in shown or blocks.escape(hostile).replace("`", "ˋ") in shown


def test_home_view_lists_my_links_and_the_team_top() -> None:
    mine = [blocks.HomeLink(link(), "https://go.example/abc1234", clicks=3, shares=1)]
    top = [Row("abc1234", "/abc1234 → example.com/<!here>", 3)]
    view = blocks.home_view(mine, top, my_period="last 30 days")
    text = rendered(view)
    assert view["type"] == "home"
    assert "`https://go.example/abc1234` → example.com/post" in text
    assert "*3* clicks · *1* share this week" in text
    assert "1. /abc1234 → example.com/&lt;!here&gt; · *3* clicks" in text
    empty = rendered(blocks.home_view([], [], my_period="last 30 days"))
    assert "You have not made a link last 30 days" in empty and "No clicks yet this week" in empty


def test_unfurl_card_shows_host_and_clicks_this_week() -> None:
    card = rendered(blocks.unfurl_card(link(), clicks_this_week=1))
    assert "*example.com*" in card
    assert "*1* click this week" in card
    assert "tagged for WhatsApp" in card


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://go.example.com/abc1234", "abc1234"),
        ("http://GO.example.com/abc1234/", "abc1234"),
        ("https://go.example.com/abc1234?x=1", "abc1234"),
        ("https://go.example.com/", None),
        ("https://go.example.com/a/b", None),
        ("https://example.com/abc1234", None),
        ("https://go.example.com.evil.test/abc1234", None),
        ("https://go.example.com:8443/abc1234", None),
        ("not a url", None),
    ],
)
def test_own_slug(url: str, slug: str | None) -> None:
    assert own_slug(url, "https://go.example.com") == slug


def test_own_slug_under_a_base_path() -> None:
    assert own_slug("https://example.com/l/abc1234", "https://example.com/l") == "abc1234"
    assert own_slug("https://example.com/abc1234", "https://example.com/l") is None


def test_unfurl_address_prefers_the_composer_unfurl_id() -> None:
    assert unfurl_address({"unfurl_id": "U1", "source": "composer", "channel": "COMPOSER"}) == {
        "unfurl_id": "U1",
        "source": "composer",
    }
    assert unfurl_address({"channel": "C1", "message_ts": "1.2", "source": "conversations_history"}) == {
        "channel": "C1",
        "ts": "1.2",
    }


def test_team_allowed() -> None:
    assert team_allowed((), "T1")
    assert team_allowed(("T1",), "T1")
    assert not team_allowed(("T1",), "T2")
    assert not team_allowed(("T1",), None)
    assert team_allowed(("E1",), "T2", "E1")


def test_describe_request_names_the_request_without_user_text() -> None:
    assert describe_request({"command": "/link", "text": "secret"}) == "command /link"
    assert describe_request({"type": "message_action", "callback_id": "get_tracked_link"}) == (
        "message_action get_tracked_link"
    )
    assert describe_request({"event": {"type": "link_shared"}}) == "event link_shared"
