"""Drills 9a and 9b in small: hostile header bytes through a raw socket, then the 256-candidate search."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from drills import raw_http
from drills.hostile_headers import hostile_requests
from drills.ip_recovery import StoredVisit, candidate_salts, recover
from tests.drills.conftest import DrillTarget
from tracking.core.visits import day_salt
from tracking.storage.visitor_key import load_visitor_key


async def test_every_hostile_header_gets_its_redirect_and_its_visit(target: DrillTarget) -> None:
    slug = await target.shorten()
    port = target.server.port
    assert port is not None
    sent = [*hostile_requests(), ("plain", [("User-Agent", "Mozilla/5.0 plain")])]
    for what, headers in sent:
        answer = await raw_http.send(port, raw_http.request("GET", f"/{slug}", headers))
        assert answer.status == 302, (what, answer.status, answer.body[:200])
    assert await target.count("visits") == len(sent)  # each 302 waited for its commit
    assert not target.parts.committer.spooling
    async with target.parts.engine.connect() as connection:
        quarantined = (await connection.execute(text("SELECT count(*) FROM visit_quarantine"))).scalar_one()
    assert quarantined == 0


async def test_the_database_alone_gives_no_address_back(target: DrillTarget) -> None:
    slug = await target.shorten()
    port = target.server.port
    assert port is not None
    for n in range(6):
        headers = [("User-Agent", f"Mozilla/5.0 visitor {n}")]
        assert (await raw_http.send(port, raw_http.request("GET", f"/{slug}", headers))).status == 302
    async with target.parts.engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))).all()
        cells = [
            cell
            for (name,) in names
            for row in (await connection.execute(text(f'SELECT * FROM "{name}"'))).all()  # noqa: S608 - catalogued
            for cell in row
        ]
        rows = (
            await connection.execute(text("SELECT ip_prefix, user_agent, visitor_hash, at FROM visits"))
        ).all()
    visits = [StoredVisit(str(p), str(u), str(h)) for p, u, h, _ in rows]
    assert not recover(visits, candidate_salts(cells))
    key = load_visitor_key(target.parts.settings)
    day = date.fromisoformat(str(rows[0][3])[:10])  # SQLite keeps UTC times as text
    found = recover(visits, [day_salt(key, day)])  # the control: with the key, the same search works
    assert set(found.values()) == {"127.0.0.1"} and len(found) == len(visits)
