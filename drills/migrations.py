"""Drill 8a: the real `alembic` command — upgrade head, downgrade -1, upgrade head — with data present.

Links and visits are made through Lantern first (CLI and redirects), then
Alembic runs with the repository's alembic.ini and LANTERN_DATABASE_URL,
as an operator would. An upgrade must keep every row; a downgrade that
stays above the first revision must too. (While 0001 is the only revision,
`downgrade -1` means "to base": it drops the schema, and the drill checks
that the schema then comes back whole and Lantern works on it.)
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
from alembic.script import ScriptDirectory
from sqlalchemy import make_url

from bench.servers import lantern, shorten
from drills.harness import ROOT, Backend, Scratch, cli, count_rows, postgres_available, scratch
from drills.load import steady_load
from drills.result import DrillResult, skipped
from tracking.storage.migrate import MIGRATIONS

ALEMBIC = str(Path(sys.executable).with_name("alembic"))
ALEMBIC_INI = ROOT / "alembic.ini"
VISITS = 300


def revisions() -> tuple[str, str | None]:
    """The head revision and the one below it (None when the head is the first)."""
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    below = script.get_revision(head).down_revision
    return head, below if isinstance(below, str) or below is None else ",".join(below)


def alembic(target: Scratch, *args: str) -> subprocess.CompletedProcess[str]:
    """`alembic -c alembic.ini ARGS…` from the repository root, on the drill's database."""
    return subprocess.run(
        [ALEMBIC, "-c", str(ALEMBIC_INI), *args],
        cwd=ROOT,
        env=target.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def current(target: Scratch) -> str | None:
    """The revision `alembic current` reports (None at base)."""
    out = alembic(target, "current").stdout
    found = re.search(r"^(\w+)", out, re.MULTILINE)
    return found.group(1) if found else None


async def has_table(url: str, table: str) -> bool:
    """Whether a table exists, asked without Lantern's code."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database or "") as connection:
            query = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
            return bool(connection.execute(query, (table,)).fetchone()[0])
    connection = await asyncpg.connect(parsed.set(drivername="postgresql").render_as_string(False))
    try:
        return bool(await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", table))
    finally:
        await connection.close()


async def _counts(url: str) -> tuple[int, int]:
    return await count_rows(url, "links"), await count_rows(url, "visits")


def _make_data(target: Scratch) -> None:
    """Links through the CLI, visits through the tracker."""
    slugs = [shorten(target.env, f"https://example.com/migrate/{n}") for n in range(3)]
    with lantern(target.env, 1, target.folder / "serve.log"):
        for slug in slugs:
            asyncio.run(steady_load(target.origin, slug, total=VISITS // len(slugs), rate=300))


def _works(target: Scratch) -> bool:
    """After the migrations, Lantern still shortens and records a visit."""
    slug = shorten(target.env, "https://example.com/after-migrations")
    before = asyncio.run(count_rows(target.url, "visits"))
    with lantern(target.env, 1, target.folder / "serve-after.log"):
        report = asyncio.run(steady_load(target.origin, slug, total=5, rate=50))
    return report.redirects == 5 and asyncio.run(count_rows(target.url, "visits")) == before + 5


def drill(backend: Backend) -> DrillResult:
    """The three Alembic commands on one database holding links and visits."""
    result = DrillResult(f"8. alembic upgrade/downgrade -1/upgrade with data ({backend})")
    head, below = revisions()
    steps: list[str] = []
    with scratch(backend, "migrate") as target:
        _make_data(target)
        links, visits = asyncio.run(_counts(target.url))
        result.expect(links == 3 and visits == VISITS, f"data made: {links} links, {visits} visits")
        plan = [("upgrade", "head", head), ("downgrade", "-1", below), ("upgrade", "head", head)]
        for step, (command, revision, expected) in enumerate(plan):
            done = alembic(target, command, revision)
            now = current(target)
            steps.append(f"`alembic {command} {revision}` → exit {done.returncode}, at {now or 'base'}")
            result.expect(done.returncode == 0, f"alembic {command} {revision} failed: {done.stderr[-300:]}")
            result.expect(now == expected, f"after {command} {revision}: at {now}, expected {expected}")
            has_links = asyncio.run(has_table(target.url, "links"))
            if now is None:
                result.expect(not has_links, "at base, the links table is still there")
            elif step == 2 and below is None:
                result.expect(has_links, "the upgrade from base did not recreate the links table")
            else:
                kept = asyncio.run(_counts(target.url))
                result.expect(kept == (links, visits), f"after {command}: {kept} rows, had {(links, visits)}")
        works = _works(target)
        result.expect(works, "Lantern could not shorten and record a visit after the migrations")
        final = cli(target.env, "db", "upgrade", folder=target.folder)
        result.expect(final.returncode == 0, f"`lantern db upgrade` afterwards failed: {final.stderr[-200:]}")
    result.requests = 3
    result.visits_stored = visits
    result.lost = 0 if not result.failures else None
    kept_note = (
        f"downgrade -1 from {head} goes to base (the only revision), so it drops the tables and their "
        "rows by design; the upgrade recreated the schema"
        if below is None
        else f"every row kept through downgrade to {below}"
    )
    result.figure = (
        f"{links} links and {visits} visits made through Lantern; " + "; ".join(steps) + f"; {kept_note}; "
        f"Lantern {'shortens and records visits' if works else 'FAILS'} afterwards"
    )
    return result


def run() -> list[DrillResult]:
    """On SQLite, and on PostgreSQL when its server is up."""
    rows = [drill("sqlite")]
    if postgres_available():
        rows.append(drill("postgresql"))
    else:
        rows.append(
            skipped("8. alembic upgrade/downgrade/upgrade (postgresql)", "PostgreSQL is not reachable")
        )
    return rows
