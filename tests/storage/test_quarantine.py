"""Visits are stored whatever their headers say; a visit the database refuses blocks nobody."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from lantern.composition import Parts
from lantern.composition import running_parts as container
from tests.storage.test_spool import visit
from tracking.core.shortening import ShortenRequest
from tracking.core.visits import Visit, VisitRequest, visit_as_dict
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.tables import visit_text_sizes

CRAWLER = "A" * 50 + "Crawler" + "a" * 50 + "/1"  # ua-parser names a 105-character browser


@pytest.fixture
async def built(database_url: str, clean_env: None, tmp_path: Path) -> AsyncIterator[Parts]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await engine.dispose()
    settings = Settings(database_url=database_url, spool_dir=str(tmp_path / "spool"), country_header="CF")
    async with container(settings) as running:
        yield running


async def rows(built: Parts, sql: str) -> list[tuple[object, ...]]:
    async with built.engine.connect() as connection:
        return [tuple(r) for r in (await connection.execute(text(sql))).all()]


async def wait_until_written(built: Parts) -> None:
    for _ in range(200):
        if not built.committer.spooling and not built.committer.pending:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the committer is still spooling")


def test_sizes_are_read_from_the_table_definitions() -> None:
    sizes = dict(visit_text_sizes().sizes)
    assert sizes["user_agent"] == 512 and sizes["referrer"] == 1024 and sizes["country"] == 2
    assert sizes["browser"] == 64 and sizes["device"] == 16 and sizes["channel"] == 32
    assert "kind" not in sizes and "link_id" not in sizes
    long = replace(visit(), user_agent="u" * 600, browser="b" * 100)
    fitted = visit_text_sizes().fit(long)
    assert (len(fitted.user_agent or ""), len(fitted.browser or "")) == (512, 64)
    short = visit()
    assert visit_text_sizes().fit(short) is short  # nothing copied when everything fits


async def test_hostile_headers_are_stored_cut_and_decoded(built: Parts) -> None:
    link = (await built.shortener.shorten(ShortenRequest("https://example.com/"))).link
    requests = [
        VisitRequest("GET", CRAWLER, "", "192.0.2.1"),
        VisitRequest("GET", "Mozilla/5.0 caf\udce9", "https://a.example/\udce9", "192.0.2.2"),
        VisitRequest("GET", "Mozilla/5.0 (" + "W" * 150 + ") " + "B" * 150 + "/1.0", "r" * 3000, "192.0.2.3"),
        VisitRequest("GET", "\udcff" * 10, "", "192.0.2.4", forwarded_for="\udcff", country="\udce9\udce9"),
    ]
    for request in requests:
        outcome = await built.tracker.visit(link.slug, request)
        assert outcome.status == 302
    stored = await rows(built, "SELECT user_agent, referrer, browser, os FROM visits ORDER BY id")
    assert len(stored) == len(requests)
    assert stored[0][0] == CRAWLER and len(str(stored[0][2])) <= 64
    assert stored[1][:2] == ("Mozilla/5.0 caf\ufffd", "https://a.example/\ufffd")
    assert len(str(stored[2][1])) == 1024
    assert await rows(built, "SELECT count(*) FROM visit_quarantine") == [(0,)]
    dims = await rows(built, "SELECT max(length(value)) FROM rollup_daily_dimensions")
    assert int(str(dims[0][0])) <= 64


async def test_a_refused_visit_is_quarantined_and_its_batch_stored(built: Parts) -> None:
    link = (await built.shortener.shorten(ShortenRequest("https://example.com/"))).link
    good = [visit(link.id, n) for n in range(9)]
    bad = replace(visit(link.id, 99), user_agent="no driver encodes \udce9")  # past the builder's care
    await asyncio.gather(*(built.committer.record(v) for v in [*good[:4], bad, *good[4:]]))
    await built.committer.record(visit(link.id, 100))  # and the next batch is not held up
    assert not built.committer.spooling
    assert await rows(built, "SELECT count(*) FROM visits") == [(10,)]
    assert await rows(built, "SELECT sum(visits) FROM rollup_daily_totals") == [(10,)]
    [(reason, payload, link_id)] = await rows(built, "SELECT reason, visit, link_id FROM visit_quarantine")
    assert "surrogates not allowed" in str(reason) and link_id == link.id
    assert json.loads(str(payload))["user_agent"] == "no driver encodes \udce9"
    assert built.committer.items_quarantined == 1
    assert await built.visits.quarantined() == 1


async def test_a_poisoned_spooled_batch_is_replayed_past(
    database_url: str, clean_env: None, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await engine.dispose()
    settings = Settings(database_url=database_url, spool_dir=str(tmp_path / "spool"))
    async with container(settings) as first:
        link = (await first.shortener.shorten(ShortenRequest("https://example.com/"))).link
    folder = tmp_path / "spool" / "worker-0"
    bad = replace(visit(link.id, 1), referrer="\udce9")
    batch: list[Visit] = [visit(link.id, 0), bad, visit(link.id, 2)]
    body = {"id": "e" * 32, "visits": [visit_as_dict(v) for v in batch]}
    (folder / "000000000001-1-3.batch").write_text(json.dumps(body))
    (folder / "000000000002-1-1.batch").write_text('{"id": "x", "visits": [{"nonsense": 1}]}')
    (folder / "000000000003-1-1.batch").write_text(
        json.dumps({"id": "f" * 32, "visits": [visit_as_dict(visit(link.id, 3))]})
    )
    async with container(settings) as second:
        assert second.committer.spooling
        await wait_until_written(second)
        assert await rows(second, "SELECT count(*) FROM visits") == [(3,)]
        assert await rows(second, "SELECT count(*) FROM visit_quarantine") == [(1,)]
        assert second.committer.spool_files_set_aside == 1
    assert sorted(p.suffix for p in folder.iterdir()) == [".unreadable"]
    (folder / "000000000004-1-3.batch").write_text(json.dumps(body))  # the same batch again (a crash)
    async with container(settings) as third:
        await wait_until_written(third)
        assert await rows(third, "SELECT count(*) FROM visits") == [(3,)]  # nothing counted twice
        assert await rows(third, "SELECT count(*) FROM visit_quarantine") == [(1,)]


async def test_healthz_counts_quarantined_visits(built: Parts) -> None:
    from tracking.health import VisitHealth

    link = (await built.shortener.shorten(ShortenRequest("https://example.com/"))).link
    await built.committer.record(replace(visit(link.id), os="\udce9"))
    health = await VisitHealth(
        committer=built.committer, spool=built.spool, quarantined=built.visits.quarantined
    ).check()
    assert health.status == 200
    assert health.body["status"] == "ok" and health.body["visits"] == "database"
    assert health.body["quarantine"] == {"visits": 1, "this_process": 1, "unreadable_spool_files": 0}


async def test_a_process_with_another_visitor_key_says_so(
    database_url: str, clean_env: None, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await engine.dispose()
    first = Settings(database_url=database_url, spool_dir=str(tmp_path / "a"), visitor_key="k" * 32)
    async with container(first):
        pass
    async with container(first):
        pass
    assert "differs" not in caplog.text
    other = Settings(database_url=database_url, spool_dir=str(tmp_path / "b"), visitor_key="x" * 32)
    async with container(other):
        pass
    assert "visitor key differs from the one first used with this database" in caplog.text
