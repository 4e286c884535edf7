"""Files that hold visitors' data or the visitor key are created 0600; the key is shared, never stored."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.storage.test_spool import visit
from tracking.core.visits import day_salt
from tracking.settings import Settings
from tracking.spool import VisitSpool
from tracking.storage.engine import create_engine
from tracking.storage.visitor_key import VisitorKeyError, key_file, load_visitor_key


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_sqlite_file_and_its_wal_are_created_0600(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}")
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE t (x int)")
            await connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        files = {name: mode(tmp_path / name) for name in ("lantern.db", "lantern.db-wal")}
    finally:
        await engine.dispose()
    assert files["lantern.db"] == 0o600 and files["lantern.db-wal"] == 0o600, files


def test_spool_files_are_0600(tmp_path: Path) -> None:
    spool = VisitSpool(tmp_path / "spool", max_bytes=1_000_000)
    written = spool.append([visit()], "a" * 32)
    assert mode(written) == 0o600 and mode(written.parent) == 0o700
    assert spool.state().visits == 1 and spool.state().batches == 1


def test_key_file_is_made_once_0600_beside_the_database_and_shared(tmp_path: Path, clean_env: None) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}")
    assert key_file(settings) == tmp_path / "lantern.db.key"
    with ThreadPoolExecutor(8) as pool:  # workers starting at once agree on one key
        keys = set(pool.map(lambda _: load_visitor_key(settings), range(8)))
    assert len(keys) == 1 and mode(tmp_path / "lantern.db.key") == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["lantern.db.key"]  # no temporary file left
    [key] = keys
    assert day_salt(key, date(2026, 12, 1)) != day_salt(key, date(2026, 12, 2))


def test_the_setting_wins_and_must_be_long(tmp_path: Path, clean_env: None) -> None:
    secret = "s" * 40
    settings = Settings(database_url="postgresql://db/lantern", visitor_key=secret, spool_dir=str(tmp_path))
    assert load_visitor_key(settings) == secret.encode()
    assert not list(tmp_path.iterdir())
    assert (
        key_file(Settings(spool_dir=str(tmp_path), database_url="postgresql://db/x"))
        == tmp_path / "visitor.key"
    )
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(visitor_key="short")


def test_an_empty_key_file_is_a_clear_error(tmp_path: Path, clean_env: None) -> None:
    (tmp_path / "lantern.db.key").write_text("\n")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'lantern.db'}")
    with pytest.raises(VisitorKeyError, match="holds no key"):
        load_visitor_key(settings)
