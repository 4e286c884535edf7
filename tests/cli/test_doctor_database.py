"""`lantern doctor`'s database line: reachable and migrated, checked without changing anything."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lantern.doctor import Status, check_database
from tracking.settings import Settings
from tracking.storage import migrate
from tracking.storage.engine import create_engine


async def test_database_line_on_each_backend(database_url: str, clean_env: None) -> None:
    settings = Settings(database_url=database_url)
    if settings.is_sqlite:
        [missing] = await check_database(settings)
        assert missing.status is Status.FAIL and "creates it" in missing.message
        await asyncio.to_thread(Path(database_url.split("///", 1)[1]).touch)  # an empty file: no tables
    [empty] = await check_database(settings)
    assert (empty.status, empty.message.endswith("has no tables yet; run `lantern db upgrade`")) == (
        Status.FAIL,
        True,
    )
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        assert await migrate.stored_revisions(engine) == migrate.head_revisions()
    finally:
        await engine.dispose()
    [ready] = await check_database(settings)
    assert ready.status is Status.OK and "is reachable and at revision" in ready.message


async def test_an_unknown_postgres_database_is_one_line(postgres_url: str, clean_env: None) -> None:
    [line] = await check_database(Settings(database_url=postgres_url + "_missing"))
    assert line.status is Status.FAIL
    assert "does not exist" in line.message and "LANTERN_DATABASE_URL" in line.message
