"""The links the "Get tracked link" shortcut finds in a message (pure)."""

from __future__ import annotations

from bot.slack.message_urls import MAX_URLS, urls_in_message, urls_in_text


def test_slack_markup_and_bare_urls_but_no_mentions() -> None:
    text = (
        "Read <https://example.com/a|this> and <https://example.org/b?x=1&amp;y=2>, "
        "ping <@U123|alice> in <#C123|general> <!here> <mailto:a@b.example|mail> "
        "or see https://example.net/c."
    )
    assert urls_in_text(text) == [
        "https://example.com/a",
        "https://example.org/b?x=1&y=2",
        "https://example.net/c",
    ]


def test_rich_text_blocks_and_attachments_count_once_each() -> None:
    message = {
        "text": "<https://example.com/a>",
        "blocks": [
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "link", "url": "https://example.com/a"},
                            {"type": "text", "text": " and "},
                            {"type": "link", "url": "https://example.io/d", "text": "d"},
                        ],
                    }
                ],
            }
        ],
        "attachments": [{"from_url": "https://example.io/d", "original_url": "https://example.io/e"}],
    }
    assert urls_in_message(message) == [
        "https://example.com/a",
        "https://example.io/d",
        "https://example.io/e",
    ]


def test_no_links() -> None:
    assert urls_in_message({"text": "hello <@U1>"}) == []
    assert urls_in_message({}) == []


def test_at_most_max_urls() -> None:
    text = " ".join(f"<https://example.com/{n}>" for n in range(MAX_URLS + 5))
    assert len(urls_in_message({"text": text})) == MAX_URLS
