"""Running Lantern the way users do for a drill: a scratch database, the CLI, the server's log.

The server helpers come from `bench.servers` (free ports, `lantern serve`
under a supervisor, its "served N redirects" and "worker N started" lines);
this module adds what drills need beyond a benchmark: PostgreSQL that may
be absent, row counts, API keys and CLI calls whose failures are the point.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import asyncpg
from sqlalchemy import make_url

from bench import pg
from bench.servers import LANTERN, ROOT, free_port, lantern_env

Backend = Literal["sqlite", "postgresql"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgresql")

#: A browser, so every visit of a drill is a click like a person's.
BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def postgres_available() -> bool:
    """True when the PostgreSQL server the tests and benchmarks use answers."""

    async def probe() -> bool:
        try:
            connection = await asyncpg.connect(pg.PG_DSN, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return False
        await connection.close()
        return True

    return asyncio.run(probe())


@dataclass(frozen=True)
class Scratch:
    """A throw-away database, the folder a drill writes into, and Lantern's environment for both."""

    backend: Backend
    url: str
    folder: Path
    env: dict[str, str]

    @property
    def port(self) -> int:
        return int(self.env["LANTERN_PORT"])

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sqlite_file(self) -> Path:
        """The SQLite file (only for the SQLite backend)."""
        assert self.backend == "sqlite"
        return Path(make_url(self.url).database or "")


@contextmanager
def scratch(backend: Backend, name: str, **extra_env: str) -> Iterator[Scratch]:
    """A fresh, migrated database and a free port; PostgreSQL databases are dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"lantern-drill-{name}-") as tmp:
        folder = Path(tmp)
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{folder / 'lantern.db'}"
            database = None
        else:
            database, url = asyncio.run(pg.create_database(prefix=f"lantern_drill_{name.replace('-', '_')}"))
        env = lantern_env(url, free_port())
        env.update(extra_env)
        try:
            cli(env, "db", "upgrade", folder=folder, check=True)
            yield Scratch(backend, url, folder, env)
        finally:
            if database is not None:
                asyncio.run(pg.drop_database(database))


def cli(
    env: dict[str, str], *args: str, folder: Path | None = None, check: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`lantern ARGS…` as a user types it; `check` turns a failure into an exception with its stderr."""
    done = subprocess.run(
        [LANTERN, *args], env=env, cwd=folder, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"lantern {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def api_key(target: Scratch) -> str:
    """A fresh API key from `lantern api-key create`."""
    return cli(target.env, "api-key", "create", "drills", folder=target.folder, check=True).stdout.strip()


async def count_rows(url: str, table: str, where: str = "") -> int:
    """Rows of one table, read with a plain driver (not Lantern's code, which is under test)."""
    if table not in {"links", "visits", "sharers", "api_keys"}:
        raise ValueError(f"not a table a drill counts: {table}")
    query = f"SELECT count(*) FROM {table} {where}"  # noqa: S608 - a constant table name, checked above
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database or "", timeout=30) as connection:
            return int(connection.execute(query).fetchone()[0])
    connection = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        return int(await connection.fetchval(query))
    finally:
        await connection.close()


def wait_for_log(log: Path, pattern: str, count: int = 1, timeout: float = 30.0) -> list[re.Match[str]]:
    """Block until the server's log holds `count` matches of `pattern`; return them."""
    deadline = time.monotonic() + timeout
    while True:
        found = list(re.finditer(pattern, log.read_text(errors="replace")))
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"{count}× /{pattern}/ not in {log} after {timeout}s")
        time.sleep(0.05)


#: Where the server log of a failing drill is kept (its scratch folder is deleted).
KEPT_LOGS = Path(tempfile.gettempdir()) / "lantern-drill-logs"


def log_errors(log: Path, limit: int = 3) -> str:
    """The distinct error lines of a server log (ERROR records, exception lines), for a failure message."""
    found: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        is_exception = re.match(r"^[\w.]+(Error|Exception|Timeout)\b.*:", line)
        if (" ERROR " in line or is_exception) and line not in found:
            found.append(line[:300])
    return " | ".join(found[:limit]) or "no errors logged"


def keep_log(log: Path, name: str) -> Path:
    """Copy a failing drill's server log out of its scratch folder; where it now is."""
    KEPT_LOGS.mkdir(exist_ok=True)
    kept = KEPT_LOGS / f"{name}-{time.strftime('%H%M%S')}.log"
    shutil.copy(log, kept)
    return kept


__all__ = [
    "BACKENDS",
    "BROWSER",
    "LANTERN",
    "ROOT",
    "Backend",
    "Scratch",
    "api_key",
    "cli",
    "count_rows",
    "keep_log",
    "log_errors",
    "postgres_available",
    "scratch",
    "wait_for_log",
]
