"""`/link` arguments as people type them (pure: no Slack, no storage)."""

from __future__ import annotations

import pytest

from bot.slack.commands import (
    MAX_CHANNELS,
    LinkCommand,
    LinkUsageError,
    is_help,
    parse_link_command,
    split_channels,
    unescape,
    unwrap_link,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/post", LinkCommand("https://example.com/post")),
        (
            "https://example.com/post for whatsapp, email",
            LinkCommand("https://example.com/post", ("whatsapp", "email")),
        ),
        (
            "https://example.com/post for whatsapp,email",
            LinkCommand("https://example.com/post", ("whatsapp", "email")),
        ),
        (
            "https://example.com/post for whatsapp email",
            LinkCommand("https://example.com/post", ("whatsapp", "email")),
        ),
        ("https://example.com/post for wa and sms", LinkCommand("https://example.com/post", ("wa", "sms"))),
        ("https://example.com/post FOR Telegram", LinkCommand("https://example.com/post", ("Telegram",))),
        (
            "https://example.com/post for microsoft teams, email",
            LinkCommand("https://example.com/post", ("microsoft teams", "email")),
        ),
        (
            "https://example.com/post campaign spring-sale",
            LinkCommand("https://example.com/post", campaign="spring-sale"),
        ),
        (
            'https://example.com/post campaign "spring sale" for email',
            LinkCommand("https://example.com/post", ("email",), campaign="spring sale"),
        ),
        (
            "https://example.com/post campaign “spring sale”",
            LinkCommand("https://example.com/post", campaign="spring sale"),
        ),
        (
            "https://example.com/post as launch for sms campaign q4",
            LinkCommand("https://example.com/post", ("sms",), campaign="q4", slug="launch"),
        ),
        ("<https://example.com/post>", LinkCommand("https://example.com/post")),
        (
            "<https://example.com/post|example.com/post> for email",
            LinkCommand("https://example.com/post", ("email",)),
        ),
        ("<https://example.com/?a=1&amp;b=2>", LinkCommand("https://example.com/?a=1&b=2")),
        ("https://example.com/?a=1&amp;b=2", LinkCommand("https://example.com/?a=1&b=2")),
        ("  https://example.com/post   for   slack  ", LinkCommand("https://example.com/post", ("slack",))),
        ("https://example.com/post for email, email", LinkCommand("https://example.com/post", ("email",))),
    ],
)
def test_reads_the_link_command(text: str, expected: LinkCommand) -> None:
    assert parse_link_command(text) == expected


def test_hostile_campaign_is_passed_on_as_typed_for_the_shortener_to_refuse() -> None:
    parsed = parse_link_command("https://example.com for slack campaign &lt;!channel&gt; &amp; co")
    assert parsed.campaign == "<!channel> & co"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "URL"),
        ("for whatsapp", "Start with the URL"),
        ("https://example.com whatsapp", "could not read “whatsapp”"),
        ("https://example.com for", "needs a value"),
        ("https://example.com for email for sms", "twice"),
        ("https://example.com as two words", "one word"),
        (
            "https://example.com for " + ", ".join(["email"] + [f"c{n}" for n in range(MAX_CHANNELS)]),
            "At most",
        ),
    ],
)
def test_explains_what_does_not_fit(text: str, says: str) -> None:
    with pytest.raises(LinkUsageError) as raised:
        parse_link_command(text)
    assert says in raised.value.message


def test_quoted_keyword_is_a_value_not_a_keyword() -> None:
    assert parse_link_command('https://x.example campaign "for" as s1').campaign == "for"


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?", "--help"])
def test_help_words(text: str) -> None:
    assert is_help(text)


def test_unescape_and_unwrap() -> None:
    assert unescape("a &amp;lt; b &lt;c&gt;") == "a &lt; b <c>"
    assert unwrap_link("<https://a.example/x|label>") == "https://a.example/x"
    assert unwrap_link("<mailto:a@b.example|a@b.example>") == "mailto:a@b.example"
    assert unwrap_link("plain") == "plain"


def test_split_channels_keeps_names_that_only_exist_as_a_whole() -> None:
    assert split_channels(["google", "chat", "&", "sms"]) == ("google chat", "sms")
    assert split_channels(["whatsapp", "telegram"]) == ("whatsapp", "telegram")
