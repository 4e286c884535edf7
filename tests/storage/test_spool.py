"""The visit spool: nothing accepted is lost while the database is away, nothing counted twice."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Result, text
from sqlalchemy.ext.asyncio import AsyncEngine

from lantern.composition import build_visit_writer
from tests.builders import a_visit
from tracking.core.attribution import VisitKind
from tracking.core.links import Link, NewLink
from tracking.core.visits import Visit
from tracking.recording import GroupCommitter, RecorderUnavailable
from tracking.settings import Settings
from tracking.spool import VisitSpool
from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.links import SqlLinkRepository

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def visit(link_id: int = 1, n: int = 0) -> Visit:
    return a_visit(link_id=link_id, at=NOW, user_agent=f"agent {n}")


async def migrated_link(engine: AsyncEngine, slug: str) -> Link:
    """Migrate an empty database and put one link in it."""
    await migrate.upgrade(engine)
    return await SqlLinkRepository(engine).insert_link(
        NewLink(
            slug=slug,
            target="https://a.com/",
            tagged_target="https://a.com/",
            channel=None,
            campaign=None,
            sharer_id=None,
            dedupe_key=None,
            created_at=NOW,
            expires_at=None,
            max_clicks=None,
            custom_slug=False,
        )
    )


class FlakyStore:
    """A store that can be switched off, like a database during an outage."""

    def __init__(self) -> None:
        self.up = True
        self.rows: list[Visit] = []
        self.batch_ids: set[str] = set()

    async def write(self, batch: Sequence[Visit], batch_id: str | None = None) -> None:
        if not self.up:
            raise ConnectionRefusedError("database is down")
        if batch_id is not None:
            if batch_id in self.batch_ids:
                return
            self.batch_ids.add(batch_id)
        self.rows.extend(batch)


def test_spool_round_trip_is_durable_and_ordered(tmp_path: Path) -> None:
    spool = VisitSpool(tmp_path, max_bytes=1_000_000)
    first = spool.append([visit(n=1), visit(n=2)], "1" * 32)
    second = spool.append([visit(n=3)], "3" * 32)
    assert spool.pending() == [first, second]
    batch_id, visits = spool.load(first)
    assert [v.user_agent for v in visits] == ["agent 1", "agent 2"]
    assert visits[0] == visit(n=1) and batch_id == "1" * 32
    again = VisitSpool(tmp_path, max_bytes=1_000_000)  # a restarted process sees the same files
    assert again.pending() == [first, second]
    again.append([visit(n=4)], "4" * 32)
    assert len(again.pending()) == 3 and again.pending()[-1].name > second.name


async def test_outage_spools_then_replays_exactly(tmp_path: Path) -> None:
    store = FlakyStore()
    committer: GroupCommitter[Visit] = GroupCommitter(
        store.write,
        spool=VisitSpool(tmp_path, max_bytes=1_000_000),
        retry_delays=(0.01,),
        replay_interval=0.05,
    )
    await committer.start()
    await asyncio.gather(*(committer.record(visit(n=n)) for n in range(10)))
    store.up = False
    await asyncio.gather(*(committer.record(visit(n=n)) for n in range(10, 30)))  # all "redirected"
    assert committer.spooling and len(store.rows) == 10
    store.up = True
    for _ in range(100):
        if not committer.spooling:
            break
        await asyncio.sleep(0.02)
    await committer.record(visit(n=99))
    await committer.stop()
    assert sorted(v.user_agent or "" for v in store.rows) == sorted(f"agent {n}" for n in [*range(30), 99])
    assert committer.items_spooled == 20 and committer.items_replayed == 20


async def test_a_full_spool_refuses_instead_of_losing(tmp_path: Path) -> None:
    store = FlakyStore()
    store.up = False
    committer: GroupCommitter[Visit] = GroupCommitter(
        store.write, spool=VisitSpool(tmp_path, max_bytes=10), retry_delays=(), replay_interval=10
    )
    await committer.start()
    with pytest.raises(RecorderUnavailable, match="spool"):
        await committer.record(visit())
    await committer.stop()


async def test_spool_left_by_a_crash_is_replayed_at_start(tmp_path: Path) -> None:
    VisitSpool(tmp_path, max_bytes=1_000_000).append([visit(n=7)], "7" * 32)
    store = FlakyStore()
    committer: GroupCommitter[Visit] = GroupCommitter(
        store.write, spool=VisitSpool(tmp_path, max_bytes=1_000_000), replay_interval=0.02
    )
    await committer.start()
    await asyncio.sleep(0.2)
    await committer.stop()
    assert [v.user_agent for v in store.rows] == ["agent 7"]


async def test_a_batch_replayed_twice_is_stored_once(database_url: str) -> None:
    engine = create_engine(database_url)
    writer = build_visit_writer(Settings(database_url=database_url), engine)  # what production runs
    try:
        link = await migrated_link(engine, "spool01")
        await writer.start()
        batch = [visit(link.id, n) for n in range(3)]
        await writer.write_batch(batch, "a" * 32)
        await writer.write_batch(batch, "a" * 32)
        await writer.write_batch(batch, "b" * 32)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM visits"))).scalar_one() == 6
            total = await connection.execute(text("SELECT sum(visits) FROM rollup_daily_totals"))
            assert total.scalar_one() == 6
    finally:
        await writer.close()
        await engine.dispose()


async def test_a_write_that_committed_but_failed_is_not_counted_twice(tmp_path: Path) -> None:
    """The database commits, then the connection drops before the answer: the batch is spooled
    anyway (nobody can tell), and its replay must be recognised by the batch id."""
    store = FlakyStore()
    lost_answers = 1

    async def commit_then_fail(batch: Sequence[Visit], batch_id: str | None = None) -> None:
        nonlocal lost_answers
        await store.write(batch, batch_id)
        if lost_answers:
            lost_answers -= 1
            raise ConnectionResetError("connection lost after COMMIT")

    committer: GroupCommitter[Visit] = GroupCommitter(
        commit_then_fail,
        spool=VisitSpool(tmp_path, max_bytes=1_000_000),
        retry_delays=(),
        replay_interval=0.02,
    )
    await committer.start()
    await asyncio.gather(*(committer.record(visit(n=n)) for n in range(5)))
    for _ in range(100):
        if not committer.spooling:
            break
        await asyncio.sleep(0.02)
    await committer.stop()
    assert len(store.rows) == 5


@pytest.mark.postgres
async def test_postgres_one_statement_writer_is_exact_and_idempotent(postgres_url: str) -> None:
    from tracking.storage.pg_writer import PgVisitWriter

    engine = create_engine(postgres_url)
    try:
        link = await migrated_link(engine, "pgw0001")
        writer = PgVisitWriter(engine, tz=ZoneInfo("Europe/Berlin"))
        batch = [visit(link.id, n) for n in range(4)] + [
            a_visit(
                link_id=link.id,
                at=NOW,
                kind=VisitKind.PREVIEW,
                channel="whatsapp",
                evidence="preview-fetcher",
                rule="whatsapp-preview",
                device=None,
                browser=None,
                os=None,
                country=None,
            )
        ]
        await writer.write_batch(batch, "c" * 32)
        await writer.write_batch(batch, "c" * 32)  # a replay of the same batch
        await writer.write_batch(batch[:1], "d" * 32)
        async with engine.connect() as connection:

            async def scalar(sql: str) -> Result[Any]:
                return await connection.execute(text(sql))

            assert (await scalar("SELECT count(*) FROM visits")).scalar_one() == 6
            totals = await scalar("SELECT kind, sum(visits) FROM rollup_daily_totals GROUP BY kind")
            assert dict(totals.tuples().all()) == {"click": 5, "preview": 1}
            dims = await scalar("SELECT sum(visits) FROM rollup_daily_dimensions WHERE dimension = 'device'")
            assert dims.scalar_one() == 6
            hourly = (await scalar("SELECT sum(visits) FROM rollup_hourly")).scalar_one()
            assert hourly == 6
    finally:
        await engine.dispose()
