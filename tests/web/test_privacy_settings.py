"""Settings that turn off storage of IPs, user agents and referrers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Running


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"store_ip": False, "store_user_agent": False, "store_referrer": False}


async def test_nothing_personal_is_kept_but_attribution_still_works(lantern: Running) -> None:
    slug = await lantern.shorten("https://example.com/")
    async with lantern.client.get(
        lantern.url(f"/{slug}"), allow_redirects=False, headers={"Referer": "https://web.telegram.org/"}
    ) as response:
        assert response.status == 302
    [visit] = await lantern.visits()
    assert (visit.ip_prefix, visit.user_agent, visit.referrer) == (None, None, None)
    assert (visit.kind, visit.channel, visit.evidence) == ("click", "telegram", "referrer")
    assert visit.visitor_hash is not None  # unique counts still work: the hash is not an IP
