"""What users type, read without Telegram: `/link` arguments, pasted URLs, command arguments."""

from __future__ import annotations

import pytest

from bot.telegram.commands import (
    MAX_CHANNELS,
    LinkCommand,
    UsageError,
    argument_text,
    first_url,
    parse_link_args,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/post", LinkCommand("https://example.com/post", (), None)),
        (
            "https://example.com/post for whatsapp",
            LinkCommand("https://example.com/post", ("whatsapp",), None),
        ),
        (
            "https://example.com/post for whatsapp, email",
            LinkCommand("https://example.com/post", ("whatsapp", "email"), None),
        ),
        ("https://e.com for WhatsApp,email", LinkCommand("https://e.com", ("whatsapp", "email"), None)),
        ("https://e.com for wa and sms & email", LinkCommand("https://e.com", ("wa", "sms", "email"), None)),
        ("https://e.com for sms sms", LinkCommand("https://e.com", ("sms",), None)),
        (
            "https://e.com for sms campaign spring-sale",
            LinkCommand("https://e.com", ("sms",), "spring-sale"),
        ),
        (
            "https://e.com campaign Back to school for email",
            LinkCommand("https://e.com", ("email",), "Back to school"),
        ),
        ("https://e.com  camp  q4", LinkCommand("https://e.com", (), "q4")),
        ("  https://e.com\nfor\temail ", LinkCommand("https://e.com", ("email",), None)),
    ],
)
def test_link_arguments(text: str, expected: LinkCommand) -> None:
    assert parse_link_args(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Use /link URL"),
        ("   ", "Use /link URL"),
        ("https://e.com please", "I did not understand “please”"),
        ("https://e.com for", "name at least one channel"),
        ("https://e.com for , and", "name at least one channel"),
        ("https://e.com campaign", "name the campaign"),
        ("https://e.com campaign for sms", "name the campaign"),
        ("https://e.com campaign a for sms campaign b", "name the campaign once"),
        ("https://e.com for " + " ".join(f"c{i}" for i in range(MAX_CHANNELS + 1)), "at most"),
    ],
)
def test_link_arguments_it_cannot_read_say_how(text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_link_args(text)
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("https://example.com/a", [], "https://example.com/a"),
        ("look: https://example.com/a?b=1, nice!", [], "https://example.com/a?b=1"),
        ("(see https://example.com/a)", [], "https://example.com/a"),
        ("HTTP://EXAMPLE.COM/x.", [], "HTTP://EXAMPLE.COM/x"),
        ("example.com/post", ["example.com/post"], "https://example.com/post"),
        ("two http://a.example/ then b", ["http://a.example/", "b.example"], "http://a.example/"),
        ("ftp://files.example/x", ["ftp://files.example/x"], "ftp://files.example/x"),
        ("no link here", [], None),
        ("", [], None),
    ],
)
def test_first_url(text: str, entities: list[str], expected: str | None) -> None:
    assert first_url(text, entities) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/stats clicks today", "clicks today"),
        ("/stats@LanternBot  clicks\ntoday ", "clicks\ntoday"),
        ("/stats", ""),
        ("", ""),
    ],
)
def test_argument_text(text: str, expected: str) -> None:
    assert argument_text(text) == expected
