"""LANTERN_METRICS_TOKEN: when set, /metrics answers only with `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Running

TOKEN = "metrics-token-0123456789"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"metrics_token": TOKEN}


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer \u00ff"]
)
async def test_metrics_without_the_token_are_refused(lantern: Running, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    async with lantern.client.get(lantern.url("/metrics"), headers=headers) as response:
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "lantern_" not in await response.text()


async def test_metrics_with_the_token_are_served(lantern: Running) -> None:
    async with lantern.client.get(
        lantern.url("/metrics"), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as response:
        assert response.status == 200
        assert "lantern_" in await response.text()
