"""Slugs and the channel table."""

from __future__ import annotations

import re

import pytest

from tracking.core.channels import CHANNELS, DARK_SOCIAL, Group, channels_in, find_channel, find_group
from tracking.core.errors import InvalidInput
from tracking.core.slugs import RESERVED, check_custom_slug, looks_like_slug, random_slug


def test_random_slugs_are_base62_of_seven_and_do_not_repeat() -> None:
    slugs = {random_slug() for _ in range(2000)}
    assert len(slugs) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9]{7}", s) for s in slugs)


@pytest.mark.parametrize("slug", ["abc", "Spring_Sale-2026", "x" * 64])
def test_good_custom_slugs(slug: str) -> None:
    assert check_custom_slug(slug) == slug


@pytest.mark.parametrize("slug", ["ab", "x" * 65, "has space", "a/b", "émoji", "<script>", "a.b"])
def test_malformed_custom_slugs_are_refused(slug: str) -> None:
    with pytest.raises(InvalidInput, match="3 to 64"):
        check_custom_slug(slug)


@pytest.mark.parametrize("slug", ["api", "HEALTHZ", "metrics", "slack", "Telegram", "static"])
def test_reserved_slugs_are_refused(slug: str) -> None:
    assert slug.lower() in RESERVED
    with pytest.raises(InvalidInput, match="reserved"):
        check_custom_slug(slug)


def test_looks_like_slug_filters_paths_cheaply() -> None:
    assert looks_like_slug("abc1234")
    assert not looks_like_slug("favicon.ico")
    assert not looks_like_slug("a")


def test_every_channel_name_and_alias_is_unique() -> None:
    keys = [k for c in CHANNELS for k in (c.name, *c.aliases)]
    assert len(keys) == len(set(keys))


def test_groups_and_dark_social() -> None:
    assert find_group("messaging") == frozenset({Group.MESSAGING})
    assert find_group("dark social") == DARK_SOCIAL
    dark = channels_in(DARK_SOCIAL)
    assert {"whatsapp", "slack", "email", "sms", "direct"} <= set(dark)
    assert "facebook" not in dark
    assert find_channel("WhatsApp") is not None
    assert find_channel("nope") is None
