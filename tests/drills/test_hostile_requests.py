"""Drill 5 in small: what a raw socket can send that a client library refuses to."""

from __future__ import annotations

from sqlalchemy import text

from drills import raw_http
from tests.drills.conftest import DrillTarget


async def test_oversized_headers_are_refused_without_a_visit(target: DrillTarget) -> None:
    slug = await target.shorten()
    port = target.server.port
    assert port is not None
    sent = [
        raw_http.request("GET", f"/{slug}", [("User-Agent", "u" * 16_384)]),
        raw_http.request("GET", f"/{slug}", [(f"X-Pad-{n}", "p") for n in range(300)]),
        raw_http.request("GET", f"/{slug}?q=" + "q" * 20_480),
    ]
    statuses = [(await raw_http.send(port, request)).status for request in sent]
    assert all(status in {400, 414, 431} for status in statuses), statuses
    assert await target.count("visits") == 0


async def test_a_crlf_in_the_user_agent_cannot_add_a_response_header(target: DrillTarget) -> None:
    slug = await target.shorten()
    port = target.server.port
    assert port is not None
    hostile = "evil\r\nSet-Cookie: x=1"
    request = raw_http.request(
        "GET", f"/{slug}", [("User-Agent", hostile), ("Referer", "<script>alert(1)</script>")]
    )
    response = await raw_http.send(port, request)
    assert response.status == 302
    assert response.header("set-cookie") == []
    async with target.parts.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT user_agent, referrer FROM visits"))).all()
    assert [tuple(row) for row in stored] == [("evil", "<script>alert(1)</script>")]
