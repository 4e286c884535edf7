"""The small pieces: button data and inline result ids within Telegram's 64 bytes, the share
keyboard, escaped replies and the memory of handled updates."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import InputTextMessageContent, LinkPreviewOptions

from bot.telegram import inline, keyboards, replies
from bot.telegram.commands import UsageError
from tracking.core.errors import InvalidUrl
from tracking.core.links import Link
from tracking.core.questions.model import QuestionNotUnderstood
from tracking.core.shortening import ShortenPreview, ShortenResult


def result_for(slug: str, channel: str, target: str = "https://example.com/") -> ShortenResult:
    link = Link(
        id=1,
        slug=slug,
        target=target,
        tagged_target=target,
        channel=channel,
        campaign=None,
        sharer_id=None,
        created_at=datetime(2026, 11, 30, tzinfo=UTC),
    )
    return ShortenResult(link, f"https://go.example.com/{slug}", created=True)


def test_share_buttons_open_each_app_with_its_own_link() -> None:
    keyboard = keyboards.share_keyboard(
        {
            "telegram": "https://go.example.com/tg00001",
            "whatsapp": "https://go.example.com/wa00001",
            "email": "https://go.example.com/em00001",
            "sms": "https://go.example.com/sm00001",
        }
    )
    assert keyboard is not None
    buttons = {b.text: b.url for row in keyboard.inline_keyboard for b in row}
    assert buttons == {
        "WhatsApp": "https://wa.me/?text=https%3A%2F%2Fgo.example.com%2Fwa00001",
        "Email": "mailto:?body=https%3A%2F%2Fgo.example.com%2Fem00001",
        "SMS": "sms:?body=https%3A%2F%2Fgo.example.com%2Fsm00001",
    }
    only_sms = keyboards.share_keyboard({"sms": "https://go.example.com/x"})
    assert only_sms is not None and [b.text for row in only_sms.inline_keyboard for b in row] == ["SMS"]
    assert keyboards.share_keyboard({"telegram": "https://go.example.com/x"}) is None


def test_inline_result_ids_carry_the_promised_slug() -> None:
    assert inline.result_id("abc1234") == "abc1234:telegram"
    assert inline.parse_result_id("abc1234:telegram") == "abc1234"
    assert (
        inline.parse_result_id("abc1234:email") == "abc1234"
    )  # older results: posted into Telegram all the same
    assert inline.result_id("s" * 60) is None
    for foreign in ("", "abc1234", ":telegram", "a b:telegram", "ab:telegram"):
        assert inline.parse_result_id(foreign) is None


def test_inline_article_posts_the_bare_short_link_with_its_preview() -> None:
    preview = ShortenPreview(
        "abc1234",
        "https://go.example.com/abc1234",
        "https://example.com/post",
        "https://example.com/post?utm_source=telegram",
        "telegram",
        None,
        existing=False,
    )
    article = inline.article(preview)
    assert article is not None
    assert article.id == "abc1234:telegram"
    assert article.title == "Share a link tagged for Telegram"
    content = article.input_message_content
    assert isinstance(content, InputTextMessageContent)
    assert content.message_text == "https://go.example.com/abc1234"
    assert content.parse_mode is None
    assert isinstance(content.link_preview_options, LinkPreviewOptions)
    assert content.link_preview_options.is_disabled is False


def test_replies_escape_what_users_typed() -> None:
    nasty = "https://example.com/?q=<b>&x=1"
    text = replies.links_text(nasty, [("sms", result_for("abc1234", "sms", nasty))], "a<i>")
    assert "<b>Your links</b>" in text
    assert "?q=&lt;b&gt;&amp;x=1" in text and "<i>" not in text
    assert (
        replies.error_text(InvalidUrl("the URL <x> is bad", reason="x")) == "Sorry, the URL &lt;x&gt; is bad"
    )
    assert replies.error_text(UsageError("Use /link <URL>")) == "Use /link &lt;URL&gt;"
    question = QuestionNotUnderstood(
        "Sorry, I could not read “<script>” in that question.",
        understood=("metric: clicks",),
        unknown=("<script>",),
        suggestions=("clicks from messaging this week", "top 5 links this week"),
    )
    text = replies.error_text(question)
    assert "&lt;script&gt;" in text and "<script>" not in text
    assert "I understood: metric: clicks" in text
    assert "<code>/stats clicks from messaging this week</code>" in text
    assert "&lt;" not in replies.help_text("lantern_bot") and "@lantern_bot" in replies.help_text(
        "lantern_bot"
    )
    assert "1234" in replies.refusal_text(1234)
