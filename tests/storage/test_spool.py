"""The visit spool: nothing accepted is lost while the database is away, nothing counted twice."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tracking.core.attribution import VisitKind
from tracking.core.links import NewLink
from tracking.core.visits import Visit
from tracking.recording import GroupCommitter, RecorderUnavailable
from tracking.spool import VisitSpool
from tracking.storage import migrate
from tracking.storage.engine import create_engine
from tracking.storage.links import SqlLinkRepository
from tracking.storage.visits import SqlVisitStore

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def visit(link_id: int = 1, n: int = 0) -> Visit:
    return Visit(
        link_id,
        NOW,
        "GET",
        VisitKind.CLICK,
        "email",
        "link-tag",
        None,
        1,
        f"agent {n}",
        None,
        None,
        None,
        "desktop",
        "Chrome",
        "Windows",
        "DE",
        False,
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
    first = spool.append([visit(n=1), visit(n=2)])
    second = spool.append([visit(n=3)])
    assert spool.pending() == [first, second]
    batch_id, visits = spool.load(first)
    assert [v.user_agent for v in visits] == ["agent 1", "agent 2"]
    assert visits[0] == visit(n=1) and len(batch_id) == 32
    again = VisitSpool(tmp_path, max_bytes=1_000_000)  # a restarted process sees the same files
    assert again.pending() == [first, second]
    again.append([visit(n=4)])
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
    VisitSpool(tmp_path, max_bytes=1_000_000).append([visit(n=7)])
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
    try:
        await migrate.upgrade(engine)
        link = await SqlLinkRepository(engine).insert_link(
            NewLink(
                slug="spool01",
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
        store = SqlVisitStore(engine, tz=ZoneInfo("UTC"))
        batch = [visit(link.id, n) for n in range(3)]
        await store.write_batch(batch, "a" * 32)
        await store.write_batch(batch, "a" * 32)
        await store.write_batch(batch, "b" * 32)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM visits"))).scalar_one() == 6
            total = await connection.execute(text("SELECT sum(visits) FROM rollup_daily_totals"))
            assert total.scalar_one() == 6
    finally:
        await engine.dispose()
