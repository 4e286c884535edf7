"""UTM tagging keeps the target intact and merges only what the caller gave."""

from __future__ import annotations

import pytest

from tracking.core.errors import InvalidInput
from tracking.core.tagging import UtmTags, merge_query, normalise_campaign, tag_url, tags_for


def test_tags_are_appended_after_existing_params_and_before_the_fragment() -> None:
    tags = tags_for(channel="whatsapp", campaign="spring", sharer_handle="alice")
    assert tag_url("https://example.com/a?x=1#top", tags) == (
        "https://example.com/a?x=1&utm_source=whatsapp&utm_medium=messaging"
        "&utm_campaign=spring&utm_content=alice#top"
    )


def test_existing_params_keep_their_order_and_exact_encoding() -> None:
    url = "https://example.com/?b=2&a=%2F&flag&empty=&a=3"
    tagged = tag_url(url, UtmTags(source="email", medium="email"))
    assert tagged == "https://example.com/?b=2&a=%2F&flag&empty=&a=3&utm_source=email&utm_medium=email"


def test_existing_utm_is_kept_when_the_caller_gave_no_value() -> None:
    url = "https://example.com/?utm_campaign=newsletter&utm_source=old"
    tagged = tag_url(url, tags_for(channel="sms", campaign=None, sharer_handle=None))
    assert tagged == "https://example.com/?utm_campaign=newsletter&utm_source=sms&utm_medium=sms"


def test_caller_value_overrides_in_place_and_repeats_collapse() -> None:
    url = "https://example.com/?utm_source=a&x=1&UTM_SOURCE=b"
    assert tag_url(url, UtmTags(source="telegram")) == "https://example.com/?utm_source=telegram&x=1"


def test_no_tags_leaves_the_url_alone() -> None:
    assert tag_url("https://example.com/p?q=1#f", UtmTags()) == "https://example.com/p?q=1#f"


def test_values_are_percent_encoded() -> None:
    assert "utm_content=a%26b" in tag_url("https://e.com/", UtmTags(content="a&b"))


@pytest.mark.parametrize(
    ("alias", "source", "medium"),
    [
        ("wa", "whatsapp", "messaging"),
        ("TG", "telegram", "messaging"),
        ("mail", "email", "email"),
        ("text", "sms", "sms"),
        ("Twitter", "x", "social"),
        ("slack", "slack", "messaging"),
    ],
)
def test_channel_aliases_resolve_to_source_and_medium(alias: str, source: str, medium: str) -> None:
    tags = tags_for(channel=alias, campaign=None, sharer_handle=None)
    assert (tags.source, tags.medium) == (source, medium)


def test_unknown_channel_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match=r"unknown channel 'carrier-pigeon'.*whatsapp"):
        tags_for(channel="carrier-pigeon", campaign=None, sharer_handle=None)


@pytest.mark.parametrize(
    ("raw", "expected"), [("Spring Sale", "spring-sale"), ("q4.2026", "q4.2026"), ("  ", None), (None, None)]
)
def test_campaign_names_are_normalised(raw: str | None, expected: str | None) -> None:
    assert normalise_campaign(raw) == expected


@pytest.mark.parametrize("raw", ["<script>", "a/b", "x" * 65, "'; DROP TABLE links; --", "-leading"])
def test_bad_campaign_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="campaign"):
        normalise_campaign(raw)


def test_short_url_query_is_forwarded_after_the_targets_own() -> None:
    assert merge_query("https://e.com/p?a=1#f", "ref=x") == "https://e.com/p?a=1&ref=x#f"
    assert merge_query("https://e.com/p#f", "ref=x") == "https://e.com/p?ref=x#f"
    assert merge_query("https://e.com/p", "") == "https://e.com/p"
