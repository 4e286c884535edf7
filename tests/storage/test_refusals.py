"""The group committer splits a batch refused for its data and spools one the database cannot take."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import asyncpg
from sqlalchemy import exc as sa_exc

from tests.storage.test_spool import visit
from tracking.core.visits import Visit
from tracking.recording import GroupCommitter
from tracking.spool import VisitSpool
from tracking.storage.refusals import refused_for_its_data


class PickyStore:
    """Refuses every batch holding a visit whose user agent says "bad" (like a CHECK constraint)."""

    def __init__(self) -> None:
        self.rows: list[Visit] = []
        self.ids: set[str] = set()
        self.quarantined: dict[str, tuple[Visit, str]] = {}
        self.writes = 0
        self.down = False

    async def write(self, batch: Sequence[Visit], batch_id: str | None = None) -> None:
        self.writes += 1
        if self.down:
            raise ConnectionRefusedError("database is down")
        if any("bad" in (v.user_agent or "") for v in batch):
            raise sqlite3.IntegrityError("CHECK constraint failed: no bad agents")
        assert batch_id is not None
        if batch_id not in self.ids:
            self.ids.add(batch_id)
            self.rows.extend(batch)

    async def quarantine(self, item: Visit, *, reason: str, row_id: str) -> None:
        if self.down:
            raise ConnectionRefusedError("database is down")
        self.quarantined.setdefault(row_id, (item, reason))


def test_data_errors_are_told_from_connection_errors() -> None:
    assert refused_for_its_data(UnicodeEncodeError("utf-8", "\udce9", 0, 1, "surrogates not allowed"))
    assert refused_for_its_data(asyncpg.StringDataRightTruncationError("value too long"))
    assert refused_for_its_data(sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("fk")))
    wrapped = sa_exc.DBAPIError("INSERT", {}, asyncpg.DataError("invalid input"))
    assert refused_for_its_data(wrapped)
    assert not refused_for_its_data(sqlite3.OperationalError("database is locked"))
    assert not refused_for_its_data(ConnectionRefusedError("down"))
    assert not refused_for_its_data(sa_exc.OperationalError("SELECT", {}, OSError("gone")))


async def test_one_bad_visit_costs_a_few_writes_and_stores_the_rest(tmp_path: Path) -> None:
    store = PickyStore()
    committer: GroupCommitter[Visit] = GroupCommitter(
        store.write,
        spool=VisitSpool(tmp_path, max_bytes=1_000_000),
        refused_for_data=refused_for_its_data,
        quarantine=store.quarantine,
    )
    await committer.start()
    batch = [visit(n=n) for n in range(64)]
    batch[37] = replace(batch[37], user_agent="bad agent")
    await asyncio.gather(*(committer.record(v) for v in batch))
    await committer.stop()
    assert len(store.rows) == 63 and not committer.spooling
    [(item, reason)] = store.quarantined.values()
    assert item.user_agent == "bad agent" and "CHECK constraint failed" in reason
    assert store.writes <= 1 + 2 * 6  # halves down to one visit: two writes per level, not 64
    assert committer.items_quarantined == 1


async def test_a_database_that_goes_down_while_splitting_gets_the_whole_batch_spooled(tmp_path: Path) -> None:
    store = PickyStore()
    down_after = 3

    async def write(batch: Sequence[Visit], batch_id: str | None = None) -> None:
        nonlocal down_after
        down_after -= 1
        store.down = down_after < 0
        await store.write(batch, batch_id)

    committer: GroupCommitter[Visit] = GroupCommitter(
        write,
        spool=VisitSpool(tmp_path, max_bytes=1_000_000),
        retry_delays=(),
        replay_interval=0.02,
        refused_for_data=refused_for_its_data,
        quarantine=store.quarantine,
    )
    await committer.start()
    batch = [visit(n=n) for n in range(16)]
    batch[3] = replace(batch[3], user_agent="bad agent")
    await asyncio.gather(*(committer.record(v) for v in batch))  # all answered: stored or spooled
    assert committer.spooling
    down_after = 1_000
    store.down = False
    for _ in range(100):
        if not committer.spooling:
            break
        await asyncio.sleep(0.02)
    await committer.stop()
    # The halves written before the outage are skipped on replay by their ids: nothing twice, nothing lost.
    assert sorted(v.user_agent or "" for v in store.rows) == sorted(
        v.user_agent or "" for v in batch if v.user_agent != "bad agent"
    )
    assert len(store.quarantined) == 1


async def test_a_spooled_batch_even_the_quarantine_refuses_is_set_aside_not_retried(tmp_path: Path) -> None:
    store = PickyStore()

    async def refusing_quarantine(item: Visit, *, reason: str, row_id: str) -> None:
        raise sqlite3.IntegrityError("the quarantine refuses it too")

    spool = VisitSpool(tmp_path, max_bytes=1_000_000)
    spool.append([replace(visit(n=1), user_agent="bad agent")], "a" * 32)
    spool.append([visit(n=2)], "b" * 32)
    committer: GroupCommitter[Visit] = GroupCommitter(
        store.write,
        spool=spool,
        replay_interval=0.02,
        refused_for_data=refused_for_its_data,
        quarantine=refusing_quarantine,
    )
    await committer.start()
    for _ in range(100):
        if not committer.spooling:
            break
        await asyncio.sleep(0.02)
    await committer.stop()
    assert [v.user_agent for v in store.rows] == ["agent 2"]  # the batch behind it went through
    assert committer.spool_files_set_aside == 1
    assert [p.suffix for p in (tmp_path / "worker-0").iterdir()] == [".unreadable"]
