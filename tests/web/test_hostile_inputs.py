"""What a stranger sends gets a clear 4xx with a reason, never a 500 or a misleading 503 (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from drills import raw_http
from tests.web.conftest import Running
from tracking.core.channels import CHANNELS
from tracking.storage.api_keys import SqlApiKeys
from tracking.storage.tables import LinkRow


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Input handling does not depend on the backend; SQLite keeps these quick."""
    return sqlite_url


async def api_key(lantern: Running) -> str:
    return await SqlApiKeys(lantern.parts.engine, clock=lambda: datetime.now(UTC)).create("hostile")


async def link_count(lantern: Running) -> int:
    async with lantern.parts.engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(LinkRow))).scalar_one())


async def test_an_undecodable_bearer_key_is_401(lantern: Running) -> None:
    port = lantern.server.port
    assert port is not None
    request = raw_http.request("GET", "/api/v1/stats?q=clicks", []).replace(
        b"Connection: close", b"Connection: close\r\nAuthorization: Bearer \xff\xfe"
    )
    response = await raw_http.send(port, request)
    assert response.status == 401
    assert b"API key" in response.body


async def test_deeply_nested_json_is_400(lantern: Running) -> None:
    key = await api_key(lantern)
    async with lantern.client.post(
        lantern.url("/api/v1/links"),
        data=b"[" * 20_000,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
        assert (await response.json())["error"] == "invalid_json"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("max_clicks", 2**63, "max clicks can be at most"),
        ("expires_at", "9999-12-31T23:59:59-05:00", "too far ahead"),
    ],
)
async def test_out_of_range_link_limits_are_400_with_a_reason(
    lantern: Running, field: str, value: object, reason: str
) -> None:
    key = await api_key(lantern)
    async with lantern.client.post(
        lantern.url("/api/v1/links"),
        json={"url": "https://example.com/", field: value},
        headers={"Authorization": f"Bearer {key}"},
    ) as response:
        assert response.status == 400
        assert reason in (await response.json())["message"]
    assert await link_count(lantern) == 0


async def test_a_question_as_of_year_one_is_400(lantern: Running) -> None:
    key = await api_key(lantern)
    async with lantern.client.get(
        lantern.url("/api/v1/stats"),
        params={"q": "clicks last week", "as_of": "0001-01-01"},
        headers={"Authorization": f"Bearer {key}"},
    ) as response:
        assert response.status == 400
        assert "as_of" in (await response.json())["message"]


async def test_a_request_for_more_links_than_the_burst_creates_none(lantern: Running) -> None:
    key = await api_key(lantern)
    channels = [channel.name for channel in CHANNELS]
    assert len(channels) > 10  # every channel Lantern knows: far more than one burst
    async with lantern.client.post(
        lantern.url("/api/v1/links"),
        json={"url": "https://example.com/", "channels": channels},
        headers={"Authorization": f"Bearer {key}"},
    ) as response:
        assert response.status == 429
        body = await response.json()
    assert "at most 10 channels at a time" in body["message"]
    assert response.headers["Retry-After"].isdigit()
    assert await link_count(lantern) == 0
    async with (
        lantern.client.post(  # ten fit, all of them
            lantern.url("/api/v1/links"),
            json={"url": "https://example.com/", "channels": channels[:10]},
            headers={"Authorization": f"Bearer {key}"},
        ) as response
    ):
        assert response.status == 201
    assert await link_count(lantern) == 10


async def test_a_slow_heavy_question_is_coarsened_and_said_so(lantern: Running) -> None:
    key = await api_key(lantern)
    async with lantern.client.get(
        lantern.url("/api/v1/stats"),
        params={"q": "clicks by hour since 1970"},
        headers={"Authorization": f"Bearer {key}"},
    ) as response:
        assert response.status == 200
        body = await response.json()
    assert body["interpreted"]["group_by"] == "month"
    assert len(body["rows"]) <= 1000
    assert any("shown by month instead" in note for note in body["notes"])


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"question_rate_per_minute": 6, "question_burst": 2}


async def test_questions_are_limited_per_api_key(lantern: Running) -> None:
    first, second = (
        await api_key(lantern),
        await SqlApiKeys(lantern.parts.engine, clock=lambda: datetime.now(UTC)).create("second"),
    )
    statuses = []
    for _ in range(3):
        async with lantern.client.get(
            lantern.url("/api/v1/stats"), params={"q": "clicks"}, headers={"Authorization": f"Bearer {first}"}
        ) as response:
            statuses.append(response.status)
            body = await response.json()
    assert statuses == [200, 200, 429]
    assert body["error"] == "rate_limited" and "6 questions a minute" in body["message"]
    async with lantern.client.get(
        lantern.url("/api/v1/stats"), params={"q": "clicks"}, headers={"Authorization": f"Bearer {second}"}
    ) as response:
        assert response.status == 200
