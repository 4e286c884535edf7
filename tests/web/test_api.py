"""The HTTP API through the real app: bearer keys, links, stats as JSON and PNG, OpenAPI."""

from __future__ import annotations

import asyncio

import pytest

from tests.web.conftest import Running
from tracking.storage.api_keys import SqlApiKeys
from tracking.storage.tables import ApiKeyRow


@pytest.fixture
async def key(lantern: Running) -> str:
    return await SqlApiKeys(
        lantern.parts.engine,
        clock=lambda: __import__("datetime").datetime.now(__import__("datetime").UTC),
    ).create("tests")


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_missing_or_wrong_key_is_401_and_changes_nothing(lantern: Running, key: str) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer lnt_wrong"},
        {"Authorization": f"Basic {key}"},
        {"Authorization": "Bearer"},
    ):
        async with lantern.client.post(
            lantern.url("/api/v1/links"), json={"url": "https://example.com/"}, headers=headers
        ) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert (await response.json())["error"] == "unauthorized"
        async with lantern.client.get(lantern.url("/api/v1/stats?q=clicks"), headers=headers) as response:
            assert response.status == 401
    async with lantern.parts.engine.connect() as connection:
        from sqlalchemy import func, select, text

        assert (await connection.execute(text("SELECT count(*) FROM links"))).scalar_one() == 0
        hashes = (await connection.execute(select(ApiKeyRow.key_hash))).scalars().all()  # type: ignore[call-overload]
    assert key not in hashes and len(hashes[0]) == 64
    del func


async def test_create_link_then_again(lantern: Running, key: str) -> None:
    body = {"url": "https://example.com/a?x=1#top", "channel": "wa", "campaign": "Spring"}
    async with lantern.client.post(lantern.url("/api/v1/links"), json=body, headers=auth(key)) as response:
        assert response.status == 201
        link = await response.json()
    assert link["target"] == (
        "https://example.com/a?x=1&utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring#top"
    )
    assert link["short_url"].endswith("/" + link["slug"])
    async with lantern.client.post(lantern.url("/api/v1/links"), json=body, headers=auth(key)) as response:
        assert response.status == 200
        assert (await response.json())["slug"] == link["slug"]


async def test_one_link_per_channel(lantern: Running, key: str) -> None:
    body = {"url": "https://example.com/post", "channels": ["whatsapp", "email"]}
    async with lantern.client.post(lantern.url("/api/v1/links"), json=body, headers=auth(key)) as response:
        assert response.status == 201
        links = (await response.json())["links"]
    assert ["utm_source=whatsapp" in x["target"] for x in links] == [True, False]
    assert "utm_source=email" in links[1]["target"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"url": "javascript:alert(1)"}, 400, "invalid_url"),
        ({"url": "https://example.com/", "channel": "pigeon"}, 400, "invalid_input"),
        ({"url": "https://example.com/", "slug": "api"}, 400, "invalid_input"),
        ({"url": "https://example.com/", "max_clicks": "ten"}, 400, "invalid_input"),
        ({"url": "https://example.com/", "expires_at": "soon"}, 400, "invalid_input"),
        ({"url": "https://example.com/", "colour": "blue"}, 400, "invalid_input"),
        ({"url": 42}, 400, "invalid_input"),
        ({}, 400, "invalid_input"),
        (["https://example.com/"], 400, "invalid_json"),
    ],
)
async def test_bad_link_requests_are_clear_4xx(
    lantern: Running, key: str, body: object, status: int, code: str
) -> None:
    async with lantern.client.post(lantern.url("/api/v1/links"), json=body, headers=auth(key)) as response:
        assert response.status == status
        payload = await response.json()
    assert payload["error"] == code and payload["message"]


async def test_not_json_and_too_large(lantern: Running, key: str) -> None:
    async with lantern.client.post(
        lantern.url("/api/v1/links"), data="url=https://example.com/", headers=auth(key)
    ) as response:
        assert response.status == 415
    async with lantern.client.post(
        lantern.url("/api/v1/links"),
        data=b"{" + b" " * 100_000 + b"}",
        headers={**auth(key), "Content-Type": "application/json"},
    ) as response:
        assert response.status == 413
    async with lantern.client.post(
        lantern.url("/api/v1/links"),
        data=b"{not json",
        headers={**auth(key), "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400


async def test_concurrent_custom_slug_gives_one_201_and_409s(lantern: Running, key: str) -> None:
    async def create(i: int) -> int:
        body = {"url": f"https://example.com/{i}", "slug": "launch"}
        async with lantern.client.post(
            lantern.url("/api/v1/links"), json=body, headers=auth(key)
        ) as response:
            return response.status

    statuses = await asyncio.gather(*(create(i) for i in range(20)))
    assert sorted(statuses) == [201] + [409] * 19


async def test_stats_json_and_png(lantern: Running, key: str) -> None:
    slug = await lantern.shorten("https://example.com/", channel="whatsapp")
    async with lantern.client.get(lantern.url(f"/{slug}"), allow_redirects=False) as response:
        assert response.status == 302
    async with lantern.client.get(
        lantern.url("/api/v1/stats"), params={"q": "clicks from messaging this week"}, headers=auth(key)
    ) as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["total"] == 1
    assert answer["interpreted"]["metric"] == "clicks"
    assert "whatsapp" in answer["interpreted"]["channels"]
    params = {"q": "clicks by day this week"}
    async with lantern.client.get(
        lantern.url("/api/v1/stats"), params=params, headers={**auth(key), "Accept": "image/png"}
    ) as response:
        assert response.status == 200
        assert response.content_type == "image/png"
        assert (await response.read()).startswith(b"\x89PNG")
    async with lantern.client.get(
        lantern.url("/api/v1/stats"),
        params={"q": "clicks this week"},
        headers={**auth(key), "Accept": "image/png"},
    ) as response:
        assert response.status == 406


async def test_stats_with_as_of_and_unreadable_questions(lantern: Running, key: str) -> None:
    params = {"q": "clicks yesterday", "as_of": "2026-03-01T12:00:00+00:00"}
    async with lantern.client.get(lantern.url("/api/v1/stats"), params=params, headers=auth(key)) as response:
        assert response.status == 200
        assert (await response.json())["interpreted"]["start"].startswith("2026-02-28")
    async with lantern.client.get(
        lantern.url("/api/v1/stats"), params={"q": "what is love"}, headers=auth(key)
    ) as response:
        assert response.status == 400
        payload = await response.json()
    assert payload["error"] == "question_not_understood"
    assert 2 <= len(payload["suggestions"]) <= 3
    for bad in ({"q": ""}, {"q": "clicks", "as_of": "noon"}):
        async with lantern.client.get(
            lantern.url("/api/v1/stats"), params=bad, headers=auth(key)
        ) as response:
            assert response.status == 400


async def test_openapi_document_is_public_and_describes_the_api(lantern: Running) -> None:
    async with lantern.client.get(lantern.url("/api/v1/openapi.json")) as response:
        assert response.status == 200
        document = await response.json()
    assert document["openapi"].startswith("3.1")
    assert {"/links", "/stats"} <= set(document["paths"])
